#include "openmetricswriter.h"

#include "textwriter.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

// The line layout follows prometheus/common's expfmt OpenMetrics encoder (HELP before TYPE,
// quantiles/buckets, then _sum, _count, _created); names and label values go through the same
// WireName and appendEscaped as the 0.0.4 writer, so both expositions name things alike.

namespace qpgw {
namespace {

template<qsizetype N>
void appendLiteral(QByteArray &out, const char (&text)[N])
{
    out.append(text, N - 1);
}

// Go's writeOpenMetricsFloat: the %g form of appendGoFloat, with ".0" appended when that looks
// like an integer, so that readers see a float ("1.0", "1e+06", "0.5"); zero of either sign is
// "0.0", as Go's `f == 0` case writes it.
void appendFloat(QByteArray &out, double value)
{
    if (value == 0) {
        appendLiteral(out, "0.0");
        return;
    }
    const qsizetype start = out.size();
    appendGoFloat(out, value);
    if (!std::isfinite(value))
        return;
    const char *const written = out.constData() + start;
    const auto length = size_t(out.size() - start);
    if (!std::memchr(written, '.', length) && !std::memchr(written, 'e', length))
        appendLiteral(out, ".0");
}

void appendCount(QByteArray &out, quint64 count)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, count);
    out.append(buffer, result.ptr - buffer);
}

// OpenMetrics timestamps are seconds; the model keeps milliseconds.
double toSeconds(TimestampMs milliseconds)
{
    return static_cast<double>(milliseconds) / 1000;
}

// A sample's value: a float, or a count, which OpenMetrics wants as an integer ("17", not
// "17.0"). Float histograms have float counts, which print as floats.
struct SampleValue
{
    double real = 0;
    quint64 count = 0;
    bool isCount = false;
};

SampleValue realValue(double value)
{
    return {value, 0, false};
}

SampleValue countValue(quint64 count)
{
    return {0, count, true};
}

SampleValue bucketCount(const Bucket &bucket)
{
    return bucket.cumulativeCountFloat > 0 ? realValue(bucket.cumulativeCountFloat)
                                           : countValue(bucket.cumulativeCount);
}

SampleValue sampleCount(const HistogramValue &histogram)
{
    return histogram.sampleCountFloat > 0 ? realValue(histogram.sampleCountFloat)
                                          : countValue(histogram.sampleCount);
}

using ExtraLabel = SeriesExtraLabel;

// `name{a="x",le="1.0"}`; an exemplar's `{...}` (no name) is `{}` when empty, as OpenMetrics
// spells an empty label set there.
void appendNameAndLabels(QByteArray &out, const WireName *name, QByteArrayView suffix,
                         const Labels &labels, NameEscaping escaping, ExtraLabel extra = {})
{
    appendSeriesId(out, name, suffix, labels, escaping, extra, appendFloat);
}

// ` # {labels} value [timestamp]` after a counter's or a bucket's value.
void appendExemplar(QByteArray &out, const Exemplar &exemplar, NameEscaping escaping)
{
    appendLiteral(out, " # ");
    appendNameAndLabels(out, nullptr, {}, exemplar.labels, escaping);
    out.append(' ');
    appendFloat(out, exemplar.value);
    if (exemplar.timestampMs) {
        out.append(' ');
        appendFloat(out, toSeconds(*exemplar.timestampMs));
    }
}

// One sample line. No timestamp: the store never holds one, and the 0.0.4 writer never writes
// one either, so both expositions of the same store carry the same samples.
void appendSample(QByteArray &out, const WireName &name, QByteArrayView suffix,
                  const Metric &metric, NameEscaping escaping, ExtraLabel extra,
                  SampleValue value, const std::optional<Exemplar> &exemplar = std::nullopt)
{
    appendNameAndLabels(out, &name, suffix, metric.labels, escaping, extra);
    out.append(' ');
    if (value.isCount)
        appendCount(out, value.count);
    else
        appendFloat(out, value.real);
    if (exemplar)
        appendExemplar(out, *exemplar, escaping);
    out.append('\n');
}

void appendCreated(QByteArray &out, const WireName &name, const Metric &metric,
                   NameEscaping escaping, const std::optional<TimestampMs> &created)
{
    if (created)
        appendSample(out, name, "_created", metric, escaping, {}, realValue(toSeconds(*created)));
}

