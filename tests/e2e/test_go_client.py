#!/usr/bin/python3
"""End to end: Go's client_golang (Debian's 1.14) pushes in its default format, delimited
protobuf, and after each step the group is checked in both expositions: text 0.0.4 (GET
/metrics) and delimited protobuf (the pusher's `scrape`, decoded with client_model).

    test_go_client.py <gateway binary> [--reference]

The pusher (tests/e2e/go/pusher/main.go) pushes a counter, a gauge, a classic histogram, a
summary and a native histogram. Steps:
  1. PUT (Push): everything exposed with the grouping labels; the native histogram is native
     in protobuf (schema, zero bucket, spans, deltas as sent) and, in text, only its classic
     view (le="+Inf" = count, _sum, _count).
  2. POST (Add): the families of the same name are replaced, the others kept; the push time
     moves on.
  3. A gzip-compressed text push, made with Python's gzip and urllib: Debian's
     prometheus_client 0.16.0 has no compression option in push_to_gateway. Snappy bodies have
     no encoder among the installed tools; the unit tests cover them.
  4. A gzip-compressed protobuf push (the pusher gzips what the Go client produced).
  5. DELETE of every group.

--reference runs the same expectations against Debian's prometheus-pushgateway 1.5.1, to show
that they describe the reference. 1.5.1 predates 1.11.3, the version we follow; where they
differ (only the scrape Content-Type's escaping= parameter here), each mode asserts its own
answer.
"""

import difflib
import gzip
import math
import os
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402
from e2e_common import TestFailure, expect, expect_equal  # noqa: E402

JOB = "e2e_go"
INSTANCE = "i1"
GZIP_TEXT_INSTANCE = "gzip-text"
GZIP_PROTOBUF_INSTANCE = "gzip-protobuf"

# --- What the pusher pushes (keep in step with tests/e2e/go/pusher/main.go) ---------------

# client_golang's default zero threshold for native histograms (DefNativeHistogramZeroThreshold).
ZERO_THRESHOLD = 2.938735877055719e-39
# NativeHistogramBucketFactor 1.1 gives schema 3: bucket i holds (2^((i-1)/8), 2^(i/8)].
SCHEMA = 3


def ordered_sum(values):
    """The sum as the client accumulates it: one addition after the other, from 0."""
    total = 0.0
    for value in values:
        total += value
    return total


def native_bucket_index(value):
    # Exact for the observations used here: powers of two (log2 exact) and values well inside
    # their buckets.
    return math.ceil(math.log2(abs(value)) * 2 ** SCHEMA)


@dataclass(frozen=True)
class Classic:
    buckets: tuple  # ((upper bound as exposed, cumulative count), ...), without +Inf
    observations: tuple

    @property
    def count(self):
        return len(self.observations)


@dataclass(frozen=True)
class Summary:
    quantiles: tuple  # ((quantile as exposed, value), ...)
    observations: tuple


@dataclass(frozen=True)
class Native:
    observations: tuple
    # The spans ((offset, length), ...) and deltas as client_golang 1.14 encodes these
    # observations (a gap of one or two empty buckets is filled, a longer one starts a new
    # span). The gateway stores the message as received, so it must expose exactly these.
    positive_spans: tuple
    positive_deltas: tuple
    negative_spans: tuple = ()
    negative_deltas: tuple = ()

    @property
    def count(self):
        return len(self.observations)

    @property
    def zero_count(self):
        return sum(1 for v in self.observations if abs(v) <= ZERO_THRESHOLD)

    def buckets(self, sign):
        """{bucket index: count} of the positive (sign 1) or negative (sign -1) buckets."""
        return dict(Counter(native_bucket_index(v) for v in self.observations
                            if v * sign > ZERO_THRESHOLD))


@dataclass(frozen=True)
class Family:
    name: str
    type: str  # as in the text TYPE line
    help: str
    metrics: tuple = field(default=())  # ((extra labels, float | Classic | Summary | Native), ...)


