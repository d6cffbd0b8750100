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

// '\' and newline always; '"' only when `escapeQuotes` (label values, quoted names). HELP text
// keeps its '"' in 0.0.4, as the reference does; OpenMetrics escapes it there too.
void appendEscaped(QByteArray &out, QByteArrayView text, bool escapeQuotes);

// A metric or label name as it goes on the wire: escaped by the negotiated scheme when it is
// not legacy-valid, and quoted when it still is not (always the case with allow-utf-8).
// Legacy-valid names, nearly all of them, are neither copied nor escaped. The reference tests
// label names with the metric-name rule too, so a label name containing ':' stays unquoted.
// Refers to `name` without copying it: the name must outlive the WireName.
class WireName
{
public:
    WireName(QByteArrayView name, NameEscaping escaping);
    WireName(const WireName &) = delete;
    WireName &operator=(const WireName &) = delete;

    bool quoted() const { return m_quoted; }

    // The name followed by `suffix` (a legacy-valid "_sum", "_bucket", ... or nothing).
    void append(QByteArray &out, QByteArrayView suffix = {}) const;

private:
    QByteArrayView m_name;
    QByteArray m_escaped; // owns the escaped form when there is one
    bool m_quoted = false;
};

// `name{labels,extra="value"}`: how both text writers (0.0.4 and OpenMetrics) name a series.
// A name that must be quoted moves inside the braces as their first item, `{"a.b",l="v"}`, as
// the reference writes it. Without a name (an OpenMetrics exemplar) the braces are always
// written, `{}` when empty. `extraName` (quantile, le) is left out when empty; its value is
// written by `writeValue`, the caller's number format.
struct SeriesExtraLabel
{
    QByteArrayView name; // empty: none
    double value = 0;
};
void appendSeriesId(QByteArray &out, const WireName *name, QByteArrayView suffix, const Labels &labels,
                    NameEscaping escaping, SeriesExtraLabel extra, void (*writeValue)(QByteArray &, double));

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
