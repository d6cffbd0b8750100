#include "protobufwriter.h"

#include "format/protobufmodel.h"
#include "format/textwriter.h"
#include "model/names.h"

#include "format/metrics.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/text_format.h>

#include <cmath>
#include <string>

namespace qpgw {
namespace {

namespace pb = io::prometheus::client;
using google::protobuf::io::CodedOutputStream;

void setBytes(std::string *target, QByteArrayView text)
{
    target->assign(text.data(), size_t(text.size()));
}

// A metric or label name as the negotiated scheme writes it. Legacy-valid names, nearly all of
// them, are copied without building an escaped form first.
void setName(std::string *target, QByteArrayView name, NameEscaping escaping)
{
    if (isLegacyMetricName(name))
        setBytes(target, name);
    else
        setBytes(target, escapeName(name, escaping));
}

// Milliseconds as a google.protobuf.Timestamp, whose nanos are never negative: -1 ms is
// -1 s + 999 000 000 ns.
void setTimestamp(google::protobuf::Timestamp *target, TimestampMs milliseconds)
{
    qint64 seconds = milliseconds / 1000;
    qint64 remainder = milliseconds % 1000;
    if (remainder < 0) {
        --seconds;
        remainder += 1000;
    }
    target->set_seconds(seconds);
    target->set_nanos(int(remainder * 1000000));
}

void setExemplar(pb::Exemplar *target, const Exemplar &exemplar)
{
    for (const LabelPair &pair : exemplar.labels) {
        pb::LabelPair *label = target->add_label();
        setBytes(label->mutable_name(), pair.name);
        setBytes(label->mutable_value(), pair.value);
    }
    target->set_value(exemplar.value);
    if (exemplar.timestampMs)
        setTimestamp(target->mutable_timestamp(), *exemplar.timestampMs);
}

void setSpans(google::protobuf::RepeatedPtrField<pb::BucketSpan> *target, const QList<BucketSpan> &spans)
{
    target->Reserve(int(spans.size()));
    for (const BucketSpan &span : spans) {
        pb::BucketSpan *out = target->Add();
        out->set_offset(span.offset);
        out->set_length(span.length);
    }
}

template<typename Field, typename T>
void setRepeated(Field *target, const QList<T> &values)
{
    target->Reserve(int(values.size()));
    for (const T value : values)
        target->Add(value);
}

void setNative(pb::Histogram *target, const NativeHistogram &native)
{
    target->set_schema(native.schema);
    target->set_zero_threshold(native.zeroThreshold);
    if (native.zeroCount != 0 || native.zeroCountFloat == 0)
        target->set_zero_count(native.zeroCount);
    if (native.zeroCountFloat != 0)
        target->set_zero_count_float(native.zeroCountFloat);
    setSpans(target->mutable_negative_span(), native.negativeSpans);
    setRepeated(target->mutable_negative_delta(), native.negativeDeltas);
    setRepeated(target->mutable_negative_count(), native.negativeCounts);
    setSpans(target->mutable_positive_span(), native.positiveSpans);
    setRepeated(target->mutable_positive_delta(), native.positiveDeltas);
    setRepeated(target->mutable_positive_count(), native.positiveCounts);
    for (const Exemplar &exemplar : native.exemplars)
        setExemplar(target->add_exemplars(), exemplar);
}

void setHistogram(pb::Histogram *target, const HistogramValue &histogram)
{
    if (histogram.sampleCount != 0 || histogram.sampleCountFloat == 0)
        target->set_sample_count(histogram.sampleCount);
    if (histogram.sampleCountFloat != 0)
        target->set_sample_count_float(histogram.sampleCountFloat);
    target->set_sample_sum(histogram.sampleSum);
    for (const Bucket &bucket : histogram.buckets) {
        pb::Bucket *out = target->add_bucket();
        if (bucket.cumulativeCount != 0 || bucket.cumulativeCountFloat == 0)
            out->set_cumulative_count(bucket.cumulativeCount);
        if (bucket.cumulativeCountFloat != 0)
            out->set_cumulative_count_float(bucket.cumulativeCountFloat);
        out->set_upper_bound(bucket.upperBound);
        if (bucket.exemplar)
            setExemplar(out->mutable_exemplar(), *bucket.exemplar);
    }
    if (histogram.createdTimestampMs)
        setTimestamp(target->mutable_created_timestamp(), *histogram.createdTimestampMs);
    if (histogram.native)
        setNative(target, *histogram.native);
}

void setSummary(pb::Summary *target, const SummaryValue &summary)
{
    target->set_sample_count(summary.sampleCount);
    target->set_sample_sum(summary.sampleSum);
    for (const Quantile &quantile : summary.quantiles) {
        pb::Quantile *out = target->add_quantile();
        out->set_quantile(quantile.quantile);
        out->set_value(quantile.value);
    }
    if (summary.createdTimestampMs)
        setTimestamp(target->mutable_created_timestamp(), *summary.createdTimestampMs);
}

void setScalar(pb::Metric *target, MetricType type, const ScalarValue &scalar)
{
    switch (type) {
    case MetricType::Counter: {
        pb::Counter *counter = target->mutable_counter();
        counter->set_value(scalar.value);
        if (scalar.exemplar)
            setExemplar(counter->mutable_exemplar(), *scalar.exemplar);
        if (scalar.createdTimestampMs)
            setTimestamp(counter->mutable_created_timestamp(), *scalar.createdTimestampMs);
        return;
    }
    case MetricType::Gauge:
        target->mutable_gauge()->set_value(scalar.value);
        return;
    case MetricType::Untyped:
    case MetricType::Summary:
    case MetricType::Histogram:
    case MetricType::GaugeHistogram:
        target->mutable_untyped()->set_value(scalar.value);
        return;
    }
}

void setMetric(pb::Metric *target, MetricType type, const Metric &metric, NameEscaping escaping)
{
    target->mutable_label()->Reserve(int(metric.labels.size()));
    for (const LabelPair &pair : metric.labels) {
        pb::LabelPair *label = target->add_label();
        setName(label->mutable_name(), pair.name, escaping);
        setBytes(label->mutable_value(), pair.value);
    }
    if (const ScalarValue *scalar = metric.scalar())
        setScalar(target, type, *scalar);
    else if (const SummaryValue *summary = metric.summary())
        setSummary(target->mutable_summary(), *summary);
    else if (const HistogramValue *histogram = metric.histogram())
        setHistogram(target->mutable_histogram(), *histogram);
    if (metric.timestampMs)
        target->set_timestamp_ms(*metric.timestampMs);
}

pb::MetricFamily toMessage(const MetricFamily &family, NameEscaping escaping)
{
    pb::MetricFamily message;
    setName(message.mutable_name(), family.name, escaping);
    if (family.help)
        setBytes(message.mutable_help(), *family.help);
    // The model's type numbers are the enum's (metrictype.h).
    message.set_type(static_cast<pb::MetricType>(family.type));
    message.mutable_metric()->Reserve(int(family.metrics.size()));
    for (const Metric &metric : family.metrics)
        setMetric(message.add_metric(), family.type, metric, escaping);
    return message;
}

// Doubles in the text forms as Go's prototext writes them (strconv 'g', shortest: 1e+06,
// 2.938735877055719e-39) rather than libprotobuf's %.15g/%.17g; inf, -inf and nan as both write them.
class GoDoublePrinter : public google::protobuf::TextFormat::FastFieldValuePrinter
{
public:
    void PrintDouble(double value, google::protobuf::TextFormat::BaseTextGenerator *generator) const override
    {
        if (std::isnan(value)) {
            generator->PrintLiteral("nan");
        } else if (std::isinf(value)) {
            if (value < 0)
                generator->PrintLiteral("-inf");
            else
                generator->PrintLiteral("inf");
        } else {
            QByteArray text;
            appendGoFloat(text, value);
            generator->Print(text.constData(), size_t(text.size()));
        }
    }
};

// The text forms: UTF-8 strings as they are (Go's prototext does not escape them either), and
// Go's doubles. The printer owns the field printers; each field needs one of its own.
QByteArray writeText(const QList<MetricFamily> &families, NameEscaping escaping, bool singleLine)
{
    using google::protobuf::FieldDescriptor;
    google::protobuf::TextFormat::Printer printer;
    printer.SetUseUtf8StringEscaping(true);
    printer.SetSingleLineMode(singleLine);
    const google::protobuf::FileDescriptor *schema = pb::MetricFamily::descriptor()->file();
    for (int i = 0; i < schema->message_type_count(); ++i) {
        const google::protobuf::Descriptor *type = schema->message_type(i);
        for (int j = 0; j < type->field_count(); ++j) {
            const FieldDescriptor *field = type->field(j);
            if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE)
                printer.RegisterFieldValuePrinter(field, new GoDoublePrinter);
        }
    }
    QByteArray out;
    std::string text;
    for (const MetricFamily &family : families) {
        text.clear();
        printer.PrintToString(toMessage(family, escaping), &text);
        // Single-line mode ends every field with a space, the last one too.
        if (singleLine && !text.empty() && text.back() == ' ')
            text.pop_back();
        out.append(text.data(), qsizetype(text.size()));
        out.append('\n');
    }
    return out;
}

} // namespace

