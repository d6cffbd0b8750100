#!/usr/bin/python3
"""End to end: the same requests against our gateway and the reference (Debian's
prometheus-pushgateway 1.5.1) give the same answers and leave the same pushed series.

    test_reference_parity.py <gateway binary>

For every request: same status code, same body, same Location, Content-Type,
X-Content-Type-Options and Allow headers. Bodies are compared whole, except the
consistency-check errors, whose text the reference randomises (the spacing of the protobuf
text inside '{...}', and, through Go's map order, which side of a conflict is named and how
many times): those are compared in a canonical form that keeps the fixed prefix, the kind of
each error and the metric names (canonical_consistency_error). After the sequence, /metrics
holds the same pushed families, line for line (the gateways' own metrics are left out; push
times are compared as "0" or "<time>").

The deliberate differences (README, "Where QPushgateway deliberately differs") are not
compared as equal: each is asserted as the difference it is, in check_deliberate() and
normalised_allow(). 1.5.1 predates 1.11.3, the version we follow: where they differ, the
specification (/work/shared/reference/pushgateway-behaviour.md) wins, and each such case is
asserted as the difference it is, in check_version_differences() (and the scrape
Content-Type's `escaping=` parameter in check_deliberate()). A 1.5.1 bug that would hang
the run is stepped around (see "bad base64 job").
"""

import difflib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402
from e2e_common import TestFailure, expect  # noqa: E402

REFERENCE = "/usr/bin/prometheus-pushgateway"
TEXT = {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}

FULL = "full body"
CONSISTENCY = "consistency errors (canonical form)"
INCONSISTENT = "pushed metrics are invalid or inconsistent with existing metrics: "

FIRST_BODY = b"""# HELP pa_gauge A gauge, with a \\\\ backslash and a \\n newline in its help.
# TYPE pa_gauge gauge
pa_gauge{x="1"} 1
pa_gauge{x="2"} 1e6
pa_gauge{x="3",y="z"} 0.0001
pa_gauge{x="4"} NaN
pa_gauge{x="5"} +Inf
pa_gauge{x="6"} -Inf
pa_gauge{x="7"} 1234567
pa_gauge{x="8"} 0.00001
pa_gauge{x="9"} 3.14e2
pa_gauge{x="10"} -0.5
pa_gauge{x="11",empty=""} 7
pa_gauge{x="12"} -0
pa_gauge{x="13"} 1.7976931348623157e+308
pa_gauge{x="14"} 5e-324
pa_gauge{x="15"} 123456789012
pa_gauge{x="16",u="Z\xc3\xbcrich \xe2\x82\xac"} 1
pa_gauge{x="17"} .5
pa_gauge{x="18"} +1.5e-7
# a comment, a blank line, and an OpenMetrics end marker, all ignored
# EOF

# TYPE pa_counter_total counter
pa_counter_total 17
# TYPE pa_negative_counter counter
pa_negative_counter -5
pa:colon 1
pa_untyped{esc="a\\\\b\\"c\\nd"} 2
# HELP pa_summary A summary.
# TYPE pa_summary summary
pa_summary{quantile="0.5"} 4
pa_summary{quantile="0.99"} 9.5
pa_summary_sum 42
pa_summary_count 7
# TYPE pa_summary_labels summary
pa_summary_labels{quantile="0.5",a="1"} NaN
pa_summary_labels{a="2"} 1
# TYPE pa_histogram histogram
pa_histogram_bucket{le="0.5"} 1
pa_histogram_bucket{le="1"} 3
pa_histogram_sum 2.5
pa_histogram_count 3
pa_replaced{v="before"} 1
"""


class Step:
    """One request sent to both gateways; `gone` names the push_time_seconds labels of a
    group that must disappear afterwards (the reference applies a DELETE after answering)."""

    def __init__(self, what, method, path, body=b"", headers=None, compare=FULL, gone=None):
        self.what, self.method, self.path, self.body = what, method, path, body
        self.headers = headers if headers is not None else (TEXT if body else {})
        self.compare, self.gone = compare, gone


def parse_error(what, body):
    return Step(what, "PUT", "/metrics/job/pa_job/instance/i1", body)


