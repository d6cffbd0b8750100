#!/usr/bin/python3
"""End to end: Prometheus 2.42 with native histograms enabled scrapes a native histogram that
Go's client_golang pushed to the gateway, and stores it as a native histogram under the pushed
job and instance (honor_labels).

    test_native_histogram_scrape.py <gateway binary> [--reference]

Prometheus asks for protobuf first when native histograms are enabled; only a protobuf answer
carries native buckets. A text answer would leave histogram_count() empty and store the
classic view instead (e2e_go_latency_seconds_bucket/_sum/_count), so the queries below also
prove that the gateway answered Prometheus in protobuf.

--reference runs the same expectations against Debian's prometheus-pushgateway 1.5.1 (which
already exposes native histograms in protobuf scrapes).
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402
from e2e_common import TestFailure, expect, expect_equal  # noqa: E402
# What the Go pusher pushes, described once, in test_go_client.py.
from test_go_client import LATENCY_ADDED, LATENCY_PUSHED, ordered_sum  # noqa: E402

SCRAPE_JOB = "qpgw_e2e_native_scrape"
PUSHED_JOB = "e2e_native_job"
PUSHED_INSTANCE = "native-host-3"
METRIC = "e2e_go_latency_seconds"
# How long Prometheus gets to start, scrape and make a sample queryable.
DEADLINE_SECONDS = 60


def prometheus_config(gateway_address):
    return json.dumps({
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [{
            "job_name": SCRAPE_JOB,
            "honor_labels": True,
            "static_configs": [{"targets": [gateway_address]}],
        }],
    }, indent=2)


def describe_targets(prometheus):
    return "; ".join(f"{t.get('scrapeUrl')} health={t.get('health')} "
                     f"lastError={t.get('lastError')!r}"
                     for t in e2e.prometheus_targets(prometheus)) or "no active targets"


def push(pusher, base, command):
    exit_status, answer = e2e.run_go_pusher(pusher, "-instance", PUSHED_INSTANCE, command, base,
                                            PUSHED_JOB)
    statuses = [(r["method"], r["status"], r["body"][:300]) for r in answer["requests"]]
    method = {"push": "PUT", "add": "POST"}[command]
    expect_equal(statuses, [(method, 200, "")], f"the Go client's {method} of {METRIC}")
    expect_equal(exit_status, 0, f"exit status of `pusher {command}` ({answer['error']})")


def wait_for_native(prometheus, native, what):
    """Polls until histogram_count and histogram_sum of METRIC give the pushed values under
    the pushed labels; returns the seconds it took."""
    expected_labels = {"job": PUSHED_JOB, "instance": PUSHED_INSTANCE}
    expected = (float(native.count), ordered_sum(native.observations))
    started_at = time.monotonic()

    def stored():
        count = e2e.prometheus_query(prometheus, f"histogram_count({METRIC})")
        total = e2e.prometheus_query(prometheus, f"histogram_sum({METRIC})")
        actual = [([r["metric"] for r in result], [float(r["value"][1]) for r in result])
                  for result in (count, total)]
        ok = actual == [([expected_labels], [expected[0]]), ([expected_labels], [expected[1]])]
        return ok, (f"histogram_count: {count}, histogram_sum: {total} (expected "
                    f"{expected} under {expected_labels}); targets: {describe_targets(prometheus)}")
    e2e.poll(stored, DEADLINE_SECONDS, f"{what}: Prometheus to store the native {METRIC}")
    return time.monotonic() - started_at


def main():
    args = sys.argv[1:]
    if not args:
        raise TestFailure("usage: test_native_histogram_scrape.py <gateway binary> [--reference]")
    reference = "--reference" in args[1:]
    binary = os.path.abspath(args[0])  # the gateway runs in a temp dir
    if reference:
        e2e.require_executable(binary, "prometheus-pushgateway")
    else:
        expect(os.access(binary, os.X_OK), f"gateway binary {binary} is not executable; build it first")
    e2e.require_executable(e2e.PROMETHEUS, "prometheus")
    native_pushed = LATENCY_PUSHED.metrics[0][1]
    native_added = LATENCY_ADDED.metrics[0][1]

    with e2e.temp_dir("qpgw-e2e-native-") as workdir:
        pusher = e2e.build_go_pusher(workdir)
        extra = ["--persistence.file="] if reference else []
        with e2e.pushgateway("reference" if reference else "qpushgateway", binary, workdir,
                             extra) as (gateway, _process):
            push(pusher, gateway, "push")
            gateway_address = gateway[len("http://"):]
            with e2e.prometheus(workdir, prometheus_config(gateway_address),
                                ["--enable-feature=native-histograms"]) as prometheus:
                seconds = wait_for_native(prometheus, native_pushed, "after the PUT")
                e2e.log(f"histogram_count and histogram_sum of {METRIC} right after "
                        f"{seconds:.1f} s")

                # Stored as one native series: a histogram sample, not a float.
                series = e2e.prometheus_query(prometheus, METRIC)
                expect_equal([(s["metric"], "histogram" in s, "value" in s) for s in series],
                             [({"__name__": METRIC, "job": PUSHED_JOB,
                                "instance": PUSHED_INSTANCE}, True, False)],
                             f"{METRIC} in Prometheus (one series with a native histogram sample)")
                histogram = series[0]["histogram"][1]
                expect_equal(sum(float(b[3]) for b in histogram["buckets"]),
                             float(native_pushed.count),
                             f"sum of the bucket counts of {METRIC} in Prometheus ({histogram})")

                # No classic view stored: a text scrape would have given these series.
                classic = e2e.prometheus_query(prometheus, f'{{__name__=~"{METRIC}_.+"}}')
                expect_equal([s["metric"]["__name__"] for s in classic], [],
                             f"classic series of {METRIC} in Prometheus (there are some only "
                             f"when the gateway answered in text)")

                # The other pushed types arrive as well, the classic histogram as classic series.
                for expression, value in ((f'e2e_go_step_seconds_count{{job="{PUSHED_JOB}"}}', "3"),
                                          (f'e2e_go_jobs_total{{result="ok"}}', "3"),
                                          ("e2e_go_payload_bytes_sum", "600")):
                    result = e2e.prometheus_query(prometheus, expression)
                    expect_equal([(s["metric"].get("instance"), s["value"][1]) for s in result],
                                 [(PUSHED_INSTANCE, value)], f"{expression} in Prometheus")

                # The scrape itself succeeded: up == 1 for the scrape job, on the gateway.
                up = e2e.prometheus_query(prometheus, f'up{{job="{SCRAPE_JOB}"}}')
                expect_equal([(s["metric"].get("instance"), s["value"][1]) for s in up],
                             [(gateway_address, "1")],
                             f"up of the scrape job (targets: {describe_targets(prometheus)})")
                e2e.log(f"Prometheus stored {METRIC} as a native histogram; up == 1")

                # POST replaces the histogram; the next scrapes carry the new one.
                push(pusher, gateway, "add")
                seconds = wait_for_native(prometheus, native_added, "after the POST")
                e2e.log(f"the replaced {METRIC} arrived after {seconds:.1f} s")


if __name__ == "__main__":
    e2e.run_main(main)
