#!/usr/bin/python3
"""End to end: --persistence.file survives crashes. Nothing the gateway acknowledged is lost,
nothing is corrupted, damaged files are refused or moved aside.

    test_persistence_crash.py <gateway binary> [--rounds N] [--seed S] [--keep-dir]

1. Crash rounds (default 20), all on one persistence file, so the state accumulates: the
   gateway starts (odd rounds --persistence.interval=500ms, snapshots during the load; even
   rounds 1h, everything since the start replayed from the journal; every fifth round
   --persistence.sync=interval, the others the default), 4 to 8 client threads PUT, POST and
   DELETE groups they own, and after a random delay it gets SIGKILL. The next start must show
   every acknowledged change; a group whose last request was in flight at the kill may show
   either the state before it or the state it asked for, nothing else.
2. After the middle round, garbage is appended to the newest PATH.journal.<N> (a torn tail):
   the next start must warn and keep everything acknowledged.
3. --persistence.sync=interval and a SIGTERM while the clients push: exit 0, a final snapshot,
   nothing answered lost.
4. A snapshot with flipped bytes, after a graceful stop and again after a SIGKILL (journals
   beside it): the gateway refuses to start, naming the file, and leaves it alone; with
   --persistence.move-aside-corrupt it renames it to PATH.corrupt-<time>, starts empty, and
   persists what comes next (and nothing of what was moved aside) through the next SIGKILL.

Every random choice comes from --seed (printed; pass it back to replay the same choices; the
timing of the kill against the requests is the machine's). Values encode round, thread, request
and series, so a failure says which request a value came from.
"""

import argparse
import glob
import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from contextlib import contextmanager

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402
from e2e_common import TestFailure, expect, expect_equal  # noqa: E402

JOB = "qpgw_crash"
SLOTS = [f"g{i:02d}" for i in range(40)]  # the groups: job="qpgw_crash", instance=<slot>
SERIES = ("x", "y", "z")
# name -> (TYPE line or None, type on /metrics, value offset); one HELP per name everywhere,
# so that pushes are consistent with each other.
FAMILIES = {
    "qpgw_crash_a_total": ("counter", "counter", 0.0),
    "qpgw_crash_b": ("gauge", "gauge", 0.5),
    "qpgw_crash_c": (None, "untyped", 0.25),  # no TYPE line: untyped
}
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
START_TIMEOUT = 30     # s until a start is listening and ready
KILL_EXIT_TIMEOUT = 10  # s until a SIGKILLed gateway is gone
STOP_TIMEOUT = 20      # s for a SIGTERM stop (final snapshot included)
REFUSE_TIMEOUT = 15    # s for a start on a corrupt snapshot to give up
REQUEST_TIMEOUT = 10
# push_time_seconds is the gateway's wall clock while it handles the push, between the client's
# send and its answer (the same clock); this much slack covers rounding.
PUSH_TIME_SLACK = 0.05


# --- The state a client implies ---------------------------------------------------------
# A group's state: None (absent), or {family: {series label: value}}.

def encode(round_, thread, seq, series_index):
    return ((round_ * 10 + thread) * 100000 + seq) * 10 + series_index


def decode(value):
    """Which request a value came from, for failure messages."""
    for _, _, offset in FAMILIES.values():
        code = value - offset
        if code == int(code) and code >= 0:
            code = int(code)
            series_index, code = code % 10, code // 10
            seq, code = code % 100000, code // 100000
            series = SERIES[series_index] if series_index < len(SERIES) else "?"
            return f"r{code // 10}/t{code % 10}/#{seq}/{series}"
    return "?"


def describe(state):
    if state is None:
        return "absent"
    if not state:
        return "present with no families"
    return "; ".join(f"{family}{{"
                     + ", ".join(f"{s}={v!r} ({decode(v)})" for s, v in sorted(series.items())) + "}"
                     for family, series in sorted(state.items()))


