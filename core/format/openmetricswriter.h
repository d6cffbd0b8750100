#pragma once

#include "format/nameescaping.h"
#include "model/metric.h"

#include <QByteArray>
#include <QList>

namespace qpgw {

// OpenMetrics 1.0 text exposition (application/openmetrics-text; version=1.0.0), what a scrape
// gets when the gateway's OpenMetrics flag is on. Modelled on prometheus/common's
// expfmt.MetricFamilyToOpenMetrics, with the choices below:
//  - a counter family named `foo_total` is announced as `# TYPE foo counter` and its samples
//    are `foo_total`; a counter family without the suffix gets `_total` appended to its
//    samples (so a series `foo` pushed in 0.0.4 becomes `foo_total` for Prometheus: the
//    renaming that keeps the flag off by default);
//  - `_created` lines (seconds) for counters, summaries and histograms that carry a created
//    timestamp; exemplars of counters and classic buckets as ` # {labels} value [seconds]`;
//  - untyped is written as `unknown`, a gauge histogram as `gaugehistogram` with `_gcount` and
//    `_gsum`; a histogram shows its classic view (its buckets plus a `+Inf` bucket equal to the
//    count when missing, `_sum`, `_count`), which is all a native-only histogram shows;
//  - values in Go's %g with ".0" appended to whole numbers ("1.0", "+Inf", "NaN"), counts as
//    integers; HELP escapes '\', newline and '"'; names escaped by `escaping` and quoted (a
//    metric name inside the braces) when they are still not legacy-valid, as the 0.0.4 writer
//    does;
//  - like the 0.0.4 writer, never a sample timestamp (the store holds none).
//
// One family, in the order its metrics are given. A metric whose value does not have the
// type's shape writes nothing.
void writeOpenMetricsFamily(QByteArray &out, const MetricFamily &family,
                            NameEscaping escaping = NameEscaping::Underscores);

// The whole exposition: the families in the order given (the caller merges and orders them),
// without those that have no series or no name, then the final `# EOF\n`.
QByteArray writeOpenMetrics(const QList<MetricFamily> &families,
                            NameEscaping escaping = NameEscaping::Underscores);

} // namespace qpgw
