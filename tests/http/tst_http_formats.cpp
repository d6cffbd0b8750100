// The wire formats over real HTTP: protobuf, OpenMetrics and compressed pushes reach the store
// exactly like text pushes, bad bodies change nothing, and a scrape gets the format and the
// compression its Accept headers ask for (behaviour spec sections 2.5, 2.10, 3.3, 3.4, 8).

#include "format/compression.h"
#include "format/crc32c.h"
#include "format/decompression.h"
#include "format/protobufreader.h"
#include "format/protobufwriter.h"
#include "format/textparser.h"
#include "testserver.h"

#include <QTest>

#include <snappy.h>

using namespace qpgw;
using namespace qpgw::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray ProtobufType = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

// A counter with an exemplar and a native histogram (integer form, both signs, zero bucket):
// what the Go client pushes for a batch job with native histograms on.
QList<MetricFamily> protobufPayload()
{
    ScalarValue counter{7, Exemplar{{LabelPair{"trace_id", "abc"}}, 1.5, 1700000000123}, std::nullopt};
    auto native = std::make_shared<NativeHistogram>();
    native->schema = 3;
    native->zeroThreshold = 1e-128;
    native->zeroCount = 1;
    native->positiveSpans = {BucketSpan{0, 2}, BucketSpan{3, 1}};
    native->positiveDeltas = {2, -1, 3};
    native->negativeSpans = {BucketSpan{-1, 1}};
    native->negativeDeltas = {1};
    HistogramValue histogram;
    histogram.sampleCount = 8;
    histogram.sampleSum = 12.5;
    histogram.native = native;
    return {
        MetricFamily{"jobs_done_total", "Jobs done."_ba, MetricType::Counter, {Metric{{}, counter, std::nullopt}}},
        MetricFamily{"job_seconds", "Job duration."_ba, MetricType::Histogram, {Metric{{}, histogram, std::nullopt}}},
    };
}

// The snappy framing format (what the reference reads): the stream identifier, then one
// compressed chunk with the masked CRC-32C of its uncompressed data.
QByteArray snappyFramed(const QByteArray &data)
{
    std::string block;
    snappy::Compress(data.constData(), size_t(data.size()), &block);
    const quint32 crc = crc32c(data);
    const quint32 masked = ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    QByteArray out("\xff\x06\x00\x00sNaPpY", 10);
    const quint32 length = quint32(block.size()) + 4;
    out += char(0x00);
    out += char(length & 0xff);
    out += char((length >> 8) & 0xff);
    out += char((length >> 16) & 0xff);
    for (int shift = 0; shift < 32; shift += 8)
        out += char((masked >> shift) & 0xff);
    out += QByteArray(block.data(), qsizetype(block.size()));
    return out;
}

const MetricFamily *findFamily(const QList<MetricFamily> &families, QByteArrayView name)
{
    for (const MetricFamily &family : families) {
        if (family.name == name)
            return &family;
    }
    return nullptr;
}

} // namespace

class TestHttpFormats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void protobufPushShouldKeepNativeHistogramsAndExemplars();
    void protobufPushShouldFollowTheStoreRules();
    void compressedPushesShouldBeDecoded_data();
    void compressedPushesShouldBeDecoded();
    void badCompressedBodiesShouldChangeNothing_data();
    void badCompressedBodiesShouldChangeNothing();
    void decompressionBombShouldGet413();
    void scrapeShouldNegotiateTheFormat_data();
    void scrapeShouldNegotiateTheFormat();
    void scrapeShouldBeGzippedWhenAsked();
    void openMetricsPushShouldStoreCountersAsPrometheusWould();
    void openMetricsExpositionOnlyWithTheFlag();
};