def render(families):
    """The text body for {family: {series: value}}."""
    lines = []
    for family, series in sorted(families.items()):
        type_line, _, _ = FAMILIES[family]
        lines.append(f"# HELP {family} Written by the persistence crash test.")
        if type_line:
            lines.append(f"# TYPE {family} {type_line}")
        for label, value in sorted(series.items()):
            lines.append(f'{family}{{series="{label}"}} {value!r}')
    return ("\n".join(lines) + "\n").encode()


def describe_window(window):
    if window is None:
        return ""
    low, high = window
    return f", pushed at {low:.6f}" if low == high else f", pushed between {low:.6f} and {high:.6f}"


class Model:
    """What the clients know: per group, the state of its last acknowledged request and, if a
    later request got no answer, the state that one asked for; each with the window its
    push_time_seconds must lie in (a state seen after a restart: exactly the time seen)."""

    def __init__(self):
        self.acked = {slot: None for slot in SLOTS}
        self.acked_window = {slot: None for slot in SLOTS}  # (low, high) or None
        self.in_flight = {}  # slot -> (state, what, window)

    def acknowledge(self, slot, state, sent, answered):
        self.acked[slot] = state
        self.acked_window[slot] = None if state is None else (sent - PUSH_TIME_SLACK,
                                                               answered + PUSH_TIME_SLACK)

    def check(self, actual, push_times, what, seed):
        """Compares a scrape's groups with the model; afterwards the observed state is the
        acknowledged one (a request in flight was either applied or not, and now we know)."""
        applied = dropped = 0
        problems = []
        for slot in SLOTS:
            got, pushed_at = actual.get(slot), push_times.get(slot)
            candidates = [("last acknowledged", self.acked[slot], self.acked_window[slot])]
            if slot in self.in_flight:
                state, request, window = self.in_flight[slot]
                candidates.append((f"in flight ({request})", state, window))
            matching = [c for c in candidates if c[1] == got]
            if matching and (got is None or any(low <= pushed_at <= high
                                                for _, _, (low, high) in matching)):
                if len(candidates) > 1 and candidates[0][1] != candidates[1][1]:
                    if matching[0] is candidates[0]:
                        dropped += 1
                    else:
                        applied += 1
                continue
            problem = (f"group instance={slot}:\n      on /metrics: {describe(got)}"
                       + (f", push_time_seconds {pushed_at:.6f}" if pushed_at is not None else ""))
            for name, state, window in candidates:
                problem += f"\n      {name}: {describe(state)}{describe_window(window)}"
            problems.append(problem)
        if problems:
            raise TestFailure(f"{what} (seed {seed}): {len(problems)} group(s) lost an acknowledged "
                              f"change or hold a state (or push time) no client sent:\n    "
                              + "\n    ".join(problems))
        for slot in SLOTS:
            self.acked[slot] = actual.get(slot)
            pushed_at = push_times.get(slot)
            self.acked_window[slot] = None if pushed_at is None else (pushed_at, pushed_at)
        self.in_flight.clear()
        return applied, dropped


def observed_groups(base):
    """The crash test's groups on /metrics: ({slot: state}, {slot: push_time_seconds}). Fails
    on anything unparsable or anything the clients never send (a foreign family, label, slot or
    a repeated series)."""
    families = e2e.scrape(base)  # raises on a line it cannot parse
    groups, push_times = {}, {}
    for family in families.values():
        for sample_name, labels, value in family.samples:
            if labels.get("job") != JOB:
                continue
            slot = labels.get("instance")
            where = f"{sample_name}{labels} {value}"
            expect(slot in SLOTS, f"/metrics holds a series of an unknown group: {where}")
            try:
                number = float(value)
            except ValueError:
                raise TestFailure(f"/metrics holds a value that is not a number: {where}")
            if family.name in e2e.PUSH_GAUGES:
                expect_equal(sorted(labels), ["instance", "job"], f"labels of {where}")
                if family.name == "push_time_seconds":
                    expect(number > 0, f"push_time_seconds is not positive: {where}")
                    expect(slot not in push_times, f"push_time_seconds exposed twice: {where}")
                    push_times[slot] = number
                else:
                    expect_equal(number, 0.0, f"push_failure_time_seconds of {slot} (no push failed)")
                continue
            expect(family.name in FAMILIES, f"/metrics holds a family no client pushed: {where}")
            expect_equal(sample_name, family.name, f"sample name in family {family.name}")
            expect_equal(family.type, FAMILIES[family.name][1], f"TYPE of {family.name}")
            expect_equal(sorted(labels), ["instance", "job", "series"], f"labels of {where}")
            series = groups.setdefault(slot, {}).setdefault(family.name, {})
            expect(labels["series"] not in series, f"series exposed twice: {where}")
            series[labels["series"]] = number
    for slot in set(push_times) - set(groups):
        groups[slot] = {}
    missing = set(groups) - set(push_times)
    expect(not missing, f"groups without push_time_seconds on /metrics: {sorted(missing)}")
    return groups, push_times


