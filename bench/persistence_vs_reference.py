#!/usr/bin/python3
"""Persistence, side by side: our gateway (qpushgateway-headless) against the Go reference.

Two parts, one run, one table:

  1. push throughput at 1,000 resident groups, the workload of http_vs_reference.py (each
     group a batch job's text body of 21 series with a 10-bucket histogram; wrk with 16
     connections POSTing one body to random existing groups, bench/http_push.lua, for a fixed
     time after an untimed warm-up), for five servers, each started fresh: ours without
     persistence, ours with --persistence.sync=always (a change is answered once fsync'ed),
     ours with --persistence.sync=interval (answered once written, fsync every second), the
     reference without persistence and the reference with a persistence file (its default 5m
     interval: it writes the whole file periodically and at shutdown, nothing per push);
  2. snapshot and restore of ~100,000 series (4,350 groups of 23 series): fill, SIGTERM, take
     the shutdown time, the file size and (ours) the "metrics persisted" duration_ms from the
     log; start again on the same file, take the time until /-/ready answers 200 and (ours) the
     "metrics restored" duration_ms, and check that a scrape shows exactly the same samples.

Ours runs with --persistence.sync=interval in part 2 (to fill fast; the snapshot does not
depend on it). The reference's fill is quadratic (it re-checks its whole store on every push):
about three minutes for 4,350 groups on 2 cores; it stops early if --budget runs short.

The machine has 2 cores: by default the server runs on CPU 1 and this script and wrk on CPU 0
(affinity set before exec, so the Go runtime runs with GOMAXPROCS=1). The persistence files go
to a temporary directory (--tmpdir); on tmpfs an fsync costs nothing, so the script says which
file system it is and warns on tmpfs. How many fsyncs a server did is not observable from
outside and is not reported.

Standard library only (the load is wrk, Debian package `wrk`); loopback only; bounded by
--budget; every started process is stopped at the end, on any error, on Ctrl-C and on SIGTERM.

Usage: /usr/bin/python3 bench/persistence_vs_reference.py [--duration S] [--snapshot-groups N] ...
"""

import argparse
import http.client
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = "/usr/bin/prometheus-pushgateway"
DEFAULT_OURS = os.path.join(os.path.dirname(HERE), "build-release", "headless", "qpushgateway-headless")
WRK = "/usr/bin/wrk"
LUA = os.path.join(HERE, "http_push.lua")
HOST = "127.0.0.1"
TEXT = "text/plain; version=0.0.4; charset=utf-8"

# Part 1: (server, persistence label, flags; {dir} is the run's own fresh directory).
LOAD_CONFIGS = [
    ("ours", "off", ["--persistence.file="]),
    ("ours", "always", ["--persistence.file={dir}/p.db", "--persistence.sync=always"]),
    ("ours", "interval", ["--persistence.file={dir}/p.db", "--persistence.sync=interval"]),
    ("reference", "off", ["--persistence.file="]),
    ("reference", "file, 5m", ["--persistence.file={dir}/ref.db"]),
]


def log(message=""):
    print(message, flush=True)