void appendDelimitedFamily(QByteArray &out, const MetricFamily &family, NameEscaping escaping)
{
    const pb::MetricFamily message = toMessage(family, escaping);
    const size_t size = message.ByteSizeLong(); // also caches the sizes for the serialisation
    const qsizetype start = out.size();
    out.resize(start + qsizetype(CodedOutputStream::VarintSize64(size) + size));
    auto *target = reinterpret_cast<uint8_t *>(out.data() + start);
    target = CodedOutputStream::WriteVarint64ToArray(size, target);
    message.SerializeWithCachedSizesToArray(target);
}

QByteArray writeDelimitedProtobuf(const QList<MetricFamily> &families, NameEscaping escaping)
{
    QByteArray out;
    for (const MetricFamily &family : families)
        appendDelimitedFamily(out, family, escaping);
    return out;
}

QByteArray writeProtobufText(const QList<MetricFamily> &families, NameEscaping escaping)
{
    return writeText(families, escaping, false);
}

QByteArray writeProtobufCompactText(const QList<MetricFamily> &families, NameEscaping escaping)
{
    return writeText(families, escaping, true);
}

// protobufmodel.h: names as they are (AllowUtf8 escapes nothing), for the persistence layer.
void toMessage(const MetricFamily &family, pb::MetricFamily *message)
{
    pb::MetricFamily converted = toMessage(family, NameEscaping::AllowUtf8);
    message->Swap(&converted);
}

} // namespace qpgw