JOBS = Family("e2e_go_jobs_total", "counter", "Jobs run by the Go pusher.",
              (({"result": "failed"}, 1.0), ({"result": "ok"}, 3.0)))
QUEUE_7 = Family("e2e_go_queue_length", "gauge", "Items waiting in the queue.", (({}, 7.0),))
STEPS = Family("e2e_go_step_seconds", "histogram", "Duration of the batch steps.",
               (({}, Classic((("0.1", 1), ("1", 2), ("10", 3)), (0.05, 0.5, 5.0))),))
PAYLOAD = Family("e2e_go_payload_bytes", "summary", "Size of the payloads.",
                 (({}, Summary((("0.5", 200.0), ("0.99", 300.0)), (100.0, 200.0, 300.0))),))
# Zero bucket: 0, 0. Positive: 1 -> 0, 1.1 -> 2, 2 -> 8 (twice), 5 -> 19. Negative: -1 -> 0,
# -3 -> 13.
LATENCY_PUSHED = Family("e2e_go_latency_seconds", "histogram", "Latency of the batch calls.", ((
    {}, Native((0.0, 1.0, 1.1, 2.0, 2.0, 5.0, -1.0, -3.0, 0.0),
               positive_spans=((0, 3), (5, 1), (10, 1)), positive_deltas=(1, -1, 1, 1, -1),
               negative_spans=((0, 1), (12, 1)), negative_deltas=(1, 0))),))
PUSH_SET = (JOBS, QUEUE_7, STEPS, PAYLOAD, LATENCY_PUSHED)

QUEUE_11 = Family("e2e_go_queue_length", "gauge", "Items waiting in the queue.", (({}, 11.0),))
LAST_SUCCESS = Family("e2e_go_last_success_timestamp_seconds", "gauge",
                      "Last time the batch succeeded.", (({}, 1.7e9),))
# Positive only: 0.5 -> -8 (a negative span offset), 3 -> 13; an empty zero bucket.
LATENCY_ADDED = Family("e2e_go_latency_seconds", "histogram", "Latency of the batch calls.", ((
    {}, Native((0.5, 3.0), positive_spans=((-8, 1), (20, 1)), positive_deltas=(1, 0))),))
# POST replaces the families it names (queue length, latency) and keeps the others.
AFTER_ADD = (JOBS, QUEUE_11, STEPS, PAYLOAD, LATENCY_ADDED, LAST_SUCCESS)

GZIP_TEXT_BODY = (b"# HELP e2e_go_gzip_text_bytes Bytes pushed gzip-compressed.\n"
                  b"# TYPE e2e_go_gzip_text_bytes gauge\n"
                  b'e2e_go_gzip_text_bytes{codec="gzip"} 42\n')
GZIP_TEXT = (Family("e2e_go_gzip_text_bytes", "gauge", "Bytes pushed gzip-compressed.",
                    (({"codec": "gzip"}, 42.0),)),)


# --- Expected expositions -----------------------------------------------------------------

def labels_of(key, extra):
    return tuple(sorted({**key, **extra}.items()))


def text_samples(family, key):
    """The family's samples in text 0.0.4, in exposed order: (name, labels, value)."""
    samples = []
    for extra, value in family.metrics:
        def sample(suffix, number, more=None):
            samples.append((family.name + suffix, labels_of(key, {**extra, **(more or {})}),
                            float(number)))
        if isinstance(value, float):
            sample("", value)
        elif isinstance(value, Summary):
            for quantile, number in value.quantiles:
                sample("", number, {"quantile": quantile})
            sample("_sum", ordered_sum(value.observations))
            sample("_count", len(value.observations))
        elif isinstance(value, Classic):
            for upper_bound, cumulative in value.buckets:
                sample("_bucket", cumulative, {"le": upper_bound})
            sample("_bucket", value.count, {"le": "+Inf"})
            sample("_sum", ordered_sum(value.observations))
            sample("_count", value.count)
        else:
            # A native histogram in text: only its classic view, no native buckets.
            sample("_bucket", value.count, {"le": "+Inf"})
            sample("_sum", ordered_sum(value.observations))
            sample("_count", value.count)
    return samples


