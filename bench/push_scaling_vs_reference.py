#!/usr/bin/python3
"""How push cost grows with store size: the Go reference Pushgateway against our core.

In one run, side by side:

  reference  /usr/bin/prometheus-pushgateway on a free 127.0.0.1 port, in memory only. N timed
             PUTs of a realistic batch-job body (2.5 KB, 39 series; byte for byte the bodies
             of jobPayload() in bench_core.cpp) into the empty gateway (each probe group is
             deleted again, untimed, so the store stays empty); then the gateway is
             filled to ~100,000 series (2,440 more groups of that body, 41 series each with
             the push-time gauges); then the same N PUTs again, timed. Latency is measured at
             the client over one keep-alive HTTP connection, so it includes HTTP and the client.
  ours       bench_core (built with -DQPGW_BUILD_BENCH=ON) is run and its "into an empty
             store" / "into a store of ~100k series" lines are parsed. It calls
             MetricStore::push() directly: no HTTP yet.

Only the RATIOS (full / empty) are comparable between the two sides.

Standard library only, loopback only, bounded in time: if filling the reference to ~100k
series does not fit the time budget, the fill stops early and the series count reached is
printed. The reference process is stopped at the end, on any error, on Ctrl-C and SIGTERM.

Usage: /usr/bin/python3 bench/push_scaling_vs_reference.py [BENCH_CORE] [--pushes N]
       [--target-series S | --fill-groups G] [--budget SECONDS] [--skip-ours]
"""

import argparse
import decimal
import http.client
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REFERENCE = "/usr/bin/prometheus-pushgateway"
DEFAULT_BENCH_CORE = "/work/main/build-bench/bench/bench_core"
HOST = "127.0.0.1"
# The reference adds push_time_seconds and push_failure_time_seconds to every group.
GAUGES_PER_GROUP = 2


def fmt_g(value):
    """QByteArray::number(double) with its defaults ('g', precision 6), as bench_core uses.

    Qt rounds a tie half up (4194305 -> 4.19431e+06), Python's format() half to even."""
    rounded = decimal.Context(prec=6, rounding=decimal.ROUND_HALF_UP).create_decimal(value)
    return format(float(rounded), ".6g")


def job_payload(job):
    """The same body as jobPayload() in bench_core.cpp: ~3 KB, 42 series."""
    out = []
    out.append("# HELP batch_records_processed_total Records processed by the last run.\n"
               "# TYPE batch_records_processed_total counter\n")
    for stage in ("extract", "transform", "load"):
        out.append('batch_records_processed_total{stage="%s"} %d\n' % (stage, job * 1013 + 7))
    out.append("# HELP batch_last_success_timestamp_seconds When the last run succeeded.\n"
               "# TYPE batch_last_success_timestamp_seconds gauge\n"
               "batch_last_success_timestamp_seconds 1.7637e+09\n"
               "# HELP batch_duration_seconds How long the run took.\n"
               "# TYPE batch_duration_seconds histogram\n")
    cumulative = 0
    for bound in ("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"):
        cumulative += job % 7 + 1
        out.append('batch_duration_seconds_bucket{le="%s"} %d\n' % (bound, cumulative))
    out.append("batch_duration_seconds_sum %s\n" % fmt_g(cumulative * 0.731))
    out.append("batch_duration_seconds_count %d\n" % cumulative)
    out.append("# HELP batch_row_size_bytes Size of processed rows.\n"
               "# TYPE batch_row_size_bytes summary\n"
               'batch_row_size_bytes{quantile="0.5"} 512\n'
               'batch_row_size_bytes{quantile="0.9"} 2048\n'
               'batch_row_size_bytes{quantile="0.99"} 8191.5\n'
               "batch_row_size_bytes_sum 1.2345678e+07\n"
               "batch_row_size_bytes_count 24113\n"
               "# TYPE batch_worker_memory_bytes gauge\n")
    for worker in range(16):
        out.append('batch_worker_memory_bytes{worker="w%d",shard="%d"} %s\n'
                   % (worker, job, fmt_g(1048576.0 * (worker + 1) + job)))
    return "".join(out).encode()


