// ChangeRecord: every push and delete request, accepted or rejected, reported once with the
// answer its client got (GatewayApi::setChangeObserver, Gateway::changeHandled); scrapes,
// health checks and requests that reach no handler are not.

#include "gateway/logger.h"
#include "http/gatewayapi.h"
#include "http/selfmetrics.h"
#include "store/metricstore.h"
#include "testserver.h"

#include <QMutex>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace qpgw;
using namespace qpgw::http;
using namespace Qt::StringLiterals;

namespace {

using test::Server;

ChangeRecord recordAt(const QSignalSpy &spy, qsizetype i)
{
    return spy.at(i).constFirst().value<ChangeRecord>();
}

} // namespace

class TestChangeRecord : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldRecordWhatTheClientGot_data();
    void shouldRecordWhatTheClientGot();
    void shouldRecordTheExactReasonOfARejectedPush();
    void shouldNotRecordOtherRequests_data();
    void shouldNotRecordOtherRequests();
    void shouldTakeTheTimeFromTheInjectedClock();
    void shouldReachAReceiverOnAnotherThread();
};

void TestChangeRecord::shouldRecordWhatTheClientGot_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("groupingKey");
    QTest::addColumn<QString>("reasonStart"); // the start of the reason; empty: no reason

    QTest::newRow("good PUT") << "PUT"_ba << "/metrics/job/batch/instance/host1"_ba << "some_metric 1\n"_ba
                              << 200 << uR"({job="batch", instance="host1"})"_s << QString();
    QTest::newRow("good POST, base64 value") << "POST"_ba << "/metrics/job/batch/path@base64/L3Zhci90bXA"_ba
                                             << "some_metric 1\n"_ba << 200 << uR"({job="batch", path="/var/tmp"})"_s
                                             << QString();
    QTest::newRow("delete") << "DELETE"_ba << "/metrics/job/batch/instance/host1"_ba << QByteArray() << 202
                            << uR"({job="batch", instance="host1"})"_s << QString();
    QTest::newRow("delete of an unknown group") << "DELETE"_ba << "/metrics/job/nothing"_ba << QByteArray() << 202
                                                << uR"({job="nothing"})"_s << QString();
    QTest::newRow("body parse error") << "PUT"_ba << "/metrics/job/batch"_ba << "some_metric{ 1\n"_ba << 400
                                      << uR"({job="batch"})"_s << u"text format parsing error in line 1"_s;
    QTest::newRow("key parse error: raw path") << "PUT"_ba << "/metrics/job/batch/a@base64/foo.bar"_ba
                                               << "some_metric 1\n"_ba << 400
                                               << u"/metrics/job/batch/a@base64/foo.bar"_s
                                               << u"invalid base64 encoding for label a="_s;
    QTest::newRow("key parse error on delete") << "DELETE"_ba << "/metrics/job/batch/instance"_ba << QByteArray()
                                               << 400 << u"/metrics/job/batch/instance"_s
                                               << u"odd number of components in label string"_s;
}

void TestChangeRecord::shouldRecordWhatTheClientGot()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, groupingKey);
    QFETCH(QString, reasonStart);

    Server server;
    QSignalSpy spy(server.gateway.get(), &Gateway::changeHandled);
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const test::Reply reply = server.send(method, path, body);
    const QDateTime after = QDateTime::currentDateTimeUtc();
    QCOMPARE(reply.status, status);

    QCOMPARE(spy.count(), 1);
    const ChangeRecord record = recordAt(spy, 0);
    QCOMPARE(record.method, method);
    QCOMPARE(record.groupingKey, groupingKey);
    QCOMPARE(record.bodyBytes, body.size());
    QCOMPARE(record.status, status);
    QCOMPARE(record.succeeded(), status < 300);
    QCOMPARE(record.time.timeSpec(), Qt::UTC);
    QVERIFY(record.time >= before && record.time <= after);
    if (reasonStart.isEmpty()) {
        QVERIFY(record.reason.isEmpty());
    } else {
        QVERIFY2(record.reason.startsWith(reasonStart), qPrintable(record.reason));
        QCOMPARE(record.reason, QString::fromUtf8(reply.body).trimmed());
    }
}