void TestHttpFormats::protobufPushShouldKeepNativeHistogramsAndExemplars()
{
    Server server;
    const Reply push = server.send("PUT", "/metrics/job/pb/instance/i1", writeDelimitedProtobuf(protobufPayload()),
                                   {{"Content-Type", ProtobufType}});
    QCOMPARE(push.status, 200);

    // A protobuf scrape gives back what was pushed, with the grouping labels.
    const Reply scrape = server.send("GET", "/metrics", {}, {{"Accept", ProtobufType}, {"Accept-Encoding", "identity"}});
    QCOMPARE(scrape.status, 200);
    QCOMPARE(scrape.header("Content-Type"), ProtobufType + "; escaping=underscores");
    const Expected<QList<MetricFamily>> families = parseDelimitedProtobuf(scrape.body);
    QVERIFY2(families, families ? "" : qPrintable(families.error().message));
    const Labels grouping{LabelPair{"instance", "i1"}, LabelPair{"job", "pb"}};
    const QList<MetricFamily> pushed = protobufPayload();
    const MetricFamily *histogram = findFamily(*families, "job_seconds");
    QVERIFY(histogram);
    QCOMPARE(histogram->metrics.size(), 1);
    QCOMPARE(histogram->metrics[0].labels, grouping);
    QVERIFY(histogram->metrics[0].histogram() && histogram->metrics[0].histogram()->isNative());
    QCOMPARE(*histogram->metrics[0].histogram(), *pushed[1].metrics[0].histogram());
    const MetricFamily *counter = findFamily(*families, "jobs_done_total");
    QVERIFY(counter);
    QCOMPARE(counter->metrics[0].scalar()->exemplar, pushed[0].metrics[0].scalar()->exemplar);
    QVERIFY(findFamily(*families, "push_time_seconds"));
    QVERIFY(findFamily(*families, "pushgateway_build_info"));

    // The text scrape shows the native histogram's classic view only (section 8).
    const QByteArray text = server.scrape();
    QVERIFY2(text.contains("job_seconds_bucket{instance=\"i1\",job=\"pb\",le=\"+Inf\"} 8\n"
                           "job_seconds_sum{instance=\"i1\",job=\"pb\"} 12.5\n"
                           "job_seconds_count{instance=\"i1\",job=\"pb\"} 8\n"), text.constData());
    QVERIFY(text.contains("jobs_done_total{instance=\"i1\",job=\"pb\"} 7\n"));
    QVERIFY(!text.contains("trace_id"));
}

void TestHttpFormats::protobufPushShouldFollowTheStoreRules()
{
    Server server;
    QList<MetricFamily> withTimestamp = protobufPayload();
    withTimestamp[0].metrics[0].timestampMs = 1000;
    const Reply rejected = server.send("PUT", "/metrics/job/pb", writeDelimitedProtobuf(withTimestamp), {{"Content-Type", ProtobufType}});
    QCOMPARE(rejected.status, 400);
    QCOMPARE(rejected.body, "pushed metrics are invalid or inconsistent with existing metrics: pushed metrics must not have timestamps\n"_ba);

    // The consistency check applies as to text pushes: a counter name pushed as a gauge.
    QCOMPARE(server.send("PUT", "/metrics/job/b", writeDelimitedProtobuf(protobufPayload()), {{"Content-Type", ProtobufType}}).status, 200);
    QList<MetricFamily> asGauge = {protobufPayload()[0]};
    asGauge[0].type = MetricType::Gauge;
    const Reply clash = server.send("PUT", "/metrics/job/c", writeDelimitedProtobuf(asGauge), {{"Content-Type", ProtobufType}});
    QCOMPARE(clash.status, 400);
    QVERIFY2(clash.body.contains("is not a COUNTER"), clash.body.constData());

    // A truncated stream is a 400 that leaves the group as it was.
    QByteArray truncated = writeDelimitedProtobuf(protobufPayload());
    truncated.chop(3);
    const Reply cut = server.send("PUT", "/metrics/job/b", truncated, {{"Content-Type", ProtobufType}});
    QCOMPARE(cut.status, 400);
    QVERIFY2(cut.body.startsWith("protobuf parsing error in message 2"), cut.body.constData());
    QVERIFY(server.scrape().contains("job_seconds_count{instance=\"\",job=\"b\"} 8\n"));
}

void TestHttpFormats::compressedPushesShouldBeDecoded_data()
{
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray text = "# TYPE bytes_total counter\nbytes_total{codec=\"x\"} 42\n";
    const QByteArray stored = "bytes_total{codec=\"x\",instance=\"\",job=\"z\"} 42\n";
    QTest::newRow("gzip text") << "gzip"_ba << gzipCompress(text) << QByteArray() << stored;
    QTest::newRow("GZIP, any case") << " GZip "_ba << gzipCompress(text) << QByteArray() << stored;
    QTest::newRow("gzip, two members") << "gzip"_ba << gzipCompress(text.left(20)) + gzipCompress(text.mid(20)) << QByteArray() << stored;
    QTest::newRow("snappy framed text") << "snappy"_ba << snappyFramed(text) << QByteArray() << stored;
    QTest::newRow("gzip protobuf") << "gzip"_ba << gzipCompress(writeDelimitedProtobuf(protobufPayload())) << ProtobufType
                                   << "jobs_done_total{instance=\"\",job=\"z\"} 7\n"_ba;
    QTest::newRow("snappy protobuf") << "snappy"_ba << snappyFramed(writeDelimitedProtobuf(protobufPayload())) << ProtobufType
                                     << "jobs_done_total{instance=\"\",job=\"z\"} 7\n"_ba;
    QTest::newRow("other encodings: the body as it is") << "deflate"_ba << text << QByteArray() << stored;
    QTest::newRow("a list is not gzip") << "gzip, identity"_ba << text << QByteArray() << stored;
}