def job_body(n):
    """A batch job's metrics, text format: 21 series, a 10-bucket histogram among them (the
    body of http_vs_reference.py)."""
    out = ["# HELP bench_records_processed_total Records processed by the last run.\n"
           "# TYPE bench_records_processed_total counter\n"]
    for i, stage in enumerate(("extract", "transform", "load")):
        out.append('bench_records_processed_total{stage="%s"} %d\n' % (stage, n * 1013 + 7 * i))
    out.append("# HELP bench_errors_total Records that failed in the last run.\n"
               "# TYPE bench_errors_total counter\n"
               "bench_errors_total %d\n"
               "# HELP bench_last_success_timestamp_seconds When the last run succeeded.\n"
               "# TYPE bench_last_success_timestamp_seconds gauge\n"
               "bench_last_success_timestamp_seconds %d\n"
               "# HELP bench_duration_seconds How long the run took.\n"
               "# TYPE bench_duration_seconds histogram\n" % (n % 5, 1763700000 + n))
    cumulative = 0
    for bound in ("0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf"):
        cumulative += n % 7 + 1
        out.append('bench_duration_seconds_bucket{le="%s"} %d\n' % (bound, cumulative))
    out.append("bench_duration_seconds_sum %.3f\n" % (cumulative * 0.731))
    out.append("bench_duration_seconds_count %d\n" % cumulative)
    out.append("# HELP bench_worker_memory_bytes Peak memory of each worker.\n"
               "# TYPE bench_worker_memory_bytes gauge\n")
    for worker in range(4):
        out.append('bench_worker_memory_bytes{worker="w%d"} %d\n' % (worker, 1048576 * (worker + 1) + n))
    return "".join(out).encode()


# --- processes and machine ------------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def stop(process, timeout=10):
    """SIGTERM, then SIGKILL; always reaps."""
    if process is None or process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def listening_pid_owns(pid, port):
    """True if `pid` holds the socket listening on 127.0.0.1:port."""
    inodes = set()
    wanted = "0100007F:%04X" % port
    try:
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[1] == wanted and fields[3] == "0A":  # LISTEN
                    inodes.add(fields[9])
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return True
    except OSError:
        pass
    return False


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class OtherLoad:
    """CPU used by processes other than the server, this script and wrk, per second of a phase."""

    def __init__(self, pid):
        self.pid = pid
        self.start = (time.monotonic(), machine_busy_seconds(), cpu_seconds(pid), own_cpu_seconds())

    def share(self):
        wall, busy, server, own = self.start
        other = (machine_busy_seconds() - busy) - (cpu_seconds(self.pid) - server) - (own_cpu_seconds() - own)
        return max(0.0, other - 3.0 / os.sysconf("SC_CLK_TCK")) / (time.monotonic() - wall)


def fs_type(path):
    """The file system type of the mount that holds `path` (from /proc/self/mounts)."""
    path, best = os.path.realpath(path), ("", "?")
    with open("/proc/self/mounts") as f:
        for line in f:
            mount, kind = line.split()[1:3]
            mount = mount.replace("\\040", " ")
            if (path == mount or path.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best[0]):
                best = (mount, kind)
    return best[1]


