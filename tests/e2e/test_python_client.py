#!/usr/bin/python3
"""End to end: Python's prometheus_client (Debian's python3-prometheus-client) pushes to the
gateway, and every step is checked on /metrics: exact series, labels and values.

    test_python_client.py <gateway binary> [--reference]

--reference runs the same expectations against Debian's prometheus-pushgateway, to show that
they describe the reference and not just our gateway (registered with ctest as well).
"""

import decimal
import importlib.metadata
import inspect
import math
import os
import re
import sys
import time
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402
from e2e_common import TestFailure, expect, expect_equal  # noqa: E402

JOB = "e2e_batch"
# The label names that can be grouping labels in this test: a series belongs to a group when
# its labels of these names are exactly the group's grouping key.
GROUPING_NAMES = ("instance", "job", "path", "site")
PUSH_TIME_HELP = "Last Unix time when changing this group in the Pushgateway succeeded."
PUSH_FAILURE_HELP = "Last Unix time when changing this group in the Pushgateway failed."


def go_float(value):
    """A float as the Go Pushgateway writes it: shortest round trip, %g style, exponent iff
    the decimal exponent is < -4 or >= 6."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    sign, digits, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    mantissa = "".join(map(str, digits))
    decimal_exponent = len(digits) - 1 + exponent
    prefix = "-" if sign else ""
    if decimal_exponent < -4 or decimal_exponent >= 6:
        fraction = "." + mantissa[1:] if len(mantissa) > 1 else ""
        return f"{prefix}{mantissa[0]}{fraction}e{'+' if decimal_exponent >= 0 else '-'}" \
               f"{abs(decimal_exponent):02d}"
    return prefix + format(decimal.Decimal(repr(abs(value))).normalize(), "f")


def _escape(value):
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def sample_line(name, labels, value):
    rendered = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
    return f"{name}{{{rendered}}} {value}" if rendered else f"{name} {value}"


class ExpectedFamily:
    def __init__(self, name, type_, help_, samples):
        self.name, self.type, self.help = name, type_, help_
        self.samples = samples  # [(sample name, extra labels, value string)], in exposed order


def created_value(registry, sample_name):
    for family in registry.collect():
        for sample in family.samples:
            if sample.name == sample_name:
                return sample.value
    raise TestFailure(f"{sample_name} is not in the client's registry")


def group_of(labels):
    return tuple(sorted((k, v) for k, v in labels.items() if k in GROUPING_NAMES))


def check_group(families, key, expected, what):
    """The group `key` (a dict) holds exactly the `expected` families (besides its push-time
    gauges), with exactly these samples, in this order, and with this HELP and TYPE."""
    wanted = group_of(key)
    actual = {}
    for family in families.values():
        lines = [line for line, (_, labels, _) in
                 zip([l for l in family.lines if not l.startswith("#")], family.samples)
                 if group_of(labels) == wanted]
        if lines and family.name not in e2e.PUSH_GAUGES:
            actual[family.name] = lines
    expected_lines = {f.name: [sample_line(n, {**key, **extra}, v) for n, extra, v in f.samples]
                      for f in expected}
    if actual != expected_lines:
        raise TestFailure(
            f"{what}: group {dict(wanted)} on /metrics differs.\n  expected:\n    "
            + "\n    ".join(f"{n}: {l}" for n in sorted(expected_lines) for l in expected_lines[n])
            + "\n  actual:\n    "
            + ("\n    ".join(f"{n}: {l}" for n in sorted(actual) for l in actual[n]) or "(none)"))
    for family in expected:
        got = families[family.name]
        expect_equal((got.type, got.help), (family.type, family.help),
                     f"{what}: TYPE and HELP of {family.name}")
    names = [name for name in families if name in expected_lines]
    expect_equal(names, sorted(names), f"{what}: families must be exposed sorted by name")


def push_times(families, key):
    """(push_time_seconds, push_failure_time_seconds) of a group, as floats; None if absent."""
    wanted = group_of(key)
    result = []
    for name in e2e.PUSH_GAUGES:  # push_time_seconds, then push_failure_time_seconds
        family = families.get(name)
        values = [v for (_, labels, v) in (family.samples if family else []) if group_of(labels) == wanted]
        expect(len(values) <= 1, f"{name} of {dict(wanted)} exposed {len(values)} times")
        result.append(float(values[0]) if values else None)
        if family is not None and values:
            help_ = PUSH_TIME_HELP if name == "push_time_seconds" else PUSH_FAILURE_HELP
            expect_equal((family.type, family.help), ("gauge", help_), f"TYPE and HELP of {name}")
    return tuple(result)


def check_push_time(families, key, not_before, not_after, what):
    pushed, failed = push_times(families, key)
    expect(pushed is not None, f"{what}: push_time_seconds of {key} is missing")
    # One second of slack each way: the gateway's clock reads the same wall clock.
    expect(not_before - 1 <= pushed <= not_after + 1,
           f"{what}: push_time_seconds of {key} is {pushed}, expected within "
           f"[{not_before}, {not_after}]")
    expect_equal(failed, 0.0, f"{what}: push_failure_time_seconds of {key}")
    return pushed


def timed(action):
    before = time.time()
    action()
    return before, time.time()


def main():
    args = sys.argv[1:]
    if not args:
        raise TestFailure("usage: test_python_client.py <gateway binary> [--reference]")
    reference = "--reference" in args[1:]
    binary = args[0]
    if reference:
        e2e.require_executable(binary, "prometheus-pushgateway")
    else:
        expect(os.access(binary, os.X_OK), f"gateway binary {binary} is not executable; build it first")
    client = e2e.import_prometheus_client()
    from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, Summary,
                                   delete_from_gateway, push_to_gateway, pushadd_to_gateway)
    try:
        client_version = importlib.metadata.version("prometheus_client")
    except importlib.metadata.PackageNotFoundError:
        client_version = "(unknown version)"
    e2e.log(f"prometheus_client {client_version} from {client.__file__}")

    with e2e.temp_dir("qpgw-e2e-client-") as workdir:
        extra = ["--persistence.file="] if reference else []
        with e2e.pushgateway("reference" if reference else "qpushgateway", binary, workdir,
                             extra) as (base, _process):
            gateway = base  # prometheus_client takes the URL with its scheme
            group_a = {"job": JOB, "instance": "host-1"}

            # --- 1. PUT (push_to_gateway) a gauge, a counter, a histogram and a summary ----
            r1 = CollectorRegistry()
            Gauge("e2e_temperature_celsius", "Temperature of the batch host.", ["room"],
                  registry=r1).labels(room="lab").set(21.5)
            Counter("e2e_records_processed", "Records processed by the batch.",
                    registry=r1).inc(3)
            histogram = Histogram("e2e_duration_seconds", "Duration of the batch steps.",
                                  buckets=(0.1, 1.0, 10.0), registry=r1)
            for value in (0.05, 0.5, 5):
                histogram.observe(value)
            summary = Summary("e2e_payload_bytes", "Size of the payloads.", registry=r1)
            summary.observe(100)
            summary.observe(250)

            def created(registry, name, help_):
                return ExpectedFamily(name, "gauge", help_,
                                      [(name, {}, go_float(created_value(registry, name)))])

            temperature_lab = ExpectedFamily(
                "e2e_temperature_celsius", "gauge", "Temperature of the batch host.",
                [("e2e_temperature_celsius", {"room": "lab"}, "21.5")])
            counter_3 = ExpectedFamily("e2e_records_processed_total", "counter",
                                       "Records processed by the batch.",
                                       [("e2e_records_processed_total", {}, "3")])
            histogram_family = ExpectedFamily(
                "e2e_duration_seconds", "histogram", "Duration of the batch steps.",
                [("e2e_duration_seconds_bucket", {"le": "0.1"}, "1"),
                 ("e2e_duration_seconds_bucket", {"le": "1"}, "2"),
                 ("e2e_duration_seconds_bucket", {"le": "10"}, "3"),
                 ("e2e_duration_seconds_bucket", {"le": "+Inf"}, "3"),
                 ("e2e_duration_seconds_sum", {}, "5.55"),
                 ("e2e_duration_seconds_count", {}, "3")])
            summary_family = ExpectedFamily(
                "e2e_payload_bytes", "summary", "Size of the payloads.",
                [("e2e_payload_bytes_sum", {}, "350"), ("e2e_payload_bytes_count", {}, "2")])
            first_push = [
                temperature_lab, counter_3, histogram_family, summary_family,
                created(r1, "e2e_records_processed_created", "Records processed by the batch."),
                created(r1, "e2e_duration_seconds_created", "Duration of the batch steps."),
                created(r1, "e2e_payload_bytes_created", "Size of the payloads."),
            ]

            not_before, not_after = timed(lambda: push_to_gateway(
                gateway, job=JOB, registry=r1, grouping_key={"instance": "host-1"}))
            families = e2e.scrape(base)
            check_group(families, group_a, first_push, "after the first PUT")
            push_time_1 = check_push_time(families, group_a, not_before, not_after,
                                          "after the first PUT")
            e2e.log("step 1 (PUT of gauge, counter, histogram, summary): ok")

            # --- 2. POST (pushadd_to_gateway): merges by family name -----------------------
            # The temperature family is replaced whole (room="lab" goes, room="attic" comes),
            # e2e_last_success_unixtime is added, every other family stays as it was.
            r2 = CollectorRegistry()
            Gauge("e2e_temperature_celsius", "Temperature of the batch host.", ["room"],
                  registry=r2).labels(room="attic").set(18.25)
            Gauge("e2e_last_success_unixtime", "Last time the batch succeeded.",
                  registry=r2).set(1700000000)
            not_before, not_after = timed(lambda: pushadd_to_gateway(
                gateway, job=JOB, registry=r2, grouping_key={"instance": "host-1"}))
            temperature_attic = ExpectedFamily(
                "e2e_temperature_celsius", "gauge", "Temperature of the batch host.",
                [("e2e_temperature_celsius", {"room": "attic"}, "18.25")])
            last_success = ExpectedFamily(
                "e2e_last_success_unixtime", "gauge", "Last time the batch succeeded.",
                [("e2e_last_success_unixtime", {}, "1.7e+09")])
            after_post = [temperature_attic, last_success] + first_push[1:]
            families = e2e.scrape(base)
            check_group(families, group_a, after_post, "after the POST")
            push_time_2 = check_push_time(families, group_a, not_before, not_after, "after the POST")
            expect(push_time_2 >= push_time_1,
                   f"push_time_seconds went back from {push_time_1} to {push_time_2}")
            e2e.log("step 2 (POST merges by family name): ok")

            # --- 3. PUT again: replaces the whole group ------------------------------------
            r3 = CollectorRegistry()
            Counter("e2e_records_processed", "Records processed by the batch.",
                    registry=r3).inc(7)
            not_before, not_after = timed(lambda: push_to_gateway(
                gateway, job=JOB, registry=r3, grouping_key={"instance": "host-1"}))
            after_put = [
                ExpectedFamily("e2e_records_processed_total", "counter",
                               "Records processed by the batch.",
                               [("e2e_records_processed_total", {}, "7")]),
                created(r3, "e2e_records_processed_created", "Records processed by the batch."),
            ]
            families = e2e.scrape(base)
            check_group(families, group_a, after_put, "after the second PUT")
            check_push_time(families, group_a, not_before, not_after, "after the second PUT")
            e2e.log("step 3 (PUT replaces the group): ok")

            # --- 4. Grouping keys the client must encode -----------------------------------
            # "/var/tmp" contains '/': the client sends path@base64/L3Zhci90bXA=.
            group_b = {"job": JOB, "instance": "host-1", "path": "/var/tmp"}
            r4 = CollectorRegistry()
            Gauge("e2e_disk_free_bytes", "Free bytes on the volume.",
                  registry=r4).set(1234567)
            not_before, not_after = timed(lambda: push_to_gateway(
                gateway, job=JOB, registry=r4,
                grouping_key={"instance": "host-1", "path": "/var/tmp"}))
            disk_free = ExpectedFamily("e2e_disk_free_bytes", "gauge", "Free bytes on the volume.",
                                       [("e2e_disk_free_bytes", {}, "1.234567e+06")])
            # A job with '/' (job@base64/ZTJlL25pZ2h0bHk=), an empty instance (instance@base64/=)
            # and a non-ASCII value the client percent-encodes (site/Z%C3%BCrich).
            group_c = {"job": "e2e/nightly", "instance": "", "site": "Zürich"}
            r5 = CollectorRegistry()
            Gauge("e2e_nightly_ok", "Whether the nightly run succeeded.", registry=r5).set(1)
            not_before_c, not_after_c = timed(lambda: push_to_gateway(
                gateway, job="e2e/nightly", registry=r5,
                grouping_key={"instance": "", "site": "Zürich"}))
            nightly = ExpectedFamily("e2e_nightly_ok", "gauge", "Whether the nightly run succeeded.",
                                     [("e2e_nightly_ok", {}, "1")])
            families = e2e.scrape(base)
            check_group(families, group_a, after_put, "after the base64 pushes")
            check_group(families, group_b, [disk_free], "after the base64 pushes")
            check_group(families, group_c, [nightly], "after the base64 pushes")
            check_push_time(families, group_b, not_before, not_after, "after the base64 pushes")
            check_push_time(families, group_c, not_before_c, not_after_c, "after the base64 pushes")
            e2e.log("step 4 (base64 job and values, empty value, percent-encoded UTF-8): ok")

            # --- 5. gzip request bodies ----------------------------------------------------
            parameters = inspect.signature(push_to_gateway).parameters
            if "compression" in parameters:
                # Our gateway answers 415 to Content-Encoding: gzip until request
                # decompression arrives with a later issue; then this expectation becomes
                # "accepted", as it already is on the reference.
                gzip_group = {"instance": "gzip"}
                try:
                    push_to_gateway(gateway, job=JOB, registry=r5, grouping_key=gzip_group,
                                    compression="gzip")
                    gzip_status = 200
                except urllib.error.HTTPError as error:
                    gzip_status = error.code
                except OSError as error:  # a client that reports the status in the text
                    match = re.search(r"\b([45]\d\d)\b", str(error))
                    gzip_status = int(match.group(1)) if match else repr(error)
                expect_equal(gzip_status, 200 if reference else 415,
                             "status of a gzip push by prometheus_client")
                if reference:
                    delete_from_gateway(gateway, job=JOB, grouping_key=gzip_group)
                e2e.log(f"step 5 (gzip push): answered {gzip_status} as expected")
            else:
                e2e.log(f"step 5 (gzip push): not applicable, prometheus_client "
                        f"{client_version} has no compression option")

            # --- 6. DELETE (delete_from_gateway), one group at a time ----------------------
            # The reference answers a DELETE before applying it: poll.
            def deleted(key, remaining):
                def check():
                    families_now = e2e.scrape(base)
                    gone = push_times(families_now, key) == (None, None) and not any(
                        group_of(labels) == group_of(key)
                        for family in families_now.values() for (_, labels, _) in family.samples)
                    return gone, f"group {key} still exposed"
                e2e.poll(check, 10, f"the deletion of {key}")
                families_now = e2e.scrape(base)
                for other_key, other_expected in remaining:
                    check_group(families_now, other_key, other_expected, f"after deleting {key}")

            delete_from_gateway(gateway, job=JOB, grouping_key={"instance": "host-1"})
            deleted(group_a, [(group_b, [disk_free]), (group_c, [nightly])])
            delete_from_gateway(gateway, job=JOB,
                                grouping_key={"instance": "host-1", "path": "/var/tmp"})
            deleted(group_b, [(group_c, [nightly])])
            delete_from_gateway(gateway, job="e2e/nightly",
                                grouping_key={"instance": "", "site": "Zürich"})
            deleted(group_c, [])
            # Deleting a group that does not exist is accepted (202), not an error.
            delete_from_gateway(gateway, job=JOB, grouping_key={"instance": "never-pushed"})
            families = e2e.scrape(base)
            leftovers = [name for name in families
                         if name.startswith("e2e_") or name in e2e.PUSH_GAUGES]
            expect_equal(leftovers, [], "families left on /metrics after every group was deleted")
            e2e.log("step 6 (DELETE of each group, and of a missing one): ok")


if __name__ == "__main__":
    e2e.run_main(main)
