#include "protobufreader.h"

#include "utf8text.h"

#include "format/protobufmodel.h"

#include "format/metrics.pb.h"

#include <google/protobuf/io/coded_stream.h>

#include <QHash>
#include <QString>
#include <QtNumeric>

#include <algorithm>
#include <climits>
#include <limits>
#include <string>
#include <vector>

// The framing is that of the reference's reader (Go's pbutil.ReadDelimited): an unsigned varint
// length, then that many bytes of one message. libprotobuf reads both; this file only decides
// what the bytes mean for the model and which of them the push may not carry.

namespace qpgw {
namespace {

namespace pb = io::prometheus::client;
using google::protobuf::io::CodedInputStream;
using namespace Qt::StringLiterals;

// A varint holds at most 64 bits in 10 bytes; a longer one is malformed, not truncated.
constexpr qsizetype kMaxVarintBytes = 10;

QByteArrayView view(const std::string &text)
{
    return QByteArrayView(text.data(), qsizetype(text.size()));
}

QByteArray bytes(const std::string &text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

// A google.protobuf.Timestamp in the model's milliseconds: seconds * 1000 + nanos / 10^6,
// sub-millisecond precision dropped. Values beyond the range of qint64 milliseconds (seconds
// of more than 292 million years) saturate instead of overflowing.
TimestampMs toMilliseconds(const google::protobuf::Timestamp &timestamp)
{
    constexpr TimestampMs lowest = std::numeric_limits<TimestampMs>::min();
    constexpr TimestampMs highest = std::numeric_limits<TimestampMs>::max();
    TimestampMs milliseconds = 0;
    if (qMulOverflow(qint64(timestamp.seconds()), qint64(1000), &milliseconds))
        return timestamp.seconds() < 0 ? lowest : highest;
    TimestampMs result = 0;
    if (qAddOverflow(milliseconds, qint64(timestamp.nanos() / 1000000), &result))
        return timestamp.nanos() < 0 ? lowest : highest;
    return result;
}

bool hasNativeFields(const pb::Histogram &histogram)
{
    return histogram.has_schema() || histogram.has_zero_threshold() || histogram.has_zero_count()
        || histogram.has_zero_count_float() || histogram.negative_span_size() > 0
        || histogram.negative_delta_size() > 0 || histogram.negative_count_size() > 0
        || histogram.positive_span_size() > 0 || histogram.positive_delta_size() > 0
        || histogram.positive_count_size() > 0 || histogram.exemplars_size() > 0;
}

QList<BucketSpan> toSpans(const google::protobuf::RepeatedPtrField<pb::BucketSpan> &spans)
{
    QList<BucketSpan> result;
    result.reserve(spans.size());
    for (const pb::BucketSpan &span : spans)
        result.append(BucketSpan{span.offset(), span.length()});
    return result;
}

template<typename T, typename Field>
QList<T> toList(const Field &field)
{
    return QList<T>(field.begin(), field.end());
}

// One MetricFamily message into the model, checking what the reference checks (and the UTF-8
// it does not). Problems end the conversion with a text for the client.
class FamilyConverter
{
public:
    explicit FamilyConverter(const pb::MetricFamily &message) : m_message(message) {}

    bool convert(MetricFamily &family);
    const QString &error() const { return m_error; }

private:
    bool convertMetric(const pb::Metric &message, MetricType type, Metric &metric);
    bool convertLabels(const google::protobuf::RepeatedPtrField<pb::LabelPair> &pairs, Labels &labels);
    bool convertExemplar(const pb::Exemplar &message, Exemplar &exemplar);
    bool convertHistogram(const pb::Histogram &message, HistogramValue &histogram);
    bool failMissingValue(MetricType type, QStringView field);
    bool fail(const QString &what);

    const pb::MetricFamily &m_message;
    int m_metricIndex = 0; // 1-based while a metric is converted, for the error text
    QString m_error;
};

bool FamilyConverter::fail(const QString &what)
{
    if (m_metricIndex > 0) {
        m_error = u"family "_s + goQuoted(view(m_message.name())) + u", metric "_s
            + QString::number(m_metricIndex) + u": "_s + what;
    } else {
        m_error = what;
    }
    return false;
}

// A documented difference: the reference's parser accepts such a metric, and its consistency
// check rejects the whole push later (`collected metric ... is not a COUNTER`), or, with the
// check disabled, stores it and fails every scrape. Here it never reaches the store.
bool FamilyConverter::failMissingValue(MetricType type, QStringView field)
{
    return fail(u"type "_s + QString::fromLatin1(typeEnumName(type)) + u" needs the "_s + field
                + u" field, which the metric does not have"_s);
}

bool FamilyConverter::convert(MetricFamily &family)
{
    const QByteArrayView name = view(m_message.name());
    if (name.isEmpty())
        return fail(u"metric family without a name"_s);
    if (!name.isValidUtf8())
        return fail(u"metric name "_s + goQuoted(name) + u" is not valid UTF-8"_s);

    family.name = name.toByteArray();
    if (m_message.has_help())
        family.help = bytes(m_message.help());
    // proto2: an absent type is COUNTER, and so is a type number this schema does not know
    // (the parser keeps it as an unknown field), as in the reference.
    family.type = static_cast<MetricType>(m_message.type());
    family.metrics.reserve(m_message.metric_size());
    for (const pb::Metric &message : m_message.metric()) {
        ++m_metricIndex;
        if (!convertMetric(message, family.type, family.metrics.emplaceBack()))
            return false;
    }
    m_metricIndex = 0;
    return true;
}

bool FamilyConverter::convertMetric(const pb::Metric &message, MetricType type, Metric &metric)
{
    if (!convertLabels(message.label(), metric.labels))
        return false;
    if (message.has_timestamp_ms())
        metric.timestampMs = message.timestamp_ms();

    // The field that matches the family's type is the value; any other value field is ignored.
    switch (type) {
    case MetricType::Counter: {
        if (!message.has_counter())
            return failMissingValue(type, u"counter");
        const pb::Counter &counter = message.counter();
        ScalarValue value{counter.value(), std::nullopt, std::nullopt};
        if (counter.has_exemplar() && !convertExemplar(counter.exemplar(), value.exemplar.emplace()))
            return false;
        if (counter.has_created_timestamp())
            value.createdTimestampMs = toMilliseconds(counter.created_timestamp());
        metric.value = std::move(value);
        return true;
    }
    case MetricType::Gauge:
        if (!message.has_gauge())
            return failMissingValue(type, u"gauge");
        metric.value = ScalarValue{message.gauge().value(), std::nullopt, std::nullopt};
        return true;
    case MetricType::Untyped:
        if (!message.has_untyped())
            return failMissingValue(type, u"untyped");
        metric.value = ScalarValue{message.untyped().value(), std::nullopt, std::nullopt};
        return true;
    case MetricType::Summary: {
        if (!message.has_summary())
            return failMissingValue(type, u"summary");
        const pb::Summary &summary = message.summary();
        SummaryValue value;
        value.sampleCount = summary.sample_count();
        value.sampleSum = summary.sample_sum();
        value.quantiles.reserve(summary.quantile_size());
        for (const pb::Quantile &quantile : summary.quantile())
            value.quantiles.append(Quantile{quantile.quantile(), quantile.value()});
        if (summary.has_created_timestamp())
            value.createdTimestampMs = toMilliseconds(summary.created_timestamp());
        metric.value = std::move(value);
        return true;
    }
    case MetricType::Histogram:
    case MetricType::GaugeHistogram: {
        if (!message.has_histogram())
            return failMissingValue(type, u"histogram");
        HistogramValue value;
        if (!convertHistogram(message.histogram(), value))
            return false;
        metric.value = std::move(value);
        return true;
    }
    }
    return fail(u"unknown metric type"_s); // unreachable: the enum is closed
}

// Labels keep their order; the reference's rules, whatever the name validation: non-empty,
// valid UTF-8, no "__" prefix, no name twice. Values must be valid UTF-8 (beyond the reference,
// whose scrapes would fail on such a value from then on).
bool FamilyConverter::convertLabels(const google::protobuf::RepeatedPtrField<pb::LabelPair> &pairs,
                                    Labels &labels)
{
    labels.reserve(pairs.size());
    for (const pb::LabelPair &pair : pairs) {
        const QByteArrayView name = view(pair.name());
        const QByteArrayView value = view(pair.value());
        if (name.isEmpty())
            return fail(u"empty label name"_s);
        if (!name.isValidUtf8())
            return fail(u"label name "_s + goQuoted(name) + u" is not valid UTF-8"_s);
        if (isReservedLabelName(name))
            return fail(u"label name "_s + goQuoted(name) + u" is reserved (starts with \"__\")"_s);
        if (!value.isValidUtf8())
            return fail(u"label "_s + goQuoted(name) + u" has a value that is not valid UTF-8: "_s
                        + goQuoted(value));
        labels.append(LabelPair{name.toByteArray(), value.toByteArray()});
    }

    // Label sets are small: pairwise below a handful, sorted names above.
    const auto failDuplicate = [this](QByteArrayView name) {
        return fail(u"duplicate label name "_s + goQuoted(name));
    };
    if (labels.size() <= 8) {
        for (qsizetype i = 1; i < labels.size(); ++i) {
            for (qsizetype j = 0; j < i; ++j) {
                if (labels[i].name == labels[j].name)
                    return failDuplicate(labels[i].name);
            }
        }
        return true;
    }
    std::vector<QByteArrayView> names;
    names.reserve(size_t(labels.size()));
    for (const LabelPair &pair : std::as_const(labels))
        names.push_back(pair.name);
    std::sort(names.begin(), names.end());
    const auto duplicate = std::adjacent_find(names.begin(), names.end());
    if (duplicate != names.end())
        return failDuplicate(*duplicate);
    return true;
}

// Exemplars are stored as they are (timestamps allowed), as in the reference; only their label
// names and values must be valid UTF-8, for the same reason as a metric's.
bool FamilyConverter::convertExemplar(const pb::Exemplar &message, Exemplar &exemplar)
{
    exemplar.labels.reserve(message.label_size());
    for (const pb::LabelPair &pair : message.label()) {
        const QByteArrayView name = view(pair.name());
        const QByteArrayView value = view(pair.value());
        if (!name.isValidUtf8())
            return fail(u"exemplar label name "_s + goQuoted(name) + u" is not valid UTF-8"_s);
        if (!value.isValidUtf8())
            return fail(u"exemplar label "_s + goQuoted(name)
                        + u" has a value that is not valid UTF-8: "_s + goQuoted(value));
        exemplar.labels.append(LabelPair{name.toByteArray(), value.toByteArray()});
    }
    exemplar.value = message.value();
    if (message.has_timestamp())
        exemplar.timestampMs = toMilliseconds(message.timestamp());
    return true;
}

// Classic and native fields side by side, unvalidated (behaviour spec section 8).
bool FamilyConverter::convertHistogram(const pb::Histogram &message, HistogramValue &histogram)
{
    histogram.sampleCount = message.sample_count();
    histogram.sampleCountFloat = message.sample_count_float();
    histogram.sampleSum = message.sample_sum();
    if (message.has_created_timestamp())
        histogram.createdTimestampMs = toMilliseconds(message.created_timestamp());

    histogram.buckets.reserve(message.bucket_size());
    for (const pb::Bucket &in : message.bucket()) {
        Bucket &bucket = histogram.buckets.emplaceBack();
        bucket.upperBound = in.upper_bound();
        bucket.cumulativeCount = in.cumulative_count();
        bucket.cumulativeCountFloat = in.cumulative_count_float();
        if (in.has_exemplar() && !convertExemplar(in.exemplar(), bucket.exemplar.emplace()))
            return false;
    }

    if (!hasNativeFields(message))
        return true;
    auto native = std::make_shared<NativeHistogram>();
    native->schema = message.schema();
    native->zeroThreshold = message.zero_threshold();
    native->zeroCount = message.zero_count();
    native->zeroCountFloat = message.zero_count_float();
    native->negativeSpans = toSpans(message.negative_span());
    native->negativeDeltas = toList<qint64>(message.negative_delta());
    native->negativeCounts = toList<double>(message.negative_count());
    native->positiveSpans = toSpans(message.positive_span());
    native->positiveDeltas = toList<qint64>(message.positive_delta());
    native->positiveCounts = toList<double>(message.positive_count());
    native->exemplars.reserve(message.exemplars_size());
    for (const pb::Exemplar &in : message.exemplars()) {
        if (!convertExemplar(in, native->exemplars.emplaceBack()))
            return false;
    }
    histogram.native = std::move(native);
    return true;
}

// Whether a length prefix that libprotobuf could not read was cut off by the end of the body
// (every byte left announces another) rather than longer than any varint may be.
QString lengthPrefixProblem(qsizetype bytesLeft)
{
    return bytesLeft < kMaxVarintBytes ? u"truncated length prefix"_s
                                       : u"malformed length prefix (more than 10 bytes)"_s;
}

} // namespace

Expected<QList<MetricFamily>> parseDelimitedProtobuf(QByteArrayView body, NameValidation validation)
{
    // The reference applies the same name rules to protobuf in both modes (spec §0 item 13).
    Q_UNUSED(validation);

    QList<MetricFamily> families;
    QHash<QByteArray, qsizetype> positions; // family name -> index in `families`
    pb::MetricFamily message;               // reused: its fields keep their allocations
    const auto *const data = reinterpret_cast<const uint8_t *>(body.data());
    qsizetype offset = 0;
    for (qsizetype index = 1; offset < body.size(); ++index) {
        const auto fail = [&](const QString &what) {
            return Error::badRequest(u"protobuf parsing error in message "_s + QString::number(index)
                                     + u" at byte "_s + QString::number(offset) + u": "_s + what);
        };
        const qsizetype left = body.size() - offset;

        // The prefix: a stream over at most the 10 bytes a varint can take. ReadVarint64, not
        // ReadVarint32, which would silently drop the high bits of a huge declared length.
        CodedInputStream prefix(data + offset, int(std::min(left, kMaxVarintBytes)));
        uint64_t declared = 0;
        if (!prefix.ReadVarint64(&declared))
            return fail(lengthPrefixProblem(left));
        const qsizetype prefixLength = prefix.CurrentPosition();
        const qsizetype available = left - prefixLength;

        // Compared with what is there before anything is allocated or read.
        if (declared > uint64_t(available)) {
            return fail(u"truncated message (declared "_s + QString::number(declared)
                        + u" bytes, "_s + QString::number(available) + u" left)"_s);
        }
        if (declared > uint64_t(INT_MAX)) {
            return fail(u"message too large (declared "_s + QString::number(declared)
                        + u" bytes, libprotobuf reads at most 2 GiB per message)"_s);
        }

        // The stream ends where the message does, so the parser cannot read into the next one;
        // it stops early only at a stray end-group tag, which leaves bytes unconsumed.
        CodedInputStream stream(data + offset + prefixLength, int(declared));
        if (!message.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
            return fail(u"invalid io.prometheus.client.MetricFamily message ("_s
                        + QString::number(declared) + u" bytes)"_s);

        MetricFamily family;
        FamilyConverter converter(message);
        if (!converter.convert(family))
            return fail(converter.error());

        // A later family of the same name replaces the earlier one, in the earlier one's place.
        const auto known = positions.constFind(family.name);
        if (known != positions.constEnd()) {
            families[*known] = std::move(family);
        } else {
            positions.insert(family.name, families.size());
            families.append(std::move(family));
        }
        offset += prefixLength + qsizetype(declared);
    }
    return families;
}

// protobufmodel.h: one message with the rules above, for the persistence layer.
Expected<MetricFamily> fromMessage(const pb::MetricFamily &message, NameValidation validation)
{
    Q_UNUSED(validation); // as in parseDelimitedProtobuf: the protobuf rules do not depend on it
    MetricFamily family;
    FamilyConverter converter(message);
    if (!converter.convert(family))
        return Error::badRequest(converter.error());
    return family;
}

} // namespace qpgw
