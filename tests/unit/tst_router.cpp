// The router: the reference's routing rules (behaviour spec section 1.1, 1.2 and 9.6) decided
// from method and path alone.

#include "http/router.h"

#include <QTest>

using namespace qpgw::http;

Q_DECLARE_METATYPE(RouteDecision::Kind)
Q_DECLARE_METATYPE(Handler)

class TestRouter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldRoute_data();
    void shouldRoute();
    void wipeRouteShouldExistOnlyWithTheAdminApi_data();
    void wipeRouteShouldExistOnlyWithTheAdminApi();
    void shouldHandPushPathsOnStillEncoded();
    void shouldCleanPathsLikeGo_data();
    void shouldCleanPathsLikeGo();
};

void TestRouter::shouldRoute_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<RouteDecision::Kind>("kind");
    QTest::addColumn<Handler>("handler");     // for Handle
    QTest::addColumn<int>("status");          // for Redirect
    QTest::addColumn<QByteArray>("detail");   // Location for Redirect, Allow for 405/OPTIONS

    using K = RouteDecision::Kind;
    const QByteArray none;
    auto row = [&](const char *name, const QByteArray &prefix, const QByteArray &method, const QByteArray &path, K kind,
                   Handler handler = Handler::Healthy, int status = 0, const QByteArray &detail = {}) {
        QTest::newRow(name) << prefix << method << path << kind << handler << status << detail;
    };

    row("healthy", none, "GET", "/-/healthy", K::Handle, Handler::Healthy);
    row("ready", none, "GET", "/-/ready", K::Handle, Handler::Ready);
    row("metrics", none, "GET", "/metrics", K::Handle, Handler::Metrics);
    row("HEAD metrics works here", none, "HEAD", "/metrics", K::Handle, Handler::Metrics);
    row("PUT push", none, "PUT", "/metrics/job/j", K::Handle, Handler::Push);
    row("POST push with labels", none, "POST", "/metrics/job/j/a/b", K::Handle, Handler::Push);
    row("PUT trailing slash is a label", none, "PUT", "/metrics/job/j3/a/", K::Handle, Handler::Push);
    row("PUT base64 job", none, "PUT", "/metrics/job@base64/Zm9v", K::Handle, Handler::Push);
    row("DELETE", none, "DELETE", "/metrics/job/j/instance/i", K::Handle, Handler::Delete);
    row("PUT quit", none, "PUT", "/-/quit", K::Handle, Handler::Quit);
    row("POST quit", none, "POST", "/-/quit", K::Handle, Handler::Quit);

    row("GET quit: own 405", none, "GET", "/-/quit", K::QuitNeedsPost);
    row("GET push route: 405", none, "GET", "/metrics/job/x", K::MethodNotAllowed, Handler::Healthy, 0, "DELETE, OPTIONS, POST, PUT");
    row("PUT metrics: 405", none, "PUT", "/metrics", K::MethodNotAllowed, Handler::Healthy, 0, "GET, HEAD, OPTIONS");
    row("POST healthy: 405", none, "POST", "/-/healthy", K::MethodNotAllowed, Handler::Healthy, 0, "GET, HEAD, OPTIONS");
    row("OPTIONS metrics", none, "OPTIONS", "/metrics", K::Options, Handler::Healthy, 0, "GET, HEAD, OPTIONS");
    row("OPTIONS push route", none, "OPTIONS", "/metrics/job/x", K::Options, Handler::Healthy, 0, "DELETE, OPTIONS, POST, PUT");

    row("PUT job/ redirects 307", none, "PUT", "/metrics/job/", K::Redirect, Handler::Healthy, 307, "/metrics/job");
    row("PUT job: 404", none, "PUT", "/metrics/job", K::NotFound);
    row("double slash: 301", none, "PUT", "/metrics/job//a/b", K::Redirect, Handler::Healthy, 301, "/metrics/job/a/b");
    row("dot segment: 301", none, "GET", "/-/./healthy", K::Redirect, Handler::Healthy, 301, "/-/healthy");
    row("GET metrics/ redirects 301", none, "GET", "/metrics/", K::Redirect, Handler::Healthy, 301, "/metrics");
    row("GET wrong case redirects", none, "GET", "/METRICS", K::Redirect, Handler::Healthy, 301, "/metrics");
    row("PUT wrong case redirects 307", none, "PUT", "/Metrics/job/x", K::Redirect, Handler::Healthy, 307, "/metrics/job/x");
    row("unknown path", none, "GET", "/nothing/here", K::NotFound);
    row("root", none, "GET", "/", K::NotFound);

    row("prefixed metrics", "/pg", "GET", "/pg/metrics", K::Handle, Handler::Metrics);
    row("prefixed push", "/pg", "PUT", "/pg/metrics/job/j", K::Handle, Handler::Push);
    row("unprefixed metrics: 404", "/pg", "GET", "/metrics", K::NotFound);
    row("GET prefixed quit: router 405", "/pg", "GET", "/pg/-/quit", K::MethodNotAllowed, Handler::Healthy, 0, "OPTIONS, POST, PUT");
    row("GET unprefixed quit: own 405", "/pg", "GET", "/-/quit", K::QuitNeedsPost);
}

