#include "textwriter.h"

#include "model/names.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace qpgw {
namespace {

// Appends a string literal without a strlen() at run time.
template<qsizetype N>
void appendLiteral(QByteArray &out, const char (&text)[N])
{
    out.append(text, N - 1);
}

// Go's %g switches to exponent form at this decimal exponent when it prints the shortest
// representation (strconv uses eprec = 6 in that case, whatever the number of digits).
constexpr int ExponentFormFrom = 6;
constexpr int ExponentFormBelow = -4;

// Whole numbers below 1e6 are the most common sample values (counts, flags, sizes); Go prints
// them as plain integers, so they skip the shortest-digits search.
bool appendSmallInteger(QByteArray &out, double value)
{
    if (!(value > -1e6 && value < 1e6))
        return false;
    const auto integer = static_cast<qint32>(value);
    if (static_cast<double>(integer) != value)
        return false;
    char buffer[16];
    char *begin = buffer;
    if (std::signbit(value)) // -0 is a whole number too, and Go keeps its sign
        *begin++ = '-';
    const auto magnitude = static_cast<quint32>(integer < 0 ? -integer : integer);
    const auto result = std::to_chars(begin, buffer + sizeof buffer, magnitude);
    out.append(buffer, result.ptr - buffer);
    return true;
}

// Go's fixed form for decimal exponents in [-4, 6), made from the shortest scientific form
// "[-]d[.ddd]e±XX" in `buffer`: the digits are the same, only the point moves.
void appendFixedFromScientific(QByteArray &out, char *buffer, const char *exponentMark,
                               int exponent)
{
    char *const first = buffer + (buffer[0] == '-' ? 1 : 0); // the leading digit
    const auto fractionDigits = static_cast<int>(exponentMark - first) - (first[1] == '.' ? 2 : 1);
    if (exponent >= 0) {
        // "1.2345e+02" becomes "123.45", "1.2e+03" becomes "1200": the fraction digits move
        // left over the point, and zeros fill in when there are not enough of them.
        const int shifted = std::min(exponent, fractionDigits);
        std::memmove(first + 1, first + 2, size_t(shifted));
        char *end = std::fill_n(first + 1 + shifted, exponent - shifted, '0');
        if (fractionDigits > exponent) {
            *end = '.';
            end = first + 2 + fractionDigits;
        }
        out.append(buffer, end - buffer);
        return;
    }
    // "1.5e-03" becomes "0.0015".
    char fixed[32];
    char *cursor = std::copy(static_cast<const char *>(buffer), static_cast<const char *>(first), fixed);
    cursor = std::fill_n(cursor, 1 - exponent, '0'); // "0", the point's place, -exponent - 1 zeros
    fixed[first - buffer + 1] = '.';
    *cursor++ = *first;
    cursor = std::copy_n(first + 2, fractionDigits, cursor);
    out.append(fixed, cursor - fixed);
}

int parseExponent(const char *sign, const char *end)
{
    int exponent = 0;
    std::from_chars(sign + 1, end, exponent);
    return *sign == '-' ? -exponent : exponent;
}

// Sample values and `le`/`quantile` values, as the reference's text writer prints them: like
// appendGoFloat, except that its `f == 0` shortcut runs first, so negative zero prints as "0"
// there while strconv alone keeps the sign.
void appendSampleValue(QByteArray &out, double value)
{
    if (value == 0)
        out.append('0');
    else
        appendGoFloat(out, value);
}

} // namespace

void appendEscaped(QByteArray &out, QByteArrayView text, bool escapeQuotes)
{
    const char *run = text.data();
    const char *const end = run + text.size();
    for (const char *p = run; p != end; ++p) {
        const char c = *p;
        char replacement;
        if (c == '\\')
            replacement = '\\';
        else if (c == '\n')
            replacement = 'n';
        else if (c == '"' && escapeQuotes)
            replacement = '"';
        else
            continue;
        out.append(run, p - run);
        out.append('\\');
        out.append(replacement);
        run = p + 1;
    }
    out.append(run, end - run);
}

WireName::WireName(QByteArrayView name, NameEscaping escaping) : m_name(name)
{
    if (isLegacyMetricName(name))
        return;
    if (escaping != NameEscaping::AllowUtf8) {
        m_escaped = escapeName(name, escaping);
        m_name = m_escaped;
    }
    m_quoted = !isLegacyMetricName(m_name);
}

