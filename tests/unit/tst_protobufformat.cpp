#include "format/protobufreader.h"
#include "format/protobufwriter.h"

#include "format/metrics.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <QLocale>
#include <QScopeGuard>
#include <QTest>

#include <clocale>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <locale>
#include <stdexcept>
#include <string>
#include <utility>

using namespace qpgw;
using namespace Qt::StringLiterals;

namespace pb = io::prometheus::client;

Q_DECLARE_METATYPE(qpgw::NameEscaping)
Q_DECLARE_METATYPE(qpgw::NameValidation)
Q_DECLARE_METATYPE(qpgw::MetricFamily)
Q_DECLARE_METATYPE(QList<qpgw::MetricFamily>)

// The reader is checked against messages that protoc's generated code encodes, and the writer
// against what the generated code decodes, so that neither is only checked against the other.
// Expected behaviour: behaviour spec sections 0 item 13, 2.5, 2.7 and 8.
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- Model builders ---------------------------------------------------------------------------

Labels labels(std::initializer_list<std::pair<QByteArray, QByteArray>> pairs)
{
    Labels result;
    for (const auto &[name, value] : pairs)
        result.append(LabelPair{name, value});
    return result;
}

Exemplar exemplar(Labels exemplarLabels, double value, std::optional<TimestampMs> timestamp = std::nullopt)
{
    return Exemplar{std::move(exemplarLabels), value, timestamp};
}

Metric metric(Labels metricLabels, MetricValue value, std::optional<TimestampMs> timestamp = std::nullopt)
{
    return Metric{std::move(metricLabels), std::move(value), timestamp};
}

ScalarValue scalar(double value)
{
    return ScalarValue{value, std::nullopt, std::nullopt};
}

Bucket bucket(double upperBound, quint64 count, std::optional<Exemplar> bucketExemplar = std::nullopt)
{
    Bucket result;
    result.upperBound = upperBound;
    result.cumulativeCount = count;
    result.exemplar = std::move(bucketExemplar);
    return result;
}

Bucket floatBucket(double upperBound, double count)
{
    Bucket result;
    result.upperBound = upperBound;
    result.cumulativeCountFloat = count;
    return result;
}

MetricFamily family(const QByteArray &name, MetricType type, QList<Metric> metrics,
                    std::optional<QByteArray> help = std::nullopt)
{
    return MetricFamily{name, std::move(help), type, std::move(metrics)};
}

// The native float histogram of the reference's TestPush (behaviour spec H2.i).
HistogramValue referenceFloatHistogram()
{
    HistogramValue value;
    value.sampleCountFloat = 20;
    value.sampleSum = 99.23;
    auto native = std::make_shared<NativeHistogram>();
    native->schema = 1;
    native->negativeSpans = {{0, 2}, {0, 2}};
    native->negativeCounts = {2, 2, -2, 0};
    native->positiveSpans = {{0, 2}, {0, 2}};
    native->positiveCounts = {2, 2, -2, 0};
    value.native = std::move(native);
    return value;
}

HistogramValue integerNativeHistogram()
{
    HistogramValue value;
    value.sampleCount = 12;
    value.sampleSum = 9.5;
    value.createdTimestampMs = 1700000000000;
    auto native = std::make_shared<NativeHistogram>();
    native->schema = 3;
    native->zeroThreshold = 2.938735877055719e-39;
    native->zeroCount = 2;
    native->negativeSpans = {{-2, 1}, {3, 2}};
    native->negativeDeltas = {1, -1, 2};
    native->positiveSpans = {{0, 2}, {1, 1}};
    native->positiveDeltas = {3, -2, 4};
    native->exemplars = {exemplar(labels({{"trace_id", "t1"}}), 0.25, 1700000000001),
                         exemplar(labels({{"trace_id", "t2"}}), -3, std::nullopt)};
    value.native = std::move(native);
    return value;
}

// ---- Protobuf helpers -------------------------------------------------------------------------

// One message in protoc's own delimited encoding.
QByteArray delimited(const pb::MetricFamily &message)
{
    std::string out;
    {
        google::protobuf::io::StringOutputStream stream(&out);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.WriteVarint32(uint32_t(message.ByteSizeLong()));
        message.SerializeWithCachedSizes(&coded);
    }
    return QByteArray(out.data(), qsizetype(out.size()));
}

QByteArray varint(quint64 value)
{
    std::string out;
    {
        google::protobuf::io::StringOutputStream stream(&out);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.WriteVarint64(value);
    }
    return QByteArray(out.data(), qsizetype(out.size()));
}

// A message with its length prefix, from raw message bytes.
QByteArray framed(const QByteArray &messageBytes)
{
    return varint(quint64(messageBytes.size())) + messageBytes;
}

// What protoc's library reads from a delimited body; `ok` is false if it cannot read it whole.
QList<pb::MetricFamily> decodeWithProtobuf(const QByteArray &body, bool &ok)
{
    google::protobuf::io::ArrayInputStream array(body.constData(), int(body.size()));
    google::protobuf::io::CodedInputStream in(&array);
    QList<pb::MetricFamily> messages;
    ok = true;
    while (in.CurrentPosition() < body.size()) {
        bool cleanEof = false;
        if (!google::protobuf::util::ParseDelimitedFromCodedStream(&messages.emplaceBack(), &in, &cleanEof)) {
            ok = false;
            break;
        }
    }
    return messages;
}

pb::MetricFamily counterFamily(const std::string &name, double value)
{
    pb::MetricFamily message;
    message.set_name(name);
    message.set_type(pb::COUNTER);
    message.add_metric()->mutable_counter()->set_value(value);
    return message;
}

pb::LabelPair *addLabel(pb::Metric *target, const std::string &name, const std::string &value)
{
    pb::LabelPair *pair = target->add_label();
    pair->set_name(name);
    pair->set_value(value);
    return pair;
}

QByteArray errorPrefix(int message, qsizetype byte)
{
    return "protobuf parsing error in message " + QByteArray::number(message) + " at byte "
        + QByteArray::number(byte) + ": ";
}

} // namespace

class TestProtobufFormat : public QObject
{
    Q_OBJECT

private slots:
    // Round trips through our writer and reader, checked with protoc's decoder on the way.
    void roundTripsEveryType_data();
    void roundTripsEveryType();
    void appendsFamilyToExistingBytes();

