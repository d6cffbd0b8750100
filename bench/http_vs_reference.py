#!/usr/bin/python3
"""Side by side over HTTP: our gateway (qpushgateway-headless) against the Go reference.

For each store size N, each server is started fresh on a free 127.0.0.1 port, in memory only
(--persistence.file=), and:

  1. filled with N groups, /metrics/job/bench/instance/<0..N-1>, one PUT each over a
     keep-alive connection; every body is a batch-job payload of 21 series (counters, gauges,
     a 10-bucket histogram; text format 0.0.4), so a group shows 23 series with the two
     push-time gauges;
  2. resident memory: VmRSS from /proc/<pid>/status right after the fill;
  3. scrapes: a full GET /metrics, timed from sending the request to the last byte of the
     answer, on a new connection; the median of several scrapes that each follow one
     (untimed) push, and of several with nothing pushed in between;
  4. push load: wrk with 16 connections, each POSTing one fixed body to a random existing
     group for a fixed time (checked pushes, consistency check on: every push is answered
     after it was checked against the store and stored, 200); pushes/s = 200 answers / time.
     The server's own pushgateway_http_requests_total{code="200",handler="push"} is read
     before and after as a cross-check, and no push_failure_time_seconds may be set after;
  5. protobuf push load (at the sizes both servers run; --skip-protobuf leaves it out): step 4
     again with the same families as a delimited protobuf body (Content-Type
     application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
     encoding=delimited), made from the text body by bench/encode_protobuf_body (our own text
     parser and protobuf writer). Afterwards the store must still hold the same series, and a
     group PUT with the protobuf body must scrape exactly like one PUT with the text body.

Sizes: 1,000 and 3,000 groups for both servers; 100,000 for ours only. The reference re-checks
its whole store on every push, so filling it costs O(N^2): 100,000 groups would take hours.

The machine has 2 cores: by default the server runs on CPU 1 and everything else (this
script, wrk) on CPU 0, the same for both servers (the Go runtime then runs with GOMAXPROCS=1).
--no-pin lets the kernel place everything.

Standard library only (the load is wrk, Debian package `wrk`, with bench/http_push.lua; the
protobuf body comes from build-bench/bench/encode_protobuf_body);
loopback only; bounded by --budget; every started process is stopped at the end, on any
error, on Ctrl-C and on SIGTERM.

Usage: /usr/bin/python3 bench/http_vs_reference.py [--ours PATH] [--duration S] [--no-pin] ...
"""

import argparse
import http.client
import os
import random
import resource
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = "/usr/bin/prometheus-pushgateway"
DEFAULT_OURS = os.path.join(os.path.dirname(HERE), "build-release", "headless", "qpushgateway-headless")
WRK = "/usr/bin/wrk"
DEFAULT_ENCODER = os.path.join(os.path.dirname(HERE), "build-bench", "bench", "encode_protobuf_body")
LUA = os.path.join(HERE, "http_push.lua")
HOST = "127.0.0.1"
TEXT = "text/plain; version=0.0.4; charset=utf-8"
PROTOBUF = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
GAUGES_PER_GROUP = 2  # push_time_seconds, push_failure_time_seconds


def log(message=""):
    print(message, flush=True)


# --- the workload ---------------------------------------------------------------------------

def job_body(n):
    """A batch job's metrics, text format: 21 series, a 10-bucket histogram among them."""
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


def sample_lines(body):
    return sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))


def encode_protobuf(encoder, text_body):
    """The same families as delimited protobuf, by bench/encode_protobuf_body (our text parser
    and protobuf writer), so that both push rows carry identical families."""
    done = subprocess.run([encoder], input=text_body, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)
    if done.returncode != 0:
        raise RuntimeError("%s exited with %d: %s" % (encoder, done.returncode,
                                                     done.stderr.decode(errors="replace").strip()))
    if not done.stdout:
        raise RuntimeError("%s wrote nothing" % encoder)
    return done.stdout


# --- processes ------------------------------------------------------------------------------

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
    """True if `pid` holds the socket listening on 127.0.0.1:port (so we talk to our process,
    not to something else that got the port first)."""
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