class Server:
    def __init__(self, kind, binary, flags, cpu, log_path):
        self.kind, self.binary, self.flags, self.cpu, self.log_path = kind, binary, flags, cpu, log_path
        self.port = free_port()
        self.process = None

    def start(self, timeout=120.0):
        """Starts the server; returns seconds from exec to the first 200 from /-/ready (polled
        every 5 ms; then it checks that the process it started is the one listening)."""
        command = [self.binary, "--web.listen-address=%s:%d" % (HOST, self.port)] + self.flags
        cpu = self.cpu
        preexec = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
        with open(self.log_path, "ab") as log_file:
            start = time.perf_counter()
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=preexec, cwd=os.path.dirname(self.log_path))
        while time.perf_counter() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError("%s exited with code %d before it was ready: %s"
                                   % (self.kind, self.process.returncode, self.log_tail()))
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                try:
                    conn.request("GET", "/-/ready")
                    response = conn.getresponse()
                    response.read()
                    if response.status == 200:
                        seconds = time.perf_counter() - start
                        # Checked after the timing: reading /proc/net/tcp can take 100 ms with
                        # many sockets in TIME_WAIT.
                        if not listening_pid_owns(self.process.pid, self.port):
                            raise RuntimeError("another process answers on port %d" % self.port)
                        return seconds
                finally:
                    conn.close()
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.005)
        raise RuntimeError("%s did not become ready within %.0f s" % (self.kind, timeout))

    def terminate(self, timeout=120.0):
        """SIGTERM and a blocking wait (SIGKILL after `timeout`); returns (seconds, exit code)."""
        killer = threading.Timer(timeout, self.process.kill)
        killer.daemon = True
        killer.start()
        try:
            start = time.perf_counter()
            self.process.terminate()
            code = self.process.wait()
            return time.perf_counter() - start, code
        finally:
            killer.cancel()

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines=5):
        return " | ".join(self.log_text().strip().splitlines()[-lines:])

    def stop(self):
        stop(self.process)


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects once if the server dropped it."""

    def __init__(self, port, timeout=120.0):
        self.port, self.timeout, self.conn = port, timeout, None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                self.conn.connect()
                self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                if response.will_close:
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.ResponseNotReady):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- measurements ---------------------------------------------------------------------------

def fill(client, groups, deadline, reserve):
    """PUTs groups 0..groups-1; stops early if the budget would not leave `reserve` seconds."""
    start = last_report = time.monotonic()
    done = 0
    for g in range(groups):
        status, data = client.request("PUT", "/metrics/job/bench/instance/%d" % g, job_body(g),
                                      {"Content-Type": TEXT})
        if status != 200:
            raise RuntimeError("PUT group %d -> %d: %s" % (g, status, data[:300].decode(errors="replace")))
        done += 1
        now = time.monotonic()
        if now - last_report >= 10 or done == groups:
            log("    %6d / %d groups stored, %5.1f s" % (done, groups, now - start))
            last_report = now
        if done < groups and now + reserve > deadline:
            log("    TIME BUDGET: the fill stops at %d of %d groups" % (done, groups))
            break
    return done, time.monotonic() - start


PUSH_COUNTER = re.compile(rb'^pushgateway_http_requests_total\{([^}]*)\} (\S+)$', re.M)


def scrape_facts(client):
    """An untimed full scrape: the bench groups, their sample lines, failed pushes, and the
    server's own count of successful POSTs."""
    status, data = client.request("GET", "/metrics", headers={"Accept": "text/plain;version=0.0.4"})
    if status != 200:
        raise RuntimeError("GET /metrics -> %d: %s" % (status, data[:300].decode(errors="replace")))
    bench = re.findall(rb'^[^#\n][^{\n]*\{[^\n]*job="bench"[^\n]*$', data, re.M)
    posts = sum(float(value) for labels, value in PUSH_COUNTER.findall(data)
                if b'code="200"' in labels and b'handler="push"' in labels and b'method="post"' in labels)
    return {"groups": sum(1 for line in bench if line.startswith(b"push_time_seconds{")),
            "failures": len(re.findall(rb'^push_failure_time_seconds\{[^}]*job="bench"[^}]*\} (?!0$)\S+$', data, re.M)),
            "posts_200": posts, "bench_series": len(bench), "bench_lines": bench}


def run_wrk(args, port, groups, body_file, seconds, seed):
    command = [args.wrk, "-t1", "-c%d" % args.connections, "-d%ds" % seconds, "--timeout", "60s",
               "-s", LUA, "http://%s:%d" % (HOST, port), "--", str(groups), body_file, str(seed)]
    cpu = None if args.no_pin else args.client_cpu
    preexec = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True, preexec_fn=preexec)
    try:
        stdout, stderr = process.communicate(timeout=seconds + 90)
    finally:
        stop(process, timeout=5)
    if process.returncode != 0:
        raise RuntimeError("wrk exited with %d: %s" % (process.returncode, (stdout + stderr)[-500:]))
    m = re.search(r"^QPGW_RESULT (.*)$", stdout, re.M)
    if not m:
        raise RuntimeError("no QPGW_RESULT line from wrk: %s" % (stdout + stderr)[-500:])
    result = {key: int(value) for key, value in (item.split("=") for item in m.group(1).split())}
    first = re.search(r"^QPGW_FIRST_OTHER (.*)$", stdout, re.M)
    result["first_other"] = first.group(1) if first else ""
    return result


