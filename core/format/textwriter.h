#pragma once

#include "format/nameescaping.h"
#include "model/metric.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

namespace qpgw {

// The shortest decimal that reads back as `value`, formatted like Go's
// strconv.FormatFloat(value, 'g', -1, 64) and the reference's text writer: exponent form iff
// the decimal exponent is < -4 or >= 6 ("999999", "1e+06", "1.5e-05", "0.0001"), exponent with
// sign and at least two digits; "+Inf", "-Inf", "NaN". Independent of the process locale.
void appendGoFloat(QByteArray &out, double value);
QByteArray formatGoFloat(double value);

// Text format 0.0.4 writers. The small pieces exist so that the store can cache one series'
// lines and assemble a family from many groups without re-rendering.
//
// `# HELP name text` (only if help is set; `\` and newline escaped) and `# TYPE name type`.
void writeFamilyHeader(QByteArray &out, QByteArrayView name, const std::optional<QByteArray> &help,
                       MetricType type, NameEscaping escaping = NameEscaping::Underscores);
// Every sample line of one metric of a family of this name and type: one line for counters,
// gauges and untyped; quantiles, _sum, _count for summaries; _bucket lines (plus a synthesised
// le="+Inf" bucket when missing), _sum, _count for histograms. Never a timestamp.
void writeMetricSamples(QByteArray &out, QByteArrayView familyName, MetricType type,
                        const Metric &metric, NameEscaping escaping = NameEscaping::Underscores);
// Header plus samples of the family's metrics, in the order given.
void writeFamily(QByteArray &out, const MetricFamily &family,
                 NameEscaping escaping = NameEscaping::Underscores);

// A whole exposition with deterministic order: families by name, series by seriesLess().
QByteArray writeTextFormat(QList<MetricFamily> families,
                           NameEscaping escaping = NameEscaping::Underscores);

} // namespace qpgw