    // Reader against protoc's encoding
    void readsMessagesEncodedByProtoc();
    void readsNativeFloatHistogramOfReferenceTest();
    void missingTypeMeansCounter();
    void keepsFamiliesWithoutMetrics();
    void laterFamilyOfSameNameReplacesEarlierInPlace();
    void emptyBodyIsEmptyPush();
    void keepsMetricNamesInEitherValidationMode_data();
    void keepsMetricNamesInEitherValidationMode();
    void keepsTimestampsForTheStoreToReject();
    void dropsSubMillisecondPrecision();

    // Reader errors
    void rejectsMalformedBodies_data();
    void rejectsMalformedBodies();
    void neverCrashesOnDamagedBodies();

    // Writer against protoc's decoding
    void writesOnlyFieldsTheModelHas();
    void writesNegativeTimestampsWithPositiveNanos();
    void escapesNamesButNotValues_data();
    void escapesNamesButNotValues();
    void writesNothingForNoFamilies();

    // Text forms
    void writesMultiLineText();
    void writesCompactText();
    void textFormsCarryNativeFields();
    void textFormsIgnoreProcessLocale();
};

// ---- Round trips ------------------------------------------------------------------------------

void TestProtobufFormat::roundTripsEveryType_data()
{
    QTest::addColumn<QList<MetricFamily>>("families");

    {
        ScalarValue value{42.5, exemplar(labels({{"trace_id", "abc"}}), 1.5, 1700000000123), 1600000000456};
        QTest::newRow("counter with exemplar and created timestamp")
            << QList<MetricFamily>{family("requests_total", MetricType::Counter,
                                          {metric(labels({{"code", "200"}}), value)}, "Requests."_ba)};
    }
    {
        ScalarValue value{1, exemplar({}, 2, std::nullopt), -1500};
        QTest::newRow("counter with negative created timestamp")
            << QList<MetricFamily>{family("c", MetricType::Counter, {metric({}, value)})};
    }
    QTest::newRow("gauge with empty help")
        << QList<MetricFamily>{family("temperature", MetricType::Gauge,
                                      {metric(labels({{"room", "kitchen"}}), scalar(-3.25)),
                                       metric(labels({{"room", "hall"}}), scalar(kInf))},
                                      ""_ba)};
    QTest::newRow("untyped without help, labels unsorted")
        << QList<MetricFamily>{family("u", MetricType::Untyped,
                                      {metric(labels({{"z", "1"}, {"a", "ünïcödé ✓"}, {"m", ""}}), scalar(7))})};
    {
        SummaryValue value{10, 3.5, {{0.5, 0.125}, {0.99, 0.875}}, 1000};
        QTest::newRow("summary with created timestamp")
            << QList<MetricFamily>{family("latency", MetricType::Summary, {metric({}, value)})};
    }
    {
        HistogramValue value;
        value.sampleCount = 7;
        value.sampleSum = 2.5;
        value.buckets = {bucket(0.1, 2, exemplar(labels({{"trace_id", "b1"}}), 0.05, 17)),
                         bucket(1, 5), bucket(kInf, 7)};
        value.createdTimestampMs = 123456;
        QTest::newRow("classic integer histogram")
            << QList<MetricFamily>{family("h", MetricType::Histogram, {metric(labels({{"a", "b"}}), value)})};
    }
    {
        HistogramValue value;
        value.sampleCountFloat = 7.5;
        value.sampleSum = 2.5;
        value.buckets = {floatBucket(0.1, 2.5), floatBucket(1, 7.5)};
        QTest::newRow("classic float histogram")
            << QList<MetricFamily>{family("hf", MetricType::Histogram, {metric({}, value)})};
    }
    QTest::newRow("native integer histogram with negative spans and exemplars")
        << QList<MetricFamily>{family("ni", MetricType::Histogram, {metric({}, integerNativeHistogram())})};
    {
        HistogramValue value = referenceFloatHistogram();
        auto native = std::make_shared<NativeHistogram>(*value.native);
        native->zeroCountFloat = 0.5;
        native->zeroThreshold = 0.001;
        value.native = std::move(native);
        QTest::newRow("native float histogram with zero bucket")
            << QList<MetricFamily>{family("nf", MetricType::Histogram, {metric({}, value)})};
    }
    {
        HistogramValue value;
        value.sampleCount = 5;
        value.sampleSum = 0;
        auto native = std::make_shared<NativeHistogram>();
        native->zeroThreshold = 0.001;
        native->zeroCount = 5;
        value.native = std::move(native);
        QTest::newRow("native histogram with only a zero bucket")
            << QList<MetricFamily>{family("nz", MetricType::Histogram, {metric({}, value)})};
    }
    {
        HistogramValue value = integerNativeHistogram();
        value.buckets = {bucket(1, 4), bucket(10, 12)};
        QTest::newRow("gauge histogram, classic and native")
            << QList<MetricFamily>{family("gh", MetricType::GaugeHistogram, {metric({}, value)})};
    }
    QTest::newRow("metric with timestamp")
        << QList<MetricFamily>{family("ts", MetricType::Gauge, {metric({}, scalar(1), 1234567890123)})};
    QTest::newRow("family without metrics")
        << QList<MetricFamily>{family("empty", MetricType::Summary, {}, "Nothing yet."_ba)};
    QTest::newRow("several families in order")
        << QList<MetricFamily>{family("z", MetricType::Gauge, {metric({}, scalar(1))}),
                               family("a", MetricType::Counter, {metric({}, scalar(2))}),
                               family("m", MetricType::Untyped, {metric({}, scalar(3))})};
}