def proc_status(pid):
    """VmRSS and VmHWM in bytes."""
    result = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                result[key] = int(value.split()[0]) * 1024
    return result


def machine_busy_seconds():
    """CPU time the whole machine spent busy (all CPUs, not idle or iowait), in seconds."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    """CPU time of this script and of its reaped children (wrk), in seconds."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class OtherLoad:
    """How busy the machine was with processes other than the server, this script and wrk,
    over a phase: in CPU seconds per second (1.0 = one core). On a quiet machine it is
    close to 0; more means the figures of that phase are disturbed."""

    def __init__(self, pid):
        self.pid = pid
        self.start = (time.monotonic(), machine_busy_seconds(), cpu_seconds(pid), own_cpu_seconds())

    def share(self):
        wall, busy, server, own = self.start
        other = ((machine_busy_seconds() - busy) - (cpu_seconds(self.pid) - server)
                 - (own_cpu_seconds() - own))
        # /proc/stat counts in clock ticks (10 ms): allow 3 ticks of rounding, which matters
        # only for short phases (a 0.1 s phase would otherwise show 10 % per tick).
        return max(0.0, other - 3.0 / os.sysconf("SC_CLK_TCK")) / (time.monotonic() - wall)


def cpu_seconds(pid):
    """User + system CPU time of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, kind, binary, cpu, tmp):
        self.kind = kind
        self.binary = binary
        self.cpu = cpu
        self.port = free_port()
        self.log_path = os.path.join(tmp, "%s-%d.log" % (kind, self.port))
        self.process = None

    def start(self):
        command = [self.binary, "--web.listen-address=%s:%d" % (HOST, self.port),
                   "--persistence.file=", "--log.level=warn"]
        cpu = self.cpu
        # Affinity is set before exec so the Go runtime sizes GOMAXPROCS to it.
        preexec = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
        with open(self.log_path, "wb") as log_file:
            # Own session: a Ctrl-C reaches only this script, whose finally stops the server.
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=preexec, cwd=os.path.dirname(self.log_path))
        self.wait_ready()

    def wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("%s exited with code %d before it was ready: %s"
                                   % (self.kind, self.process.returncode, self.log_tail()))
            if listening_pid_owns(self.process.pid, self.port):
                try:
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
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
        raise RuntimeError("%s did not become ready within %.0f s" % (self.kind, timeout))

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines=5):
        try:
            with open(self.log_path, "rb") as f:
                return " | ".join(f.read().decode(errors="replace").strip().splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        stop(self.process)


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects once if the server dropped it."""

    def __init__(self, port, timeout=120.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

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

    def push(self, method, path, body, content_type=TEXT):
        status, data = self.request(method, path, body, {"Content-Type": content_type})
        if status != 200:
            raise RuntimeError("%s %s -> %d: %s" % (method, path, status, data.decode(errors="replace")[:300]))

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- measurements ---------------------------------------------------------------------------

def fill(client, groups, deadline, reserve):
    """PUTs groups 0..groups-1; stops early if the budget would not leave `reserve` seconds."""
    start = time.monotonic()
    last_report = start
    done = 0
    for g in range(groups):
        client.push("PUT", "/metrics/job/bench/instance/%d" % g, job_body(g))
        done += 1
        now = time.monotonic()
        if now - last_report >= 10 or done == groups:
            log("    %6d / %d groups stored, %5.1f s" % (done, groups, now - start))
            last_report = now
        if done < groups and now + reserve > deadline:
            log("    TIME BUDGET: the fill stops at %d of %d groups" % (done, groups))
            break
    return done, time.monotonic() - start


SCRAPE_REQUEST = ("GET /metrics HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: qpgw-bench\r\n"
                  "Accept: text/plain;version=0.0.4\r\nAccept-Encoding: identity\r\n"
                  "Connection: close\r\n\r\n")


def timed_scrape(port):
    """One full GET /metrics on a new connection: seconds from sending the request to the last
    byte of the body (the connect is not timed), and the body size. Reads raw bytes with a
    large buffer so the client costs the same whether the server sends Content-Length (ours)
    or chunks (the reference)."""
    sock = socket.create_connection((HOST, port), timeout=120)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        request = (SCRAPE_REQUEST % (HOST, port)).encode()
        chunks = []
        received = 0
        head_end = -1
        length = None
        chunked = False
        tail = b""
        start = time.perf_counter()
        sock.sendall(request)
        while True:
            data = sock.recv(1 << 20)
            if not data:
                break
            received += len(data)
            if head_end < 0:
                chunks.append(data)
                joined = b"".join(chunks)
                head_end = joined.find(b"\r\n\r\n")
                if head_end >= 0:
                    head = joined[:head_end].decode("latin-1")
                    if not head.startswith("HTTP/1.1 200"):
                        raise RuntimeError("GET /metrics -> %s" % head.splitlines()[0])
                    m = re.search(r"(?im)^content-length:\s*(\d+)", head)
                    length = int(m.group(1)) if m else None
                    chunked = re.search(r"(?im)^transfer-encoding:\s*chunked", head) is not None
            if head_end >= 0:
                if length is not None and received >= head_end + 4 + length:
                    break
                tail = (tail + data[-7:])[-7:]
                if chunked and tail.endswith(b"\r\n0\r\n\r\n"):
                    break
        seconds = time.perf_counter() - start
    finally:
        sock.close()
    if head_end < 0:
        raise RuntimeError("GET /metrics: no complete answer")
    return seconds, received - head_end - 4


PUSH_COUNTER = re.compile(rb'^pushgateway_http_requests_total\{([^}]*)\} (\S+)$', re.M)


def scrape_facts(client):
    """An untimed full scrape: groups stored, failed pushes seen, successful POSTs counted."""
    status, data = client.request("GET", "/metrics", headers={"Accept": "text/plain;version=0.0.4"})
    if status != 200:
        raise RuntimeError("GET /metrics -> %d: %s" % (status, data[:300].decode(errors="replace")))
    groups = len(re.findall(rb'^push_time_seconds\{[^}]*job="bench"', data, re.M))
    bench_series = len(re.findall(rb'^[^#\n][^{\n]*\{[^\n]*job="bench"', data, re.M))
    failures = len(re.findall(rb'^push_failure_time_seconds\{[^}]*job="bench"[^}]*\} (?!0$)\S+$', data, re.M))
    posts = 0.0
    for labels, value in PUSH_COUNTER.findall(data):
        if b'code="200"' in labels and b'handler="push"' in labels and b'method="post"' in labels:
            posts += float(value)
    return {"groups": groups, "failures": failures, "posts_200": posts, "bytes": len(data),
            "bench_series": bench_series, "data": data,
            "series": sum(1 for line in data.split(b"\n") if line and not line.startswith(b"#"))}


LABEL = re.compile(r'([^\s{},="]+)="((?:[^"\\]|\\.)*)"')


def group_series(data, job, instance):
    """The sample lines of one group in a text scrape, without its instance label and without
    the push-time gauges, sorted: what the pushed body turned into."""
    out = []
    for line in data.decode(errors="replace").splitlines():
        if not line or line.startswith("#") or "{" not in line:
            continue
        name, _, rest = line.partition("{")
        labels, _, value = rest.rpartition("} ")
        pairs = LABEL.findall(labels)
        if ("job", job) not in pairs or ("instance", instance) not in pairs:
            continue
        if name in ("push_time_seconds", "push_failure_time_seconds"):
            continue
        out.append("%s{%s} %s" % (name, ",".join('%s="%s"' % p for p in pairs if p[0] != "instance"), value))
    return sorted(out)


def check_same_families(client, text_body, protobuf_body):
    """PUTs the text body and the protobuf body to two groups of their own (job bench_check, so
    the bench groups' counts are untouched) and compares what a scrape shows of them."""
    client.push("PUT", "/metrics/job/bench_check/instance/text", text_body)
    client.push("PUT", "/metrics/job/bench_check/instance/protobuf", protobuf_body, PROTOBUF)
    data = scrape_facts(client)["data"]
    text = group_series(data, "bench_check", "text")
    protobuf = group_series(data, "bench_check", "protobuf")
    problem = None
    if text != protobuf:
        only_text = sorted(set(text) - set(protobuf))
        only_protobuf = sorted(set(protobuf) - set(text))
        problem = ("a group pushed as protobuf scrapes %d series, one pushed as text %d; only in text: %s;"
                   " only in protobuf: %s" % (len(protobuf), len(text), only_text[:3] or "-", only_protobuf[:3] or "-"))
    elif not text:
        problem = "the check groups show no series"
    return {"text_series": len(text), "protobuf_series": len(protobuf)}, problem


def run_wrk(args, port, groups, body_file, seconds, cpu, seed, content_type=TEXT):
    command = [args.wrk, "-t1", "-c%d" % args.connections, "-d%ds" % seconds, "--timeout", "60s",
               "-s", LUA, "http://%s:%d" % (HOST, port), "--", str(groups), body_file, str(seed),
               content_type]
    preexec = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=preexec)
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