void WireName::append(QByteArray &out, QByteArrayView suffix) const
{
    if (!m_quoted) {
        out.append(m_name);
        out.append(suffix);
        return;
    }
    out.append('"');
    appendEscaped(out, m_name, true);
    out.append(suffix);
    out.append('"');
}

void appendSeriesId(QByteArray &out, const WireName *name, QByteArrayView suffix, const Labels &labels,
                    NameEscaping escaping, SeriesExtraLabel extra, void (*writeValue)(QByteArray &, double))
{
    char separator = '{';
    if (name) {
        if (name->quoted()) {
            out.append('{');
            separator = ',';
        }
        name->append(out, suffix);
    }
    for (const LabelPair &label : labels) {
        out.append(separator);
        WireName(label.name, escaping).append(out);
        appendLiteral(out, "=\"");
        appendEscaped(out, label.value, true);
        out.append('"');
        separator = ',';
    }
    if (!extra.name.isEmpty()) {
        out.append(separator);
        out.append(extra.name);
        appendLiteral(out, "=\"");
        writeValue(out, extra.value);
        out.append('"');
        separator = ',';
    }
    if (separator == ',')
        out.append('}');
    else if (!name)
        appendLiteral(out, "{}");
}

namespace {

using ExtraLabel = SeriesExtraLabel;

// One sample line: `name{labels} value\n`.
void appendSampleLine(QByteArray &out, const WireName &name, QByteArrayView suffix,
                      const Labels &labels, NameEscaping escaping, ExtraLabel extra, double value)
{
    appendSeriesId(out, &name, suffix, labels, escaping, extra, appendSampleValue);
    out.append(' ');
    appendSampleValue(out, value);
    out.append('\n');
}

// Integer counts travel as float64 in the reference's writer, so they print in the same %g
// form as every other number (1000000 is "1e+06").
double asSampleValue(quint64 count)
{
    return static_cast<double>(count);
}

// Float histograms carry their counts in the float fields; the protobuf schema says a float
// count overrides the integer one when it is > 0.
double bucketCount(const Bucket &bucket)
{
    return bucket.cumulativeCountFloat > 0 ? bucket.cumulativeCountFloat
                                           : asSampleValue(bucket.cumulativeCount);
}

double sampleCount(const HistogramValue &histogram)
{
    return histogram.sampleCountFloat > 0 ? histogram.sampleCountFloat
                                          : asSampleValue(histogram.sampleCount);
}

void appendSummaryLines(QByteArray &out, const WireName &name, const Labels &labels,
                        NameEscaping escaping, const SummaryValue &summary)
{
    for (const Quantile &quantile : summary.quantiles) {
        appendSampleLine(out, name, {}, labels, escaping, {"quantile", quantile.quantile},
                         quantile.value);
    }
    appendSampleLine(out, name, "_sum", labels, escaping, {}, summary.sampleSum);
    appendSampleLine(out, name, "_count", labels, escaping, {}, asSampleValue(summary.sampleCount));
}

// Classic buckets only: native buckets cannot be expressed in 0.0.4, so a native-only
// histogram shows as its synthesised +Inf bucket, _sum and _count.
void appendHistogramLines(QByteArray &out, const WireName &name, const Labels &labels,
                          NameEscaping escaping, const HistogramValue &histogram)
{
    bool infSeen = false;
    for (const Bucket &bucket : histogram.buckets) {
        appendSampleLine(out, name, "_bucket", labels, escaping, {"le", bucket.upperBound},
                         bucketCount(bucket));
        infSeen = infSeen || (std::isinf(bucket.upperBound) && bucket.upperBound > 0);
    }
    const double count = sampleCount(histogram);
    if (!infSeen) {
        appendSampleLine(out, name, "_bucket", labels, escaping,
                         {"le", std::numeric_limits<double>::infinity()}, count);
    }
    appendSampleLine(out, name, "_sum", labels, escaping, {}, histogram.sampleSum);
    appendSampleLine(out, name, "_count", labels, escaping, {}, count);
}

// A metric whose value does not have the family type's shape writes nothing: the store never
// holds one, and a broken line would be worse than a missing one.
void appendMetricLines(QByteArray &out, const WireName &name, MetricType type,
                       const Metric &metric, NameEscaping escaping)
{
    switch (type) {
    case MetricType::Counter:
    case MetricType::Gauge:
    case MetricType::Untyped:
        if (const ScalarValue *scalar = metric.scalar())
            appendSampleLine(out, name, {}, metric.labels, escaping, {}, scalar->value);
        return;
    case MetricType::Summary:
        if (const SummaryValue *summary = metric.summary())
            appendSummaryLines(out, name, metric.labels, escaping, *summary);
        return;
    case MetricType::Histogram:
    case MetricType::GaugeHistogram: // 0.0.4 has no gauge histogram; it prints as a histogram
        if (const HistogramValue *histogram = metric.histogram())
            appendHistogramLines(out, name, metric.labels, escaping, *histogram);
        return;
    }
}

bool labelsSortedByName(const Labels &labels)
{
    return std::is_sorted(labels.cbegin(), labels.cend(),
                          [](const LabelPair &a, const LabelPair &b) { return a.name < b.name; });
}

bool metricLess(const Metric &a, const Metric &b)
{
    return seriesLess(a.labels, b.labels);
}

bool inExpositionOrder(const MetricFamily &family)
{
    return std::all_of(family.metrics.cbegin(), family.metrics.cend(),
                       [](const Metric &metric) { return labelsSortedByName(metric.labels); })
        && std::is_sorted(family.metrics.cbegin(), family.metrics.cend(), metricLess);
}

// Puts a family's series into exposition order: labels by name, then series by seriesLess().
void normalise(MetricFamily &family)
{
    for (Metric &metric : family.metrics) {
        if (!labelsSortedByName(metric.labels))
            sortByName(metric.labels);
    }
    std::stable_sort(family.metrics.begin(), family.metrics.end(), metricLess);
}

} // namespace