void TestHttpFormats::compressedPushesShouldBeDecoded()
{
    QFETCH(QByteArray, encoding);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, expected);

    Server server;
    QList<std::pair<QByteArray, QByteArray>> headers{{"Content-Encoding", encoding}};
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    const Reply reply = server.send("PUT", "/metrics/job/z", body, headers);
    QVERIFY2(reply.status == 200, reply.body.constData());
    const QByteArray text = server.scrape();
    QVERIFY2(text.contains(expected), text.constData());
}

void TestHttpFormats::badCompressedBodiesShouldChangeNothing_data()
{
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("message");

    QByteArray corrupt = gzipCompress("a 2\n");
    corrupt[corrupt.size() - 6] = char(corrupt[corrupt.size() - 6] ^ 0x55); // inside the CRC-32
    QTest::newRow("empty gzip") << "gzip"_ba << QByteArray() << "EOF\n"_ba;
    QTest::newRow("short gzip") << "gzip"_ba << "\x1f\x8b\x08"_ba << "unexpected EOF\n"_ba;
    QTest::newRow("not gzip") << "gzip"_ba << "a 2\nb 3\nc 4\n"_ba << "gzip: invalid header\n"_ba;
    QTest::newRow("gzip checksum") << "gzip"_ba << corrupt << "gzip: invalid checksum\n"_ba;
    QTest::newRow("not snappy") << "snappy"_ba << "a 2\n"_ba << "snappy: ..."_ba;
    QByteArray badSnappy = snappyFramed("a 2\n");
    badSnappy[14] = char(badSnappy[14] ^ 0x01); // the CRC
    QTest::newRow("snappy checksum") << "snappy"_ba << badSnappy << "snappy: ..."_ba;
}

void TestHttpFormats::badCompressedBodiesShouldChangeNothing()
{
    QFETCH(QByteArray, encoding);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, message);

    Server server;
    QCOMPARE(server.send("PUT", "/metrics/job/z", "a 1\n").status, 200);
    const Reply reply = server.send("PUT", "/metrics/job/z", body, {{"Content-Encoding", encoding}});
    QCOMPARE(reply.status, 400);
    if (message.endsWith("..."))
        QVERIFY2(reply.body.startsWith(message.chopped(3)), reply.body.constData());
    else
        QCOMPARE(reply.body, message);
    const QByteArray text = server.scrape();
    QVERIFY(text.contains("a{instance=\"\",job=\"z\"} 1\n"));
    // A body that never reached the store is no failed push (section 2.5).
    QVERIFY(text.contains("push_failure_time_seconds{instance=\"\",job=\"z\"} 0\n"));
}

void TestHttpFormats::decompressionBombShouldGet413()
{
    GatewayConfig config;
    config.maxBodyBytes = 1024 * 1024;
    Server server(config);
    // 64 MiB of one repeated line, about 100 KB compressed: far below the limit on the wire.
    const QByteArray line = "a 1\n";
    const QByteArray bomb = gzipCompress(line.repeated(16 * 1024 * 1024));
    QVERIFY(bomb.size() < config.maxBodyBytes);
    const Reply reply = server.send("PUT", "/metrics/job/bomb", bomb, {{"Content-Encoding", "gzip"}});
    QCOMPARE(reply.status, 413);
    QVERIFY2(reply.body.contains("1048576"), reply.body.constData());
    QVERIFY(!server.scrape().contains("job=\"bomb\""));
}

void TestHttpFormats::scrapeShouldNegotiateTheFormat_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("mustContain");

    const QByteArray pb = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=";
    QTest::newRow("text by default") << QByteArray() << "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"_ba
                                     << "# TYPE jobs_done_total counter\n"_ba;
    QTest::newRow("protobuf text") << "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text"_ba
                                   << pb + "text; escaping=underscores" << "name: \"jobs_done_total\""_ba;
    QTest::newRow("protobuf compact text") << "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=compact-text"_ba
                                           << pb + "compact-text; escaping=underscores" << "name: \"jobs_done_total\""_ba;
    QTest::newRow("Prometheus 2.42 with native histograms")
        << "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
           "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"_ba
        << pb + "delimited; escaping=underscores" << "jobs_done_total"_ba;
    QTest::newRow("OpenMetrics is not offered by default") << "application/openmetrics-text;version=1.0.0"_ba
                                                           << "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"_ba
                                                           << "# TYPE jobs_done_total counter\n"_ba;
}

void TestHttpFormats::scrapeShouldNegotiateTheFormat()
{
    QFETCH(QByteArray, accept);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, mustContain);

    Server server;
    QCOMPARE(server.send("PUT", "/metrics/job/pb", writeDelimitedProtobuf(protobufPayload()), {{"Content-Type", ProtobufType}}).status, 200);
    QList<std::pair<QByteArray, QByteArray>> headers{{"Accept-Encoding", "identity"}};
    if (!accept.isEmpty())
        headers.append({"Accept", accept});
    const Reply reply = server.send("GET", "/metrics", {}, headers);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), contentType);
    QVERIFY2(reply.body.contains(mustContain), reply.body.left(2000).constData());
    QVERIFY(reply.header("Content-Encoding").isEmpty());
}