void appendSummary(QByteArray &out, const WireName &name, const Metric &metric,
                   NameEscaping escaping, const SummaryValue &summary)
{
    for (const Quantile &quantile : summary.quantiles)
        appendSample(out, name, {}, metric, escaping, {"quantile", quantile.quantile}, realValue(quantile.value));
    appendSample(out, name, "_sum", metric, escaping, {}, realValue(summary.sampleSum));
    appendSample(out, name, "_count", metric, escaping, {}, countValue(summary.sampleCount));
    appendCreated(out, name, metric, escaping, summary.createdTimestampMs);
}

// Classic buckets only, plus the +Inf bucket OpenMetrics requires when they lack it: a
// native-only histogram shows as that bucket, _sum and _count, as in the 0.0.4 writer.
void appendHistogram(QByteArray &out, const WireName &name, const Metric &metric,
                     NameEscaping escaping, const HistogramValue &histogram, bool gauge)
{
    bool infSeen = false;
    for (const Bucket &bucket : histogram.buckets) {
        appendSample(out, name, "_bucket", metric, escaping, {"le", bucket.upperBound},
                     bucketCount(bucket), bucket.exemplar);
        infSeen = infSeen || (std::isinf(bucket.upperBound) && bucket.upperBound > 0);
    }
    const SampleValue count = sampleCount(histogram);
    if (!infSeen) {
        appendSample(out, name, "_bucket", metric, escaping,
                     {"le", std::numeric_limits<double>::infinity()}, count);
    }
    appendSample(out, name, gauge ? "_gsum" : "_sum", metric, escaping, {}, realValue(histogram.sampleSum));
    appendSample(out, name, gauge ? "_gcount" : "_count", metric, escaping, {}, count);
    if (!gauge) // a gauge histogram has no created timestamp in OpenMetrics
        appendCreated(out, name, metric, escaping, histogram.createdTimestampMs);
}

void appendMetric(QByteArray &out, const WireName &name, MetricType type, const Metric &metric,
                  NameEscaping escaping)
{
    switch (type) {
    case MetricType::Counter:
        if (const ScalarValue *scalar = metric.scalar()) {
            appendSample(out, name, "_total", metric, escaping, {}, realValue(scalar->value), scalar->exemplar);
            appendCreated(out, name, metric, escaping, scalar->createdTimestampMs);
        }
        return;
    case MetricType::Gauge:
    case MetricType::Untyped:
        if (const ScalarValue *scalar = metric.scalar())
            appendSample(out, name, {}, metric, escaping, {}, realValue(scalar->value));
        return;
    case MetricType::Summary:
        if (const SummaryValue *summary = metric.summary())
            appendSummary(out, name, metric, escaping, *summary);
        return;
    case MetricType::Histogram:
    case MetricType::GaugeHistogram:
        if (const HistogramValue *histogram = metric.histogram())
            appendHistogram(out, name, metric, escaping, *histogram, type == MetricType::GaugeHistogram);
        return;
    }
}

QByteArrayView typeWord(MetricType type)
{
    switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Summary: return "summary";
    case MetricType::Untyped: return "unknown";
    case MetricType::Histogram: return "histogram";
    case MetricType::GaugeHistogram: return "gaugehistogram";
    }
    return "unknown";
}

} // namespace

void writeOpenMetricsFamily(QByteArray &out, const MetricFamily &family, NameEscaping escaping)
{
    // The name is escaped first and the counter suffix handled on the result, as in the
    // reference, where a family's name is escaped before the encoder sees it. A counter's
    // samples are always <base>_total: `foo_total` keeps its name, `foo` gains the suffix.
    QByteArray base = escapeName(family.name, escaping);
    if (family.type == MetricType::Counter && base.endsWith("_total"))
        base.chop(6);
    const WireName name(base, escaping); // already escaped: at most quoted now

    if (family.help) {
        appendLiteral(out, "# HELP ");
        name.append(out);
        out.append(' ');
        appendEscaped(out, *family.help, true);
        out.append('\n');
    }
    appendLiteral(out, "# TYPE ");
    name.append(out);
    out.append(' ');
    out.append(typeWord(family.type));
    out.append('\n');

    for (const Metric &metric : family.metrics)
        appendMetric(out, name, family.type, metric, escaping);
}

QByteArray writeOpenMetrics(const QList<MetricFamily> &families, NameEscaping escaping)
{
    QByteArray out;
    for (const MetricFamily &family : families) {
        // As in the 0.0.4 writer: the reference's gatherer drops families without series, and
        // a family without a name cannot be written at all.
        if (family.metrics.isEmpty() || family.name.isEmpty())
            continue;
        writeOpenMetricsFamily(out, family, escaping);
    }
    appendLiteral(out, "# EOF\n");
    return out;
}

} // namespace qpgw
