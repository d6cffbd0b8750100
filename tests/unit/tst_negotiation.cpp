// Scrape negotiation: which exposition an Accept header gets (behaviour spec section 3.3) and
// whether Accept-Encoding gets gzip (section 3.4).

#include "http/negotiation.h"

#include <QTest>

using namespace qpgw;
using namespace qpgw::http;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::http::ExpositionFormat::Kind)
Q_DECLARE_METATYPE(qpgw::NameEscaping)

class TestNegotiation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldChooseEscaping_data();
    void shouldChooseEscaping();
    void shouldChooseFormat_data();
    void shouldChooseFormat();
    void contentTypeNamesFormatAndEscaping_data();
    void contentTypeNamesFormatAndEscaping();
    void shouldCompressWithGzip_data();
    void shouldCompressWithGzip();
};

void TestNegotiation::shouldChooseEscaping_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<QByteArray>("contentType");

    const QByteArray text = "text/plain; version=0.0.4; charset=utf-8; escaping=";
    QTest::newRow("no Accept") << QByteArray() << text + "underscores";
    QTest::newRow("text 0.0.4") << QByteArray("text/plain;version=0.0.4") << text + "underscores";
    QTest::newRow("text without version") << QByteArray("text/plain") << text + "underscores";
    QTest::newRow("OpenMetrics is never chosen") << QByteArray("application/openmetrics-text; version=1.0.0") << text + "underscores";
    QTest::newRow("Prometheus 2 default")
        << QByteArray("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                      "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        << text + "underscores";
    QTest::newRow("allow-utf-8 on the chosen clause") << QByteArray("text/plain;version=0.0.4;escaping=allow-utf-8") << text + "allow-utf-8";
    QTest::newRow("escaping from a clause scanned before the chosen one")
        << QByteArray("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,text/plain;version=0.0.4;q=0.5")
        << text + "allow-utf-8";
    QTest::newRow("clauses after the chosen one are not scanned")
        << QByteArray("text/plain;version=0.0.4;q=0.5,application/openmetrics-text;escaping=values;q=0.4") << text + "underscores";
    QTest::newRow("higher q scanned first whatever the order")
        << QByteArray("text/plain;version=0.0.4;q=0.2,*/*;escaping=dots;q=0.9") << text + "dots";
    QTest::newRow("unmatched clause still sets escaping") << QByteArray("*/*;escaping=values") << text + "values";
    QTest::newRow("unknown escaping ignored") << QByteArray("text/plain;version=0.0.4;escaping=bogus") << text + "underscores";
    QTest::newRow("other text version falls back to 0.0.4") << QByteArray("text/plain;version=1.0.0") << text + "underscores";
    QTest::newRow("quoted parameter") << QByteArray("text/plain;version=\"0.0.4\";escaping=\"allow-utf-8\"") << text + "allow-utf-8";
}

void TestNegotiation::shouldChooseEscaping()
{
    QFETCH(QByteArray, accept);
    QFETCH(QByteArray, contentType);
    QCOMPARE(negotiateExposition(accept).contentType(), contentType);
}

namespace {
const QByteArray text004 = "text/plain; version=0.0.4; charset=utf-8; escaping=";
const QByteArray protobuf = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=";
const QByteArray openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=";
const QByteArray delimitedClause = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

// What Prometheus sends. 2.x with native histograms on prefers protobuf; 2.x by default and
// 3.x prefer OpenMetrics, then text.
const QByteArray prometheus2Protobuf =
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
    "text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
const QByteArray prometheus2Default =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const QByteArray prometheus3Default =
    "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
    "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
    "text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
} // namespace