# --- Clients ----------------------------------------------------------------------------

class Client(threading.Thread):
    """Pushes to and deletes the groups it owns, one request at a time, until told to stop or
    until a request fails. Records each acknowledged request in the model."""

    def __init__(self, base, model, round_, index, slots, seed, stop, kill_sent):
        super().__init__(name=f"client-{index}", daemon=True)
        self.base, self.model, self.round, self.index = base, model, round_, index
        self.slots, self.random, self.stop, self.kill_sent = slots, random.Random(seed), stop, kill_sent
        self.counts = {"PUT": 0, "POST": 0, "DELETE": 0}
        self.in_flight = None
        self.error = None  # a failure not caused by stopping the gateway

    def next_request(self, seq):
        slot = self.random.choice(self.slots)
        current = self.model.acked[slot]
        choice = self.random.random()
        if current is not None and choice < 0.2:
            return slot, "DELETE", None, None
        method = "PUT" if choice < 0.6 else "POST"
        families = {}
        for family in self.random.sample(sorted(FAMILIES), self.random.randint(1, len(FAMILIES))):
            offset = FAMILIES[family][2]
            chosen = self.random.sample(range(len(SERIES)), self.random.randint(1, len(SERIES)))
            families[family] = {SERIES[i]: encode(self.round, self.index, seq, i) + offset
                                for i in chosen}
        if method == "PUT":
            state = families
        else:
            state = {**(current or {}), **families}
        return slot, method, render(families), state

    def run(self):
        try:
            self.push_until_stopped()
        except Exception:  # a bug here must fail the test, not just end the thread
            self.error = f"{self.name} crashed:\n{traceback.format_exc()}"

    def push_until_stopped(self):
        seq = 0
        while not self.stop.is_set() and not self.kill_sent.is_set():
            seq += 1
            slot, method, body, state = self.next_request(seq)
            what = f"{method} r{self.round}/t{self.index}/#{seq}"
            sent = time.time()
            self.in_flight = (slot, state, what, (sent - PUSH_TIME_SLACK, float("inf")))
            path = f"/metrics/job/{JOB}/instance/{slot}"
            headers = {"Content-Type": CONTENT_TYPE} if body is not None else {}
            try:
                response = e2e.request(self.base, method, path, body=body, headers=headers,
                                       timeout=REQUEST_TIMEOUT)
            except (OSError, http.client.HTTPException) as error:
                if not self.kill_sent.is_set():
                    self.error = f"{what} to {path} failed before the gateway was stopped: {error!r}"
                return  # in flight: leave it for the model
            if not 200 <= response.status < 300:
                self.error = f"{what} to {path} answered {response.status}: {response.text[:300]!r}"
                return
            self.model.acknowledge(slot, state, sent, time.time())
            self.in_flight = None
            self.counts[method] += 1