SEQUENCE = [
    # Pushes that succeed, and PUT/POST semantics (spec 2.6, 2.8, X9).
    Step("PUT of every type, special values, escapes", "PUT", "/metrics/job/pa_job/instance/i1",
         FIRST_BODY),
    Step("POST replaces same-named families only", "POST", "/metrics/job/pa_job/instance/i1",
         b'pa_replaced{v="after"} 5\npa_new 1\n'),
    Step("PUT to a second group", "PUT", "/metrics/job/pa_replace", b"pa_old 1\n"),
    Step("PUT replaces the whole group", "PUT", "/metrics/job/pa_replace", b"pa_fresh 2\n"),
    Step("POST with an empty body keeps the families", "POST", "/metrics/job/pa_replace"),
    Step("PUT with an empty body leaves only the push gauges", "PUT", "/metrics/job/pa_empty"),
    Step("URL labels override body labels (spec 2.6)", "PUT", "/metrics/job/pa_labels",
         b'pa_overridden{job="other",instance="i0",extra="e"} 1\n'),
    Step("no Content-Type at all is text", "PUT", "/metrics/job/pa_notype", b"pa_notype 1\n",
         headers={}),
    Step("Content-Encoding identity: body used as it is (spec 2.10)", "PUT",
         "/metrics/job/pa_identity", b"pa_identity 1\n",
         headers={**TEXT, "Content-Encoding": "identity"}),
    Step("Content-Encoding deflate: body used as it is (spec 2.10)", "PUT",
         "/metrics/job/pa_deflate", b"pa_deflate 1\n",
         headers={**TEXT, "Content-Encoding": "deflate"}),
    Step("a 20 kB label value", "PUT", "/metrics/job/pa_big",
         b'pa_big{a="' + b"x" * 20000 + b'"} 1\n'),
    Step("a query string is not part of the key", "PUT", "/metrics/job/pa_query?x=1",
         b"pa_query 1\n"),
    # Parse errors (spec 2.5, X1): the store is not touched.
    parse_error("missing final newline", b"some_metric 3.14"),
    parse_error("no value", b"blablabla\n"),
    parse_error("second TYPE line", b"# TYPE pa_x gauge\n# TYPE pa_x counter\npa_x 1\n"),
    parse_error("duplicate label name in a sample", b'pa_dl{a="1",a="2"} 1\n'),
    parse_error("invalid metric name", b"0abc 1\n"),
    parse_error("hexadecimal float", b"pa_x 0x1p-2\n"),
    parse_error("underscore in a number", b"pa_x 1_000\n"),
    parse_error("CRLF line end", b"pa_x 1\r\n"),
    parse_error("quantile that is not a number", b'# TYPE pa_q summary\npa_q{quantile="x"} 1\n'),
    parse_error("exemplar", b'pa_x 1 # {a="b"} 1\n'),
    parse_error("label value not UTF-8", b'pa_x{a="\xff"} 1\n'),
    parse_error("unknown type", b"# TYPE pa_x whatever\npa_x 1\n"),
    # Rejected by the store (spec 2.7, 2.12): the group's failure time is set.
    Step("timestamp", "PUT", "/metrics/job/pa_ts", b"pa_ts 1 1000\n"),
    Step("same series twice (X8)", "PUT", "/metrics/job/pa_dup", b"pa_dup 1\npa_dup 2\n",
         compare=CONSISTENCY),
    Step("counter in one group", "PUT", "/metrics/job/pa_type/instance/a",
         b"# TYPE pa_conflict counter\npa_conflict 1\n"),
    Step("gauge of the same name in another group", "PUT", "/metrics/job/pa_type/instance/b",
         b"# TYPE pa_conflict gauge\npa_conflict 2\n", compare=CONSISTENCY),
    Step("summary in one group", "PUT", "/metrics/job/pa_suffix/instance/a",
         b"# TYPE pa_sum summary\npa_sum_sum 1\npa_sum_count 1\n"),
    Step("x_count beside a summary x in another group", "PUT", "/metrics/job/pa_suffix/instance/b",
         b"pa_sum_count 5\n", compare=CONSISTENCY),
    Step("a gateway-owned name with another type", "PUT", "/metrics/job/pa_own",
         b"# TYPE process_open_fds counter\nprocess_open_fds 1\n", compare=CONSISTENCY),
    Step("a label name with '__' in the body", "PUT", "/metrics/job/pa_reserved",
         b'pa_reserved{__x="1"} 1\n', compare=CONSISTENCY),
    Step("push_failure_time_seconds in the body of a new group (X11)", "PUT", "/metrics/job/pa_pfo",
         b"# TYPE push_failure_time_seconds gauge\npush_failure_time_seconds 5\n"),
    Step("the same push again replaces the gauge", "PUT", "/metrics/job/pa_pfo",
         b"# TYPE push_failure_time_seconds gauge\npush_failure_time_seconds 5\n"),
    Step("then untyped: not a GAUGE", "PUT", "/metrics/job/pa_pfo",
         b"push_failure_time_seconds 5\n", compare=CONSISTENCY),
    # Grouping keys from the URL (spec 2.1 to 2.3, X2 to X6).
    Step("label name with '='", "PUT", "/metrics/job/pa_job/a=b/c", b"pa_x 1\n"),
    Step("label name with '__'", "PUT", "/metrics/job/pa_job/__a/c", b"pa_x 1\n"),
    Step("odd number of components", "PUT", "/metrics/job/pa_job/a/b/c", b"pa_x 1\n"),
    Step("a job label in the path is overridden", "PUT", "/metrics/job/pa_jobov/instance/x/job/other",
         b"pa_jobov 1\n"),
    Step("a repeated label name: the last one wins", "PUT", "/metrics/job/pa_repeat/a/1/a/2",
         b"pa_repeat 1\n"),
    Step("base64 job and value", "PUT", "/metrics/job@base64/cGFfYjY0L2pvYg/path@base64/L3Zhci90bXA=",
         b"pa_b64 1\n"),
    Step("bad base64 value", "PUT", "/metrics/job/pa_job/a@base64/foo.bar", b"pa_x 1\n"),
    Step("empty job through base64", "PUT", "/metrics/job@base64/=", b"pa_x 1\n"),
    # Sent with POST, and no job@base64 POST after it: 1.5.1 returns from this error without
    # unlocking the mutex of the handler (one per method and route), so every later request
    # to that handler hangs. A bug of that version's handler/push.go, not behaviour to copy.
    Step("bad base64 job", "POST", "/metrics/job@base64/foo.bar", b"pa_x 1\n"),
    Step("%2F separates segments", "PUT", "/metrics/job/pa_pct/a%2Fb", b"pa_pct 1\n"),
    Step("percent-encoded job", "PUT", "/metrics/job/pa_%6Aob_pct", b"pa_job_pct 1\n"),
    Step("trailing slash gives an empty value", "PUT", "/metrics/job/pa_slash/a/", b"pa_slash 1\n"),
    Step("percent-encoded UTF-8 value", "PUT", "/metrics/job/pa_utf/site/Z%C3%BCrich", b"pa_utf 1\n"),
    Step("PUT /metrics/job/ redirects", "PUT", "/metrics/job/", b"pa_x 1\n"),
    Step("'//' redirects", "PUT", "/metrics/job//a/b", b"pa_x 1\n"),
    Step("'/./' redirects", "PUT", "/metrics/job/pa_dot/./a", b"pa_x 1\n"),
    # DELETE (spec 2.8, X10): 202 at once, applied afterwards.
    Step("DELETE of a group, with a body that is ignored", "DELETE", "/metrics/job/pa_replace",
         b"not a metric", gone={"instance": "", "job": "pa_replace"}),
    Step("DELETE of a base64 group", "DELETE",
         "/metrics/job@base64/cGFfYjY0L2pvYg/path@base64/L3Zhci90bXA=",
         gone={"instance": "", "job": "pa_b64/job", "path": "/var/tmp"}),
    Step("DELETE of a group never pushed", "DELETE", "/metrics/job/pa_never_pushed"),
    Step("DELETE is not job-wide", "DELETE", "/metrics/job/pa_job"),
    Step("DELETE with a bad label name", "DELETE", "/metrics/job/pa_job/__a/c"),
    # Router (spec 1.1, 1.2, X7, X15).
    Step("GET on the push route", "GET", "/metrics/job/pa_job"),
    Step("PATCH on the push route", "PATCH", "/metrics/job/pa_job"),
    Step("PUT on the scrape route", "PUT", "/metrics", b"pa_x 1\n"),
    Step("an unknown method on the scrape route", "FOO", "/metrics"),
    Step("POST on /-/healthy", "POST", "/-/healthy"),
    Step("OPTIONS on the scrape route", "OPTIONS", "/metrics"),
    Step("OPTIONS on the push route", "OPTIONS", "/metrics/job/pa_job"),
    Step("unknown path", "GET", "/nonexistent"),
    Step("trailing slash on the scrape route", "GET", "/metrics/"),
    Step("case-insensitive match", "GET", "/Metrics"),
    Step("healthy", "GET", "/-/healthy"),
    Step("ready", "GET", "/-/ready"),
    Step("GET /-/quit", "GET", "/-/quit"),
    Step("PUT /-/quit without the lifecycle flag", "PUT", "/-/quit"),
    Step("POST /-/quit without the lifecycle flag", "POST", "/-/quit"),
]