void appendGoFloat(QByteArray &out, double value)
{
    if (std::isnan(value)) {
        appendLiteral(out, "NaN");
        return;
    }
    if (std::isinf(value)) {
        if (value > 0)
            appendLiteral(out, "+Inf");
        else
            appendLiteral(out, "-Inf");
        return;
    }
    if (appendSmallInteger(out, value))
        return;

    // std::to_chars gives the shortest digits that read back as `value`, in C locale
    // conventions whatever the process locale, and its scientific form already is Go's
    // (sign and at least two digits in the exponent).
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                                      std::chars_format::scientific);
    const char *const end = result.ptr;
    const char *const exponentMark = std::find(static_cast<const char *>(buffer), end, 'e');
    const int exponent = parseExponent(exponentMark + 1, end);
    if (exponent < ExponentFormBelow || exponent >= ExponentFormFrom)
        out.append(buffer, end - buffer);
    else
        appendFixedFromScientific(out, buffer, exponentMark, exponent);
}

QByteArray formatGoFloat(double value)
{
    QByteArray out;
    out.reserve(24);
    appendGoFloat(out, value);
    return out;
}

void writeFamilyHeader(QByteArray &out, QByteArrayView name, const std::optional<QByteArray> &help,
                       MetricType type, NameEscaping escaping)
{
    const WireName wireName(name, escaping);
    if (help) {
        appendLiteral(out, "# HELP ");
        wireName.append(out);
        out.append(' ');
        appendEscaped(out, *help, false);
        out.append('\n');
    }
    appendLiteral(out, "# TYPE ");
    wireName.append(out);
    out.append(' ');
    out.append(typeNameInTextFormat(type));
    out.append('\n');
}

void writeMetricSamples(QByteArray &out, QByteArrayView familyName, MetricType type,
                        const Metric &metric, NameEscaping escaping)
{
    appendMetricLines(out, WireName(familyName, escaping), type, metric, escaping);
}

void writeFamily(QByteArray &out, const MetricFamily &family, NameEscaping escaping)
{
    writeFamilyHeader(out, family.name, family.help, family.type, escaping);
    const WireName name(family.name, escaping);
    for (const Metric &metric : family.metrics)
        appendMetricLines(out, name, family.type, metric, escaping);
}

QByteArray writeTextFormat(QList<MetricFamily> families, NameEscaping escaping)
{
    const auto byName = [](const MetricFamily &a, const MetricFamily &b) { return a.name < b.name; };
    if (!std::is_sorted(families.cbegin(), families.cend(), byName))
        std::stable_sort(families.begin(), families.end(), byName);

    // Only what is out of order is touched: the store hands sorted data, and any write access
    // to a shared Qt container copies it.
    QByteArray out;
    for (qsizetype i = 0; i < families.size(); ++i) {
        // The reference's gatherer drops families without series, and a family without a
        // name cannot be written at all (the reference's encoder fails on it mid-response).
        if (families.at(i).metrics.isEmpty() || families.at(i).name.isEmpty())
            continue;
        if (!inExpositionOrder(families.at(i)))
            normalise(families[i]);
        writeFamily(out, families.at(i), escaping);
    }
    return out;
}

} // namespace qpgw