def push_load(server, client, args, stored, body_file, content_type, client_cpu, expected_series):
    """Untimed warm-up, then the timed wrk run with one body; its figures and cross-checks."""
    if args.warmup > 0:
        run_wrk(args, server.port, stored, body_file, args.warmup, client_cpu, args.seed + 1, content_type)
    before = scrape_facts(client)
    cpu_before = cpu_seconds(server.process.pid)
    other = OtherLoad(server.process.pid)
    load = run_wrk(args, server.port, stored, body_file, args.duration, client_cpu, args.seed, content_type)
    cpu_load = cpu_seconds(server.process.pid) - cpu_before
    other_load = other.share()
    time.sleep(0.5)  # pushes still in flight when wrk stopped may finish
    after = scrape_facts(client)
    seconds = load["duration_us"] / 1e6
    result = {"load": load, "push_rate": load["ok200"] / seconds, "load_cpu": cpu_load / seconds,
              "other_load": other_load, "server_posts": after["posts_200"] - before["posts_200"],
              "failures": after["failures"], "groups_after": after["groups"],
              "bench_series_after": after["bench_series"]}
    problems = []
    if load["other"] or load["connect_errors"] or load["read_errors"] or load["write_errors"] \
            or load["timeouts"]:
        problems.append("wrk: %d answers not 200 (first: %s), errors connect %d read %d write %d timeout %d"
                        % (load["other"], load["first_other"] or "-", load["connect_errors"],
                           load["read_errors"], load["write_errors"], load["timeouts"]))
    if not load["ok200"] <= result["server_posts"] <= load["ok200"] + 2 * args.connections:
        problems.append("the server counted %d successful POSTs, wrk %d"
                        % (result["server_posts"], load["ok200"]))
    if after["failures"]:
        problems.append("%d groups have push_failure_time_seconds set" % after["failures"])
    if after["groups"] != stored:
        problems.append("%d groups after the load, %d before" % (after["groups"], stored))
    if after["bench_series"] != expected_series:
        problems.append("the groups show %d series after the load, %d after the fill"
                        % (after["bench_series"], expected_series))
    if not server.alive():
        problems.append("the server exited with code %s" % server.process.returncode)
    return result, problems