COMPARED_HEADERS = ("Location", "Content-Type", "X-Content-Type-Options")


def keep_family(name):
    return name.startswith("pa_") or name in e2e.PUSH_GAUGES


def normalised_allow(response, is_ours):
    """The Allow header as a sorted list; ours lists HEAD beside GET (deliberate: HEAD works
    on every GET route), which is checked here and then left out of the comparison."""
    allow = response.header("Allow")
    if allow is None:
        return None
    methods = [m.strip() for m in allow.split(",")]
    expect(methods == sorted(methods), f"Allow header not sorted: {allow!r}")
    if is_ours and "GET" in methods:
        expect("HEAD" in methods, f"our Allow header lists GET without HEAD: {allow!r}")
        methods.remove("HEAD")
    return methods


_ERROR_FORMS = [
    # The merged family's type comes from whichever group the reference visits first, so
    # the same conflict reads "is not a GAUGE" or "is not a COUNTER", once or once per series
    # of the other type ("N error(s) occurred:").
    (re.compile(r'collected metric "(.+?)" \{…\} is not an? [A-Z_]+$'), "type conflict"),
    (re.compile(r'collected metric "(.+?)" \{…\} was collected before with the same name '
                r'and label values$'), "duplicate series"),
    # Which of x and x_count was "previously collected" depends on the visiting order too.
    (re.compile(r'collected (?:metric|histogram or summary|summary|histogram) named "(.+?)" '
                r'collides with previously collected (?:metric|histogram or summary|summary|'
                r'histogram) named "(.+?)"$'), "suffix collision"),
]