def error_lines(text):
    return [line for line in text.splitlines() if re.search(r"level=(error|ERROR)\b", line)]


def measure_load(kind, label, flags, binary, args, tmp, body_file, deadline):
    """Part 1: one fresh server, --groups groups, warm-up, timed wrk run, cross-checks."""
    run_dir = tempfile.mkdtemp(prefix="%s-%s-" % (kind, label.split(",")[0]), dir=tmp)
    flags = [f.replace("{dir}", run_dir) for f in flags] + ["--log.level=warn"]
    server = Server(kind, binary, flags, None if args.no_pin else args.server_cpu, os.path.join(run_dir, "server.log"))
    result = {"kind": kind, "label": label, "problems": []}
    client = None
    try:
        result["ready_empty"] = server.start()
        client = Client(server.port)
        log("  %s (persistence %s): pid %d on %s:%d, ready in %.0f ms; filling %d groups ..."
            % (kind, label, server.process.pid, HOST, server.port, result["ready_empty"] * 1e3, args.groups))
        stored, _ = fill(client, args.groups, deadline, args.warmup + args.duration + 30)
        expected = scrape_facts(client)
        if expected["groups"] != stored:
            raise RuntimeError("%d groups shown, %d pushed" % (expected["groups"], stored))
        result["groups"] = stored
        if args.warmup > 0:
            run_wrk(args, server.port, stored, body_file, args.warmup, args.seed + 1)
        before = scrape_facts(client)
        cpu_before = cpu_seconds(server.process.pid)
        other = OtherLoad(server.process.pid)
        load = run_wrk(args, server.port, stored, body_file, args.duration, args.seed)
        seconds = load["duration_us"] / 1e6
        result.update(load=load, push_rate=load["ok200"] / seconds, other_load=other.share(),
                      load_cpu=(cpu_seconds(server.process.pid) - cpu_before) / seconds)
        time.sleep(0.5)  # pushes in flight when wrk stopped may finish
        after = scrape_facts(client)
        problems = result["problems"]
        if load["other"] or load["connect_errors"] or load["read_errors"] or load["write_errors"] or load["timeouts"]:
            problems.append("wrk: %d answers not 200 (first: %s), errors connect %d read %d write %d timeout %d"
                            % (load["other"], load["first_other"] or "-", load["connect_errors"],
                               load["read_errors"], load["write_errors"], load["timeouts"]))
        posts = after["posts_200"] - before["posts_200"]
        if not load["ok200"] <= posts <= load["ok200"] + 2 * args.connections:
            problems.append("the server counted %d successful POSTs, wrk %d" % (posts, load["ok200"]))
        if after["failures"]:
            problems.append("%d groups have push_failure_time_seconds set" % after["failures"])
        if (after["groups"], after["bench_series"]) != (stored, expected["bench_series"]):
            problems.append("%d groups / %d series after the load, %d / %d before"
                            % (after["groups"], after["bench_series"], stored, expected["bench_series"]))
        if not server.alive():
            problems.append("the server exited with code %s" % server.process.returncode)
        problems += ["server log: " + line for line in error_lines(server.log_text())[:3]]
        log("  %s (persistence %s): %.1f pushes/s (%d in %.1f s, p50 %.2f ms, p99 %.2f ms), server CPU %.0f%%,"
            " other load %.0f%%%s" % (kind, label, result["push_rate"], load["ok200"], seconds, load["p50_us"] / 1e3,
                                      load["p99_us"] / 1e3, 100 * result["load_cpu"], 100 * result["other_load"],
                                      "; PROBLEMS: " + "; ".join(problems) if problems else ""))
    except (RuntimeError, OSError, http.client.HTTPException, subprocess.SubprocessError) as error:
        result["error"] = "%s: %s" % (type(error).__name__, error)
        log("  %s (persistence %s): FAILED: %s %s" % (kind, label, result["error"], server.log_tail()))
    finally:
        if client is not None:
            client.close()
        server.stop()
    return result