def protobuf_metric(key, extra, value):
    """The canonical form (see canonical_metric) of one expected metric."""
    labels = labels_of(key, extra)
    if isinstance(value, float):
        return labels, value
    if isinstance(value, Summary):
        return labels, ("summary", len(value.observations), ordered_sum(value.observations),
                        tuple((q, v) for q, v in value.quantiles))
    if isinstance(value, Classic):
        return labels, {"count": value.count, "sum": ordered_sum(value.observations),
                        "buckets": value.buckets, "schema": None, "zero_threshold": None,
                        "zero_count": None, "positive_spans": (), "positive_deltas": (),
                        "negative_spans": (), "negative_deltas": ()}
    return labels, {"count": value.count, "sum": ordered_sum(value.observations), "buckets": (),
                    "schema": SCHEMA, "zero_threshold": ZERO_THRESHOLD,
                    "zero_count": value.zero_count,
                    "positive_spans": value.positive_spans,
                    "positive_deltas": value.positive_deltas,
                    "negative_spans": value.negative_spans,
                    "negative_deltas": value.negative_deltas}


def canonical_metric(metric):
    """One metric of the pusher's JSON, in the form protobuf_metric() gives."""
    labels = tuple(sorted(metric["labels"].items()))
    if "value" in metric:
        return labels, float(metric["value"])
    if "summary" in metric:
        s = metric["summary"]
        return labels, ("summary", s["count"], float(s["sum"]),
                        tuple((q, float(v)) for q, v in s["quantiles"]))
    h = metric["histogram"]
    return labels, {
        "count": h["count"], "sum": float(h["sum"]),
        "buckets": tuple((b["upper_bound"], b["cumulative_count"]) for b in h["buckets"]),
        "schema": h["schema"],
        "zero_threshold": None if h["zero_threshold"] is None else float(h["zero_threshold"]),
        "zero_count": h["zero_count"],
        "positive_spans": tuple(tuple(s) for s in h["positive_spans"]),
        "positive_deltas": tuple(h["positive_deltas"]),
        "negative_spans": tuple(tuple(s) for s in h["negative_spans"]),
        "negative_deltas": tuple(h["negative_deltas"])}


def decode_native_buckets(spans, deltas, what):
    """{bucket index: count} of non-empty buckets, from spans and deltas as in the protobuf."""
    buckets, index, count, position = {}, 0, 0, 0
    for offset, length in spans:
        index += offset  # the first offset is the start index, the others the gap before
        for _ in range(length):
            expect(position < len(deltas), f"{what}: fewer deltas than the spans cover")
            count += deltas[position]
            position += 1
            if count:
                buckets[index] = count
            index += 1
    expect_equal(position, len(deltas), f"{what}: number of deltas the spans cover")
    return buckets


# --- Checks ----------------------------------------------------------------------------------

def differences(expected_lines, actual_lines):
    diff = difflib.ndiff(expected_lines, actual_lines)
    return "\n".join("  " + line for line in diff if line[:1] in "-+") or "  (order differs)"


def in_group(labels, key):
    return labels.get("job") == key["job"] and labels.get("instance") == key["instance"]