def without_braced(text):
    """Replaces every outermost {...} (nested braces and quoted strings inside allowed: 1.5.1
    writes `label:<...>`, 1.11.3 `label:{...}`) with {…}."""
    out, depth, i = [], 0, 0
    while i < len(text):
        c = text[i]
        if depth and c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "{":
            if depth == 0:
                out.append("{…}")
            depth += 1
        elif c == "}" and depth:
            depth -= 1
        elif depth == 0:
            out.append(c)
        i += 1
    return "".join(out)


def canonical_consistency_error(text):
    """What a consistency error says, without what the reference randomises: the protobuf
    text of the series (Go randomises its spacing), the order in which groups are visited
    (which side of a conflict is named, how many errors the same conflict gives, and their
    order). Ours must say the same thing; the spelling the reference chose by chance is not
    compared."""
    if not text.startswith(INCONSISTENT):
        return text
    rest = without_braced(text[len(INCONSISTENT):].rstrip("\n"))
    errors = rest.split("\n* ")
    if re.fullmatch(r"\d+ error\(s\) occurred:", errors[0]):
        errors = errors[1:]
    canonical = set()
    for error in errors:
        for regex, kind in _ERROR_FORMS:
            match = regex.match(error)
            if match:
                canonical.add(f"{kind}: {' / '.join(sorted(match.groups()))}")
                break
        else:
            canonical.add(error)
    return INCONSISTENT + "; ".join(sorted(canonical))


def compared_body(response, mode):
    text = response.text
    if mode == CONSISTENCY:
        return canonical_consistency_error(text)
    return text


class NoAnswer:
    """Stands in for a response when a gateway did not answer (timeout, reset)."""

    def __init__(self, error):
        self.status, self.body, self.error = None, b"", error
        self.text = f"<no answer: {error!r}>"

    def header(self, _name):
        return None