void TestChangeRecord::shouldRecordTheExactReasonOfARejectedPush()
{
    Server server;
    QSignalSpy spy(server.gateway.get(), &Gateway::changeHandled);
    QCOMPARE(server.send("PUT", "/metrics/job/a", "# TYPE shared counter\nshared 1\n").status, 200);
    const test::Reply rejected = server.send("POST", "/metrics/job/b", "# TYPE shared gauge\nshared 2\n");
    QCOMPARE(rejected.status, 400);

    QCOMPARE(spy.count(), 2);
    const ChangeRecord record = recordAt(spy, 1);
    QCOMPARE(record.method, "POST"_ba);
    QCOMPARE(record.groupingKey, uR"({job="b"})"_s);
    QCOMPARE(record.status, 400);
    QVERIFY(!record.succeeded());
    QVERIFY2(record.reason.startsWith(u"pushed metrics are invalid or inconsistent with existing metrics"_s),
             qPrintable(record.reason));
    QCOMPARE(record.reason, QString::fromUtf8(rejected.body).trimmed());
    QVERIFY(!record.reason.endsWith(u'\n'));
}

void TestChangeRecord::shouldNotRecordOtherRequests_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");

    QTest::newRow("scrape") << "GET"_ba << "/metrics"_ba << 200;
    QTest::newRow("HEAD scrape") << "HEAD"_ba << "/metrics"_ba << 200;
    QTest::newRow("healthy") << "GET"_ba << "/-/healthy"_ba << 200;
    QTest::newRow("ready") << "GET"_ba << "/-/ready"_ba << 200;
    QTest::newRow("GET on a push path: 405") << "GET"_ba << "/metrics/job/batch"_ba << 405;
    QTest::newRow("unknown path: 404") << "PUT"_ba << "/nothing/here"_ba << 404;
    QTest::newRow("redirect") << "PUT"_ba << "/metrics/job//a/b"_ba << 301;
    QTest::newRow("quit, lifecycle off") << "POST"_ba << "/-/quit"_ba << 403;
}

void TestChangeRecord::shouldNotRecordOtherRequests()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, status);

    Server server;
    QSignalSpy spy(server.gateway.get(), &Gateway::changeHandled);
    QCOMPARE(server.send(method, path).status, status);
    QCOMPARE(spy.count(), 0);
}

void TestChangeRecord::shouldTakeTheTimeFromTheInjectedClock()
{
    MetricStore store{MetricStore::Options{}};
    SelfMetrics selfMetrics;
    Logger logger(LogLevel::Error, LogFormat::Logfmt, [](const QByteArray &) {});
    GatewayApi::Options options;
    options.router.telemetryRoute = "/metrics";
    GatewayApi api(store, selfMetrics, logger, options);
    const QDateTime pinned = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    api.setChangeClock([pinned] { return pinned; });
    QList<ChangeRecord> records;
    api.setChangeObserver([&records](const ChangeRecord &record) { records.append(record); });

    HttpRequest request;
    request.method = "PUT";
    request.encodedPath = "/metrics/job/batch";
    request.body = "some_metric 1\n";
    QCOMPARE(api.handle(request).status, 200);

    QCOMPARE(records.size(), 1);
    ChangeRecord expected;
    expected.time = pinned;
    expected.method = "PUT";
    expected.groupingKey = uR"({job="batch"})"_s;
    expected.bodyBytes = request.body.size();
    expected.status = 200;
    QCOMPARE(records.constFirst(), expected);

    // While nobody wants records (the headless server), none is built or reported.
    bool wanted = false;
    api.setChangeObserver([&records](const ChangeRecord &record) { records.append(record); }, [&wanted] { return wanted; });
    QCOMPARE(api.handle(request).status, 200);
    QCOMPARE(records.size(), 1);
    wanted = true;
    QCOMPARE(api.handle(request).status, 200);
    QCOMPARE(records.size(), 2);
}

void TestChangeRecord::shouldReachAReceiverOnAnotherThread()
{
    Server server;
    QThread thread;
    QObject receiver;
    receiver.moveToThread(&thread);
    thread.start();
    QMutex mutex;
    QList<ChangeRecord> received;
    bool onReceiverThread = false;
    // Auto connection: queued, since the receiver lives on another thread.
    connect(server.gateway.get(), &Gateway::changeHandled, &receiver, [&](const ChangeRecord &record) {
        const QMutexLocker locker(&mutex);
        onReceiverThread = QThread::currentThread() == &thread;
        received.append(record);
    });

    QCOMPARE(server.send("PUT", "/metrics/job/batch", "broken{\n").status, 400);
    const bool arrived = QTest::qWaitFor([&] {
        const QMutexLocker locker(&mutex);
        return !received.isEmpty();
    });
    thread.quit();
    thread.wait();
    QVERIFY(arrived);
    QCOMPARE(received.size(), 1);
    QVERIFY(onReceiverThread);
    QCOMPARE(received.constFirst().status, 400);
    QVERIFY(received.constFirst().reason.startsWith(u"text format parsing error"_s));
}

QTEST_GUILESS_MAIN(TestChangeRecord)
#include "tst_changerecord.moc"