def run_clients(base, model, round_, count, seed, until):
    """Starts `count` clients; `until(kill_sent)` ends the run (it sets kill_sent if it kills).
    Returns the clients after they finished."""
    stop, kill_sent = threading.Event(), threading.Event()
    seeds = random.Random(seed)
    clients = [Client(base, model, round_, i, [s for j, s in enumerate(SLOTS) if j % count == i],
                      seeds.getrandbits(32), stop, kill_sent) for i in range(count)]
    for client in clients:
        client.start()
    try:
        until(kill_sent)
    finally:
        stop.set()
        deadline = time.monotonic() + REQUEST_TIMEOUT + 5
        for client in clients:
            client.join(max(0.0, deadline - time.monotonic()))
    stuck = [c.name for c in clients if c.is_alive()]
    expect(not stuck, f"clients still waiting for an answer {REQUEST_TIMEOUT + 5} s after the end "
                      f"of round {round_}: {stuck}")
    errors = [c.error for c in clients if c.error]
    expect(not errors, f"round {round_}: requests failed while the gateway was running:\n    "
                       + "\n    ".join(errors))
    for client in clients:
        if client.in_flight is not None:
            slot, state, what, window = client.in_flight
            model.in_flight[slot] = (state, what, window)
    return clients


def summary(clients):
    counts = {m: sum(c.counts[m] for c in clients) for m in ("PUT", "POST", "DELETE")}
    in_flight = sum(1 for c in clients if c.in_flight is not None)
    return (f"{sum(counts.values())} acknowledged (PUT {counts['PUT']}, POST {counts['POST']}, "
            f"DELETE {counts['DELETE']}), {in_flight} in flight")


# --- The gateway --------------------------------------------------------------------------

class Gateway:
    def __init__(self, binary, workdir, persistence_file):
        self.binary, self.workdir, self.file = binary, workdir, persistence_file
        self.starts = 0
        self.torn_journal = None  # the journal the next start must warn about

    def args(self, extra):
        return [f"--persistence.file={self.file}", *extra]

    @contextmanager
    def running(self, label, extra=()):
        """A gateway on a port of its own (port 0) over the persistence file."""
        self.starts += 1
        name = f"gateway-{self.starts:02d}-{label}"
        with e2e.pushgateway(name, self.binary, self.workdir, self.args(extra),
                             listen_timeout=START_TIMEOUT) as (base, process):
            expect("persistence is not implemented yet" not in process.output(),
                   f"{name} says persistence is not implemented yet: this build does not persist")
            yield base, process

    def refused_start(self, label, extra=()):
        """Starts a gateway that must exit on its own, non-zero; returns (status, output)."""
        self.starts += 1
        name = f"gateway-{self.starts:02d}-{label}"
        process = e2e.Process(name, [self.binary, "--web.listen-address=127.0.0.1:0",
                                     *self.args(extra)], self.workdir)
        with e2e.started(process):
            try:
                process.popen.wait(REFUSE_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise TestFailure(f"{name} did not exit within {REFUSE_TIMEOUT} s; its log:\n"
                                  f"{process.tail()}")
            return process.popen.returncode, process.output()


def kill_hard(process):
    process.popen.send_signal(signal.SIGKILL)
    try:
        process.popen.wait(KILL_EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"{process.name} still running {KILL_EXIT_TIMEOUT} s after SIGKILL")


def stop_gracefully(process):
    """SIGTERM; the gateway must exit 0 within STOP_TIMEOUT. Returns the time it was sent."""
    sent = time.time()
    process.popen.send_signal(signal.SIGTERM)
    try:
        status = process.popen.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"{process.name} did not exit within {STOP_TIMEOUT} s of SIGTERM; its "
                          f"log:\n{process.tail()}")
    expect_equal(status, 0, f"exit status of {process.name} after SIGTERM (log:\n{process.tail()})")
    return sent


def warnings_of(process):
    return [line for line in process.output().splitlines()
            if "level=WARN" in line or "level=ERROR" in line]


def persistence_files(persistence_file):
    """The files beside the persistence file, with their sizes, for the log and for failures."""
    directory = os.path.dirname(persistence_file)
    return ", ".join(f"{name} ({os.path.getsize(os.path.join(directory, name))} B)"
                     for name in sorted(os.listdir(directory))) or "none"


