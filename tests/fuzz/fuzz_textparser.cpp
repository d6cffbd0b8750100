// libFuzzer target for the text exposition parser. Besides "never crash, never hang", it checks
// what any result must satisfy, in both name validation modes, and that legacy mode accepts a
// subset of what UTF-8 mode accepts, with the same result.

#include "format/textparser.h"

#include <QByteArray>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// The whole result as bytes, doubles by their bits: NaN compares equal to itself here.
void appendDouble(QByteArray &out, double value)
{
    char bits[sizeof value];
    std::memcpy(bits, &value, sizeof value);
    out.append(bits, sizeof bits);
}

void appendBytes(QByteArray &out, const QByteArray &bytes)
{
    out += QByteArray::number(bytes.size()) + ':' + bytes;
}

QByteArray fingerprint(const QList<MetricFamily> &families)
{
    QByteArray out;
    for (const MetricFamily &family : families) {
        appendBytes(out, family.name);
        out += family.help ? 'h' + *family.help : QByteArray("-");
        out += char(family.type);
        for (const Metric &metric : family.metrics) {
            for (const LabelPair &pair : metric.labels) {
                appendBytes(out, pair.name);
                appendBytes(out, pair.value);
            }
            out += metric.timestampMs ? QByteArray::number(*metric.timestampMs) : QByteArray("-");
            if (const ScalarValue *scalar = metric.scalar()) {
                appendDouble(out, scalar->value);
            } else if (const SummaryValue *summary = metric.summary()) {
                out += QByteArray::number(summary->sampleCount);
                appendDouble(out, summary->sampleSum);
                for (const Quantile &quantile : summary->quantiles) {
                    appendDouble(out, quantile.quantile);
                    appendDouble(out, quantile.value);
                }
            } else if (const HistogramValue *histogram = metric.histogram()) {
                out += QByteArray::number(histogram->sampleCount);
                appendDouble(out, histogram->sampleCountFloat);
                appendDouble(out, histogram->sampleSum);
                for (const Bucket &bucket : histogram->buckets) {
                    appendDouble(out, bucket.upperBound);
                    out += QByteArray::number(bucket.cumulativeCount);
                    appendDouble(out, bucket.cumulativeCountFloat);
                }
            }
            out += '|';
        }
    }
    return out;
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
    if (const ScalarValue *scalar = metric.scalar())
        require(!scalar->exemplar && !scalar->createdTimestampMs, "text carries no exemplars");
    if (const SummaryValue *summary = metric.summary()) {
        for (const Quantile &quantile : summary->quantiles)
            require(!std::isnan(quantile.quantile), "no NaN quantile");
    }
    if (const HistogramValue *histogram = metric.histogram()) {
        require(!histogram->isNative(), "text carries no native histograms");
        require(!(histogram->sampleCountFloat < 0), "no negative float count");
        for (const Bucket &bucket : histogram->buckets) {
            require(!std::isnan(bucket.upperBound), "no NaN bucket bound");
            require(!(bucket.cumulativeCountFloat < 0), "no negative float bucket count");
        }
    }
}

void checkResult(QByteArrayView body, const Expected<QList<MetricFamily>> &result, NameValidation validation)
{
    if (!result) {
        const QString &message = result.error().message;
        const QString prefix = QStringLiteral("text format parsing error in line ");
        require(result.error().kind == Error::Kind::BadRequest, "errors are bad requests");
        require(message.startsWith(prefix), "error prefix");
        const qsizetype colon = message.indexOf(QLatin1Char(':'), prefix.size());
        require(colon > prefix.size(), "error names a line");
        bool ok = false;
        const qint64 line = message.mid(prefix.size(), colon - prefix.size()).toLongLong(&ok);
        require(ok && line >= 1 && line <= body.count('\n') + 1, "error line is within the body");
        return;
    }
    // Every line must end with '\n': only blanks may follow the last one.
    const qsizetype lastNewline = body.lastIndexOf('\n');
    for (const char c : body.sliced(lastNewline + 1))
        require(c == ' ' || c == '\t', "accepted bodies end with a newline");

    std::set<QByteArray> familyNames;
    for (const MetricFamily &family : *result) {
        require(!family.metrics.isEmpty(), "no empty families");
        require(isValidMetricName(family.name, validation), "family names are valid");
        require(familyNames.insert(family.name).second, "family names are unique");
        for (const Metric &metric : family.metrics)
            checkMetric(metric, family.type, validation);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    const Expected<QList<MetricFamily>> legacy = parseTextFormat(body, NameValidation::Legacy);
    const Expected<QList<MetricFamily>> utf8 = parseTextFormat(body, NameValidation::Utf8);
    checkResult(body, legacy, NameValidation::Legacy);
    checkResult(body, utf8, NameValidation::Utf8);
    if (legacy) {
        require(utf8.hasValue(), "legacy-accepted bodies are UTF-8-accepted");
        require(fingerprint(*legacy) == fingerprint(*utf8), "both modes give the same result");
    }
    return 0;
}