def log_field(text, message, field):
    """The value of `field` in the last log line with msg="<message>" (logfmt), or None."""
    values = re.findall(r'msg="%s"[^\n]*?\b%s=(\d+)' % (re.escape(message), field), text)
    return int(values[-1]) if values else None


def measure_snapshot(kind, binary, args, tmp, deadline, reserve):
    """Part 2: fill with persistence on, SIGTERM (final snapshot), restart on the file."""
    run_dir = tempfile.mkdtemp(prefix="%s-snapshot-" % kind, dir=tmp)
    path = os.path.join(run_dir, "p.db" if kind == "ours" else "ref.db")
    flags = ["--persistence.file=" + path, "--log.level=info"]
    if kind == "ours":
        flags.append("--persistence.sync=interval")
    cpu = None if args.no_pin else args.server_cpu
    result = {"kind": kind, "problems": []}
    server = client = None
    try:
        server = Server(kind, binary, flags, cpu, os.path.join(run_dir, "first.log"))
        server.start()
        client = Client(server.port)
        log("  %s: pid %d on %s:%d, persistence file %s; filling %d groups ..."
            % (kind, server.process.pid, HOST, server.port, path, args.snapshot_groups))
        stored, fill_seconds = fill(client, args.snapshot_groups, deadline, reserve)
        before = scrape_facts(client)
        client.close()
        if before["groups"] != stored:
            raise RuntimeError("%d groups shown, %d pushed" % (before["groups"], stored))
        result.update(groups=stored, series=before["bench_series"], fill_seconds=fill_seconds)
        result["shutdown"], code = server.terminate()
        text = server.log_text()
        result["persist_ms"] = log_field(text, "metrics persisted", "duration_ms")
        if code != 0:
            result["problems"].append("exit code %d after SIGTERM" % code)
        if kind == "ours" and result["persist_ms"] is None:
            result["problems"].append('no "metrics persisted" line in the log')
        leftovers = sorted(name for name in os.listdir(run_dir) if name.startswith(os.path.basename(path) + "."))
        if leftovers:
            result["problems"].append("files besides the snapshot after shutdown: %s" % ", ".join(leftovers))
        result["file_bytes"] = os.path.getsize(path)
        log("  %s: %d groups, %d series in %.1f s; SIGTERM to exit %.0f ms%s; file %s bytes (%.1f per series)"
            % (kind, stored, result["series"], fill_seconds, result["shutdown"] * 1e3,
               "" if result["persist_ms"] is None else " (snapshot %d ms by its log)" % result["persist_ms"],
               "{:,}".format(result["file_bytes"]), result["file_bytes"] / max(1, result["series"])))

        server = Server(kind, binary, flags, cpu, os.path.join(run_dir, "restart.log"))
        result["ready"] = server.start()
        client = Client(server.port)
        after = scrape_facts(client)
        result["restore_ms"] = log_field(server.log_text(), "metrics restored", "duration_ms")
        result["series_after"] = after["bench_series"]
        if kind == "ours" and result["restore_ms"] is None:
            result["problems"].append('no "metrics restored" line in the log')
        lost = set(before["bench_lines"]) - set(after["bench_lines"])
        if after["bench_series"] != result["series"] or lost:
            result["problems"].append("after the restart: %d series, %d before; %d sample lines differ (first: %s)"
                                      % (after["bench_series"], result["series"], len(lost),
                                         sorted(lost)[0].decode(errors="replace") if lost else "-"))
        result["problems"] += ["server log: " + line for line in error_lines(server.log_text())[:3]]
        log("  %s: restarted, ready in %.0f ms%s; the scrape shows %d series%s"
            % (kind, result["ready"] * 1e3,
               "" if result["restore_ms"] is None else " (restore %d ms by its log)" % result["restore_ms"],
               after["bench_series"], ", every sample as before" if not lost else ", NOT the same samples"))
    except (RuntimeError, OSError, http.client.HTTPException, subprocess.SubprocessError) as error:
        result["error"] = "%s: %s" % (type(error).__name__, error)
        log("  %s: FAILED: %s %s" % (kind, result["error"], server.log_tail() if server else ""))
    finally:
        if client is not None:
            client.close()
        if server is not None:
            server.stop()
    return result


