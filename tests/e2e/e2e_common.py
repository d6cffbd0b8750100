"""Shared helpers for the end-to-end tests: processes, ports, HTTP, exposition parsing.

Standard library only. Every process started here is bound to loopback, dies with the test
(SIGKILL on parent death), and is stopped in a `finally` (terminate, wait, kill). Every wait
polls against a deadline and fails with a message that says what it was waiting for.
"""

import ctypes
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager

# ctest's SKIP_RETURN_CODE for these tests (see CMakeLists.txt).
SKIP_RETURN_CODE = 77

PUSH_GAUGES = ("push_time_seconds", "push_failure_time_seconds")


class TestFailure(Exception):
    """A failed expectation; the message says what was expected and what came."""


def log(message):
    print(message, flush=True)


def skip(reason):
    # Visible in ctest's output ("Skipped") and in the test's own log.
    log(f"SKIP: {reason}")
    sys.exit(SKIP_RETURN_CODE)


def run_main(main):
    """Runs `main()`, turning failures into exit status 1 with a clear message.

    SIGTERM (ctest's timeout) and SIGINT raise SystemExit so that every `finally`, and with
    it every process clean-up, still runs.
    """
    def on_signal(signum, _frame):
        raise SystemExit(f"interrupted by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        main()
    except TestFailure as failure:
        log(f"FAIL: {failure}")
        sys.exit(1)
    log("PASS")


def expect(condition, message):
    if not condition:
        raise TestFailure(message)


def expect_equal(actual, expected, what):
    if actual != expected:
        raise TestFailure(f"{what}:\n  expected: {expected!r}\n  actual:   {actual!r}")


# --- Required tools ---------------------------------------------------------------------

def _apt_candidate(package):
    """The version apt could install, or None when apt knows no installable version."""
    if shutil.which("apt-cache") is None:
        return None
    try:
        result = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True,
                                timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"^\s*Candidate:\s*(\S+)", result.stdout, re.MULTILINE)
    if match is None or match.group(1) == "(none)":
        return None
    return match.group(1)


def missing_tool(what, package):
    """A required tool is absent: fail, unless the package cannot be installed here at all."""
    candidate = _apt_candidate(package)
    if candidate is None:
        skip(f"{what} is missing and the Debian package '{package}' cannot be installed on "
             f"this machine (apt knows no candidate); this test cannot run here")
    raise TestFailure(f"{what} is missing: install the Debian package '{package}' "
                      f"(version {candidate} is available; `./setup.sh test` installs it)")


def require_executable(path, package):
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        missing_tool(f"{path}", package)
    return path


def import_prometheus_client():
    try:
        import prometheus_client
        return prometheus_client
    except ImportError:
        if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
            raise TestFailure(f"the Python module prometheus_client is not importable from "
                              f"{sys.executable}: run the e2e tests with /usr/bin/python3, the "
                              f"interpreter Debian's python3-prometheus-client installs into")
        missing_tool(f"the Python module prometheus_client (for {sys.executable})",
                     "python3-prometheus-client")


# --- Ports and processes ------------------------------------------------------------------

def free_port():
    """A port that was free a moment ago on 127.0.0.1 (for programs that cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # Runs in the child between fork and exec: if the test process dies (even by SIGKILL),
    # the kernel kills the child too, so no server outlives its test.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Process:
    """A child process whose stdout and stderr go to a log file in a temp dir."""

    def __init__(self, name, argv, workdir):
        self.name = name
        self.argv = argv
        self.log_path = os.path.join(workdir, f"{name}.log")
        self._log = open(self.log_path, "wb")
        log(f"starting {name}: {' '.join(argv)}")
        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                      stderr=subprocess.STDOUT, cwd=workdir,
                                      preexec_fn=_die_with_parent)

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def tail(self, lines=40):
        return "\n".join(self.output().splitlines()[-lines:])

    def wait_for_log(self, pattern, timeout, what):
        """Polls the log for `pattern` (a regex) and returns its match."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.output())
            if match:
                return match
            if self.popen.poll() is not None:
                raise TestFailure(f"{self.name} exited with status {self.popen.returncode} "
                                  f"before {what}; its log:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise TestFailure(f"{self.name} did not report {what} within {timeout} s; "
                                  f"its log:\n{self.tail()}")
            time.sleep(0.05)

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log(f"{self.name} ignored SIGTERM for 10 s; killing it")
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._log.close()


@contextmanager
def temp_dir(prefix):
    path = tempfile.mkdtemp(prefix=prefix)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def started(process):
    try:
        yield process
    finally:
        process.stop()


LISTENING_RE = r'msg="Listening on" address=(127\.0\.0\.1):(\d+)'


