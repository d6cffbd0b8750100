// The admin API over real HTTP: PUT <prefix>/api/v1/admin/wipe behind --web.enable-admin-api
// (behaviour spec sections 1.2 and 4.4, tests BB of H8 and X16), and the switches the desktop
// console turns at run time (GatewayApi::setAdminApiEnabled, setLifecycleEnabled).

#include "gateway/logger.h"
#include "http/gatewayapi.h"
#include "http/selfmetrics.h"
#include "store/metricstore.h"
#include "store/persistence/recovery.h"
#include "testserver.h"

#include <QTemporaryDir>
#include <QTest>

using namespace qpgw;
using namespace qpgw::http;
using namespace qpgw::test;
using namespace Qt::StringLiterals;

namespace {

constexpr QByteArrayView WipePath = "/api/v1/admin/wipe";

GatewayConfig adminConfig()
{
    GatewayConfig config;
    config.enableAdminApi = true;
    return config;
}

// Five groups, as test BB pushes before it wipes.
void pushFiveGroups(Server &server, const QByteArray &prefix = {})
{
    for (int i = 0; i < 5; ++i) {
        const QByteArray n = QByteArray::number(i);
        QCOMPARE(server.send("PUT", prefix + "/metrics/job/j" + n + "/instance/i" + n, "m " + n + "\n").status, 200);
    }
}

HttpRequest request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {})
{
    HttpRequest request;
    request.method = method;
    request.encodedPath = path;
    request.body = body;
    return request;
}

} // namespace

class TestHttpAdmin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wipeShouldNotExistWithoutTheFlag_data();
    void wipeShouldNotExistWithoutTheFlag();
    void wipeShouldDeleteEveryGroup();
    void otherMethodsShouldGetTheRoutersAnswers();
    void wipeShouldFollowTheRoutePrefix();
    void wipeShouldBeCountedAsHandlerWipe();
    void wipeShouldBeOnDiskWhenAnswered();
    void wipeAnswerShouldWaitForItsJournalTicket();
    void switchesShouldTakeEffectAtRunTime();
};

void TestHttpAdmin::wipeShouldNotExistWithoutTheFlag_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::newRow("PUT") << "PUT"_ba;
    QTest::newRow("GET") << "GET"_ba;
    QTest::newRow("POST") << "POST"_ba;
}

void TestHttpAdmin::wipeShouldNotExistWithoutTheFlag()
{
    // X16: 404, not 403; and nothing is wiped.
    QFETCH(QByteArray, method);
    Server server;
    QCOMPARE(server.send("PUT", "/metrics/job/kept", "k 1\n").status, 200);
    const Reply reply = server.send(method, WipePath.toByteArray());
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.body, "404 page not found\n"_ba);
    QVERIFY(server.scrape().contains("k{instance=\"\",job=\"kept\"} 1\n"));
}

void TestHttpAdmin::wipeShouldDeleteEveryGroup()
{
    // BB: push 5 groups, wipe, and /metrics has no push_time_seconds left.
    Server server(adminConfig());
    pushFiveGroups(server);
    QCOMPARE(storedLines(server.scrape()).size(), 15); // m and the two push-time gauges, each
    const Reply reply = server.send("PUT", WipePath.toByteArray());
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.body, QByteArray());
    QCOMPARE(reply.header("Access-Control-Allow-Origin"), QByteArray()); // no CORS headers
    const QByteArray text = server.scrape();
    QVERIFY2(!text.contains("push_time_seconds"), text.constData());
    QCOMPARE(storedLines(text), QByteArrayList());
    // Groups pushed after the wipe stay.
    QCOMPARE(server.send("PUT", "/metrics/job/later", "l 1\n").status, 200);
    QVERIFY(server.scrape().contains("l{instance=\"\",job=\"later\"} 1\n"));
    // A wipe of an empty store is still accepted.
    QCOMPARE(server.send("DELETE", "/metrics/job/later").status, 202);
    QCOMPARE(server.send("PUT", WipePath.toByteArray()).status, 202);
}

void TestHttpAdmin::otherMethodsShouldGetTheRoutersAnswers()
{
    Server server(adminConfig());
    QCOMPARE(server.send("PUT", "/metrics/job/kept", "k 1\n").status, 200);
    const Reply get = server.send("GET", WipePath.toByteArray());
    QCOMPARE(get.status, 405);
    QCOMPARE(get.header("Allow"), "OPTIONS, PUT"_ba);
    QCOMPARE(get.body, "Method Not Allowed\n"_ba);
    const Reply options = server.send("OPTIONS", WipePath.toByteArray());
    QCOMPARE(options.status, 200);
    QCOMPARE(options.header("Allow"), "OPTIONS, PUT"_ba);
    QCOMPARE(options.body, QByteArray());
    QCOMPARE(server.send("POST", WipePath.toByteArray()).status, 405);
    // None of them wiped.
    QVERIFY(server.scrape().contains("k{instance=\"\",job=\"kept\"} 1\n"));
}

void TestHttpAdmin::wipeShouldFollowTheRoutePrefix()
{
    GatewayConfig config = adminConfig();
    config.routePrefixFlag = u"/pg"_s;
    Server server(config);
    pushFiveGroups(server, "/pg");
    QCOMPARE(server.send("PUT", WipePath.toByteArray()).status, 404);
    QCOMPARE(storedLines(server.send("GET", "/pg/metrics").body).size(), 15);
    QCOMPARE(server.send("PUT", "/pg" + WipePath.toByteArray()).status, 202);
    QCOMPARE(storedLines(server.send("GET", "/pg/metrics").body), QByteArrayList());
}