def check_text_group(base, key, expected, what):
    """The text scrape shows exactly `expected` in the group `key` (push gauges aside);
    returns the scrape."""
    families = e2e.scrape(base)
    actual = {}
    for family in families.values():
        samples = [(name, tuple(sorted(labels.items())), float(value))
                   for name, labels, value in family.samples if in_group(labels, key)]
        if samples and family.name not in e2e.PUSH_GAUGES:
            actual[family.name] = (family.type, family.help, samples)
    wanted = {f.name: (f.type, f.help, text_samples(f, key)) for f in expected}
    if actual != wanted:
        def lines(view):
            return [f"# {name} {t} {h!r}" for name in sorted(view) for t, h, _ in [view[name]]] + [
                f"{n}{{{','.join(f'{k}={v!r}' for k, v in labels)}}} {value!r}"
                for name in sorted(view) for n, labels, value in view[name][2]]
        raise TestFailure(f"{what}: group {key} in the text scrape differs (- expected, + actual):"
                          f"\n{differences(lines(wanted), lines(actual))}")
    return families


def protobuf_scrape(pusher, base, reference):
    """The families of a scrape with the protobuf Accept (the pusher's JSON)."""
    status, answer = e2e.run_go_pusher(pusher, "scrape", base)
    expect_equal(status, 0, f"exit status of `pusher scrape` ({answer})")
    expect_equal(answer["status"], 200,
                 f"status of GET /metrics with the protobuf Accept ({answer.get('body')!r})")
    # 1.11.3, which we follow, appends the name escaping scheme; 1.5.1 does not (spec 3.3).
    expected_type = e2e.PROTOBUF_DELIMITED + ("" if reference else "; escaping=underscores")
    expect_equal(answer["content_type"], expected_type,
                 f"Content-Type of GET /metrics with the protobuf Accept (body "
                 f"{(answer.get('body') or '')[:300]!r})")
    return answer["families"]


def check_protobuf_group(families, key, expected, what):
    """The protobuf scrape shows exactly `expected` in the group `key` (push gauges aside)."""
    actual = {}
    for family in families:
        metrics = [canonical_metric(m) for m in family["metrics"] if in_group(m["labels"], key)]
        if metrics and family["name"] not in e2e.PUSH_GAUGES:
            actual[family["name"]] = (family["type"], family["help"], metrics)
    wanted = {f.name: (f.type.upper(), f.help, [protobuf_metric(key, extra, value)
                                                for extra, value in f.metrics])
              for f in expected}
    # The native buckets first, decoded, so that a wrong count reads as one.
    for f in expected:
        for extra, value in f.metrics:
            if not isinstance(value, Native) or f.name not in actual:
                continue
            labels = labels_of(key, extra)
            got = [h for (l, h) in actual[f.name][2] if l == labels]
            expect(len(got) == 1 and isinstance(got[0], dict),
                   f"{what}: {f.name}{dict(labels)} is not one histogram in the protobuf "
                   f"scrape: {actual[f.name]}")
            h = got[0]
            expect(h["schema"] is not None and (h["positive_spans"] or h["negative_spans"]),
                   f"{what}: {f.name} is not a native histogram in the protobuf scrape: {h}")
            for sign, name in ((1, "positive"), (-1, "negative")):
                decoded = decode_native_buckets(h[f"{name}_spans"], h[f"{name}_deltas"],
                                                f"{what}: {f.name} {name} buckets")
                expect_equal(decoded, value.buckets(sign),
                             f"{what}: {f.name} {name} native buckets (index: count), decoded "
                             f"from the protobuf scrape")
    if actual != wanted:
        def lines(view):
            return [f"{name} {t} {h!r} {dict(labels)} {payload}" for name in sorted(view)
                    for t, h, metrics in [view[name]] for labels, payload in metrics]
        raise TestFailure(f"{what}: group {key} in the protobuf scrape differs (- expected, "
                          f"+ actual):\n{differences(lines(wanted), lines(actual))}")


def push_gauges_text(families, key):
    """{push gauge name: float} of the group in the text scrape."""
    values = {}
    for name in e2e.PUSH_GAUGES:
        family = families.get(name)
        found = [float(v) for (_, labels, v) in (family.samples if family else [])
                 if in_group(labels, key)]
        expect(len(found) <= 1, f"{name} of {key} exposed {len(found)} times")
        if found:
            values[name] = found[0]
    return values