def exchange(gateways, method, path, body=b"", headers=None):
    answers = {}
    for name, base in gateways.items():
        try:
            answers[name] = e2e.request(base, method, path, body=body, headers=headers or {})
        except OSError as error:
            answers[name] = NoAnswer(error)
    return answers


def describe(response):
    headers = {k: response.header(k) for k in (*COMPARED_HEADERS, "Allow") if response.header(k)}
    return f"{response.status} {headers} {response.text!r}"


def difference(step, ours, reference):
    problems = []
    if ours.status != reference.status:
        problems.append("status")
    if compared_body(ours, step.compare) != compared_body(reference, step.compare):
        problems.append(step.compare)
    for header in COMPARED_HEADERS:
        if ours.header(header) != reference.header(header):
            problems.append(header)
    if normalised_allow(ours, True) != normalised_allow(reference, False):
        problems.append("Allow")
    return problems


def pushed_lines(base):
    """The pushed families of /metrics, line for line, with push times as "0" or "<time>"."""
    families = e2e.scrape(base)
    lines = []
    for family in families.values():
        if not keep_family(family.name):
            continue
        for line in family.lines:
            if family.name in e2e.PUSH_GAUGES and not line.startswith("#"):
                series, value = line.rsplit(" ", 1)
                # Push times differ between the two runs; whether they are 0 does not. The
                # body-pushed push_failure_time_seconds 5 (X11) is not a time and stays.
                if float(value) > 1e9:
                    value = "<time>"
                line = f"{series} {value}"
            lines.append(line)
    return lines


def push_time_labels(base):
    family = e2e.scrape(base).get("push_time_seconds")
    return [labels for (_, labels, _) in (family.samples if family else [])]


def wait_gone(gateways, labels, what):
    for name, base in gateways.items():
        e2e.poll(lambda: (labels not in push_time_labels(base), f"{labels} still on /metrics"),
                 10, f"{name} to apply {what}")


def compare_metrics(gateways, when):
    ours, reference = pushed_lines(gateways["ours"]), pushed_lines(gateways["reference"])
    if ours == reference:
        e2e.log(f"/metrics {when}: the same {len(ours)} lines of pushed families")
        return []
    diff = "\n".join(difflib.unified_diff(reference, ours, "reference", "ours", lineterm=""))
    return [f"/metrics {when}: pushed families differ (- reference, + ours):\n{diff}"]


def run_sequence(gateways):
    failures = []
    without_date = []
    for number, step in enumerate(SEQUENCE, 1):
        answers = exchange(gateways, step.method, step.path, step.body, step.headers)
        ours, reference = answers["ours"], answers["reference"]
        problems = difference(step, ours, reference)
        # Go sends a Date header on every response (RFC 9110 6.6.1: an origin server with a
        # clock must); its value differs, its presence must not.
        if reference.header("Date") is not None and ours.header("Date") is None:
            without_date.append(f"#{number} {step.method} {step.path}")
        label = f"#{number} {step.method} {step.path} ({step.what})"
        if problems:
            failures.append(f"{label}: differs in {', '.join(problems)}\n"
                            f"    body sent: {step.body!r}\n"
                            f"    reference: {describe(reference)}\n"
                            f"    ours:      {describe(ours)}")
        else:
            e2e.log(f"same: {label} -> {reference.status} {reference.text[:120]!r}")
        if step.gone is not None and reference.status == 202:
            wait_gone(gateways, step.gone, label)
    if without_date:
        failures.append(f"Date header: the reference sends one, ours does not, on "
                        f"{len(without_date)} of {len(SEQUENCE)} responses: "
                        f"{', '.join(without_date[:5])}{', ...' if len(without_date) > 5 else ''}")
    return failures