def journal_files(persistence_file):
    """PATH.journal.<N>, ordered by N."""
    found = []
    for path in glob.glob(glob.escape(persistence_file) + ".journal.*"):
        match = re.search(r"\.journal\.(\d+)$", path)
        if match:
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]


def require_persistence_flags(binary):
    result = subprocess.run([binary, "--help"], stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=30, check=False)
    text = result.stdout + result.stderr
    missing = [flag for flag in ("persistence.sync", "persistence.move-aside-corrupt")
               if flag not in text]
    expect(not missing, f"{binary} --help lists no --{' or --'.join(missing)}: persistence is not "
                        f"wired into this build")


# --- The scenarios --------------------------------------------------------------------------

def check_recovered(gateway, base, process, model, seed, what):
    """Checks a fresh start's /metrics against the model (and, after garbage was appended to
    the newest journal, that the start warned about the journal)."""
    if gateway.torn_journal is not None:
        journal, gateway.torn_journal = gateway.torn_journal, None
        what += f" (after garbage was appended to {os.path.basename(journal)})"
        expect([line for line in warnings_of(process) if "journal" in line.lower()],
               f"{what}: no warning about the torn journal tail in the log:\n{process.tail()}")
    applied, dropped = model.check(*observed_groups(base), what, seed)
    present = sum(1 for state in model.acked.values() if state is not None)
    # The gateway's own account of the restore, for the log (not part of the contract).
    restored = re.search(r'msg="metrics restored" (?:file=\S+ )?(.*)', process.output())
    notes = "; ".join(warnings_of(process))
    e2e.log(f"  {what}: {present} groups as expected (in-flight requests applied: {applied}, "
            f"not applied: {dropped})" + (f"; restored {restored.group(1)}" if restored else "")
            + (f"\n    log warnings: {notes}" if notes else ""))


def load_and_kill(gateway, process, base, model, round_, threads, delay, client_seed):
    """Clients push and delete; after `delay` seconds the gateway gets SIGKILL."""
    def kill_after_delay(kill_sent):
        time.sleep(delay)
        kill_sent.set()
        kill_hard(process)

    clients = run_clients(base, model, round_, threads, client_seed, kill_after_delay)
    e2e.log(f"  killed: {summary(clients)}; files: {persistence_files(gateway.file)}")


def crash_rounds(gateway, model, rounds, seed, torn_round):
    rng = random.Random(seed)
    for round_ in range(1, rounds + 1):
        threads = rng.randint(4, 8)
        delay = round(rng.uniform(0.2, 1.5), 3)
        client_seed = rng.getrandbits(32)
        interval = "500ms" if round_ % 2 else "1h"
        extra = [f"--persistence.interval={interval}"]
        if round_ % 5 == 4:
            extra.append("--persistence.sync=interval")
        e2e.log(f"round {round_}/{rounds}: {' '.join(extra)}, {threads} clients, SIGKILL after "
                f"{delay} s")
        with gateway.running(f"round{round_}", extra) as (base, process):
            check_recovered(gateway, base, process, model, seed, f"round {round_} start")
            load_and_kill(gateway, process, base, model, round_, threads, delay, client_seed)
        if round_ == torn_round:
            journals = journal_files(gateway.file)
            expect(journals, f"no {gateway.file}.journal.<N> after round {round_}: the changes "
                             f"were not journaled; files: {persistence_files(gateway.file)}")
            garbage = bytes(random.Random(seed + round_).getrandbits(8) for _ in range(5))
            with open(journals[-1], "ab") as f:
                f.write(garbage)
            gateway.torn_journal = journals[-1]
            e2e.log(f"  appended {garbage.hex()} to {os.path.basename(journals[-1])} "
                    f"(now {os.path.getsize(journals[-1])} bytes; journals: "
                    f"{', '.join(os.path.basename(j) for j in journals)})")