# --- report ---------------------------------------------------------------------------------

def print_report(loads, snaps, args, fs, started):
    width = 112
    log("")
    log("=" * width)
    log("Persistence side by side. Files on %s (%s)." % (args.tmp, fs))
    if loads:
        log("Push load: %d groups of 23 series (text bodies: 21 series + the 2 push-time gauges), wrk %d"
            " connections POSTing to random existing groups," % (args.groups, args.connections))
        log("consistency check on, %d s after %d s warm-up." % (args.duration, args.warmup))
    log("Placement: %s." % ("not pinned" if args.no_pin else "server on CPU %d; wrk and this script on CPU %d"
                            % (args.server_cpu, args.client_cpu)))
    log("=" * width)
    by, snap = {}, {}

    def rate_ratio(a, b):
        return by[a]["push_rate"] / by[b]["push_rate"] if a in by and b in by else None
    if loads:
        row = "%-10s %-12s %10s %18s %8s %7s %12s"
        log(row % ("server", "persistence", "pushes/s", "latency p50/p99", "srv CPU", "other", "ready (empty"))
        log(row % ("", "", "", "ms", "(load)", "load", "start) ms"))
        log("-" * width)
        for r in loads:
            if "load" not in r:
                log("%-10s %-12s FAILED: %s" % (r["kind"], r["label"], r.get("error", "?")))
                continue
            by[(r["kind"], r["label"])] = r
            log(row % (r["kind"], r["label"], "%.0f" % r["push_rate"],
                       "%.2f / %.2f" % (r["load"]["p50_us"] / 1e3, r["load"]["p99_us"] / 1e3),
                       "%.0f%%" % (100 * r["load_cpu"]), "%.0f%%" % (100 * r["other_load"]),
                       "%.0f" % (r["ready_empty"] * 1e3)))
        log("-" * width)

        off, always, interval = ("ours", "off"), ("ours", "always"), ("ours", "interval")
        ref_file, ref_off = ("reference", "file, 5m"), ("reference", "off")
        ratios = [("ours always / ours off", rate_ratio(always, off)),
                  ("ours interval / ours off", rate_ratio(interval, off)),
                  ("ours always / reference with persistence", rate_ratio(always, ref_file)),
                  ("ours interval / reference with persistence", rate_ratio(interval, ref_file)),
                  ("reference with persistence / reference off", rate_ratio(ref_file, ref_off))]
        for text, value in ratios:
            if value is not None:
                log("  pushes/s %-44s %8.2fx" % (text, value))
        log("always: answered once fsync'ed; interval: once written (fsync every second); the reference writes its"
            " whole file every 5m and at shutdown, nothing per push. fsyncs are not observable from outside.")

    if snaps:
        log("")
        row = "%-10s %7s %8s %7s %11s %10s %12s %8s %10s %10s %9s"
        log(row % ("server", "groups", "series", "fill s", "SIGTERM to", "snapshot", "file", "bytes/", "restart to",
                   "restore", "series"))
        log(row % ("", "", "", "", "exit ms", "ms (log)", "bytes", "series", "ready ms", "ms (log)", "restored"))
        log("-" * width)
        for r in snaps:
            if "ready" not in r:
                log("%-10s FAILED: %s" % (r["kind"], r.get("error", "?")))
                continue
            snap[r["kind"]] = r
            log(row % (r["kind"], "{:,}".format(r["groups"]) + ("" if r["groups"] == args.snapshot_groups else "*"),
                       "{:,}".format(r["series"]), "%.1f" % r["fill_seconds"], "%.0f" % (r["shutdown"] * 1e3),
                       "-" if r["persist_ms"] is None else r["persist_ms"], "{:,}".format(r["file_bytes"]),
                       "%.1f" % (r["file_bytes"] / max(1, r["series"])), "%.0f" % (r["ready"] * 1e3),
                       "-" if r["restore_ms"] is None else r["restore_ms"], "{:,}".format(r["series_after"])))
        ours, ref = snap.get("ours"), snap.get("reference")
        if ours and ref:
            log(row % ("ratio", "", "", "", "%.2fx" % (ref["shutdown"] / ours["shutdown"]), "", "",
                       "%.2fx" % ((ours["file_bytes"] / ours["series"]) / (ref["file_bytes"] / ref["series"])),
                       "%.2fx" % (ref["ready"] / ours["ready"]), "", ""))
        log("-" * width)
        log("series: the bench groups' sample lines in a scrape (push-time gauges included). SIGTERM to exit includes"
            " the final snapshot;")
        log("snapshot/restore ms (log): ours' own \"metrics persisted\"/\"metrics restored\" duration_ms (the reference"
            " logs none). Restart to ready:")
        log("exec to the first 200 from /-/ready (both restore before they listen), then one scrape must show every"
            " sample as before.")
        log("ratio row: SIGTERM to exit and restart to ready reference/ours (>1: ours faster); bytes/series"
            " ours/reference (<1: ours smaller). * = fill stopped early.")
    ours, ref = snap.get("ours"), snap.get("reference")
    busy = [(r["kind"], r["label"]) for r in loads if r.get("other_load", 0) > 0.1]
    if busy:
        log("WARNING: other processes used more than 10%% of a core during the load of %s: run again on a quiet"
            " machine." % ", ".join("%s %s" % b for b in busy))
    if fs in ("tmpfs", "ramfs"):
        log("WARNING: the files are on %s, where fsync costs nothing: use --tmpdir on a disk." % fs)

    log("")
    log("Targets (persistence that loses nothing)")
    checks = []
    x = rate_ratio(("ours", "always"), ("ours", "off"))
    if x is not None:
        checks.append(("pushes/s with sync=always >= 0.50 of without persistence", "%.2f" % x, x >= 0.5))
    if ours and ours["restore_ms"] is not None:
        checks.append(("restore of %s series under 1,000 ms" % "{:,}".format(ours["series"]),
                       "%d ms (ready after %.0f ms)" % (ours["restore_ms"], ours["ready"] * 1e3),
                       ours["restore_ms"] < 1000))
    for r in (ours, ref):
        if r:
            checks.append(("%s: the restart shows every stored sample" % r["kind"],
                           "%s of %s series" % ("{:,}".format(r["series_after"]), "{:,}".format(r["series"])),
                           not any(p.startswith("after the restart") for p in r["problems"])))
    for text, value, ok in checks:
        log("  %-58s %-30s %s" % (text, value, "met" if ok else "MISSED"))
    if ours and ours["series"] < 90000:
        log("  (the snapshot part ran with %s series, not ~100,000: --snapshot-groups 4350 for the target)"
            % "{:,}".format(ours["series"]))
    problems = [("%s %s" % (r["kind"], r["label"]), p) for r in loads for p in r["problems"]]
    problems += [("%s snapshot" % r["kind"], p) for r in snaps for p in r["problems"]]
    problems += [(r["kind"], r["error"]) for r in loads + snaps if "error" in r]
    for where, problem in problems:
        log("PROBLEM %s: %s" % (where, problem))
    log("\nwhole run: %.0f s" % (time.monotonic() - started))
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ours", default=DEFAULT_OURS, help="default: %s" % DEFAULT_OURS)
    parser.add_argument("--reference", default=REFERENCE, help="default: %s" % REFERENCE)
    parser.add_argument("--wrk", default=WRK, help="default: %s" % WRK)
    parser.add_argument("--groups", type=int, default=1000, help="resident groups for the push load (default 1000)")
    parser.add_argument("--duration", type=int, default=12, help="seconds of push load (default 12)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of untimed load first (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="default 16")
    parser.add_argument("--snapshot-groups", type=int, default=4350,
                        help="groups of 23 series for the snapshot part (default 4350: ~100k series)")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--skip-load", action="store_true", help="snapshot part only")
    parser.add_argument("--skip-snapshot", action="store_true", help="push load part only")
    parser.add_argument("--tmpdir", default=None, help="where the persistence files go (default: $TMPDIR or /tmp)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and client to CPUs")
    parser.add_argument("--server-cpu", type=int, default=1)
    parser.add_argument("--client-cpu", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=900.0,
                        help="seconds for the whole run (default 900); a fill that would not leave time"
                             " for its measurements stops early")
    args = parser.parse_args()

    def unwind(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, unwind)
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        signal.signal(signal.SIGHUP, unwind)

    needed = [(args.ours, "our server (build-release)")]
    needed += [] if args.skip_load else [(args.wrk, "wrk (apt-get install wrk)")]
    needed += [] if args.skip_reference else [(args.reference, "the reference (prometheus-pushgateway)")]
    for path, what in needed:
        if not os.access(path, os.X_OK):
            log("missing: %s at %s" % (what, path))
            return 2
    if not args.no_pin:
        cpus = os.sched_getaffinity(0)
        if args.server_cpu not in cpus or args.client_cpu not in cpus or args.server_cpu == args.client_cpu:
            log("cannot pin to CPUs %d and %d (have %s): use --no-pin"
                % (args.server_cpu, args.client_cpu, sorted(cpus)))
            return 2
        os.sched_setaffinity(0, {args.client_cpu})

    before = machine_busy_seconds()
    time.sleep(1.0)
    idle_load = machine_busy_seconds() - before
    log("machine before the run: %.0f%% of one core busy%s" % (
        100 * idle_load, "" if idle_load < 0.2 else " -- NOT QUIET: the figures will be disturbed"))
    started = time.monotonic()
    deadline = started + args.budget
    loads, snaps = [], []
    try:
        with tempfile.TemporaryDirectory(prefix="qpgw-persistence-bench-", dir=args.tmpdir) as tmp:
            args.tmp = tmp
            fs = fs_type(tmp)
            log("persistence files under %s (%s)%s"
                % (tmp, fs, " -- fsync is free there" if fs in ("tmpfs", "ramfs") else ""))
            body_file = os.path.join(tmp, "push-body.txt")
            with open(body_file, "wb") as f:
                f.write(job_body(424242))
            if not args.skip_load:
                log("Part 1: push load at %s groups" % "{:,}".format(args.groups))
                for kind, label, flags in LOAD_CONFIGS:
                    if kind == "reference" and args.skip_reference:
                        continue
                    if time.monotonic() > deadline:
                        log("  time budget exhausted: %s (persistence %s) skipped" % (kind, label))
                        continue
                    binary = args.ours if kind == "ours" else args.reference
                    loads.append(measure_load(kind, label, flags, binary, args, tmp, body_file, deadline))
            if not args.skip_snapshot:
                log("Part 2: snapshot and restore, %s groups (%.0f s into the run)"
                    % ("{:,}".format(args.snapshot_groups), time.monotonic() - started))
                snaps.append(measure_snapshot("ours", args.ours, args, tmp, deadline, 120))
                if not args.skip_reference:
                    snaps.append(measure_snapshot("reference", args.reference, args, tmp, deadline, 60))
            ok = print_report(loads, snaps, args, fs, started)
    except KeyboardInterrupt:
        log("\ninterrupted: every server and wrk started by this script has been stopped")
        return 130
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