def series_in(body):
    """(samples, metrics) of a text body.

    samples: sample lines, the series a scrape shows and the reference counts;
    metrics: what bench_core and MetricStore::seriesCount() count, where a histogram or a
    summary with all its buckets / quantiles, _sum and _count is one."""
    types = {}
    samples = 0
    metrics = set()
    for line in body.decode().splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind.strip()
            continue
        if not line or line.startswith("#"):
            continue
        samples += 1
        name, _, rest = line.partition("{")
        name = name.split(" ")[0]
        labels = rest.rpartition("}")[0] if rest else ""
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[: -len(suffix)]
            if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
                family = base
        kept = tuple(sorted(l for l in labels.split(",") if l and not l.startswith(("le=", "quantile="))))
        metrics.add((family, kept))
    return samples, len(metrics)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100.0 * len(ordered)) - 1)]


class Client:
    """One keep-alive HTTP/1.1 connection to the gateway; reconnects if the server closes it."""

    def __init__(self, port, timeout=60.0):
        self.port = port
        self.timeout = timeout
        self.conn = None
        self.reconnects = -1

    def _connect(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reconnects += 1

    def request(self, method, path, body=None, headers=None):
        """Returns (status, body, seconds). The time covers send, server work and full read."""
        headers = headers or {}
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            try:
                start = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                seconds = time.perf_counter() - start
                if response.will_close:
                    self.conn.close()
                    self.conn = None
                return response.status, data, seconds
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.ResponseNotReady):
                # A keep-alive connection the server dropped: reconnect once, untimed.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def put(self, path, body):
        status, data, seconds = self.request(
            "PUT", path, body, {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})
        if status not in (200, 202):
            raise RuntimeError("PUT %s -> %d: %s" % (path, status, data.decode(errors="replace")[:500]))
        return seconds

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def stop(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def log(message):
    print(message, flush=True)


def run_ours(bench_core, timeout):
    """Runs bench_core and returns a dict with its push figures, or an error string."""
    if not os.access(bench_core, os.X_OK):
        return {"error": "%s not found or not executable (build it with -DQPGW_BUILD_BENCH=ON)" % bench_core}
    log("ours: running %s (up to %d s) ..." % (bench_core, timeout))
    start = time.monotonic()
    process = subprocess.Popen([bench_core], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": "bench_core did not finish within %d s" % timeout}
    finally:
        # On a timeout or Ctrl-C: kill it and reap it before going on.
        if process.poll() is None:
            process.kill()
            process.wait()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    elapsed = time.monotonic() - start
    log("ours: bench_core finished in %.1f s with exit code %d; its output:" % (elapsed, done.returncode))
    for line in done.stdout.splitlines():
        log("  | " + line)
    for line in done.stderr.splitlines():
        log("  ! " + line)
    result = {"stdout": done.stdout}
    if done.returncode != 0:
        name = ""
        if done.returncode < 0:
            try:
                name = " (%s)" % signal.Signals(-done.returncode).name
            except ValueError:
                pass
        result["error"] = "bench_core exited with code %d%s" % (done.returncode, name)
        return result
    pattern = r"%s\s+([0-9.]+)\s*us\s+\(store then holds (\d+) series\)"
    empty = re.search(pattern % re.escape("into an empty store"), done.stdout)
    full = re.search(pattern % re.escape("into a store of ~100k series"), done.stdout)
    ratio = re.search(r"ratio full / empty\s+([0-9.]+)", done.stdout)
    if not empty or not full:
        result["error"] = "could not find the push lines in bench_core's output"
        return result
    result.update(empty_us=float(empty.group(1)), empty_series=int(empty.group(2)),
                  full_us=float(full.group(1)), full_series=int(full.group(2)))
    result["ratio"] = float(ratio.group(1)) if ratio else result["full_us"] / result["empty_us"]
    return result


def reference_version():
    try:
        out = subprocess.run([REFERENCE, "--version"], capture_output=True, text=True, timeout=10)
        text = (out.stdout + out.stderr).strip().splitlines()
        return text[0] if text else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def timed_pushes(client, bodies, label):
    """PUTs each body to a new probe group, timed, and deletes the group again, untimed.

    Deleting keeps the store at exactly its size for every timed PUT: kept, the probe groups
    alone would grow the "empty" gateway to N groups while it is measured, and since the
    reference's cost grows with its store, that would inflate the empty-store figure."""
    latencies = []
    for i, body in enumerate(bodies):
        path = "/metrics/job/probe/instance/%d" % i
        latencies.append(client.put(path, body))
        # The reference answers a DELETE (202) before applying it, but its store applies
        # writes in order: the next PUT is checked against a store without this group.
        status, data, _ = client.request("DELETE", path)
        if status not in (200, 202):
            raise RuntimeError("DELETE %s -> %d: %s" % (path, status, data.decode(errors="replace")[:200]))
    median = statistics.median(latencies)
    p90 = percentile(latencies, 90)
    log("reference: %d PUTs %s: median %.3f ms, p90 %.3f ms, min %.3f ms, max %.3f ms"
        % (len(latencies), label, median * 1e3, p90 * 1e3, min(latencies) * 1e3, max(latencies) * 1e3))
    return {"median": median, "p90": p90, "n": len(latencies)}


def count_exposed(client):
    """Scrapes /metrics once; returns (pushed series, all series, seconds, bytes)."""
    status, data, seconds = client.request("GET", "/metrics", headers={"Accept": "text/plain"})
    if status != 200:
        raise RuntimeError("GET /metrics -> %d: %s" % (status, data.decode(errors="replace")[:500]))
    pushed = total = 0
    for line in data.decode().splitlines():
        if not line or line.startswith("#"):
            continue
        total += 1
        if 'job="probe"' in line or 'job="load"' in line:
            pushed += 1
    return pushed, total, seconds, len(data)


def run_reference(args, bodies, fill_groups, per_group, deadline):
    port = free_port()
    probe = [bodies[i % len(bodies)] for i in range(args.pushes)]
    result = {"version": reference_version(), "fill_planned": fill_groups}

    with tempfile.TemporaryDirectory(prefix="qpgw-ref-") as tmp:
        log_path = os.path.join(tmp, "pushgateway.log")
        process = None
        client = None
        with open(log_path, "wb") as log_file:
            try:
                # --persistence.file= is needed: the Debian build defaults to
                # /var/lib/prometheus/pushgateway.data. Own session: Ctrl-C reaches only this
                # script, and the finally below stops the gateway.
                process = subprocess.Popen(
                    [REFERENCE, "--web.listen-address=%s:%d" % (HOST, port), "--persistence.file=",
                     "--log.level=warn"],
                    stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                    start_new_session=True, cwd=tmp)
                log("reference: %s, pid %d, listening on %s:%d (in memory only)"
                    % (result["version"], process.pid, HOST, port))
                wait_ready(process, port, log_path)
                client = Client(port)

                # Warm-up (untimed), then an empty gateway again.
                for i in range(10):
                    client.put("/metrics/job/warmup/instance/%d" % i, bodies[i])
                for i in range(10):
                    status, _, _ = client.request("DELETE", "/metrics/job/warmup/instance/%d" % i)
                    if status not in (200, 202):
                        raise RuntimeError("DELETE warm-up group -> %d" % status)

                result["empty"] = timed_pushes(client, probe, "into the empty gateway")
                result["fill"] = fill(client, bodies, fill_groups, per_group, args, deadline)
                result["full"] = timed_pushes(client, probe, "into the filled gateway")
                pushed, total, scrape_s, scrape_bytes = count_exposed(client)
                result.update(exposed_pushed=pushed, exposed_total=total, scrape_s=scrape_s,
                              scrape_bytes=scrape_bytes)
                log("reference: one scrape of /metrics: %d series (%d pushed), %.1f MB, %.0f ms"
                    % (total, pushed, scrape_bytes / 1e6, scrape_s * 1e3))
                if process.poll() is not None:
                    raise RuntimeError("the reference exited with code %d" % process.returncode)
                result["reconnects"] = client.reconnects
            finally:
                if client is not None:
                    client.close()
                stop(process)
                if process is not None and process.returncode not in (None, 0, -signal.SIGTERM):
                    log("reference: exit code %s" % process.returncode)
        with open(log_path, "rb") as f:
            result["log_tail"] = f.read().decode(errors="replace").strip().splitlines()[-10:]
    for line in result["log_tail"]:
        log("reference log: " + line)
    return result


def wait_ready(process, port, log_path, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with open(log_path, "rb") as f:
                raise RuntimeError("the reference exited with code %d before it was ready:\n%s"
                                   % (process.returncode, f.read().decode(errors="replace")))
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            try:
                conn.request("GET", "/-/ready")
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    return
            finally:
                conn.close()
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the reference did not answer /-/ready within %.0f s" % timeout)


def fill(client, bodies, groups, per_group, args, deadline):
    """PUTs `groups` groups of the job body, or fewer if the time budget runs out.

    Stops early when what is left of the budget would not cover the timed pushes into the
    filled gateway at the current cost per push (with a margin)."""
    log("reference: filling with %d groups of %d series (~%d series) ..."
        % (groups, per_group, groups * per_group))
    start = time.monotonic()
    recent = []
    done = 0
    stopped_early = False
    for g in range(groups):
        seconds = client.put("/metrics/job/load/instance/%d" % g, bodies[g % len(bodies)])
        done += 1
        recent.append(seconds)
        if len(recent) > 50:
            recent.pop(0)
        if done % 100 == 0 or done == groups:
            log("  %5d / %d groups, %6d series stored, last 50 PUTs %6.2f ms mean, %4.0f s elapsed"
                % (done, groups, done * per_group, statistics.mean(recent) * 1e3,
                   time.monotonic() - start))
        reserve = 1.5 * args.pushes * statistics.mean(recent) + 15.0
        if done < groups and time.monotonic() + reserve > deadline:
            stopped_early = True
            log("  TIME BUDGET REACHED after %d of %d groups (%.0f s of filling): stopping here"
                % (done, groups, time.monotonic() - start))
            break
    return {"groups": done, "series": done * per_group,
            "seconds": time.monotonic() - start, "stopped_early": stopped_early,
            "last_mean": statistics.mean(recent)}


def print_table(ref, ours, args, shape):
    samples, metrics = shape["samples"], shape["metrics"]
    width = 104
    log("")
    log("=" * width)
    log("Push cost against store size. Body: %d series (%d as bench_core counts them: a histogram or"
        % (samples, metrics))
    log("summary is one), %.0f bytes on average; every stored group adds the 2 push-time gauges."
        % shape["bytes"])
    log("=" * width)
    row = "%-29s %-22s %-32s %s"
    log(row % ("side", "into an empty store", "into a full store", "ratio full/empty"))
    log("-" * width)
    if ref and "full" in ref:
        e, f, fl = ref["empty"], ref["full"], ref["fill"]
        version = re.search(r"version (\S+)", ref["version"])
        log(row % ("reference %s" % (version.group(1) if version else ""),
                   "median %8.3f ms" % (e["median"] * 1e3), "median %8.3f ms" % (f["median"] * 1e3),
                   "%.2f (median)" % (f["median"] / e["median"])))
        log(row % ("  HTTP PUT, measured at the", "p90    %8.3f ms" % (e["p90"] * 1e3),
                   "p90    %8.3f ms" % (f["p90"] * 1e3), "%.2f (p90)" % (f["p90"] / e["p90"])))
        log(row % ("  client, %d PUTs each" % e["n"], "0 series",
                   "%d series (%d groups)" % (fl["series"], fl["groups"]), ""))
    else:
        log("%-29s %s" % ("reference", "no result: " + (ref or {}).get("error", "did not run")))
    log("")
    if ours and "error" not in ours:
        per_group_metrics = metrics + 2
        full_groups = ours["full_series"] // per_group_metrics
        empty_groups = ours["empty_series"] // per_group_metrics
        log(row % ("ours, bench_core", "median %8.2f us" % ours["empty_us"],
                   "median %8.2f us" % ours["full_us"], "%.2f (median)" % ours["ratio"]))
        log(row % ("  MetricStore::push, no HTTP", "(its 'series': %d)" % ours["empty_series"],
                   "(its 'series': %d)" % ours["full_series"], ""))
        log(row % ("  median of 7 x 1000 PUTs", "0 -> %d series" % (empty_groups * (samples + 2)),
                   "%d series (%d groups)" % (full_groups * (samples + 2), full_groups), ""))
    else:
        log("%-29s %s" % ("ours, bench_core", "no result: " + (ours or {}).get("error", "did not run")))
    log("-" * width)
    log("Series are counted as a scrape shows them (one per sample line) on both sides.")
    log("NOTE: the reference's figures are HTTP round trips measured by this Python client over one")
    log("keep-alive connection (HTTP, text parsing, the client and loopback included); ours call")
    log("MetricStore::push() with an already parsed body and no HTTP (the HTTP server is a later issue).")
    log("Absolute numbers are NOT comparable; only the RATIOS full/empty are.")
    if ours and "error" not in ours:
        log("bench_core's 'empty store' is empty only at the start: its 1,000 probe groups stay in it")
        log("while it repeats the pushes; bench_core's store size is in its own unit (see the body line).")
    if ref and "fill" in ref:
        fl = ref["fill"]
        log("Reference: each timed PUT creates a probe group that is deleted again (untimed) before"
            " the next, so the store holds exactly 0 or the %d fill groups; a scrape after the run"
            " counted %d pushed series (%d in all) and took %.0f ms."
            % (fl["groups"], ref.get("exposed_pushed", -1), ref.get("exposed_total", -1),
               ref.get("scrape_s", 0) * 1e3))
        if fl["stopped_early"]:
            log("THE FILL DID NOT REACH THE TARGET within the time budget: it stopped at %d of %d groups"
                " (%d series) after %.0f s, the last fill PUTs costing %.1f ms each. That slowdown is"
                " itself the finding: the reference re-checks its whole store on every push."
                % (fl["groups"], ref["fill_planned"], fl["series"], fl["seconds"], fl["last_mean"] * 1e3))
        else:
            log("Filling the reference took %.0f s for %d PUTs; the last ones cost %.1f ms each."
                % (fl["seconds"], fl["groups"], fl["last_mean"] * 1e3))
        if ref.get("reconnects"):
            log("The client had to reconnect %d times (the server closed the keep-alive connection)."
                % ref["reconnects"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_core_pos", nargs="?", metavar="BENCH_CORE",
                        help="path of bench_core (same as --bench-core)")
    parser.add_argument("--bench-core", default=None, help="default: %s" % DEFAULT_BENCH_CORE)
    parser.add_argument("--pushes", type=int, default=200, help="timed PUTs per store size (default 200)")
    parser.add_argument("--target-series", type=int, default=100_000,
                        help="series (sample lines) to fill the reference with (default 100000)")
    parser.add_argument("--fill-groups", type=int, default=None,
                        help="fill the reference with exactly this many groups instead "
                             "(bench_core's full store has 4167)")
    parser.add_argument("--budget", type=float, default=540.0,
                        help="seconds for the whole run, bench_core included (default 540)")
    parser.add_argument("--skip-ours", action="store_true", help="do not run bench_core")
    args = parser.parse_args()
    bench_core = args.bench_core or args.bench_core_pos or DEFAULT_BENCH_CORE

    # Ctrl-C, SIGTERM and SIGHUP unwind, so every finally runs and the gateway is stopped.
    # SIGINT is set explicitly: a shell starts background jobs with it ignored. SIGHUP stays
    # ignored if it was (nohup).
    def unwind(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, unwind)
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        signal.signal(signal.SIGHUP, unwind)

    started = time.monotonic()
    deadline = started + args.budget
    bodies = [job_payload(job) for job in range(1000)]
    samples, metrics = series_in(bodies[0])
    shape = {"samples": samples, "metrics": metrics, "bytes": statistics.mean(len(b) for b in bodies)}
    per_group = samples + GAUGES_PER_GROUP
    fill_groups = args.fill_groups if args.fill_groups is not None else args.target_series // per_group + 1
    ours = None
    ref = None
    try:
        if not args.skip_ours:
            # Ours first, alone on the machine; bounded to a third of the budget.
            ours = run_ours(bench_core, timeout=max(30, int(args.budget / 3)))
            log("")
        try:
            ref = run_reference(args, bodies, fill_groups, per_group, deadline)
        except (RuntimeError, OSError, http.client.HTTPException) as error:
            ref = {"error": "%s: %s" % (type(error).__name__, error)}
            log("reference: FAILED: %s" % ref["error"])
    except KeyboardInterrupt:
        log("\ninterrupted: the reference gateway (if started) has been stopped")
        return 130
    print_table(ref, ours, args, shape)
    log("\nwhole run: %.0f s" % (time.monotonic() - started))
    ok = ref is not None and "full" in ref and (args.skip_ours or (ours is not None and "error" not in ours))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