def graceful_interval_round(gateway, model, seed, round_):
    """SIGTERM while the clients push: the gateway drains, writes a final snapshot and exits 0;
    every answered request is kept (those cut off by the stop may or may not be)."""
    e2e.log(f"round {round_}: --persistence.sync=interval, SIGTERM after 1 s while clients push")
    extra = ["--persistence.sync=interval", "--persistence.interval=1h"]
    with gateway.running(f"round{round_}-sync-interval", extra) as (base, process):
        check_recovered(gateway, base, process, model, seed, f"round {round_} start")
        sent = []

        def terminate_after_a_second(kill_sent):
            time.sleep(1.0)
            kill_sent.set()
            sent.append(stop_gracefully(process))

        clients = run_clients(base, model, round_, 6, random.Random(seed).getrandbits(32),
                              terminate_after_a_second)
        e2e.log(f"  stopped: {summary(clients)}")
    expect(os.path.isfile(gateway.file), f"no snapshot {gateway.file} after a graceful stop")
    written = os.stat(gateway.file).st_mtime
    expect(written >= sent[0] - 0.1, f"the snapshot was last written {sent[0] - written:.1f} s "
                                     f"before SIGTERM: no final snapshot at the stop")
    e2e.log(f"  files: {persistence_files(gateway.file)}")
    with gateway.running("after-sigterm") as (base, process):
        check_recovered(gateway, base, process, model, seed, "start after the SIGTERM")
        stop_gracefully(process)


def moved_aside(path):
    return set(glob.glob(glob.escape(path) + ".corrupt-*"))


def refused_corrupt_snapshot(gateway, when):
    """Flips bytes in the middle of the snapshot; a start must refuse it, name it, and leave it
    as it is. Returns the corrupt bytes."""
    path = gateway.file
    with open(path, "rb") as f:
        original = f.read()
    expect(len(original) > 40, f"the snapshot {when} is only {len(original)} bytes; expected "
                               f"it to hold groups")
    middle = len(original) // 2
    flipped = bytes(b ^ 0xFF for b in original[middle:middle + 4])
    corrupt = original[:middle] + flipped + original[middle + 4:]
    with open(path, "wb") as f:
        f.write(corrupt)
    e2e.log(f"corrupt snapshot {when}: 4 bytes flipped at byte {middle} of {len(corrupt)}; files: "
            f"{persistence_files(path)}")
    before = moved_aside(path)

    started_at = time.monotonic()
    status, output = gateway.refused_start("corrupt")
    e2e.log(f"  refused in {time.monotonic() - started_at:.2f} s with status {status}")
    expect(status != 0, f"a start on a corrupt snapshot ({when}) exited 0; its log:\n{output}")
    naming = [line for line in output.splitlines() if path in line]
    expect(naming, f"the refusal of a corrupt snapshot ({when}) does not name {path}; its "
                   f"output:\n{output}")
    e2e.log(f"  message: {naming[0]}")
    with open(path, "rb") as f:
        expect(f.read() == corrupt, f"the refused start ({when}) changed {path}")
    expect_equal(moved_aside(path), before, f"files moved aside by a start without "
                                            f"--persistence.move-aside-corrupt ({when})")
    return corrupt


def check_moved_aside(gateway, base, model, corrupt, before, when):
    """After a start with --persistence.move-aside-corrupt: the corrupt snapshot is now one new
    PATH.corrupt-<time>, byte for byte, and the gateway is empty."""
    new = moved_aside(gateway.file) - before
    expect(len(new) == 1, f"expected one new {gateway.file}.corrupt-<time> ({when}), found "
                          f"{sorted(new)}; files: {persistence_files(gateway.file)}")
    moved = new.pop()
    with open(moved, "rb") as f:
        expect(f.read() == corrupt, f"{moved} is not the corrupt snapshot as it was")
    groups, _ = observed_groups(base)
    expect_equal(groups, {}, f"groups after a start that moved the corrupt snapshot aside "
                             f"({when}; it must start empty)")
    for slot in SLOTS:  # whatever was acknowledged or in flight before is gone with the file
        model.acknowledge(slot, None, 0, 0)
    model.in_flight.clear()
    e2e.log(f"  started empty, moved aside to {os.path.basename(moved)}; files: "
            f"{persistence_files(gateway.file)}")