void TestProtobufFormat::roundTripsEveryType()
{
    QFETCH(QList<MetricFamily>, families);

    const QByteArray body = writeDelimitedProtobuf(families);
    bool decoded = false;
    const QList<pb::MetricFamily> messages = decodeWithProtobuf(body, decoded);
    QVERIFY(decoded);
    QCOMPARE(messages.size(), families.size());
    for (qsizetype i = 0; i < families.size(); ++i) {
        QCOMPARE(QByteArray::fromStdString(messages[i].name()), families[i].name);
        QCOMPARE(qsizetype(messages[i].metric_size()), families[i].metrics.size());
    }

    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(body);
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
    QCOMPARE(*parsed, families);
    // Whether a native part is present survives too (equality treats null and empty alike).
    for (qsizetype i = 0; i < families.size(); ++i) {
        for (qsizetype j = 0; j < families[i].metrics.size(); ++j) {
            if (const HistogramValue *expected = families[i].metrics[j].histogram())
                QCOMPARE(bool((*parsed)[i].metrics[j].histogram()->native), bool(expected->native));
        }
    }
    QCOMPARE(writeDelimitedProtobuf(*parsed), body);
}

void TestProtobufFormat::appendsFamilyToExistingBytes()
{
    const MetricFamily first = family("a", MetricType::Gauge, {metric({}, scalar(1))});
    const MetricFamily second = family("b.c", MetricType::Counter, {metric({}, scalar(2))});
    QByteArray out = "prefix"_ba;
    appendDelimitedFamily(out, first, NameEscaping::Underscores);
    appendDelimitedFamily(out, second, NameEscaping::Underscores);
    QCOMPARE(out, "prefix"_ba + writeDelimitedProtobuf({first, second}));

    // Byte for byte what protoc's generated code writes for the same messages.
    pb::MetricFamily gauge;
    gauge.set_name("a");
    gauge.set_type(pb::GAUGE);
    gauge.add_metric()->mutable_gauge()->set_value(1);
    QCOMPARE(out, "prefix"_ba + delimited(gauge) + delimited(counterFamily("b_c", 2)));
}

// ---- Reader against protoc's encoding ---------------------------------------------------------

void TestProtobufFormat::readsMessagesEncodedByProtoc()
{
    pb::MetricFamily counter;
    counter.set_name("requests_total");
    counter.set_help("All requests.");
    counter.set_type(pb::COUNTER);
    pb::Metric *counterMetric = counter.add_metric();
    addLabel(counterMetric, "method", "GET");
    addLabel(counterMetric, "code", "200");
    pb::Counter *counterValue = counterMetric->mutable_counter();
    counterValue->set_value(1027);
    counterValue->mutable_created_timestamp()->set_seconds(1600000000);
    counterValue->mutable_created_timestamp()->set_nanos(456000000);
    pb::Exemplar *counterExemplar = counterValue->mutable_exemplar();
    pb::LabelPair *exemplarLabel = counterExemplar->add_label();
    exemplarLabel->set_name("trace_id");
    exemplarLabel->set_value("abc123");
    counterExemplar->set_value(1);
    counterExemplar->mutable_timestamp()->set_seconds(1700000000);

    pb::MetricFamily summary;
    summary.set_name("rpc_duration_seconds");
    summary.set_type(pb::SUMMARY);
    pb::Summary *summaryValue = summary.add_metric()->mutable_summary();
    summaryValue->set_sample_count(9);
    summaryValue->set_sample_sum(1.5);
    pb::Quantile *quantile = summaryValue->add_quantile();
    quantile->set_quantile(0.5);
    quantile->set_value(0.25);

    pb::MetricFamily classic;
    classic.set_name("sizes");
    classic.set_type(pb::HISTOGRAM);
    pb::Histogram *histogramValue = classic.add_metric()->mutable_histogram();
    histogramValue->set_sample_count(3);
    histogramValue->set_sample_sum(30);
    pb::Bucket *firstBucket = histogramValue->add_bucket();
    firstBucket->set_upper_bound(10);
    firstBucket->set_cumulative_count(1);
    firstBucket->mutable_exemplar()->set_value(4);
    pb::Bucket *secondBucket = histogramValue->add_bucket();
    secondBucket->set_upper_bound(100);
    secondBucket->set_cumulative_count(3);

    pb::MetricFamily untyped;
    untyped.set_name("u");
    untyped.set_type(pb::UNTYPED);
    untyped.set_unit("seconds"); // not in the model: dropped
    untyped.add_metric()->mutable_untyped()->set_value(0.5);

    const QByteArray body = delimited(counter) + delimited(summary) + delimited(classic) + delimited(untyped);

    const QList<MetricFamily> expected = {
        family("requests_total", MetricType::Counter,
               {metric(labels({{"method", "GET"}, {"code", "200"}}),
                       ScalarValue{1027, exemplar(labels({{"trace_id", "abc123"}}), 1, 1700000000000), 1600000000456})},
               "All requests."_ba),
        family("rpc_duration_seconds", MetricType::Summary,
               {metric({}, SummaryValue{9, 1.5, {{0.5, 0.25}}, std::nullopt})}),
        family("sizes", MetricType::Histogram,
               {metric({}, [] {
                    HistogramValue value;
                    value.sampleCount = 3;
                    value.sampleSum = 30;
                    value.buckets = {bucket(10, 1, exemplar({}, 4)), bucket(100, 3)};
                    return value;
                }())}),
        family("u", MetricType::Untyped, {metric({}, scalar(0.5))}),
    };
    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(body);
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
    QCOMPARE(*parsed, expected);
    QVERIFY(!(*parsed)[2].metrics[0].histogram()->native); // no native field on the wire
}

void TestProtobufFormat::readsNativeFloatHistogramOfReferenceTest()
{
    pb::MetricFamily message;
    message.set_name("histogram_metric");
    message.set_type(pb::HISTOGRAM);
    pb::Histogram *histogram = message.add_metric()->mutable_histogram();
    histogram->set_sample_count_float(20);
    histogram->set_sample_sum(99.23);
    histogram->set_schema(1);
    for (int i = 0; i < 2; ++i) {
        pb::BucketSpan *negative = histogram->add_negative_span();
        negative->set_offset(0);
        negative->set_length(2);
        pb::BucketSpan *positive = histogram->add_positive_span();
        positive->set_offset(0);
        positive->set_length(2);
    }
    for (const double count : {2.0, 2.0, -2.0, 0.0}) {
        histogram->add_negative_count(count);
        histogram->add_positive_count(count);
    }

    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(delimited(message));
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
    QCOMPARE(parsed->size(), 1);
    const HistogramValue *value = parsed->first().metrics.first().histogram();
    QVERIFY(value);
    QVERIFY(value->native);
    QVERIFY(value->isNative());
    QVERIFY(value->isFloat());
    QCOMPARE(*value, referenceFloatHistogram());
}