def log_load(kind, body, result, problems):
    load = result["load"]
    log("  %s, %s body: %.1f pushes/s (%d in %.1f s, p50 %.2f ms, p99 %.2f ms), server CPU %.0f%% of one core,"
        " other load %.0f%%%s"
        % (kind, body, result["push_rate"], load["ok200"], load["duration_us"] / 1e6, load["p50_us"] / 1e3,
           load["p99_us"] / 1e3, 100 * result["load_cpu"], 100 * result["other_load"],
           "" if not problems else "; PROBLEMS: " + "; ".join(problems)))


def measure(kind, binary, groups, args, tmp, deadline, load_body_file, load_body, protobuf=None):
    """One fresh server, one store size: fill, RSS, scrapes, push load with the text body and,
    if `protobuf` is (body file, body), with the protobuf body."""
    server_cpu = None if args.no_pin else args.server_cpu
    client_cpu = None if args.no_pin else args.client_cpu
    result = {"kind": kind, "planned": groups}
    server = Server(kind, binary, server_cpu, tmp)
    client = None
    try:
        server.start()
        client = Client(server.port)
        facts = scrape_facts(client)
        if facts["groups"] != 0:
            raise RuntimeError("the new %s on port %d is not empty" % (kind, server.port))
        log("  %s: pid %d on %s:%d%s; filling %d groups ..."
            % (kind, server.process.pid, HOST, server.port,
               "" if server_cpu is None else " (CPU %d)" % server_cpu, groups))
        reserve = (args.warmup + args.duration) * (1 if protobuf is None else 2) + 40
        stored, fill_seconds = fill(client, groups, deadline, reserve)
        result.update(groups=stored, fill_seconds=fill_seconds)
        result.update(proc_status(server.process.pid))
        result["cpu_after_fill"] = cpu_seconds(server.process.pid)

        facts = scrape_facts(client)  # also the untimed warm-up scrape
        if facts["groups"] != stored:
            raise RuntimeError("%s shows %d groups, %d were pushed" % (kind, facts["groups"], stored))
        result.update(series=facts["series"], scrape_bytes=facts["bytes"])

        rng = random.Random(args.seed)
        after_push, unchanged = [], []
        other = OtherLoad(server.process.pid)
        for _ in range(args.scrapes):
            client.push("POST", "/metrics/job/bench/instance/%d" % rng.randrange(stored), load_body)
            after_push.append(timed_scrape(server.port)[0])
        for _ in range(args.scrapes):
            unchanged.append(timed_scrape(server.port)[0])
        result.update(scrape_after_push=statistics.median(after_push),
                      scrape_unchanged=statistics.median(unchanged), other_scrape=other.share())
        log("  %s: %d groups in %.1f s, %d series, %.1f MB per scrape; VmRSS %.1f MB;"
            " scrape %.1f ms after a push, %.1f ms unchanged (other load %.0f%% of a core)"
            % (kind, stored, fill_seconds, facts["series"], facts["bytes"] / 1e6, result["VmRSS"] / 1e6,
               result["scrape_after_push"] * 1e3, result["scrape_unchanged"] * 1e3, 100 * result["other_scrape"]))

        expected_series = facts["bench_series"]
        load, problems = push_load(server, client, args, stored, load_body_file, TEXT, client_cpu,
                                   expected_series)
        result.update(load)
        result.update({"VmRSS_end": proc_status(server.process.pid)["VmRSS"]})
        result["problems"] = problems
        log_load(kind, "text", load, problems)

        if protobuf is not None:
            protobuf_file, protobuf_body = protobuf
            pb, pb_problems = push_load(server, client, args, stored, protobuf_file, PROTOBUF, client_cpu,
                                        expected_series)
            check, problem = check_same_families(client, load_body, protobuf_body)
            pb["check"] = check
            if problem:
                pb_problems.append(problem)
            result["pb"] = pb
            problems += ["protobuf: " + p for p in pb_problems]
            log_load(kind, "protobuf", pb, pb_problems)
            log("  %s: same families: a group pushed as protobuf scrapes %d series, one pushed as text %d%s"
                % (kind, check["protobuf_series"], check["text_series"],
                   "" if problem is None else " -- DIFFERENT"))
    except (RuntimeError, OSError, http.client.HTTPException, subprocess.SubprocessError) as error:
        result["error"] = "%s: %s" % (type(error).__name__, error)
        log("  %s: FAILED: %s %s" % (kind, result["error"], server.log_tail()))
    finally:
        if client is not None:
            client.close()
        server.stop()
    return result