def push_gauges_protobuf(families, key):
    values = {}
    for family in families:
        if family["name"] in e2e.PUSH_GAUGES:
            found = [float(m["value"]) for m in family["metrics"] if in_group(m["labels"], key)]
            expect(len(found) <= 1, f"{family['name']} of {key} exposed {len(found)} times")
            if found:
                values[family["name"]] = found[0]
    return values


def check_group(pusher, base, reference, key, expected, window, what):
    """The group in both scrapes, and its push time within `window` (wall clock before and
    after the push); returns push_time_seconds."""
    text_families = check_text_group(base, key, expected, what)
    proto_families = protobuf_scrape(pusher, base, reference)
    check_protobuf_group(proto_families, key, expected, what)
    gauges = push_gauges_text(text_families, key)
    expect_equal(set(gauges), set(e2e.PUSH_GAUGES), f"{what}: push gauges of {key} in text")
    pushed = gauges["push_time_seconds"]
    # One second of slack each way: the gateway reads the same wall clock.
    expect(window[0] - 1 <= pushed <= window[1] + 1,
           f"{what}: push_time_seconds of {key} is {pushed}, expected within {window}")
    expect_equal(gauges["push_failure_time_seconds"], 0.0,
                 f"{what}: push_failure_time_seconds of {key}")
    expect_equal(push_gauges_protobuf(proto_families, key), gauges,
                 f"{what}: push gauges of {key} in the protobuf scrape (as in text)")
    return pushed


def go_client(pusher, base, command, instance, expected_status, gzip_body=False):
    """Runs one pusher command and checks the one request the Go client made; returns the
    wall-clock window (before, after) around it."""
    args = ["-instance", instance] + (["-gzip"] if gzip_body else []) + [command, base, JOB]
    before = time.time()
    exit_status, answer = e2e.run_go_pusher(pusher, *args)
    after = time.time()
    requests = answer["requests"]
    expect_equal(len(requests), 1, f"number of requests of `pusher {' '.join(args)}` ({answer})")
    sent = requests[0]
    method = {"push": "PUT", "add": "POST", "delete": "DELETE"}[command]
    expect_equal(sent["status"], expected_status,
                 f"status of the Go client's {method} {sent['path']} (answer body "
                 f"{sent['body'][:500]!r}; request Content-Type {sent['content_type']!r}, "
                 f"Content-Encoding {sent['content_encoding']!r})")
    expect_equal(exit_status, 0, f"exit status of `pusher {' '.join(args)}` ({answer['error']})")
    expect_equal((sent["method"], sent["path"], sent["content_type"], sent["content_encoding"]),
                 (method, f"/metrics/job/{JOB}/instance/{instance}",
                  "" if command == "delete" else e2e.PROTOBUF_DELIMITED,
                  "gzip" if gzip_body else ""),
                 f"the request the Go client made for `{command}`")
    return before, after