void TestProtobufFormat::missingTypeMeansCounter()
{
    pb::MetricFamily message;
    message.set_name("no_type");
    message.add_metric()->mutable_counter()->set_value(3);
    QVERIFY(!message.has_type());

    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(delimited(message));
    QVERIFY(parsed);
    QCOMPARE(*parsed, (QList<MetricFamily>{family("no_type", MetricType::Counter, {metric({}, scalar(3))})}));

    // A type number the schema does not know is an unknown field to proto2 (in Go too): COUNTER.
    const QByteArray unknownType = framed("\x0a\x01x"_ba     // name "x"
                                          "\x18\x09"_ba      // type 9
                                          "\x22\x02\x1a\x00"_ba); // a metric with an empty counter
    const Expected<QList<MetricFamily>> unknown = parseDelimitedProtobuf(unknownType);
    QVERIFY(unknown);
    QCOMPARE(*unknown, (QList<MetricFamily>{family("x", MetricType::Counter, {metric({}, scalar(0))})}));

    // A family without type whose metric carries a gauge is a counter without its value.
    message.mutable_metric(0)->clear_counter();
    message.mutable_metric(0)->mutable_gauge()->set_value(3);
    const Expected<QList<MetricFamily>> rejected = parseDelimitedProtobuf(delimited(message));
    QVERIFY(!rejected);
    QCOMPARE(rejected.error().message,
             QString::fromUtf8(errorPrefix(1, 0) + "family \"no_type\", metric 1: type COUNTER needs the counter field, "
                                 "which the metric does not have"));
}

void TestProtobufFormat::keepsFamiliesWithoutMetrics()
{
    pb::MetricFamily empty;
    empty.set_name("nothing");
    empty.set_help("No series yet.");
    empty.set_type(pb::GAUGE);

    const Expected<QList<MetricFamily>> parsed =
        parseDelimitedProtobuf(QByteArray(delimited(empty) + delimited(counterFamily("c", 1))));
    QVERIFY(parsed);
    QCOMPARE(*parsed, (QList<MetricFamily>{family("nothing", MetricType::Gauge, {}, "No series yet."_ba),
                                           family("c", MetricType::Counter, {metric({}, scalar(1))})}));
}

void TestProtobufFormat::laterFamilyOfSameNameReplacesEarlierInPlace()
{
    pb::MetricFamily laterA;
    laterA.set_name("a");
    laterA.set_type(pb::GAUGE);
    laterA.set_help("Second.");
    addLabel(laterA.add_metric(), "x", "1");
    laterA.mutable_metric(0)->mutable_gauge()->set_value(2);

    const QByteArray body = delimited(counterFamily("a", 1)) + delimited(counterFamily("b", 5))
        + delimited(laterA) + delimited(counterFamily("c", 6));
    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(body);
    QVERIFY(parsed);
    QCOMPARE(*parsed, (QList<MetricFamily>{
                          family("a", MetricType::Gauge, {metric(labels({{"x", "1"}}), scalar(2))}, "Second."_ba),
                          family("b", MetricType::Counter, {metric({}, scalar(5))}),
                          family("c", MetricType::Counter, {metric({}, scalar(6))})}));
}

void TestProtobufFormat::emptyBodyIsEmptyPush()
{
    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(QByteArrayView());
    QVERIFY(parsed);
    QVERIFY(parsed->isEmpty());

    // A zero length is an empty MetricFamily message, which has no name.
    const Expected<QList<MetricFamily>> zeroLength = parseDelimitedProtobuf("\x00"_ba);
    QVERIFY(!zeroLength);
    QCOMPARE(zeroLength.error().message, QString::fromUtf8(errorPrefix(1, 0) + "metric family without a name"));
}

void TestProtobufFormat::keepsMetricNamesInEitherValidationMode_data()
{
    QTest::addColumn<NameValidation>("validation");
    QTest::newRow("legacy") << NameValidation::Legacy;
    QTest::newRow("utf-8") << NameValidation::Utf8;
}

void TestProtobufFormat::keepsMetricNamesInEitherValidationMode()
{
    QFETCH(NameValidation, validation);

    // The reference does not check protobuf metric names (spec §0 item 13), and checks label
    // names only for being non-empty UTF-8 without "__", in both modes.
    pb::MetricFamily message = counterFamily("some.metric-with ünïcode", 1);
    addLabel(message.mutable_metric(0), "dotted.label", "v");
    addLabel(message.mutable_metric(0), "0digit", "w");
    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(delimited(message), validation);
    QVERIFY(parsed);
    QCOMPARE(parsed->first().name, "some.metric-with ünïcode"_ba);
    QCOMPARE(parsed->first().metrics.first().labels, labels({{"dotted.label", "v"}, {"0digit", "w"}}));
}

void TestProtobufFormat::keepsTimestampsForTheStoreToReject()
{
    pb::MetricFamily message = counterFamily("c", 1);
    message.mutable_metric(0)->set_timestamp_ms(-42);
    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(delimited(message));
    QVERIFY(parsed);
    QCOMPARE(parsed->first().metrics.first().timestampMs, std::optional<TimestampMs>(-42));

    message.mutable_metric(0)->clear_timestamp_ms();
    const Expected<QList<MetricFamily>> unstamped = parseDelimitedProtobuf(delimited(message));
    QVERIFY(unstamped);
    QCOMPARE(unstamped->first().metrics.first().timestampMs, std::nullopt);
}