void TestHttpAdmin::wipeShouldBeCountedAsHandlerWipe()
{
    Server server(adminConfig());
    QCOMPARE(server.send("PUT", WipePath.toByteArray()).status, 202);
    QCOMPARE(server.send("PUT", WipePath.toByteArray()).status, 202);
    QCOMPARE(server.send("GET", WipePath.toByteArray()).status, 405);
    const QByteArray text = server.scrape();
    QVERIFY2(text.contains("pushgateway_http_requests_total{code=\"202\",handler=\"wipe\",method=\"put\"} 2\n"),
             text.constData());
    // Router answers (405 here) are not counted, as in the reference.
    QVERIFY(!text.contains("handler=\"wipe\",method=\"get\""));
}

void TestHttpAdmin::wipeShouldBeOnDiskWhenAnswered()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"metrics.db"_s);
    GatewayConfig config = adminConfig();
    config.persistenceFile = file;
    config.persistenceSync = GatewayConfig::PersistenceSync::Always;
    {
        Server server(config);
        // Several rounds: an answer sent before the journal would lose the race now and then.
        for (int round = 0; round < 20; ++round) {
            pushFiveGroups(server);
            QCOMPARE(recoverState(file)->groups.size(), 5);
            QCOMPARE(server.send("PUT", WipePath.toByteArray()).status, 202);
            // The answer has arrived: the files already hold the wipe (what a kill -9 leaves).
            const Expected<RecoveredState> onDisk = recoverState(file);
            QVERIFY2(onDisk, onDisk ? "" : qPrintable(onDisk.error().message));
            QCOMPARE(onDisk->groups.size(), 0);
        }
        QCOMPARE(server.send("PUT", "/metrics/job/after", "a 1\n").status, 200);
    }
    // A restart from the file sees only what was pushed after the wipe.
    Server restarted(config);
    QCOMPARE(storedLines(restarted.scrape()).size(), 3);
    QVERIFY(restarted.scrape().contains("a{instance=\"\",job=\"after\"} 1\n"));
}

void TestHttpAdmin::wipeAnswerShouldWaitForItsJournalTicket()
{
    // What the transport holds an answer by (HttpResponse::durableTicket), without a disk race.
    MetricStore store{MetricStore::Options{}};
    SelfMetrics selfMetrics;
    Logger logger(LogLevel::Error, LogFormat::Logfmt, [](const QByteArray &) {});
    GatewayApi::Options options;
    options.router.telemetryRoute = "/metrics";
    options.enableAdminApi = true;
    GatewayApi api(store, selfMetrics, logger, options);
    quint64 lastTicket = 0;
    connect(&store, &MetricStore::wiped, this, [&lastTicket] { ++lastTicket; });
    api.setDurabilityTicket([&lastTicket] { return lastTicket; });

    const HttpResponse wiped = api.handle(request("PUT", WipePath.toByteArray()));
    QCOMPARE(wiped.status, 202);
    QCOMPARE(wiped.durableTicket, quint64(1));
    // Answers the router gives change nothing and wait for nothing.
    QCOMPARE(api.handle(request("GET", WipePath.toByteArray())).durableTicket, quint64(0));
}

void TestHttpAdmin::switchesShouldTakeEffectAtRunTime()
{
    MetricStore store{MetricStore::Options{}};
    SelfMetrics selfMetrics;
    Logger logger(LogLevel::Error, LogFormat::Logfmt, [](const QByteArray &) {});
    GatewayApi::Options options;
    options.router.routePrefix = "/pg";
    options.router.telemetryRoute = "/pg/metrics";
    GatewayApi api(store, selfMetrics, logger, options);
    int quits = 0;
    api.setQuitHandler([&quits] { ++quits; });
    const QByteArray wipe = "/pg" + WipePath.toByteArray();
    QVERIFY(!api.adminApiEnabled());
    QVERIFY(!api.lifecycleEnabled());

    QCOMPARE(api.handle(request("PUT", "/pg/metrics/job/a", "a 1\n")).status, 200);
    QCOMPARE(api.handle(request("PUT", wipe)).status, 404);
    QCOMPARE(store.groupCount(), 1);

    api.setAdminApiEnabled(true);
    QVERIFY(api.adminApiEnabled());
    QCOMPARE(api.handle(request("GET", wipe)).status, 405);
    QCOMPARE(api.handle(request("PUT", wipe)).status, 202);
    QCOMPARE(store.groupCount(), 0);
    // The rebuilt routes keep the prefix and every other route.
    QCOMPARE(api.handle(request("PUT", WipePath.toByteArray())).status, 404);
    QCOMPARE(api.handle(request("GET", "/pg/metrics")).status, 200);
    QCOMPARE(api.handle(request("PUT", "/pg/metrics/job/b", "b 1\n")).status, 200);

    api.setAdminApiEnabled(false);
    QVERIFY(!api.adminApiEnabled());
    QCOMPARE(api.handle(request("PUT", wipe)).status, 404);
    QCOMPARE(api.handle(request("GET", wipe)).status, 404);
    QCOMPARE(store.groupCount(), 1);

    QCOMPARE(api.handle(request("PUT", "/pg/-/quit")).status, 403);
    api.setLifecycleEnabled(true);
    QVERIFY(api.lifecycleEnabled());
    QCOMPARE(api.handle(request("PUT", "/pg/-/quit")).status, 200);
    QCOMPARE(quits, 1);
    api.setLifecycleEnabled(false);
    QCOMPARE(api.handle(request("POST", "/pg/-/quit")).status, 403);
    QCOMPARE(quits, 1);
}

QTEST_GUILESS_MAIN(TestHttpAdmin)
#include "tst_http_admin.moc"
