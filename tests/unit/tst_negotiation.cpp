// Scrape negotiation: which exposition an Accept header gets (behaviour spec section 3.3).

#include "http/negotiation.h"

#include <QTest>

using namespace qpgw;
using namespace qpgw::http;

class TestNegotiation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldChooseEscaping_data();
    void shouldChooseEscaping();
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

QTEST_APPLESS_MAIN(TestNegotiation)
#include "tst_negotiation.moc"