void TestProtobufFormat::dropsSubMillisecondPrecision()
{
    pb::MetricFamily message = counterFamily("c", 1);
    google::protobuf::Timestamp *created = message.mutable_metric(0)->mutable_counter()->mutable_created_timestamp();
    created->set_seconds(1);
    created->set_nanos(234567890);
    pb::Exemplar *counterExemplar = message.mutable_metric(0)->mutable_counter()->mutable_exemplar();
    counterExemplar->mutable_timestamp()->set_seconds(-2); // -2 s + 0.5 s
    counterExemplar->mutable_timestamp()->set_nanos(500000000);

    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(delimited(message));
    QVERIFY(parsed);
    const ScalarValue *value = parsed->first().metrics.first().scalar();
    QVERIFY(value);
    QCOMPARE(value->createdTimestampMs, std::optional<TimestampMs>(1234));
    QVERIFY(value->exemplar);
    QCOMPARE(value->exemplar->timestampMs, std::optional<TimestampMs>(-1500));
    QVERIFY(value->exemplar->labels.isEmpty());

    // Seconds beyond what milliseconds can hold saturate instead of overflowing.
    created->set_seconds(std::numeric_limits<qint64>::max() / 10);
    const Expected<QList<MetricFamily>> huge = parseDelimitedProtobuf(delimited(message));
    QVERIFY(huge);
    QCOMPARE(huge->first().metrics.first().scalar()->createdTimestampMs,
             std::optional<TimestampMs>(std::numeric_limits<TimestampMs>::max()));
}

// ---- Reader errors ----------------------------------------------------------------------------

void TestProtobufFormat::rejectsMalformedBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");
    const google::protobuf::LogSilencer silencer; // libprotobuf's debug log of invalid UTF-8

    const QByteArray first = delimited(counterFamily("first", 1));
    const auto row = [](const char *tag, const QByteArray &body, const QByteArray &message) {
        QTest::newRow(tag) << body << QString::fromUtf8(message);
    };

    // Framing
    row("truncated length prefix", "\x80"_ba, errorPrefix(1, 0) + "truncated length prefix");
    row("truncated length prefix after a message", first + "\xC8"_ba,
        errorPrefix(2, first.size()) + "truncated length prefix");
    row("length prefix longer than a varint", QByteArray(11, '\x80') + "\x01"_ba,
        errorPrefix(1, 0) + "malformed length prefix (more than 10 bytes)");
    row("truncated message", first + varint(200) + QByteArray(37, '\0'),
        errorPrefix(2, first.size()) + "truncated message (declared 200 bytes, 37 left)");
    row("message cut off at the end", first.left(first.size() - 1),
        errorPrefix(1, 0) + "truncated message (declared " + QByteArray::number(first.size() - 1)
            + " bytes, " + QByteArray::number(first.size() - 2) + " left)");
    row("declared length 2^40", varint(quint64(1) << 40) + "abc"_ba,
        errorPrefix(1, 0) + "truncated message (declared 1099511627776 bytes, 3 left)");
    row("declared length 2^64-1", varint(std::numeric_limits<quint64>::max()),
        errorPrefix(1, 0) + "truncated message (declared 18446744073709551615 bytes, 0 left)");

    // Message bytes libprotobuf cannot read
    row("garbage: an invalid tag", framed("\xff\xff\xff"_ba),
        errorPrefix(1, 0) + "invalid io.prometheus.client.MetricFamily message (3 bytes)");
    row("garbage: text", first + framed("hello"_ba),
        errorPrefix(2, first.size()) + "invalid io.prometheus.client.MetricFamily message (5 bytes)");
    // A known field number with another wire type is an unknown field to libprotobuf (and to Go).
    row("name with the wrong wire type", framed("\x0d\x00\x00\x00\x00"_ba), // name as fixed32
        errorPrefix(1, 0) + "metric family without a name");
    row("garbage: nested length past the message", framed("\x22\x10\x0a"_ba), // metric of 16 bytes
        errorPrefix(1, 0) + "invalid io.prometheus.client.MetricFamily message (3 bytes)");

    // Values that do not match the type
    {
        pb::MetricFamily message = counterFamily("g", 1);
        message.set_type(pb::GAUGE);
        message.add_metric()->mutable_gauge()->set_value(2);
        row("gauge family with a counter value", first + delimited(message),
            errorPrefix(2, first.size()) + "family \"g\", metric 1: type GAUGE needs the gauge field, "
                                           "which the metric does not have");
    }
    {
        pb::MetricFamily message;
        message.set_name("h");
        message.set_type(pb::HISTOGRAM);
        message.add_metric()->mutable_histogram()->set_sample_count(1);
        message.add_metric()->mutable_summary()->set_sample_count(1);
        row("histogram family with a summary value", delimited(message),
            errorPrefix(1, 0) + "family \"h\", metric 2: type HISTOGRAM needs the histogram field, "
                                "which the metric does not have");
    }
    {
        pb::MetricFamily message;
        message.set_name("s");
        message.set_type(pb::SUMMARY);
        message.add_metric()->mutable_untyped()->set_value(1);
        row("summary family with an untyped value", delimited(message),
            errorPrefix(1, 0) + "family \"s\", metric 1: type SUMMARY needs the summary field, "
                                "which the metric does not have");
    }
    {
        pb::MetricFamily message;
        message.set_name("u");
        message.set_type(pb::UNTYPED);
        message.add_metric();
        row("untyped family with no value", delimited(message),
            errorPrefix(1, 0) + "family \"u\", metric 1: type UNTYPED needs the untyped field, "
                                "which the metric does not have");
    }
    {
        pb::MetricFamily message;
        message.set_name("gh");
        message.set_type(pb::GAUGE_HISTOGRAM);
        message.add_metric()->mutable_gauge()->set_value(1);
        row("gauge histogram family with a gauge value", delimited(message),
            errorPrefix(1, 0) + "family \"gh\", metric 1: type GAUGE_HISTOGRAM needs the histogram field, "
                                "which the metric does not have");
    }

    // Names
    row("empty family name", first + delimited(counterFamily("", 1)),
        errorPrefix(2, first.size()) + "metric family without a name");
    row("family name not UTF-8", delimited(counterFamily("bad\xff", 1)),
        errorPrefix(1, 0) + "metric name \"bad\\xff\" is not valid UTF-8");
    const auto labelled = [](std::initializer_list<std::pair<std::string, std::string>> pairs) {
        pb::MetricFamily message = counterFamily("m", 1);
        for (const auto &[name, value] : pairs)
            addLabel(message.mutable_metric(0), name, value);
        return delimited(message);
    };
    row("label value not UTF-8", labelled({{"ok", "fine"}, {"l", "\xc3\x28"}}),
        errorPrefix(1, 0) + "family \"m\", metric 1: label \"l\" has a value that is not valid UTF-8: \"\\xc3(\"");
    row("label value with a surrogate", labelled({{"l", "\xed\xa0\x80"}}),
        errorPrefix(1, 0) + "family \"m\", metric 1: label \"l\" has a value that is not valid UTF-8: \"\\xed\\xa0\\x80\"");
    row("label name not UTF-8", labelled({{"\xfe", "v"}}),
        errorPrefix(1, 0) + "family \"m\", metric 1: label name \"\\xfe\" is not valid UTF-8");
    row("empty label name", labelled({{"", "v"}}),
        errorPrefix(1, 0) + "family \"m\", metric 1: empty label name");
    row("reserved label name", labelled({{"__name__", "v"}}),
        errorPrefix(1, 0) + "family \"m\", metric 1: label name \"__name__\" is reserved (starts with \"__\")");
    row("reserved label name, any", labelled({{"a", "1"}, {"__x", "v"}}),
        errorPrefix(1, 0) + "family \"m\", metric 1: label name \"__x\" is reserved (starts with \"__\")");
    row("duplicate label names", labelled({{"a", "1"}, {"b", "2"}, {"a", "3"}}),
        errorPrefix(1, 0) + "family \"m\", metric 1: duplicate label name \"a\"");
    row("duplicate label names in a long label set",
        labelled({{"l1", ""}, {"l2", ""}, {"l3", ""}, {"l4", ""}, {"l5", ""}, {"dup", ""},
                  {"l6", ""}, {"l7", ""}, {"l8", ""}, {"l9", ""}, {"dup", "again"}}),
        errorPrefix(1, 0) + "family \"m\", metric 1: duplicate label name \"dup\"");
    {
        pb::MetricFamily message = counterFamily("e", 1);
        pb::LabelPair *pair = message.mutable_metric(0)->mutable_counter()->mutable_exemplar()->add_label();
        pair->set_name("trace_id");
        pair->set_value("\x80");
        row("exemplar label value not UTF-8", delimited(message),
            errorPrefix(1, 0) + "family \"e\", metric 1: exemplar label \"trace_id\" has a value that "
                                "is not valid UTF-8: \"\\x80\"");
    }
    {
        pb::MetricFamily message;
        message.set_name("n");
        message.set_type(pb::HISTOGRAM);
        message.add_metric()->mutable_histogram();
        pb::Metric *second = message.add_metric();
        pb::Exemplar *nativeExemplar = second->mutable_histogram()->add_exemplars();
        pb::LabelPair *pair = nativeExemplar->add_label();
        pair->set_name("\xc0\xaf"); // an overlong '/'
        pair->set_value("v");
        row("native exemplar label name not UTF-8", delimited(message),
            errorPrefix(1, 0) + "family \"n\", metric 2: exemplar label name \"\\xc0\\xaf\" is not valid UTF-8");
    }
}