void TestNegotiation::shouldChooseFormat_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<bool>("openMetricsEnabled");
    QTest::addColumn<QByteArray>("contentType");

    // Protobuf, as the reference (section 3.3).
    QTest::newRow("protobuf delimited") << delimitedClause << false << protobuf + "delimited; escaping=underscores";
    QTest::newRow("protobuf text")
        << "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text"_ba << false
        << protobuf + "text; escaping=underscores";
    QTest::newRow("protobuf compact-text")
        << "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=compact-text"_ba << false
        << protobuf + "compact-text; escaping=underscores";
    QTest::newRow("protobuf, type in upper case")
        << "Application/Vnd.Google.Protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"_ba << false
        << protobuf + "delimited; escaping=underscores";
    QTest::newRow("protobuf, quoted parameters")
        << "application/vnd.google.protobuf;proto=\"io.prometheus.client.MetricFamily\";encoding=\"delimited\""_ba << false
        << protobuf + "delimited; escaping=underscores";
    QTest::newRow("protobuf with escaping") << delimitedClause + ";escaping=allow-utf-8" << false
                                            << protobuf + "delimited; escaping=allow-utf-8";
    QTest::newRow("protobuf of an unknown encoding is passed over")
        << "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=json"_ba << false
        << text004 + "underscores";
    QTest::newRow("protobuf without encoding is passed over")
        << "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily"_ba << false << text004 + "underscores";
    QTest::newRow("protobuf without proto is passed over")
        << "application/vnd.google.protobuf;encoding=delimited"_ba << false << text004 + "underscores";
    QTest::newRow("protobuf of another message is passed over")
        << "application/vnd.google.protobuf;proto=io.prometheus.client.Metric;encoding=delimited"_ba << false
        << text004 + "underscores";
    QTest::newRow("Prometheus 2 with native histograms") << prometheus2Protobuf << false
                                                         << protobuf + "delimited; escaping=underscores";

    // Scan order: by q, then concrete before wildcard, then as written.
    QTest::newRow("text at a higher q wins")
        << "text/plain;version=0.0.4;q=0.8," + delimitedClause + ";q=0.5" << false << text004 + "underscores";
    QTest::newRow("protobuf at a higher q wins, wherever written")
        << "text/plain;version=0.0.4;q=0.5," + delimitedClause + ";q=0.8" << false
        << protobuf + "delimited; escaping=underscores";
    QTest::newRow("equal q: the first written wins (text)")
        << "text/plain;version=0.0.4," + delimitedClause << false << text004 + "underscores";
    QTest::newRow("equal q: the first written wins (protobuf)")
        << delimitedClause + ",text/plain;version=0.0.4" << false << protobuf + "delimited; escaping=underscores";
    QTest::newRow("equal q: a wildcard is scanned after, so its escaping is not seen")
        << "*/*;escaping=dots," + delimitedClause << false << protobuf + "delimited; escaping=underscores";
    QTest::newRow("escaping of a clause scanned before protobuf")
        << "application/openmetrics-text;escaping=values;q=0.9," + delimitedClause + ";q=0.5" << false
        << protobuf + "delimited; escaping=values";

    // OpenMetrics: our extension, only when enabled.
    QTest::newRow("OpenMetrics off: 1.0.0 is passed over")
        << "application/openmetrics-text;version=1.0.0"_ba << false << text004 + "underscores";
    QTest::newRow("OpenMetrics off: Prometheus 2 gets text") << prometheus2Default << false << text004 + "underscores";
    QTest::newRow("OpenMetrics off: Prometheus 3 gets text with UTF-8 names")
        << prometheus3Default << false << text004 + "allow-utf-8";
    QTest::newRow("OpenMetrics on: 1.0.0")
        << "application/openmetrics-text;version=1.0.0"_ba << true << openMetrics + "underscores";
    QTest::newRow("OpenMetrics on: 0.0.1 is answered with 1.0.0")
        << "application/openmetrics-text;version=0.0.1"_ba << true << openMetrics + "underscores";
    QTest::newRow("OpenMetrics on: no version") << "application/openmetrics-text"_ba << true << openMetrics + "underscores";
    QTest::newRow("OpenMetrics on: an unknown version is passed over")
        << "application/openmetrics-text;version=2.0.0"_ba << true << text004 + "underscores";
    QTest::newRow("OpenMetrics on: Prometheus 2") << prometheus2Default << true << openMetrics + "underscores";
    QTest::newRow("OpenMetrics on: Prometheus 3") << prometheus3Default << true << openMetrics + "allow-utf-8";
    QTest::newRow("OpenMetrics on: text at a higher q wins")
        << "application/openmetrics-text;version=1.0.0;q=0.4,text/plain;q=0.6"_ba << true << text004 + "underscores";
    QTest::newRow("OpenMetrics on: protobuf at a higher q wins")
        << "application/openmetrics-text;version=1.0.0;q=0.4," + delimitedClause << true
        << protobuf + "delimited; escaping=underscores";
    QTest::newRow("OpenMetrics on: no Accept is still text") << QByteArray() << true << text004 + "underscores";
    QTest::newRow("OpenMetrics on: a wildcard is still text") << "*/*"_ba << true << text004 + "underscores";
}