void TestHttpFormats::scrapeShouldBeGzippedWhenAsked()
{
    Server server;
    QCOMPARE(server.send("PUT", "/metrics/job/z", "a 1\n").status, 200);
    // Setting Accept-Encoding ourselves keeps QNetworkAccessManager from decoding the answer.
    const Reply gzipped = server.send("GET", "/metrics", {}, {{"Accept-Encoding", "gzip"}});
    QCOMPARE(gzipped.status, 200);
    QCOMPARE(gzipped.header("Content-Encoding"), "gzip"_ba);
    const Expected<QByteArray> text = decodeContentEncoding("gzip", gzipped.body, 0);
    QVERIFY(text);
    QVERIFY(text->contains("a{instance=\"\",job=\"z\"} 1\n"));
    QVERIFY(parseTextFormat(*text));

    // A tie keeps identity, offered first (1.11.3's rule).
    const Reply tie = server.send("GET", "/metrics", {}, {{"Accept-Encoding", "gzip, identity"}});
    QVERIFY(tie.header("Content-Encoding").isEmpty());
    QVERIFY(tie.body.contains("a{instance=\"\",job=\"z\"} 1\n"));
}

void TestHttpFormats::openMetricsPushShouldStoreCountersAsPrometheusWould()
{
    Server server;
    const QByteArray body = "# TYPE requests counter\n# HELP requests Requests served.\n"
                            "requests_total{path=\"/a\"} 3 # {trace_id=\"t1\"} 1.0 1700000000.5\n"
                            "requests_created{path=\"/a\"} 1700000000\n"
                            "# TYPE temperature gauge\ntemperature 21.5\n# EOF\n";
    const Reply push = server.send("PUT", "/metrics/job/om", body, {{"Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8"}});
    QVERIFY2(push.status == 200, push.body.constData());
    const QByteArray text = server.scrape();
    QVERIFY2(text.contains("# HELP requests_total Requests served.\n# TYPE requests_total counter\n"
                           "requests_total{instance=\"\",job=\"om\",path=\"/a\"} 3\n"), text.constData());
    QVERIFY(text.contains("temperature{instance=\"\",job=\"om\"} 21.5\n"));

    // The exemplar is kept: a protobuf scrape shows it.
    const Reply scrape = server.send("GET", "/metrics", {}, {{"Accept", ProtobufType}, {"Accept-Encoding", "identity"}});
    const Expected<QList<MetricFamily>> families = parseDelimitedProtobuf(scrape.body);
    QVERIFY(families);
    const MetricFamily *requests = findFamily(*families, "requests_total");
    QVERIFY(requests);
    const std::optional<Exemplar> exemplar = requests->metrics[0].scalar()->exemplar;
    QVERIFY(exemplar);
    QCOMPARE(exemplar->value, 1.0);
    QCOMPARE(exemplar->timestampMs, std::optional<TimestampMs>(1700000000500));

    // Without # EOF it is no OpenMetrics body: 400 naming the line, nothing stored.
    const Reply bad = server.send("PUT", "/metrics/job/om2", "temperature 1\n", {{"Content-Type", "application/openmetrics-text"}});
    QCOMPARE(bad.status, 400);
    QVERIFY2(bad.body.startsWith("openmetrics parsing error in line "), bad.body.constData());
    QVERIFY(!server.scrape().contains("job=\"om2\""));
}

void TestHttpFormats::openMetricsExpositionOnlyWithTheFlag()
{
    GatewayConfig config;
    config.enableOpenMetrics = true;
    Server server(config);
    const QByteArray body = "# TYPE requests counter\nrequests_total 3 # {trace_id=\"t1\"} 1\n# EOF\n";
    QCOMPARE(server.send("PUT", "/metrics/job/om", body, {{"Content-Type", "application/openmetrics-text"}}).status, 200);
    const Reply reply = server.send("GET", "/metrics", {},
                                    {{"Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"},
                                     {"Accept-Encoding", "identity"}});
    QCOMPARE(reply.header("Content-Type"), "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"_ba);
    QVERIFY2(reply.body.contains("# TYPE requests counter\nrequests_total{instance=\"\",job=\"om\"} 3.0 # {trace_id=\"t1\"} 1.0\n"),
             reply.body.constData());
    QVERIFY(reply.body.endsWith("# EOF\n"));
    // Plain text scrapes are unchanged by the flag.
    QVERIFY(server.scrape().contains("# TYPE requests_total counter\n"));
}

QTEST_GUILESS_MAIN(TestHttpFormats)
#include "tst_http_formats.moc"