void TestProtobufFormat::rejectsMalformedBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);

    const google::protobuf::LogSilencer silencer; // libprotobuf's debug log of invalid UTF-8
    const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(body);
    QVERIFY2(!parsed, "accepted a malformed body");
    QCOMPARE(parsed.error().kind, Error::Kind::BadRequest);
    QCOMPARE(parsed.error().message, expected);
}

// Every prefix of a valid body, and the body with each byte changed, parses or fails cleanly.
void TestProtobufFormat::neverCrashesOnDamagedBodies()
{
    QList<MetricFamily> families = {
        family("c", MetricType::Counter,
               {metric(labels({{"a", "b"}}), ScalarValue{1, exemplar(labels({{"t", "x"}}), 2, 3), 4})}, "h"_ba),
        family("n", MetricType::Histogram, {metric({}, integerNativeHistogram())}),
        family("s", MetricType::Summary, {metric({}, SummaryValue{1, 2, {{0.5, 1}}, 5})}),
    };
    const QByteArray body = writeDelimitedProtobuf(families);
    const google::protobuf::LogSilencer silencer;
    int accepted = 0;
    for (qsizetype length = 0; length <= body.size(); ++length) {
        const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(body.left(length));
        if (parsed)
            ++accepted;
        else
            QVERIFY(parsed.error().message.startsWith(u"protobuf parsing error in message "_s));
    }
    QCOMPARE(accepted, 4); // empty, and after each of the three messages
    for (qsizetype i = 0; i < body.size(); ++i) {
        for (const char replacement : {'\x00', '\x7f', '\x80', '\xff'}) {
            QByteArray damaged = body;
            damaged[i] = replacement;
            const Expected<QList<MetricFamily>> parsed = parseDelimitedProtobuf(damaged);
            if (!parsed)
                QVERIFY(parsed.error().message.startsWith(u"protobuf parsing error in message "_s));
        }
    }
}

// ---- Writer against protoc's decoding ---------------------------------------------------------