void TestNegotiation::shouldChooseFormat()
{
    QFETCH(QByteArray, accept);
    QFETCH(bool, openMetricsEnabled);
    QFETCH(QByteArray, contentType);
    QCOMPARE(negotiateExposition(accept, openMetricsEnabled).contentType(), contentType);
}

void TestNegotiation::contentTypeNamesFormatAndEscaping_data()
{
    QTest::addColumn<ExpositionFormat::Kind>("kind");
    QTest::addColumn<NameEscaping>("escaping");
    QTest::addColumn<QByteArray>("contentType");

    using Kind = ExpositionFormat::Kind;
    QTest::newRow("text") << Kind::Text004 << NameEscaping::Underscores << text004 + "underscores";
    QTest::newRow("text, dots") << Kind::Text004 << NameEscaping::Dots << text004 + "dots";
    QTest::newRow("delimited") << Kind::ProtobufDelimited << NameEscaping::Underscores
                               << protobuf + "delimited; escaping=underscores";
    QTest::newRow("protobuf text") << Kind::ProtobufText << NameEscaping::Values << protobuf + "text; escaping=values";
    QTest::newRow("compact text") << Kind::ProtobufCompactText << NameEscaping::AllowUtf8
                                  << protobuf + "compact-text; escaping=allow-utf-8";
    QTest::newRow("OpenMetrics") << Kind::OpenMetrics << NameEscaping::Underscores << openMetrics + "underscores";
}

void TestNegotiation::contentTypeNamesFormatAndEscaping()
{
    QFETCH(ExpositionFormat::Kind, kind);
    QFETCH(NameEscaping, escaping);
    QFETCH(QByteArray, contentType);
    ExpositionFormat format;
    format.kind = kind;
    format.escaping = escaping;
    QCOMPARE(format.contentType(), contentType);
}

void TestNegotiation::shouldCompressWithGzip_data()
{
    QTest::addColumn<QByteArray>("acceptEncoding");
    QTest::addColumn<bool>("gzip");

    // The examples of section 3.4.
    QTest::newRow("gzip") << "gzip"_ba << true;
    QTest::newRow("gzip, identity: a tie keeps identity") << "gzip, identity"_ba << false;
    QTest::newRow("*: identity, offered first") << "*"_ba << false;
    QTest::newRow("gzip;q=1, *;q=0.5") << "gzip;q=1, *;q=0.5"_ba << true;

    // Further rows of the same rule.
    QTest::newRow("no header") << QByteArray() << false;
    QTest::newRow("identity") << "identity"_ba << false;
    QTest::newRow("identity;q=0, gzip") << "identity;q=0, gzip"_ba << true;
    QTest::newRow("identity, gzip") << "identity, gzip"_ba << false;
    QTest::newRow("only codings we do not offer") << "deflate, br"_ba << false;
    QTest::newRow("browser") << "gzip, deflate, br"_ba << true;
    QTest::newRow("browser with zstd") << "gzip, deflate, br, zstd"_ba << true;
    QTest::newRow("br, gzip") << "br, gzip"_ba << true;
    QTest::newRow("upper case") << "GZIP"_ba << true;
    QTest::newRow("mixed case parameter") << "Gzip;Q=0.9"_ba << true;
    QTest::newRow("spaces") << "  gzip  ;  q=0.8 "_ba << true;
    QTest::newRow("gzip;q=0: refused") << "gzip;q=0"_ba << false;
    QTest::newRow("everything q=0") << "gzip;q=0, identity;q=0"_ba << false;
    QTest::newRow("*;q=0") << "*;q=0"_ba << false;
    QTest::newRow("gzip preferred by q") << "identity;q=0.5, gzip;q=0.8"_ba << true;
    QTest::newRow("identity preferred by q") << "gzip;q=0.8, identity;q=0.9"_ba << false;
    QTest::newRow("* above gzip goes to identity") << "gzip;q=0.5, *;q=0.8"_ba << false;
    QTest::newRow("* below gzip") << "*;q=0.1, gzip;q=0.2"_ba << true;
    QTest::newRow("best q of several gzip clauses") << "gzip;q=0.1, identity;q=0.5, gzip;q=0.9"_ba << true;
    QTest::newRow("x-gzip is not gzip") << "x-gzip"_ba << false;
}

void TestNegotiation::shouldCompressWithGzip()
{
    QFETCH(QByteArray, acceptEncoding);
    QFETCH(bool, gzip);
    QCOMPARE(acceptsGzip(acceptEncoding), gzip);
}

QTEST_APPLESS_MAIN(TestNegotiation)
#include "tst_negotiation.moc"