def check_deliberate(gateways):
    """The deliberate differences, each asserted as what it is."""
    failures = []

    def fail(message):
        failures.append(message)

    # HEAD works on every GET route here; the reference answers 405 (spec 0 item 11).
    answers = exchange(gateways, "HEAD", "/metrics")
    if not (answers["ours"].status == 200 and answers["ours"].body == b""
            and answers["reference"].status == 405
            and answers["reference"].header("Allow") == "GET, OPTIONS"):
        fail(f"HEAD /metrics: expected ours 200 with no body, reference 405 Allow GET, OPTIONS; "
             f"ours {describe(answers['ours'])}, reference {describe(answers['reference'])}")

    # The scrape Content-Type: 1.11.3 (which we follow) appends `; escaping=underscores`,
    # 1.5.1 does not (spec 3.3); OpenMetrics is never offered (X14).
    for accept in (None, "application/openmetrics-text; version=1.0.0",
                   "text/plain; version=0.0.4", "*/*"):
        answers = exchange(gateways, "GET", "/metrics", headers={"Accept": accept} if accept else {})
        ours_type, reference_type = (answers[n].header("Content-Type") for n in ("ours", "reference"))
        if not (answers["ours"].status == answers["reference"].status == 200
                and reference_type == "text/plain; version=0.0.4; charset=utf-8"
                and ours_type == reference_type + "; escaping=underscores"):
            fail(f"scrape Content-Type with Accept {accept!r}: expected 200 and reference "
                 f"'text/plain; version=0.0.4; charset=utf-8', ours the same plus "
                 f"'; escaping=underscores'; ours {answers['ours'].status} {ours_type!r}, "
                 f"reference {answers['reference'].status} {reference_type!r}")

    # No go_* metrics here (README): a go_goroutines counter is a plain push for us, a type
    # conflict with the reference's own go_goroutines gauge.
    answers = exchange(gateways, "PUT", "/metrics/job/pa_go",
                       b"# TYPE go_goroutines counter\ngo_goroutines 1\n", TEXT)
    go_error = INCONSISTENT + "gathered metric family go_goroutines has type COUNTER but should have GAUGE\n"
    if not (answers["ours"].status == 200 and answers["reference"].status == 400
            and answers["reference"].text == go_error):
        fail(f"PUT of a go_goroutines counter: expected ours 200, reference 400 {go_error!r}; "
             f"ours {describe(answers['ours'])}, reference {describe(answers['reference'])}")
    delete_both(gateways, "/metrics/job/pa_go", {"instance": "", "job": "pa_go"}, fail)

    # /metrics/job/j beside /metrics/job/j/instance@base64/= (X23): both reject the second
    # push the same way, but the reference still creates the group and then fails every
    # scrape with 500; ours does not create it (README).
    answers = exchange(gateways, "PUT", "/metrics/job/pa_inst")
    if [answers[n].status for n in ("ours", "reference")] != [200, 200]:
        fail(f"PUT /metrics/job/pa_inst: ours {describe(answers['ours'])}, "
             f"reference {describe(answers['reference'])}")
    answers = exchange(gateways, "PUT", "/metrics/job/pa_inst/instance@base64/=")
    expected = INCONSISTENT + ("duplicate series: push_failure_time_seconds; "
                               "duplicate series: push_time_seconds")
    for name in ("ours", "reference"):
        if (answers[name].status != 400
                or canonical_consistency_error(answers[name].text) != expected):
            fail(f"PUT /metrics/job/pa_inst/instance@base64/= ({name}): expected 400 "
                 f"{expected!r} (canonical form); got {describe(answers[name])}")
    check_scrapes_after_bad_group(gateways, "the instance@base64/= push", fail)
    answers = exchange(gateways, "DELETE", "/metrics/job/pa_inst/instance@base64/=")
    if answers["reference"].status != 202 or answers["ours"].status != 202:
        fail(f"DELETE /metrics/job/pa_inst/instance@base64/=: expected 202 from both; "
             f"ours {describe(answers['ours'])}, reference {describe(answers['reference'])}")
    wait_scrape_ok(gateways["reference"], "the reference's /metrics after the DELETE")

    # Invalid UTF-8 in a grouping value (X12): we reject it before any group exists; the
    # reference answers 400 too, creates the group, and fails every scrape until a DELETE.
    answers = exchange(gateways, "PUT", "/metrics/job/pa_bad/a/%FF", b"pa_y 1\n", TEXT)
    if not (answers["ours"].status == 400
            and answers["ours"].text.startswith("invalid UTF-8 in grouping label")
            and answers["reference"].status == 400
            and answers["reference"].text.startswith(INCONSISTENT)):
        fail(f"PUT /metrics/job/pa_bad/a/%FF: expected ours 400 'invalid UTF-8 in grouping "
             f"label...', reference 400 {INCONSISTENT!r}...; ours {describe(answers['ours'])}, "
             f"reference {describe(answers['reference'])}")
    check_scrapes_after_bad_group(gateways, "the push with invalid UTF-8", fail)
    answers = exchange(gateways, "DELETE", "/metrics/job/pa_bad/a/%FF")
    if answers["reference"].status != 202:
        fail(f"DELETE /metrics/job/pa_bad/a/%FF (reference): expected 202, got "
             f"{describe(answers['reference'])}")
    if not (answers["ours"].status == 400
            and answers["ours"].text.startswith("invalid UTF-8 in grouping label")):
        # Ours can hold no such group, so it rejects the key on DELETE as on PUT.
        fail(f"DELETE /metrics/job/pa_bad/a/%FF (ours): expected 400 'invalid UTF-8 in "
             f"grouping label...', got {describe(answers['ours'])}")
    wait_scrape_ok(gateways["reference"], "the reference's /metrics after the DELETE")
    return failures