def put_gzip_text(base, instance, body):
    """PUT of a gzip-compressed text body with urllib; returns (status, answer body)."""
    request = urllib.request.Request(
        f"{base}/metrics/job/{JOB}/instance/{instance}", data=gzip.compress(body), method="PUT",
        headers={"Content-Type": "text/plain; version=0.0.4", "Content-Encoding": "gzip"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_deleted(pusher, base, reference, key):
    def gone():
        families = e2e.scrape(base)
        left = [f"{name}{labels}" for family in families.values()
                for name, labels, _ in family.samples if in_group(labels, key)]
        return not left, f"still exposed: {left}"
    e2e.poll(gone, 10, f"the deletion of {key} (text scrape)")
    left = [f["name"] for f in protobuf_scrape(pusher, base, reference)
            if any(in_group(m["labels"], key) for m in f["metrics"])]
    expect_equal(left, [], f"families of {key} in the protobuf scrape after its deletion")


def main():
    args = sys.argv[1:]
    if not args:
        raise TestFailure("usage: test_go_client.py <gateway binary> [--reference]")
    reference = "--reference" in args[1:]
    binary = os.path.abspath(args[0])  # the gateway runs in a temp dir
    if reference:
        e2e.require_executable(binary, "prometheus-pushgateway")
    else:
        expect(os.access(binary, os.X_OK), f"gateway binary {binary} is not executable; build it first")

    with e2e.temp_dir("qpgw-e2e-go-") as workdir:
        pusher = e2e.build_go_pusher(workdir)
        extra = ["--persistence.file="] if reference else []
        with e2e.pushgateway("reference" if reference else "qpushgateway", binary, workdir,
                             extra) as (base, _process):
            group = {"job": JOB, "instance": INSTANCE}

            # --- 1. PUT (Push) in delimited protobuf -----------------------------------------
            window = go_client(pusher, base, "push", INSTANCE, 200)
            push_time_1 = check_group(pusher, base, reference, group, PUSH_SET, window,
                                      "after the PUT")
            e2e.log("step 1 (PUT of counter, gauge, classic histogram, summary and native "
                    "histogram in protobuf; text and protobuf scrapes): ok")

            # --- 2. POST (Add): same names replaced, the others kept ---------------------
            window = go_client(pusher, base, "add", INSTANCE, 200)
            push_time_2 = check_group(pusher, base, reference, group, AFTER_ADD, window,
                                      "after the POST")
            expect(push_time_2 > push_time_1,
                   f"push_time_seconds did not move on with the POST: {push_time_1} -> {push_time_2}")
            e2e.log("step 2 (POST replaces the families it names, keeps the others, updates "
                    "push_time_seconds): ok")

            # --- 3. gzip-compressed text, made with Python's gzip and urllib -----------------
            gzip_text_group = {"job": JOB, "instance": GZIP_TEXT_INSTANCE}
            before = time.time()
            status, body = put_gzip_text(base, GZIP_TEXT_INSTANCE, GZIP_TEXT_BODY)
            window = (before, time.time())
            expect_equal((status, body), (200, b""), "answer to a gzip-compressed text PUT")
            check_group(pusher, base, reference, gzip_text_group, GZIP_TEXT, window,
                        "after the gzip text PUT")
            check_text_group(base, group, AFTER_ADD, "after the gzip text PUT")
            e2e.log("step 3 (gzip-compressed text PUT): ok")

            # --- 4. gzip-compressed protobuf --------------------------------------------------
            gzip_protobuf_group = {"job": JOB, "instance": GZIP_PROTOBUF_INSTANCE}
            window = go_client(pusher, base, "push", GZIP_PROTOBUF_INSTANCE, 200, gzip_body=True)
            check_group(pusher, base, reference, gzip_protobuf_group, PUSH_SET, window,
                        "after the gzip protobuf PUT")
            e2e.log("step 4 (gzip-compressed protobuf PUT): ok")

            # --- 5. DELETE, one group at a time ---------------------------------------------
            # The reference answers a DELETE before applying it: poll.
            go_client(pusher, base, "delete", INSTANCE, 202)
            wait_until_deleted(pusher, base, reference, group)
            check_text_group(base, gzip_text_group, GZIP_TEXT, "after deleting the first group")
            check_text_group(base, gzip_protobuf_group, PUSH_SET, "after deleting the first group")
            for instance, key in ((GZIP_TEXT_INSTANCE, gzip_text_group),
                                  (GZIP_PROTOBUF_INSTANCE, gzip_protobuf_group)):
                go_client(pusher, base, "delete", instance, 202)
                wait_until_deleted(pusher, base, reference, key)
            leftovers = [f["name"] for f in protobuf_scrape(pusher, base, reference)
                         if f["name"].startswith("e2e_go_")]
            expect_equal(leftovers, [], "e2e_go_ families left after every group was deleted")
            e2e.log("step 5 (DELETE of each group): ok")


if __name__ == "__main__":
    e2e.run_main(main)
