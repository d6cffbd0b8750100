#pragma once

#include "model/error.h"
#include "model/metric.h"
#include "model/names.h"

#include <QByteArrayView>
#include <QList>

namespace qpgw {

// Parses a push body in the OpenMetrics 1.0 text format (Content-Type:
// application/openmetrics-text), strictly by the specification's ABNF and its MUSTs:
//  - lines end with '\n'; no empty lines; the last line is `# EOF` (its '\n' optional) and
//    nothing follows it; '#' starts only `# TYPE`, `# HELP`, `# UNIT` and `# EOF` lines;
//  - single spaces between the tokens of a line; `name{labels} value [timestamp]
//    [# {labels} value [timestamp]]`; values are floats (`+Inf`, `-Inf`, `NaN` in any case);
//    a value beyond float64's range (either way) is an error;
//  - TYPE, HELP and UNIT at most once per family, before its samples; UNIT a suffix of the
//    name (and empty for info and stateset); an empty HELP counts as none;
//  - families are contiguous and their names and sample names unique (no family may claim
//    another's `foo_total`, `foo_created`, ...); the series of a family are contiguous and
//    unique: one point per series (a push is a snapshot, so the history OpenMetrics allows,
//    several points of one series, is rejected as a duplicate);
//  - the samples of one series carry the same timestamp, or none;
//  - per type: counter totals not NaN or negative; histogram buckets with an `le` (not NaN),
//    ascending, cumulative, ending with `+Inf`; bucket and `_count` values non-negative
//    integers, `_count` equal to the `+Inf` bucket and present exactly when `_sum` is
//    (`_gcount` and `_gsum` likewise); `_sum` not NaN or negative, and absent when there are
//    negative buckets; `_gsum` not NaN, negative only with negative buckets; summary quantiles
//    in [0, 1], quantile values not negative (NaN is fine), `_count` a non-negative integer,
//    `_sum` not NaN or negative; stateset values 0 or 1 with the state label; info values 1;
//    `le` and `quantile` labels only where they belong; no label named `__name__`;
//  - exemplars only on counter `_total` and (gauge) histogram `_bucket` samples, their label
//    names and values at most 128 code points together.
// Escapes in label values and HELP: \\, \" and \n; a backslash before any other character is
// kept with it, as the ABNF allows. HELP may contain a bare '"' (Prometheus accepts it too).
// Label values and HELP must be UTF-8. Names follow `validation`; quoted names (`{"a.b"}`,
// `"l.x"="v"`) are read in both modes and must then be valid for it, as in the text parser.
//
// The result is what Prometheus stores from such a scrape:
//  - counter `foo` -> family `foo_total` (Counter), `foo_created` -> createdTimestampMs, the
//    `_total` exemplar -> ScalarValue::exemplar;
//  - gauge -> Gauge; unknown -> Untyped; stateset `foo` -> Gauge `foo`, one series per state
//    (labelled foo="<state>", value 0 or 1); info `foo` -> Gauge `foo_info` (value 1);
//  - summary -> Summary (quantiles in the order given, _sum, _count, _created);
//  - histogram -> Histogram with classic buckets (+Inf included, exemplars kept), _sum, _count
//    (the +Inf bucket when absent), _created; gaugehistogram -> GaugeHistogram from _bucket,
//    _gsum, _gcount.
// Timestamps are seconds on the wire and rounded to milliseconds: Metric::timestampMs (so
// that the store can reject them), Exemplar::timestampMs, createdTimestampMs. Units are checked
// and dropped (the model has no unit). Families come back in order of appearance, without
// those that got no sample.
// On failure the error is `openmetrics parsing error in line N: <what>`.
// Pure function: no I/O, no global state, never crashes or hangs on any input.
Expected<QList<MetricFamily>> parseOpenMetrics(QByteArrayView body,
                                               NameValidation validation = NameValidation::Legacy);

} // namespace qpgw