# --- report ---------------------------------------------------------------------------------

def fmt_rate(r):
    return "%.0f" % r["push_rate"] if "push_rate" in r else "-"


def print_table(results, args, body_series, body_bytes, protobuf_bytes):
    width = 134
    log("")
    log("=" * width)
    log("HTTP side by side. Each group: %d pushed series (%d in the body, + the 2 push-time gauges)."
        % (body_series + GAUGES_PER_GROUP, body_series))
    log("Push bodies: text format 0.0.4, %d bytes%s." % (
        body_bytes, "" if protobuf_bytes is None else
        "; delimited protobuf of the same families (encode_protobuf_body), %d bytes" % protobuf_bytes))
    log("Push load: wrk, %d connections, POST to random existing groups, consistency check on, %d s"
        " (after %d s warm-up)." % (args.connections, args.duration, args.warmup))
    log("Placement: %s." % ("not pinned" if args.no_pin else "server on CPU %d; wrk and this script on CPU %d"
                            % (args.server_cpu, args.client_cpu)))
    log("=" * width)
    row = "%-8s %-10s %-8s %9s %10s %18s %8s %13s %13s %7s %9s %6s"
    log(row % ("groups", "server", "push", "series", "pushes/s", "latency p50/p99", "srv CPU",
               "scrape, after", "scrape,", "scrape", "VmRSS", "other"))
    log(row % ("", "", "body", "", "", "ms", "(load)", "a push ms", "unchanged ms", "MB", "MB", "load"))
    log("-" * width)
    sizes = sorted({r["planned"] for r in results})
    for size in sizes:
        pair = {r["kind"]: r for r in results if r["planned"] == size}
        for kind in ("reference", "ours"):
            r = pair.get(kind)
            if r is None:
                continue
            if "error" in r and "load" not in r:
                log("%-8s %-10s %s" % ("{:,}".format(size), kind, "FAILED: " + r["error"]))
                continue
            groups = "{:,}".format(r["groups"]) + ("" if r["groups"] == size else "*")
            load = r["load"]
            log(row % (groups, kind, "text", "{:,}".format(r["series"]), fmt_rate(r),
                       "%.2f / %.2f" % (load["p50_us"] / 1e3, load["p99_us"] / 1e3),
                       "%.0f%%" % (100 * r["load_cpu"]),
                       "%.1f" % (r["scrape_after_push"] * 1e3), "%.1f" % (r["scrape_unchanged"] * 1e3),
                       "%.1f" % (r["scrape_bytes"] / 1e6), "%.1f" % (r["VmRSS"] / 1e6),
                       "%.0f%%" % (100 * max(r["other_scrape"], r["other_load"]))))
        ref, ours = pair.get("reference"), pair.get("ours")
        if ref and ours and "load" in ref and "load" in ours:
            log(row % ("", "ratio", "text", "", "%.0fx" % (ours["push_rate"] / ref["push_rate"]), "", "",
                       "%.1fx" % (ref["scrape_after_push"] / ours["scrape_after_push"]),
                       "%.1fx" % (ref["scrape_unchanged"] / ours["scrape_unchanged"]), "",
                       "%.2fx" % (ours["VmRSS"] / ref["VmRSS"]), ""))
        # The protobuf push load ran on the same server right after the text one: push columns only.
        for kind in ("reference", "ours"):
            r = pair.get(kind)
            if r is None or "load" not in r or ("pb" not in r and size not in args.protobuf_sizes):
                continue
            if "pb" not in r:
                log("%-8s %-10s %-8s %s" % ("", kind, "protobuf", "FAILED: " + r.get("error", "not run")))
                continue
            pb, load = r["pb"], r["pb"]["load"]
            log(row % ("", kind, "protobuf", "", fmt_rate(pb),
                       "%.2f / %.2f" % (load["p50_us"] / 1e3, load["p99_us"] / 1e3),
                       "%.0f%%" % (100 * pb["load_cpu"]), "", "", "", "", "%.0f%%" % (100 * pb["other_load"])))
        if ref and ours and "pb" in ref and "pb" in ours:
            log(row % ("", "ratio", "protobuf", "", "%.0fx" % (ours["pb"]["push_rate"] / ref["pb"]["push_rate"]),
                       "", "", "", "", "", "", ""))
        log("-" * width)
    log("ratio rows: pushes/s ours/reference; scrape reference/ours (>1: ours faster); VmRSS ours/reference.")
    checked = [r for r in results if "pb" in r]
    if checked:
        log("protobuf rows: the same push load with the protobuf body, on the same server right after the text"
            " load; its series, scrape and VmRSS are the text row's.")
        log("Same families (checked after the protobuf load: the groups must still show the fill's series, and a"
            " group PUT as protobuf must scrape like one PUT as text): %s." % ", ".join(
                "%s at %s: %d/%d series%s" % (r["kind"], "{:,}".format(r["planned"]), r["pb"]["check"]["protobuf_series"],
                                               r["pb"]["check"]["text_series"],
                                               "" if r["pb"]["check"]["protobuf_series"] == r["pb"]["check"]["text_series"]
                                               else " DIFFERENT") for r in checked))
    log("VmRSS right after the fill (before scrapes and load); * = the fill stopped early (time budget).")
    log("srv CPU: the server's CPU time during the load / wall time. Scrape: request sent to last byte"
        " received, median of %d." % args.scrapes)
    log("other load: CPU used by other processes on the machine during the scrapes or the load, whichever"
        " is higher, in % of one core.")
    busy = [r for r in results if "load" in r and max(r["other_scrape"], r["other_load"],
                                                      r.get("pb", {}).get("other_load", 0)) > 0.1]
    if busy:
        log("WARNING: other processes used more than 10%% of a core during %s: those figures are disturbed;"
            " run again on a quiet machine." % ", ".join("%s at %s" % (r["kind"], "{:,}".format(r["planned"]))
                                                         for r in busy))

    by = {(r["kind"], r["planned"]): r for r in results if "load" in r}
    log("")
    log("Targets (issue 3)")
    checks = []
    ref1, ours1 = by.get(("reference", 1000)), by.get(("ours", 1000))
    if ref1 and ours1:
        x = ours1["push_rate"] / ref1["push_rate"]
        checks.append(("checked pushes at 1,000 groups >= 100x the reference", "%.0fx" % x, x >= 100))
    both = {k[1] for k in by if k[0] == "reference"}
    ours_big = [by[k] for k in sorted(by) if k[0] == "ours" and k[1] not in both and k[1] > 1000]
    if ours1:
        for big in ours_big:
            x = big["push_rate"] / ours1["push_rate"]
            checks.append(("our push rate at %s groups within 20%% of 1,000" % "{:,}".format(big["groups"]),
                           "%.2f of it (%.0f vs %.0f/s)" % (x, big["push_rate"], ours1["push_rate"]), x >= 0.8))
    for size in sizes:
        ref, ours = by.get(("reference", size)), by.get(("ours", size))
        if ref and ours:
            a = ref["scrape_after_push"] / ours["scrape_after_push"]
            u = ref["scrape_unchanged"] / ours["scrape_unchanged"]
            checks.append(("scrape >= 3x faster at %s groups (after a push)" % "{:,}".format(size),
                           "%.1fx (unchanged store: %.1fx)" % (a, u), a >= 3))
            checks.append(("VmRSS <= the reference's at %s groups" % "{:,}".format(size),
                           "%.1f MB vs %.1f MB" % (ours["VmRSS"] / 1e6, ref["VmRSS"] / 1e6),
                           ours["VmRSS"] <= ref["VmRSS"]))
    for text, value, ok in checks:
        log("  %-58s %-36s %s" % (text, value, "met" if ok else "MISSED"))
    ref_sizes = sorted(k[1] for k in by if k[0] == "reference")
    if ours_big and ref_sizes:
        largest = by[("reference", ref_sizes[-1])]
        log("The reference is not filled to %s groups: it re-checks its whole store on every push, so"
            " filling it is quadratic (%.0f pushes/s at %s groups already, its fill took %.0f s)."
            % ("{:,}".format(max(big["groups"] for big in ours_big)), largest["push_rate"],
               "{:,}".format(largest["groups"]), largest["fill_seconds"]))
    problems = [(r["kind"], r["planned"], p) for r in results for p in r.get("problems", [])]
    problems += [(r["kind"], r["planned"], r["error"]) for r in results if "error" in r]
    for kind, size, problem in problems:
        log("PROBLEM %s at %s groups: %s" % (kind, "{:,}".format(size), problem))
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ours", default=DEFAULT_OURS, help="default: %s" % DEFAULT_OURS)
    parser.add_argument("--reference", default=REFERENCE, help="default: %s" % REFERENCE)
    parser.add_argument("--wrk", default=WRK, help="default: %s" % WRK)
    parser.add_argument("--encoder", default=DEFAULT_ENCODER,
                        help="text body -> delimited protobuf, for the protobuf push row (default: %s)" % DEFAULT_ENCODER)
    parser.add_argument("--skip-protobuf", action="store_true",
                        help="no protobuf push load (it adds --warmup + --duration per server and size in --sizes)")
    parser.add_argument("--sizes", default="1000,3000", help="groups, both servers (default 1000,3000)")
    parser.add_argument("--ours-sizes", default="100000", help="groups, ours only (default 100000)")
    parser.add_argument("--duration", type=int, default=12, help="seconds of push load (default 12)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of untimed load first (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="default 16")
    parser.add_argument("--scrapes", type=int, default=5, help="timed scrapes per kind (default 5)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and client to CPUs")
    parser.add_argument("--server-cpu", type=int, default=1)
    parser.add_argument("--client-cpu", type=int, default=0)
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=600.0,
                        help="seconds for the whole run (default 600); a fill that would not leave"
                             " time for its measurements stops early")
    args = parser.parse_args()

    def unwind(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, unwind)
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        signal.signal(signal.SIGHUP, unwind)

    for path, what in ((args.ours, "our server (build-release)"), (args.wrk, "wrk (apt-get install wrk)")) + \
            (() if args.skip_reference else ((args.reference, "the reference (prometheus-pushgateway)"),)) + \
            (() if args.skip_protobuf else ((args.encoder, "encode_protobuf_body (build-bench, target"
                                                           " encode_protobuf_body; or --skip-protobuf)"),)):
        if not os.access(path, os.X_OK):
            log("missing: %s at %s" % (what, path))
            return 2
    if not args.no_pin:
        cpus = os.sched_getaffinity(0)
        if args.server_cpu not in cpus or args.client_cpu not in cpus or args.server_cpu == args.client_cpu:
            log("cannot pin to CPUs %d and %d (have %s): use --no-pin" % (args.server_cpu, args.client_cpu,
                                                                          sorted(cpus)))
            return 2
        os.sched_setaffinity(0, {args.client_cpu})

    sizes = [int(s) for s in args.sizes.split(",") if s]
    ours_sizes = [int(s) for s in args.ours_sizes.split(",") if s]
    plan = []
    for size in sizes:
        if not args.skip_reference:
            plan.append(("reference", args.reference, size))
        plan.append(("ours", args.ours, size))
    plan += [("ours", args.ours, size) for size in ours_sizes]
    # The protobuf row is for the sizes both servers run (an ours-only size has no reference to
    # compare it with).
    args.protobuf_sizes = set() if args.skip_protobuf else set(sizes)

    load_body = job_body(424242)
    protobuf_body = None
    if not args.skip_protobuf:
        try:
            protobuf_body = encode_protobuf(args.encoder, load_body)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            log("cannot make the protobuf body: %s" % error)
            return 2
        log("push bodies: text %d bytes, delimited protobuf %d bytes (%s)"
            % (len(load_body), len(protobuf_body), args.encoder))
    before = machine_busy_seconds()
    time.sleep(1.0)
    idle_load = machine_busy_seconds() - before
    log("machine before the run: %.0f%% of one core busy%s" % (
        100 * idle_load, "" if idle_load < 0.2 else " -- NOT QUIET: the figures will be disturbed"))
    started = time.monotonic()
    deadline = started + args.budget
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="qpgw-http-bench-") as tmp:
            body_file = os.path.join(tmp, "push-body.txt")
            with open(body_file, "wb") as f:
                f.write(load_body)
            protobuf_file = os.path.join(tmp, "push-body.pb")
            if protobuf_body is not None:
                with open(protobuf_file, "wb") as f:
                    f.write(protobuf_body)
            for kind, binary, size in plan:
                if time.monotonic() > deadline:
                    log("time budget exhausted: %s at %d groups skipped" % (kind, size))
                    continue
                log("%s, %s groups (%.0f s into the run):" % (kind, "{:,}".format(size), time.monotonic() - started))
                protobuf = (protobuf_file, protobuf_body) if size in args.protobuf_sizes else None
                results.append(measure(kind, binary, size, args, tmp, deadline, body_file, load_body, protobuf))
    except KeyboardInterrupt:
        log("\ninterrupted: every server and wrk started by this script has been stopped")
        return 130
    ok = print_table(results, args, sample_lines(load_body), len(load_body),
                     None if protobuf_body is None else len(protobuf_body))
    log("\nwhole run: %.0f s" % (time.monotonic() - started))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
