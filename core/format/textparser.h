#pragma once

#include "model/error.h"
#include "model/metric.h"
#include "model/names.h"

#include <QByteArrayView>
#include <QList>

namespace qpgw {

// Parses a push body in the Prometheus text exposition format 0.0.4, with exactly the
// acceptance rules of the reference (behaviour spec section 2.5):
//  - every line ends with '\n'; an empty body is a valid, empty push;
//  - `# HELP` / `# TYPE` (once per name, TYPE before samples), other `#` lines are comments;
//  - samples `name{labels} value [timestamp_ms]`; timestamps are recognised and kept in
//    Metric::timestampMs so that the store can reject them;
//  - summaries and histograms are assembled from `quantile`, `_sum`, `_count`, `_bucket`;
//  - names follow `validation` (legacy rules, or UTF-8 with quoted names).
// Families come back in order of first appearance; families without samples are dropped.
// On failure the error is `text format parsing error in line N: <what>`.
// Pure function: no I/O, no global state, never crashes or hangs on any input.
Expected<QList<MetricFamily>> parseTextFormat(QByteArrayView body,
                                              NameValidation validation = NameValidation::Legacy);

} // namespace qpgw