def check_version_differences(gateways):
    """Where 1.5.1 and 1.11.3 (the version we follow) differ, ours does what the
    specification says for 1.11.3; each case is asserted as the difference it is."""
    failures = []

    def fail(message):
        failures.append(message)

    def family_lines(base, name):
        family = e2e.scrape(base).get(name)
        return family.lines if family is not None else []

    # Classic float histograms (1.10.0; spec 2.5, 3.5): non-integer counts are kept as floats.
    # 1.5.1 truncates them to integers.
    body = (b"# TYPE pa_float_histogram histogram\n"
            b'pa_float_histogram_bucket{le="1"} 1.5\n'
            b'pa_float_histogram_bucket{le="+Inf"} 2.5\n'
            b"pa_float_histogram_sum 3\npa_float_histogram_count 2.5\n")
    answers = exchange(gateways, "PUT", "/metrics/job/pa_v1", body, TEXT)
    expected = {
        "ours": ["# TYPE pa_float_histogram histogram",
                 'pa_float_histogram_bucket{instance="",job="pa_v1",le="1"} 1.5',
                 'pa_float_histogram_bucket{instance="",job="pa_v1",le="+Inf"} 2.5',
                 'pa_float_histogram_sum{instance="",job="pa_v1"} 3',
                 'pa_float_histogram_count{instance="",job="pa_v1"} 2.5'],
        "reference": ["# TYPE pa_float_histogram histogram",
                      'pa_float_histogram_bucket{instance="",job="pa_v1",le="1"} 1',
                      'pa_float_histogram_bucket{instance="",job="pa_v1",le="+Inf"} 2',
                      'pa_float_histogram_sum{instance="",job="pa_v1"} 3',
                      'pa_float_histogram_count{instance="",job="pa_v1"} 2'],
    }
    for name, base in gateways.items():
        lines = family_lines(base, "pa_float_histogram")
        if answers[name].status != 200 or lines != expected[name]:
            fail(f"float histogram ({name}): expected 200 and {expected[name]}; got "
                 f"{describe(answers[name])} and {lines}")
    delete_both(gateways, "/metrics/job/pa_v1", {"instance": "", "job": "pa_v1"}, fail)

    # `gaugehistogram` is a known type in 1.11.3 (spec 2.5), written as `histogram` (3.5).
    answers = exchange(gateways, "PUT", "/metrics/job/pa_v2",
                       b'# TYPE pa_gh gaugehistogram\npa_gh_bucket{le="1"} 1\n'
                       b"pa_gh_sum 1\npa_gh_count 1\n", TEXT)
    reference_error = 'text format parsing error in line 1: unknown metric type "gaugehistogram"\n'
    ours_lines = family_lines(gateways["ours"], "pa_gh")
    if not (answers["ours"].status == 200 and ours_lines[:1] == ["# TYPE pa_gh histogram"]
            and answers["reference"].status == 400 and answers["reference"].text == reference_error):
        fail(f"gaugehistogram: expected ours 200 exposed as '# TYPE pa_gh histogram', reference "
             f"400 {reference_error!r}; ours {describe(answers['ours'])} {ours_lines}, "
             f"reference {describe(answers['reference'])}")
    delete_both(gateways, "/metrics/job/pa_v2", {"instance": "", "job": "pa_v2"}, fail)

    # A \" escape in HELP is accepted by 1.11.3's parser (spec 2.5); written back as a plain
    # quote, since HELP escapes only backslash and newline (3.5).
    answers = exchange(gateways, "PUT", "/metrics/job/pa_v3",
                       b'# HELP pa_quoted a \\"quoted\\" word\npa_quoted 1\n', TEXT)
    reference_error = "text format parsing error in line 1: invalid escape sequence '\\\"'\n"
    ours_lines = family_lines(gateways["ours"], "pa_quoted")
    if not (answers["ours"].status == 200
            and ours_lines[:1] == ['# HELP pa_quoted a "quoted" word']
            and answers["reference"].status == 400 and answers["reference"].text == reference_error):
        fail(f"HELP with \\\": expected ours 200 with '# HELP pa_quoted a \"quoted\" word', "
             f"reference 400 {reference_error!r}; ours {describe(answers['ours'])} {ours_lines}, "
             f"reference {describe(answers['reference'])}")
    delete_both(gateways, "/metrics/job/pa_v3", {"instance": "", "job": "pa_v3"}, fail)

    # A negative bucket count is a parse error in 1.11.3 (spec 2.5); 1.5.1 stores it
    # converted to an unsigned integer.
    answers = exchange(gateways, "PUT", "/metrics/job/pa_v4",
                       b'# TYPE pa_negative histogram\npa_negative_bucket{le="1"} -1\n'
                       b"pa_negative_count 1\npa_negative_sum 1\n", TEXT)
    if not (answers["ours"].status == 400
            and answers["ours"].text.startswith("text format parsing error in line 2: ")
            and answers["reference"].status == 200):
        fail(f"negative bucket count: expected ours 400 'text format parsing error in line 2: "
             f"...', reference 200; ours {describe(answers['ours'])}, "
             f"reference {describe(answers['reference'])}")
    delete_both(gateways, "/metrics/job/pa_v4", {"instance": "", "job": "pa_v4"}, fail)
    return failures