void TestRouter::shouldRoute()
{
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(RouteDecision::Kind, kind);
    QFETCH(Handler, handler);
    QFETCH(int, status);
    QFETCH(QByteArray, detail);

    const RouterConfig config{prefix, prefix + "/metrics"};
    const RouteDecision decision = route(method, path, {}, config);
    QCOMPARE(decision.kind, kind);
    switch (kind) {
    case RouteDecision::Kind::Handle:
        QCOMPARE(decision.handler, handler);
        QCOMPARE(decision.headOnly, method == "HEAD");
        break;
    case RouteDecision::Kind::Redirect:
        QCOMPARE(decision.status, status);
        QCOMPARE(decision.location, detail);
        break;
    case RouteDecision::Kind::MethodNotAllowed:
    case RouteDecision::Kind::Options:
        QCOMPARE(decision.allow, detail);
        break;
    default:
        break;
    }
}

void TestRouter::wipeRouteShouldExistOnlyWithTheAdminApi_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<bool>("adminApi");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<RouteDecision::Kind>("kind");
    QTest::addColumn<QByteArray>("detail"); // Allow for 405/OPTIONS, Location for Redirect

    using K = RouteDecision::Kind;
    const QByteArray none;
    auto row = [](const char *name, const QByteArray &prefix, bool adminApi, const QByteArray &method,
                  const QByteArray &path, K kind, const QByteArray &detail = {}) {
        QTest::newRow(name) << prefix << adminApi << method << path << kind << detail;
    };
    // Behaviour spec section 1.2 and X16: disabled is 404, not 403.
    row("disabled: PUT 404", none, false, "PUT", "/api/v1/admin/wipe", K::NotFound);
    row("disabled: GET 404", none, false, "GET", "/api/v1/admin/wipe", K::NotFound);
    row("disabled: OPTIONS 404", none, false, "OPTIONS", "/api/v1/admin/wipe", K::NotFound);
    row("enabled: PUT", none, true, "PUT", "/api/v1/admin/wipe", K::Handle);
    row("enabled: GET 405", none, true, "GET", "/api/v1/admin/wipe", K::MethodNotAllowed, "OPTIONS, PUT");
    row("enabled: POST 405", none, true, "POST", "/api/v1/admin/wipe", K::MethodNotAllowed, "OPTIONS, PUT");
    row("enabled: OPTIONS", none, true, "OPTIONS", "/api/v1/admin/wipe", K::Options, "OPTIONS, PUT");
    row("enabled: trailing slash 307", none, true, "PUT", "/api/v1/admin/wipe/", K::Redirect, "/api/v1/admin/wipe");
    row("enabled: prefixed PUT", "/pg", true, "PUT", "/pg/api/v1/admin/wipe", K::Handle);
    row("enabled: unprefixed PUT 404", "/pg", true, "PUT", "/api/v1/admin/wipe", K::NotFound);
    row("disabled: prefixed PUT 404", "/pg", false, "PUT", "/pg/api/v1/admin/wipe", K::NotFound);
}

void TestRouter::wipeRouteShouldExistOnlyWithTheAdminApi()
{
    QFETCH(QByteArray, prefix);
    QFETCH(bool, adminApi);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(RouteDecision::Kind, kind);
    QFETCH(QByteArray, detail);

    RouterConfig config{prefix, prefix + "/metrics"};
    config.adminApi = adminApi;
    const RouteDecision decision = route(method, path, {}, config);
    QCOMPARE(decision.kind, kind);
    if (kind == RouteDecision::Kind::Handle)
        QCOMPARE(decision.handler, Handler::Wipe);
    if (kind == RouteDecision::Kind::MethodNotAllowed || kind == RouteDecision::Kind::Options)
        QCOMPARE(decision.allow, detail);
    if (kind == RouteDecision::Kind::Redirect) {
        QCOMPARE(decision.status, 307);
        QCOMPARE(decision.location, detail);
    }
}

void TestRouter::shouldHandPushPathsOnStillEncoded()
{
    const RouterConfig config{"/pg", "/pg/metrics"};
    // %2F separates segments when routing (as upstream), and reaches the grouping-key parser
    // still encoded, so it can decode and split it the same way.
    const RouteDecision decision = route("PUT", "/pg/metrics/job/j4/a%2Fb", {}, config);
    QCOMPARE(decision.kind, RouteDecision::Kind::Handle);
    QCOMPARE(decision.groupingPath, QByteArray("/job/j4/a%2Fb"));
    // The query survives a redirect.
    QCOMPARE(route("GET", "/pg//metrics", "a=b", config).location, QByteArray("/pg/metrics?a=b"));
}

void TestRouter::shouldCleanPathsLikeGo_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("cleaned");
    QTest::newRow("clean") << QByteArray("/a/b") << QByteArray("/a/b");
    QTest::newRow("trailing slash kept") << QByteArray("/a/b/") << QByteArray("/a/b/");
    QTest::newRow("double slash") << QByteArray("/a//b") << QByteArray("/a/b");
    QTest::newRow("dot") << QByteArray("/a/./b") << QByteArray("/a/b");
    QTest::newRow("dot dot") << QByteArray("/a/../b") << QByteArray("/b");
    QTest::newRow("above root") << QByteArray("/../a") << QByteArray("/a");
    QTest::newRow("empty") << QByteArray("") << QByteArray("/");
    QTest::newRow("root") << QByteArray("/") << QByteArray("/");
}

void TestRouter::shouldCleanPathsLikeGo()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, cleaned);
    QCOMPARE(cleanPath(path), cleaned);
}

QTEST_APPLESS_MAIN(TestRouter)
#include "tst_router.moc"