void TestProtobufFormat::writesOnlyFieldsTheModelHas()
{
    HistogramValue classic;
    classic.sampleCount = 3;
    classic.sampleSum = 1;
    classic.buckets = {bucket(1, 0), bucket(2, 3)};
    HistogramValue floating;
    floating.sampleCountFloat = 2.5;
    floating.buckets = {floatBucket(1, 2.5)};
    const QList<MetricFamily> families = {
        family("no_help", MetricType::Histogram, {metric({}, classic)}),
        family("empty_help", MetricType::Histogram, {metric({}, floating)}, ""_ba),
        family("native", MetricType::GaugeHistogram, {metric({}, referenceFloatHistogram(), 99)}),
        family("counter", MetricType::Counter, {metric({}, scalar(1))}),
        family("gauge", MetricType::Gauge, {metric({}, scalar(2))}),
    };
    bool ok = false;
    const QList<pb::MetricFamily> messages = decodeWithProtobuf(writeDelimitedProtobuf(families), ok);
    QVERIFY(ok);
    QCOMPARE(messages.size(), 5);

    QVERIFY(!messages[0].has_help());
    QCOMPARE(messages[0].type(), pb::HISTOGRAM);
    const pb::Histogram &classicOut = messages[0].metric(0).histogram();
    QVERIFY(classicOut.has_sample_count());
    QVERIFY(!classicOut.has_sample_count_float());
    QVERIFY(!classicOut.has_created_timestamp());
    QVERIFY(!classicOut.has_schema());
    QVERIFY(!classicOut.has_zero_threshold());
    QVERIFY(!classicOut.has_zero_count());
    QCOMPARE(classicOut.bucket_size(), 2);
    QVERIFY(classicOut.bucket(0).has_cumulative_count()); // a zero count of an integer bucket
    QVERIFY(!classicOut.bucket(0).has_cumulative_count_float());
    QVERIFY(!classicOut.bucket(0).has_exemplar());
    QVERIFY(!messages[0].metric(0).has_timestamp_ms());

    QVERIFY(messages[1].has_help());
    QCOMPARE(messages[1].help(), std::string());
    const pb::Histogram &floatOut = messages[1].metric(0).histogram();
    QVERIFY(!floatOut.has_sample_count());
    QCOMPARE(floatOut.sample_count_float(), 2.5);
    QVERIFY(!floatOut.bucket(0).has_cumulative_count());
    QCOMPARE(floatOut.bucket(0).cumulative_count_float(), 2.5);

    QCOMPARE(messages[2].type(), pb::GAUGE_HISTOGRAM);
    QCOMPARE(messages[2].metric(0).timestamp_ms(), int64_t(99));
    const pb::Histogram &nativeOut = messages[2].metric(0).histogram();
    QVERIFY(nativeOut.has_schema());
    QCOMPARE(nativeOut.schema(), 1);
    QVERIFY(!nativeOut.has_zero_count_float());
    QCOMPARE(nativeOut.positive_span_size(), 2);
    QCOMPARE(nativeOut.positive_count_size(), 4);
    QCOMPARE(nativeOut.negative_count(2), -2.0);
    QCOMPARE(nativeOut.positive_delta_size(), 0);
    QCOMPARE(nativeOut.bucket_size(), 0);

    QVERIFY(messages[3].metric(0).has_counter());
    QVERIFY(!messages[3].metric(0).counter().has_exemplar());
    QVERIFY(!messages[3].metric(0).counter().has_created_timestamp());
    QVERIFY(!messages[3].metric(0).has_gauge());
    QVERIFY(messages[4].metric(0).has_gauge());
    QVERIFY(!messages[4].metric(0).has_counter());
    QCOMPARE(messages[4].metric(0).gauge().value(), 2.0);
}

void TestProtobufFormat::writesNegativeTimestampsWithPositiveNanos()
{
    const QList<MetricFamily> families = {
        family("c", MetricType::Counter, {metric({}, ScalarValue{1, exemplar({}, 1, -1), -1500}),
                                          metric(labels({{"x", "y"}}), ScalarValue{1, std::nullopt, 1234})})};
    bool ok = false;
    const QList<pb::MetricFamily> messages = decodeWithProtobuf(writeDelimitedProtobuf(families), ok);
    QVERIFY(ok);
    const pb::Counter &first = messages[0].metric(0).counter();
    QCOMPARE(first.created_timestamp().seconds(), int64_t(-2));
    QCOMPARE(first.created_timestamp().nanos(), 500000000);
    QCOMPARE(first.exemplar().timestamp().seconds(), int64_t(-1));
    QCOMPARE(first.exemplar().timestamp().nanos(), 999000000);
    const pb::Counter &second = messages[0].metric(1).counter();
    QCOMPARE(second.created_timestamp().seconds(), int64_t(1));
    QCOMPARE(second.created_timestamp().nanos(), 234000000);
}

void TestProtobufFormat::escapesNamesButNotValues_data()
{
    QTest::addColumn<NameEscaping>("escaping");
    QTest::addColumn<QByteArray>("metricName");
    QTest::addColumn<QByteArray>("labelName");

    QTest::newRow("underscores") << NameEscaping::Underscores << "some_metric"_ba << "dotted_label"_ba;
    QTest::newRow("allow-utf-8") << NameEscaping::AllowUtf8 << "some.metric"_ba << "dotted.label"_ba;
    QTest::newRow("dots") << NameEscaping::Dots << "some_dot_metric"_ba << "dotted_dot_label"_ba;
    QTest::newRow("values") << NameEscaping::Values << "U__some_2e_metric"_ba << "U__dotted_2e_label"_ba;
}

void TestProtobufFormat::escapesNamesButNotValues()
{
    QFETCH(NameEscaping, escaping);
    QFETCH(QByteArray, metricName);
    QFETCH(QByteArray, labelName);

    const QList<MetricFamily> families = {
        family("some.metric", MetricType::Counter,
               {metric(labels({{"dotted.label", "v.1"}, {"legacy_name", "w.2"}, {"with:colon", "x"}}),
                       ScalarValue{1, exemplar(labels({{"ex.label", "e.v"}}), 1), std::nullopt})},
               "Help with dots. and ünïcode"_ba),
        family("legacy_name:total", MetricType::Gauge, {metric({}, scalar(1))}),
    };
    bool ok = false;
    const QList<pb::MetricFamily> messages = decodeWithProtobuf(writeDelimitedProtobuf(families, escaping), ok);
    QVERIFY(ok);
    QCOMPARE(messages.size(), 2);
    QCOMPARE(QByteArray::fromStdString(messages[0].name()), metricName);
    QCOMPARE(QByteArray::fromStdString(messages[0].help()), "Help with dots. and ünïcode"_ba);
    const pb::Metric &out = messages[0].metric(0);
    QCOMPARE(out.label_size(), 3);
    QCOMPARE(QByteArray::fromStdString(out.label(0).name()), labelName);
    QCOMPARE(QByteArray::fromStdString(out.label(0).value()), "v.1"_ba);
    QCOMPARE(QByteArray::fromStdString(out.label(1).name()), "legacy_name"_ba); // never doubled by dots
    QCOMPARE(QByteArray::fromStdString(out.label(1).value()), "w.2"_ba);
    QCOMPARE(QByteArray::fromStdString(out.label(2).name()), "with:colon"_ba); // the metric-name rule
    QCOMPARE(QByteArray::fromStdString(out.counter().exemplar().label(0).name()), "ex.label"_ba);
    QCOMPARE(QByteArray::fromStdString(messages[1].name()), "legacy_name:total"_ba);

    // The text forms take the same names.
    QVERIFY(writeProtobufText(families, escaping).contains(QByteArray("name: \"" + metricName + "\"\n")));
    QVERIFY(writeProtobufCompactText(families, escaping).contains(QByteArray("name: \"" + labelName + "\" value: \"v.1\"")));
}