def corrupt_snapshots(gateway, model, seed, first_round):
    """Corruption after a graceful stop (a lone snapshot), then after a SIGKILL (a snapshot
    with journals). Each move-aside start then takes pushes and a SIGKILL, and the next start
    must hold exactly those: no journal of the state moved aside may come back."""
    rng = random.Random(seed + 1)
    round_ = first_round
    move_aside = ["--persistence.move-aside-corrupt", "--persistence.interval=1h"]

    before = moved_aside(gateway.file)
    corrupt = refused_corrupt_snapshot(gateway, "after a graceful stop")
    with gateway.running("move-aside-1", move_aside) as (base, process):
        check_moved_aside(gateway, base, model, corrupt, before, "after a graceful stop")
        load_and_kill(gateway, process, base, model, round_, 5, 0.5, rng.getrandbits(32))

    round_ += 1
    with gateway.running(f"round{round_}", ["--persistence.interval=1h"]) as (base, process):
        check_recovered(gateway, base, process, model, seed, "start after the first move-aside")
        load_and_kill(gateway, process, base, model, round_, 5, 0.5, rng.getrandbits(32))
    expect(journal_files(gateway.file), f"no journal after round {round_}; files: "
                                        f"{persistence_files(gateway.file)}")

    round_ += 1
    before = moved_aside(gateway.file)
    corrupt = refused_corrupt_snapshot(gateway, "after a SIGKILL, beside journals")
    with gateway.running("move-aside-2", move_aside) as (base, process):
        check_moved_aside(gateway, base, model, corrupt, before, "after a SIGKILL, beside journals")
        load_and_kill(gateway, process, base, model, round_, 5, 0.5, rng.getrandbits(32))

    with gateway.running("final") as (base, process):
        check_recovered(gateway, base, process, model, seed, "start after the second move-aside")
        stop_gracefully(process)


@contextmanager
def work_directory(keep):
    path = tempfile.mkdtemp(prefix="qpgw-e2e-persistence-")
    try:
        yield path
    finally:
        if keep:
            e2e.log(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="the gateway (qpushgateway-headless)")
    parser.add_argument("--rounds", type=int, default=20, help="SIGKILL rounds (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the time)")
    parser.add_argument("--keep-dir", action="store_true", help="keep the temp dir (logs, files)")
    options = parser.parse_args()
    options.binary = os.path.abspath(options.binary)  # the gateways run in the temp dir
    expect(os.access(options.binary, os.X_OK),
           f"gateway binary {options.binary} is not executable; build it first")
    expect(options.rounds >= 1, "--rounds must be at least 1")
    seed = options.seed if options.seed is not None else int(time.time() * 1000) % 1000000
    e2e.log(f"seed {seed} (replay: {os.path.basename(__file__)} {options.binary} --seed {seed} "
            f"--rounds {options.rounds})")
    require_persistence_flags(options.binary)

    started_at = time.monotonic()
    with work_directory(options.keep_dir) as workdir:
        # Some 25 starts: all of the same build, even if the binary is relinked meanwhile.
        binary = shutil.copy2(options.binary, os.path.join(workdir, os.path.basename(options.binary)))
        gateway = Gateway(binary, workdir, os.path.join(workdir, "state", "pushgateway.db"))
        os.makedirs(os.path.dirname(gateway.file))
        model = Model()
        try:
            crash_rounds(gateway, model, options.rounds, seed, torn_round=max(1, options.rounds // 2))
            graceful_interval_round(gateway, model, seed, options.rounds + 1)
            corrupt_snapshots(gateway, model, seed, options.rounds + 2)
        except TestFailure as failure:
            raise TestFailure(f"{failure}\n  seed {seed}; files: {persistence_files(gateway.file)}")
    e2e.log(f"done in {time.monotonic() - started_at:.1f} s")


if __name__ == "__main__":
    e2e.run_main(main)