@contextmanager
def pushgateway(name, binary, workdir, extra_args=(), listen_timeout=30):
    """Starts a Pushgateway (ours or the reference) on 127.0.0.1 port 0 and yields its base URL.

    Both log `msg="Listening on" address=127.0.0.1:<port>` with the port they were given.
    """
    process = Process(name, [binary, "--web.listen-address=127.0.0.1:0", *extra_args], workdir)
    with started(process):
        match = process.wait_for_log(LISTENING_RE, listen_timeout, "the address it listens on")
        base = f"http://{match.group(1)}:{match.group(2)}"
        wait_until_http_ok(f"{base}/-/ready", listen_timeout, f"{name} /-/ready", process)
        yield base, process


# --- HTTP -------------------------------------------------------------------------------

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # a list of (name, value) as sent
        self.body = body

    def header(self, name):
        values = [v for (k, v) in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<{self.status} {self.body[:200]!r}>"


def request(base, method, path, body=None, headers=None, timeout=10):
    """One HTTP request on a fresh connection; redirects are not followed.

    `path` is sent exactly as given (already percent-encoded where needed).
    """
    match = re.match(r"http://([^:/]+):(\d+)$", base)
    if not match:
        raise ValueError(f"unexpected base URL {base!r}")
    connection = http.client.HTTPConnection(match.group(1), int(match.group(2)), timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        data = response.read()
        return Response(response.status, response.getheaders(), data)
    finally:
        connection.close()


def wait_until_http_ok(url, timeout, what, process=None):
    match = re.match(r"(http://[^/]+)(/.*)$", url)
    base, path = match.group(1), match.group(2)
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            response = request(base, "GET", path, timeout=5)
            if response.status == 200:
                return response
            last = f"status {response.status}: {response.text[:300]!r}"
        except OSError as error:
            last = repr(error)
        if process is not None and process.popen.poll() is not None:
            raise TestFailure(f"{process.name} exited with status {process.popen.returncode} "
                              f"while waiting for {what}; its log:\n{process.tail()}")
        if time.monotonic() > deadline:
            details = f"; its log:\n{process.tail()}" if process is not None else ""
            raise TestFailure(f"{what} not answering 200 within {timeout} s (last: {last}){details}")
        time.sleep(0.1)


def poll(check, timeout, what):
    """Calls `check()` until it returns a true value, which is returned; fails after `timeout` s.

    `check` may return a (value, description) pair; the description of the last attempt is
    shown on failure.
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        result = check()
        if isinstance(result, tuple):
            result, last = result
        if result:
            return result
        if time.monotonic() > deadline:
            raise TestFailure(f"timed out after {timeout} s waiting for {what}"
                              + (f"; last state: {last}" if last is not None else ""))
        time.sleep(0.1)


# --- Text exposition 0.0.4 --------------------------------------------------------------

_SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+(\S+))?$')
_LABEL_RE = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)')


def _unescape_label_value(value):
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append({"n": "\n", "\\": "\\", '"': '"'}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_labels(text):
    labels, pos = {}, 0
    while pos < len(text):
        match = _LABEL_RE.match(text, pos)
        if not match:
            raise TestFailure(f"cannot parse labels {text!r} at offset {pos}")
        labels[match.group(1)] = _unescape_label_value(match.group(2))
        pos = match.end()
    return labels


class Family:
    def __init__(self, name):
        self.name = name
        self.help = None
        self.type = None
        self.lines = []    # the family's lines exactly as exposed
        self.samples = []  # (sample name, labels dict, value string)


def parse_exposition(text):
    """Parses text format 0.0.4 as the Pushgateway writes it: {family name: Family}, in order.

    A family starts at its HELP or TYPE line (the writer always writes TYPE); every sample
    up to the next family belongs to it.
    """
    families, current = {}, None
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if current is None or current.name != name:
                    expect(name not in families, f"family {name} appears twice in the exposition")
                    current = families[name] = Family(name)
                value = parts[3] if len(parts) > 3 else ""
                if parts[1] == "HELP":
                    current.help = value
                else:
                    current.type = value
                current.lines.append(line)
            continue
        match = _SAMPLE_RE.match(line)
        expect(match is not None, f"cannot parse exposition line {line!r}")
        name = match.group(1)
        labels = parse_labels(match.group(3) or "")
        if current is None or not (name == current.name or name.startswith(current.name + "_")):
            # A sample without HELP/TYPE (the Go writer never does this, but be tolerant).
            current = families.setdefault(name, Family(name))
        current.lines.append(line)
        current.samples.append((name, labels, match.group(4)))
    return families


def scrape(base, timeout=10):
    response = request(base, "GET", "/metrics", timeout=timeout)
    expect(response.status == 200,
           f"GET {base}/metrics answered {response.status}: {response.text[:500]!r}")
    return parse_exposition(response.text)


# --- The Go client (tests/e2e/go/pusher) --------------------------------------------------

GO = "/usr/bin/go"
# Debian's Go library packages (client_golang and its dependencies) install their sources here.
GO_LIBRARIES = "/usr/share/gocode"
GO_PUSHER_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "go", "pusher")
# What the Go client sends, and what a gateway answers a protobuf scrape with (1.11.3, and we,
# append "; escaping=underscores").
PROTOBUF_DELIMITED = ("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
                      "encoding=delimited")


def build_go_pusher(workdir, timeout=240):
    """Builds tests/e2e/go/pusher into `workdir` and returns the binary's path.

    GOPATH mode against Debian's packages: no module download, no network. The build cache
    and HOME are in `workdir`, so it works without a writable HOME and leaves nothing behind.
    """
    require_executable(GO, "golang-go")
    if not os.path.isdir(os.path.join(GO_LIBRARIES, "src/github.com/prometheus/client_golang/prometheus/push")):
        missing_tool(f"the Go package github.com/prometheus/client_golang (in {GO_LIBRARIES})",
                     "golang-github-prometheus-client-golang-dev")
    home = os.path.join(workdir, "go-home")
    os.makedirs(home, exist_ok=True)
    binary = os.path.join(workdir, "pusher")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "TMPDIR": home,
        "GOCACHE": os.path.join(home, "cache"),
        "GO111MODULE": "off",
        "GOPATH": GO_LIBRARIES,
        "GOFLAGS": "",
        "GOPROXY": "off",
        "CGO_ENABLED": "0",
    }
    argv = [GO, "build", "-o", binary, "."]
    log(f"building the Go pusher: (cd {GO_PUSHER_SOURCE} && GO111MODULE=off GOPATH={GO_LIBRARIES} "
        f"{' '.join(argv)})")
    started_at = time.monotonic()
    # A session of its own, so that on a timeout the compiler processes go down with `go`.
    process = subprocess.Popen(argv, cwd=GO_PUSHER_SOURCE, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, preexec_fn=_die_with_parent)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"building the Go pusher took longer than {timeout} s")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    text = output.decode("utf-8", "replace")
    expect(process.returncode == 0,
           f"building the Go pusher failed (status {process.returncode}):\n{text}")
    log(f"built the Go pusher in {time.monotonic() - started_at:.1f} s")
    return binary


def run_go_pusher(binary, *args, timeout=60):
    """Runs the Go pusher and returns (exit status, its JSON output)."""
    try:
        result = subprocess.run([binary, *args], stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=timeout, preexec_fn=_die_with_parent, check=False)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"pusher {' '.join(args)} did not finish within {timeout} s")
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    try:
        return result.returncode, json.loads(stdout)
    except ValueError:
        raise TestFailure(f"pusher {' '.join(args)} exited with status {result.returncode} "
                          f"without JSON output; stdout: {stdout[:2000]!r}; stderr: {stderr[:2000]!r}")


# --- Prometheus ---------------------------------------------------------------------------

PROMETHEUS = "/usr/bin/prometheus"


@contextmanager
def prometheus(workdir, config, extra_args=(), timeout=60, attempts=3):
    """Starts Prometheus with `config` (JSON is YAML) on a free loopback port, storage in
    `workdir`; yields its base URL. Retries when another process took the port between
    choosing it and Prometheus binding it."""
    require_executable(PROMETHEUS, "prometheus")
    config_path = os.path.join(workdir, "prometheus.yml")
    with open(config_path, "w", encoding="utf-8") as f:
        f.write(config)
    for attempt in range(1, attempts + 1):
        port = free_port()
        process = Process(f"prometheus-{attempt}", [
            PROMETHEUS,
            f"--config.file={config_path}",
            f"--storage.tsdb.path={os.path.join(workdir, f'tsdb-{attempt}')}",
            f"--web.listen-address=127.0.0.1:{port}",
            # Debian's defaults point at /usr/share and /etc; keep everything local and quiet.
            "--web.console.templates=" + os.path.join(workdir, "consoles"),
            "--web.console.libraries=" + os.path.join(workdir, "console_libraries"),
            "--log.level=warn",
            *extra_args,
        ], workdir)
        with started(process):
            try:
                wait_until_http_ok(f"http://127.0.0.1:{port}/-/ready", timeout,
                                   "Prometheus /-/ready", process)
            except TestFailure:
                if "address already in use" in process.output() and attempt < attempts:
                    log(f"port {port} was taken meanwhile; trying another one")
                    continue
                raise
            yield f"http://127.0.0.1:{port}"
            return


def prometheus_query(prometheus_base, expression):
    """The result of an instant query, or raises TestFailure on an API error."""
    path = "/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    response = request(prometheus_base, "GET", path, timeout=10)
    expect(response.status == 200,
           f"Prometheus query {expression!r} answered {response.status}: {response.text[:500]}")
    answer = json.loads(response.text)
    expect(answer.get("status") == "success", f"Prometheus query {expression!r} failed: {answer}")
    return answer["data"]["result"]


def prometheus_targets(prometheus_base):
    """The active targets of Prometheus (a list of dicts), or [] when the API does not answer."""
    try:
        response = request(prometheus_base, "GET", "/api/v1/targets", timeout=10)
        return json.loads(response.text)["data"]["activeTargets"]
    except (OSError, ValueError, KeyError):
        return []
