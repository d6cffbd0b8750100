#!/usr/bin/python3
"""End to end: Debian's Prometheus server scrapes the gateway with honor_labels and stores
what was pushed, under the pushed job and instance labels.

    test_prometheus_scrape.py <gateway binary>
"""

import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402
from e2e_common import TestFailure, expect, expect_equal  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"
SCRAPE_JOB = "qpgw_e2e_scrape"
PUSHED_JOB = "e2e_pushed_job"
PUSHED_INSTANCE = "pushed-host-7"
METRIC = "e2e_scrape_temperature_celsius"
# How long Prometheus gets to start, scrape and make a sample queryable.
DEADLINE_SECONDS = 60


def prometheus_config(gateway_address):
    # JSON is YAML: no YAML library needed.
    return json.dumps({
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [{
            "job_name": SCRAPE_JOB,
            "honor_labels": True,
            "static_configs": [{"targets": [gateway_address]}],
        }],
    }, indent=2)


def query(prometheus, expression):
    """The result vector of an instant query, or raises TestFailure on an API error."""
    path = "/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    response = e2e.request(prometheus, "GET", path, timeout=10)
    expect(response.status == 200,
           f"Prometheus query {expression!r} answered {response.status}: {response.text[:500]}")
    answer = json.loads(response.text)
    expect(answer.get("status") == "success", f"Prometheus query {expression!r} failed: {answer}")
    return answer["data"]["result"]


def target_health(prometheus):
    try:
        response = e2e.request(prometheus, "GET", "/api/v1/targets", timeout=10)
        targets = json.loads(response.text)["data"]["activeTargets"]
        return "; ".join(f"{t['scrapeUrl']} health={t['health']} lastError={t['lastError']!r}"
                         for t in targets) or "no active targets"
    except (OSError, ValueError, KeyError) as error:
        return f"targets unavailable ({error!r})"


def start_prometheus(workdir, gateway_address, attempts=3):
    """Starts Prometheus on a free loopback port; retries if another process took the port
    between choosing it and Prometheus binding it."""
    config_path = os.path.join(workdir, "prometheus.yml")
    with open(config_path, "w", encoding="utf-8") as f:
        f.write(prometheus_config(gateway_address))
    for attempt in range(1, attempts + 1):
        port = e2e.free_port()
        process = e2e.Process(f"prometheus-{attempt}", [
            PROMETHEUS,
            f"--config.file={config_path}",
            f"--storage.tsdb.path={os.path.join(workdir, f'tsdb-{attempt}')}",
            f"--web.listen-address=127.0.0.1:{port}",
            # Debian's defaults point at /usr/share and /etc; keep everything local and quiet.
            "--web.console.templates=" + os.path.join(workdir, "consoles"),
            "--web.console.libraries=" + os.path.join(workdir, "console_libraries"),
            "--log.level=warn",
        ], workdir)
        try:
            e2e.wait_until_http_ok(f"http://127.0.0.1:{port}/-/ready", DEADLINE_SECONDS,
                                   "Prometheus /-/ready", process)
            return process, f"http://127.0.0.1:{port}"
        except TestFailure as failure:
            process.stop()
            if "address already in use" in process.output() and attempt < attempts:
                e2e.log(f"port {port} was taken meanwhile; trying another one")
                continue
            raise failure
    raise TestFailure("could not start Prometheus")


def main():
    if len(sys.argv) != 2:
        raise TestFailure("usage: test_prometheus_scrape.py <gateway binary>")
    binary = sys.argv[1]
    expect(os.access(binary, os.X_OK), f"gateway binary {binary} is not executable; build it first")
    e2e.require_executable(PROMETHEUS, "prometheus")

    with e2e.temp_dir("qpgw-e2e-prometheus-") as workdir:
        with e2e.pushgateway("qpushgateway", binary, workdir) as (gateway, _gateway_process):
            push_path = f"/metrics/job/{PUSHED_JOB}/instance/{PUSHED_INSTANCE}"
            body = (f"# HELP {METRIC} Temperature pushed by a batch job.\n"
                    f"# TYPE {METRIC} gauge\n"
                    f'{METRIC}{{room="lab"}} 21.5\n')
            response = e2e.request(gateway, "PUT", push_path, body=body.encode(),
                                   headers={"Content-Type": "text/plain; version=0.0.4"})
            expect_equal((response.status, response.body), (200, b""), f"PUT {push_path}")
            gateway_address = gateway[len("http://"):]

            process, prometheus = start_prometheus(workdir, gateway_address)
            with e2e.started(process):
                # The sample, under the pushed job/instance (honor_labels), once scraped.
                def scraped():
                    result = query(prometheus, METRIC)
                    return result, (f"query {METRIC} returned {result}; "
                                    f"targets: {target_health(prometheus)}")
                started_at = time.monotonic()
                result = e2e.poll(scraped, DEADLINE_SECONDS, f"Prometheus to store {METRIC}")
                e2e.log(f"{METRIC} queryable after {time.monotonic() - started_at:.1f} s")

                expect_equal(len(result), 1, f"number of {METRIC} series in Prometheus ({result})")
                series = result[0]
                expect_equal(series["metric"], {"__name__": METRIC, "job": PUSHED_JOB,
                                                "instance": PUSHED_INSTANCE, "room": "lab"},
                             f"labels of {METRIC} in Prometheus (honor_labels keeps the pushed "
                             f"job and instance, not {SCRAPE_JOB} / {gateway_address})")
                expect_equal(float(series["value"][1]), 21.5, f"value of {METRIC} in Prometheus")

                # Nothing of the push is stored under the scrape job.
                expect_equal(query(prometheus, f'{METRIC}{{job="{SCRAPE_JOB}"}}'), [],
                             f"{METRIC} stored under the scrape job")

                # The push-time gauge arrives with the pushed labels too.
                push_time = query(prometheus, f'push_time_seconds{{job="{PUSHED_JOB}"}}')
                expect_equal([s["metric"].get("instance") for s in push_time], [PUSHED_INSTANCE],
                             "instance of push_time_seconds in Prometheus")
                expect(abs(float(push_time[0]["value"][1]) - time.time()) < 120,
                       f"push_time_seconds in Prometheus is not a recent time: {push_time}")

                # The scrape itself succeeded: up == 1 for the scrape job, on our target.
                up = query(prometheus, f'up{{job="{SCRAPE_JOB}"}}')
                expect_equal([(s["metric"].get("instance"), s["value"][1]) for s in up],
                             [(gateway_address, "1")],
                             f"up{{job=\"{SCRAPE_JOB}\"}} (targets: {target_health(prometheus)})")
                e2e.log("Prometheus stored the pushed sample under the pushed labels; up == 1")


if __name__ == "__main__":
    e2e.run_main(main)
