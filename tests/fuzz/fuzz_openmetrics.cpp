// libFuzzer target for the OpenMetrics parser and writer. Besides "never crash, never hang", it
// checks what any result must satisfy in both name validation modes, that legacy mode accepts a
// subset of what UTF-8 mode accepts with the same result, and that what the writer makes of a
// result parses back to that result (but for what the writer leaves out on purpose).

#include "format/openmetricsparser.h"
#include "format/openmetricswriter.h"

#include <QByteArray>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>

using namespace qpgw;

namespace {

void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

// Doubles by their bits, but with one NaN and one zero: the writer prints -0 as "0.0".
void appendDouble(QByteArray &out, double value)
{
    if (std::isnan(value))
        value = std::numeric_limits<double>::quiet_NaN();
    else if (value == 0)
        value = 0;
    char bits[sizeof value];
    std::memcpy(bits, &value, sizeof value);
    out.append(bits, sizeof bits);
}

void appendBytes(QByteArray &out, const QByteArray &bytes)
{
    out += QByteArray::number(bytes.size()) + ':' + bytes;
}

void appendLabels(QByteArray &out, const Labels &labels)
{
    for (const LabelPair &pair : labels) {
        appendBytes(out, pair.name);
        appendBytes(out, pair.value);
    }
    out += ';';
}

void appendTimestamp(QByteArray &out, const std::optional<TimestampMs> &timestamp)
{
    out += timestamp ? QByteArray::number(*timestamp) : QByteArray("-");
}

void appendExemplar(QByteArray &out, const std::optional<Exemplar> &exemplar)
{
    if (!exemplar) {
        out += '-';
        return;
    }
    appendLabels(out, exemplar->labels);
    appendDouble(out, exemplar->value);
    appendTimestamp(out, exemplar->timestampMs);
}

// The whole result as bytes. Sample timestamps only with `withSampleTimestamps`: the writer
// never writes them.
QByteArray fingerprint(const QList<MetricFamily> &families, bool withSampleTimestamps)
{
    QByteArray out;
    for (const MetricFamily &family : families) {
        appendBytes(out, family.name);
        out += family.help ? 'h' + *family.help : QByteArray("-");
        out += char(family.type);
        for (const Metric &metric : family.metrics) {
            appendLabels(out, metric.labels);
            if (withSampleTimestamps)
                appendTimestamp(out, metric.timestampMs);
            if (const ScalarValue *scalar = metric.scalar()) {
                appendDouble(out, scalar->value);
                appendExemplar(out, scalar->exemplar);
                appendTimestamp(out, scalar->createdTimestampMs);
            } else if (const SummaryValue *summary = metric.summary()) {
                out += QByteArray::number(summary->sampleCount);
                appendDouble(out, summary->sampleSum);
                for (const Quantile &quantile : summary->quantiles) {
                    appendDouble(out, quantile.quantile);
                    appendDouble(out, quantile.value);
                }
                appendTimestamp(out, summary->createdTimestampMs);
            } else if (const HistogramValue *histogram = metric.histogram()) {
                out += QByteArray::number(histogram->sampleCount);
                appendDouble(out, histogram->sampleSum);
                for (const Bucket &bucket : histogram->buckets) {
                    appendDouble(out, bucket.upperBound);
                    out += QByteArray::number(bucket.cumulativeCount);
                    appendExemplar(out, bucket.exemplar);
                }
                appendTimestamp(out, histogram->createdTimestampMs);
            }
            out += '|';
        }
    }
    return out;
}

bool isPositiveInf(double value)
{
    return std::isinf(value) && value > 0;
}

void checkExemplar(const std::optional<Exemplar> &exemplar, NameValidation validation)
{
    if (!exemplar)
        return;
    qsizetype codePoints = 0;
    for (const LabelPair &pair : exemplar->labels) {
        require(isValidLabelName(pair.name, validation), "exemplar label names are valid");
        for (const QByteArray *text : {&pair.name, &pair.value}) {
            for (const char c : *text)
                codePoints += (uchar(c) & 0xC0) != 0x80;
        }
    }
    require(codePoints <= 128, "exemplar labels within 128 code points");
}

void checkMetric(const Metric &metric, MetricType type, NameValidation validation)
{
    require(valueMatchesType(metric.value, type), "value matches the family's type");
    std::set<QByteArray> names;
    for (const LabelPair &pair : metric.labels) {
        require(isValidLabelName(pair.name, validation), "label names are valid");
        require(pair.name != "__name__", "no __name__ label");
        require(pair.value.isValidUtf8(), "label values are UTF-8");
        require(names.insert(pair.name).second, "no duplicate label names");
    }
    if (const ScalarValue *scalar = metric.scalar()) {
        if (type == MetricType::Counter)
            require(!std::isnan(scalar->value) && scalar->value >= 0, "counters are not NaN or negative");
        else
            require(!scalar->exemplar && !scalar->createdTimestampMs, "only counters have exemplars and created");
        checkExemplar(scalar->exemplar, validation);
    }
    if (const SummaryValue *summary = metric.summary()) {
        for (const Quantile &quantile : summary->quantiles)
            require(quantile.quantile >= 0 && quantile.quantile <= 1, "quantiles in [0, 1]");
    }
    if (const HistogramValue *histogram = metric.histogram()) {
        require(!histogram->native && histogram->sampleCountFloat == 0, "classic integer histograms only");
        require(!histogram->buckets.isEmpty() && isPositiveInf(histogram->buckets.constLast().upperBound),
                "histograms end with a +Inf bucket");
        require(histogram->sampleCount == histogram->buckets.constLast().cumulativeCount, "count is the +Inf bucket");
        for (qsizetype i = 1; i < histogram->buckets.size(); ++i) {
            const Bucket &previous = histogram->buckets.at(i - 1);
            const Bucket &bucket = histogram->buckets.at(i);
            require(previous.upperBound < bucket.upperBound, "buckets ascend");
            require(previous.cumulativeCount <= bucket.cumulativeCount, "buckets are cumulative");
        }
        for (const Bucket &bucket : histogram->buckets)
            checkExemplar(bucket.exemplar, validation);
    }
}

void checkResult(QByteArrayView body, const Expected<QList<MetricFamily>> &result, NameValidation validation)
{
    if (!result) {
        const QString &message = result.error().message;
        const QString prefix = QStringLiteral("openmetrics parsing error in line ");
        require(result.error().kind == Error::Kind::BadRequest, "errors are bad requests");
        require(message.startsWith(prefix), "error prefix");
        const qsizetype colon = message.indexOf(QLatin1Char(':'), prefix.size());
        require(colon > prefix.size(), "error names a line");
        bool ok = false;
        const qint64 line = message.mid(prefix.size(), colon - prefix.size()).toLongLong(&ok);
        require(ok && line >= 1 && line <= body.count('\n') + 1, "error line is within the body");
        return;
    }
    require(body.endsWith("# EOF") || body.endsWith("# EOF\n"), "accepted bodies end with # EOF");
    std::set<QByteArray> familyNames;
    for (const MetricFamily &family : *result) {
        require(!family.metrics.isEmpty(), "no empty families");
        require(isValidMetricName(family.name, validation), "family names are valid");
        require(familyNames.insert(family.name).second, "family names are unique");
        for (const Metric &metric : family.metrics)
            checkMetric(metric, family.type, validation);
    }
}

// What the writer cannot give back: a histogram with negative buckets gets a `_sum` line (the
// model cannot tell "no sum" from 0), which OpenMetrics then forbids; timestamps far from now
// lose milliseconds as float seconds.
bool writerKeepsEverything(const QList<MetricFamily> &families)
{
    constexpr TimestampMs kExact = TimestampMs(1) << 50;
    const auto exact = [](const std::optional<TimestampMs> &t) { return !t || (*t > -kExact && *t < kExact); };
    const auto exactExemplar = [&](const std::optional<Exemplar> &e) { return !e || exact(e->timestampMs); };
    for (const MetricFamily &family : families) {
        for (const Metric &metric : family.metrics) {
            if (const ScalarValue *scalar = metric.scalar()) {
                if (!exact(scalar->createdTimestampMs) || !exactExemplar(scalar->exemplar))
                    return false;
            } else if (const SummaryValue *summary = metric.summary()) {
                if (!exact(summary->createdTimestampMs))
                    return false;
            } else if (const HistogramValue *histogram = metric.histogram()) {
                if (!exact(histogram->createdTimestampMs) || histogram->buckets.constFirst().upperBound < 0)
                    return false;
                for (const Bucket &bucket : histogram->buckets) {
                    if (!exactExemplar(bucket.exemplar))
                        return false;
                }
            }
        }
    }
    return true;
}

void checkRoundTrip(const QList<MetricFamily> &families, NameValidation validation)
{
    // Legacy names are written as they are; UTF-8 ones need allow-utf-8 to come back unchanged.
    // (A label name with ':', valid in UTF-8 mode, is written unquoted, as by the reference,
    // which OpenMetrics cannot read back: skip those.)
    const auto colon = [](const Labels &labels) {
        return std::any_of(labels.cbegin(), labels.cend(), [](const LabelPair &pair) { return pair.name.contains(':'); });
    };
    const auto exemplarColon = [&](const std::optional<Exemplar> &e) { return e && colon(e->labels); };
    for (const MetricFamily &family : families) {
        for (const Metric &metric : family.metrics) {
            if (colon(metric.labels))
                return;
            if (const ScalarValue *scalar = metric.scalar(); scalar && exemplarColon(scalar->exemplar))
                return;
            if (const HistogramValue *histogram = metric.histogram()) {
                for (const Bucket &bucket : histogram->buckets) {
                    if (exemplarColon(bucket.exemplar))
                        return;
                }
            }
        }
    }
    const NameEscaping escaping = validation == NameValidation::Legacy ? NameEscaping::Underscores
                                                                       : NameEscaping::AllowUtf8;
    const QByteArray written = writeOpenMetrics(families, escaping);
    require(written.endsWith("# EOF\n"), "expositions end with # EOF");
    if (!writerKeepsEverything(families))
        return;
    const Expected<QList<MetricFamily>> reparsed = parseOpenMetrics(written, validation);
    require(reparsed.hasValue(), "written expositions parse");
    require(fingerprint(*reparsed, false) == fingerprint(families, false), "parse(write(x)) == x");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    const Expected<QList<MetricFamily>> legacy = parseOpenMetrics(body, NameValidation::Legacy);
    const Expected<QList<MetricFamily>> utf8 = parseOpenMetrics(body, NameValidation::Utf8);
    checkResult(body, legacy, NameValidation::Legacy);
    checkResult(body, utf8, NameValidation::Utf8);
    if (legacy) {
        require(utf8.hasValue(), "legacy-accepted bodies are UTF-8-accepted");
        require(fingerprint(*legacy, true) == fingerprint(*utf8, true), "both modes give the same result");
        checkRoundTrip(*legacy, NameValidation::Legacy);
    }
    if (utf8)
        checkRoundTrip(*utf8, NameValidation::Utf8);
    return 0;
}