void TestProtobufFormat::writesNothingForNoFamilies()
{
    QCOMPARE(writeDelimitedProtobuf({}), QByteArray());
    QCOMPARE(writeProtobufText({}), QByteArray());
    QCOMPARE(writeProtobufCompactText({}), QByteArray());
}

// ---- Text forms -------------------------------------------------------------------------------

void TestProtobufFormat::writesMultiLineText()
{
    const QList<MetricFamily> families = {
        family("foo", MetricType::Counter, {metric(labels({{"a", "b"}}), scalar(1.5))}, "Naïve help."_ba),
        family("bar", MetricType::Gauge, {metric({}, scalar(-2))}),
    };
    QCOMPARE(writeProtobufText(families),
             "name: \"foo\"\n"
             "help: \"Naïve help.\"\n"
             "type: COUNTER\n"
             "metric {\n"
             "  label {\n"
             "    name: \"a\"\n"
             "    value: \"b\"\n"
             "  }\n"
             "  counter {\n"
             "    value: 1.5\n"
             "  }\n"
             "}\n"
             "\n"
             "name: \"bar\"\n"
             "type: GAUGE\n"
             "metric {\n"
             "  gauge {\n"
             "    value: -2\n"
             "  }\n"
             "}\n"
             "\n"_ba);
}

void TestProtobufFormat::writesCompactText()
{
    const QList<MetricFamily> families = {
        family("foo", MetricType::Counter, {metric(labels({{"a", "b\"q"}}), scalar(1.5))}, "Naïve help."_ba),
        family("bar", MetricType::Gauge, {metric({}, scalar(-2)), metric({}, scalar(2e21)),
                                          metric({}, scalar(-kInf)), metric({}, scalar(std::nan("")))}),
    };
    // Doubles as Go's prototext writes them (strconv 'g', shortest), not as libprotobuf would.
    QCOMPARE(writeProtobufCompactText(families),
             "name: \"foo\" help: \"Naïve help.\" type: COUNTER metric { label { name: \"a\" value: \"b\\\"q\" } "
             "counter { value: 1.5 } }\n"
             "name: \"bar\" type: GAUGE metric { gauge { value: -2 } } metric { gauge { value: 2e+21 } } "
             "metric { gauge { value: -inf } } metric { gauge { value: nan } }\n"_ba);
}

void TestProtobufFormat::textFormsCarryNativeFields()
{
    HistogramValue value = integerNativeHistogram();
    value.buckets = {bucket(1, 4, exemplar(labels({{"trace_id", "b1"}}), 0.5))};
    const QList<MetricFamily> families = {
        family("nh", MetricType::Histogram, {metric({}, value)}),
        family("nf", MetricType::Histogram, {metric({}, referenceFloatHistogram())}),
        family("c", MetricType::Counter, {metric({}, ScalarValue{1, exemplar(labels({{"t", "x"}}), 1, 5), 1234})}),
    };
    const QByteArray text = writeProtobufText(families);
    for (const QByteArray &expected :
         {"schema: 3\n"_ba, "zero_threshold: 2.938735877055719e-39\n"_ba, "zero_count: 2\n"_ba,
          "negative_span {\n      offset: -2\n      length: 1\n    }\n"_ba, "negative_delta: -1\n"_ba,
          "positive_delta: 4\n"_ba, "exemplars {\n"_ba, "value: \"t2\"\n"_ba,
          "created_timestamp {\n      seconds: 1700000000\n    }\n"_ba, "sample_count_float: 20\n"_ba,
          "positive_count: -2\n"_ba, "exemplar {\n"_ba, "created_timestamp {\n      seconds: 1\n      nanos: 234000000\n"_ba}) {
        QVERIFY2(text.contains(expected), expected.constData());
    }

    const QByteArray compact = writeProtobufCompactText(families);
    QCOMPARE(compact.count('\n'), 3);
    for (const QByteArray &expected :
         {"schema: 3 zero_threshold: 2.938735877055719e-39 zero_count: 2 negative_span { offset: -2 length: 1 }"_ba,
          "bucket { cumulative_count: 4 upper_bound: 1 exemplar { label { name: \"trace_id\" value: \"b1\" } value: 0.5 } }"_ba,
          "sample_sum: 99.23 sample_count_float: 20 schema: 1"_ba,
          "counter { value: 1 exemplar { label { name: \"t\" value: \"x\" } value: 1 timestamp { nanos: 5000000 } } "
          "created_timestamp { seconds: 1 nanos: 234000000 } }"_ba}) {
        QVERIFY2(compact.contains(expected), expected.constData());
    }
}

void TestProtobufFormat::textFormsIgnoreProcessLocale()
{
    const QList<MetricFamily> families = {family("g", MetricType::Gauge, {metric({}, scalar(1234567.5))})};
    const QByteArray expectedText = writeProtobufText(families);
    const QByteArray expectedCompact = writeProtobufCompactText(families);
    QVERIFY2(expectedCompact.contains("value: 1.2345675e+06 "), expectedCompact.constData());

    const std::string previousCLocale = std::setlocale(LC_ALL, nullptr);
    const auto restore = qScopeGuard([&] {
        std::setlocale(LC_ALL, previousCLocale.c_str());
        std::locale::global(std::locale::classic());
    });
    if (!std::setlocale(LC_ALL, "de_DE.UTF-8"))
        QSKIP("No de_DE.UTF-8 C locale on this machine.");
    try {
        std::locale::global(std::locale("de_DE.UTF-8"));
    } catch (const std::runtime_error &) {
        QSKIP("The C locale de_DE.UTF-8 exists but the C++ library cannot load it.");
    }
    char printed[16];
    std::snprintf(printed, sizeof printed, "%.1f", 1.5);
    QCOMPARE(QByteArray(printed), "1,5"_ba); // the C locale really changed

    QCOMPARE(writeProtobufText(families), expectedText);
    QCOMPARE(writeProtobufCompactText(families), expectedCompact);
    QCOMPARE(parseDelimitedProtobuf(writeDelimitedProtobuf(families))->first(), families.first());
}

QTEST_GUILESS_MAIN(TestProtobufFormat)

#include "tst_protobufformat.moc"