def delete_both(gateways, path, labels, fail):
    answers = exchange(gateways, "DELETE", path)
    if [answers[n].status for n in ("ours", "reference")] != [202, 202]:
        fail(f"DELETE {path}: expected 202 from both; ours {describe(answers['ours'])}, "
             f"reference {describe(answers['reference'])}")
    wait_gone(gateways, labels, f"DELETE {path}")


def check_scrapes_after_bad_group(gateways, what, fail):
    answers = exchange(gateways, "GET", "/metrics")
    if answers["reference"].status != 500 or answers["ours"].status != 200:
        fail(f"GET /metrics after {what}: expected reference 500 and ours 200; got reference "
             f"{answers['reference'].status}, ours {answers['ours'].status}")


def wait_scrape_ok(base, what):
    e2e.wait_until_http_ok(f"{base}/metrics", 10, what)


def main():
    if len(sys.argv) != 2:
        raise TestFailure("usage: test_reference_parity.py <gateway binary>")
    binary = sys.argv[1]
    expect(os.access(binary, os.X_OK), f"gateway binary {binary} is not executable; build it first")
    e2e.require_executable(REFERENCE, "prometheus-pushgateway")

    with e2e.temp_dir("qpgw-e2e-parity-") as workdir:
        # Debian's build persists to /var/lib by default: --persistence.file= keeps it in memory.
        with e2e.pushgateway("reference", REFERENCE, workdir, ["--persistence.file="]) as (ref, _), \
                e2e.pushgateway("qpushgateway", binary, workdir) as (ours, _):
            gateways = {"ours": ours, "reference": ref}
            failures = run_sequence(gateways)
            failures += compare_metrics(gateways, "after the sequence")
            failures += check_deliberate(gateways)
            failures += check_version_differences(gateways)
            failures += compare_metrics(gateways, "after the deliberate and version differences")
    if failures:
        raise TestFailure(f"{len(failures)} difference(s) from the reference:\n\n"
                          + "\n\n".join(failures))


if __name__ == "__main__":
    e2e.run_main(main)
