// The gateway over real HTTP: a Gateway on a free loopback port, QNetworkAccessManager and raw
// sockets as clients. Rows follow the reference's answers (behaviour spec sections 1, 2, 9).

#include "store/metricstore.h"
#include "testserver.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace qpgw;
using namespace Qt::StringLiterals;

namespace {

using test::Reply;
using test::ReplyTimeoutMs;
using test::Server;

// Reads from a raw socket until `done` says the data is complete, or the timeout. The server
// runs on this thread, so the wait runs a real event loop (no blocking socket waits, and no
// polling that would slow the server down).
QByteArray readUntil(QTcpSocket &socket, const std::function<bool(const QByteArray &)> &done)
{
    QByteArray data = socket.readAll();
    if (done(data))
        return data;
    QEventLoop loop;
    const QMetaObject::Connection reading = QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        data += socket.readAll();
        if (done(data))
            loop.quit();
    });
    QTimer::singleShot(ReplyTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(reading);
    return data;
}

bool connectRaw(QTcpSocket &socket, quint16 port)
{
    socket.connectToHost(QHostAddress::LocalHost, port);
    return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, ReplyTimeoutMs);
}

} // namespace

class TestHttp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldAnswerLikeTheReference_data();
    void shouldAnswerLikeTheReference();
    void pushedMetricsShouldBeScraped();
    void putAndPostShouldReplaceAsTheReference();
    void scrapeShouldCarryOwnMetrics();
    void headShouldMatchGetWithoutBody();
    void shouldAnswerAcceptedWithoutConsistencyCheck();
    void routePrefixShouldMoveEveryRoute();
    void quitShouldStopTheGatewayWhenEnabled();
    void shouldAnswerExpectContinue();
    void shouldAnswerPipelinedRequestsInOrder();
    void shouldAnswerOneContinueBehindPipelinedRequests();
    void shouldAnswerLongPipelinedBursts();
    void shouldRefuseSizesThatAreNotNumbers();
    void shouldRefuseOversizedBodies_data();
    void shouldRefuseOversizedBodies();
    void shouldSurviveClientHangingUpMidBody();
    void shouldServeConcurrentClients();
    void shouldReportAnAddressInUse();
};

void TestHttp::shouldAnswerLikeTheReference_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("expectedBody"); // exact, or a prefix when it ends in "..."
    QTest::addColumn<QByteArray>("headerName");
    QTest::addColumn<QByteArray>("headerValue");

    auto row = [](const char *name, const QByteArray &method, const QByteArray &path, const QByteArray &body, int status,
                  const QByteArray &expected, const QByteArray &headerName = {}, const QByteArray &headerValue = {},
                  const QByteArray &contentType = {}) {
        QTest::newRow(name) << method << path << body << contentType << status << expected << headerName << headerValue;
    };
    const QByteArray inconsistent = "pushed metrics are invalid or inconsistent with existing metrics: ...";

    row("healthy", "GET", "/-/healthy", {}, 200, "OK");
    row("ready", "GET", "/-/ready", {}, 200, "OK");
    row("push with empty body", "POST", "/metrics/job/testjob", {}, 200, "");
    row("push with labels", "PUT", "/metrics/job/testjob/instance/testinstance", "some_metric 3.14\n", 200, "");
    row("delete", "DELETE", "/metrics/job/testjob", {}, 202, "");
    row("delete of nothing", "DELETE", "/metrics/job/nothing/here/at_all", {}, 202, "");
    row("empty job", "POST", "/metrics/job@base64/=", {}, 400, "job name is required\n", "X-Content-Type-Options", "nosniff");
    row("parse error", "PUT", "/metrics/job/testjob", "blablabla\n", 400,
        "text format parsing error in line 1: expected float as value, got \"\"\n", "Content-Type", "text/plain; charset=utf-8");
    row("no final newline", "PUT", "/metrics/job/j2", "some_metric 3.14", 400,
        "text format parsing error in line 1: unexpected end of input stream\n");
    row("improper label name", "PUT", "/metrics/job/j4/a=b/c", {}, 400, "improper label name \"a=b\"\n");
    row("reserved label name", "PUT", "/metrics/job/j4/__a/c", {}, 400, "improper label name \"__a\"\n");
    row("odd components", "PUT", "/metrics/job/j/a/b/c", {}, 400, "odd number of components in label string \"/a/b/c\"\n");
    row("bad base64 job", "PUT", "/metrics/job@base64/foo.bar", {}, 400,
        "invalid base64 encoding in job name \"\": illegal base64 data at input byte 3\n");
    row("bad base64 label", "PUT", "/metrics/job/j5/a@base64/foo.bar", {}, 400,
        "invalid base64 encoding for label a=\"foo.bar\": illegal base64 data at input byte 3\n");
    row("invalid UTF-8 value", "PUT", "/metrics/job/bad/a/%FF", "y 1\n", 400, "invalid UTF-8 in grouping label...");
    row("duplicate series", "PUT", "/metrics/job/dup", "a 1\na 2\n", 400, inconsistent);
    row("timestamp", "PUT", "/metrics/job/ts", "a 1 1000\n", 400,
        "pushed metrics are invalid or inconsistent with existing metrics: pushed metrics must not have timestamps\n");
    row("truncated protobuf", "PUT", "/metrics/job/pb", "x", 400, "protobuf parsing error in message 1...", {}, {},
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
    row("protobuf selected only with both parameters", "PUT", "/metrics/job/pb", "x", 400,
        "text format parsing error in line 1: unexpected end of input stream\n", {}, {},
        "application/vnd.google.protobuf; encoding=delimited");
    row("GET on push route", "GET", "/metrics/job/x", {}, 405, "Method Not Allowed\n", "Allow", "DELETE, OPTIONS, POST, PUT");
    row("PUT on metrics", "PUT", "/metrics", {}, 405, "Method Not Allowed\n", "Allow", "GET, HEAD, OPTIONS");
    row("OPTIONS", "OPTIONS", "/metrics", {}, 200, "", "Allow", "GET, HEAD, OPTIONS");
    row("trailing slash after job", "PUT", "/metrics/job/", {}, 307, "", "Location", "/metrics/job");
    row("double slash", "PUT", "/metrics/job//a/b", {}, 301, "", "Location", "/metrics/job/a/b");
    row("unknown path", "GET", "/nothing", {}, 404, "404 page not found\n");
    row("GET quit", "GET", "/-/quit", {}, 405, "Only POST or PUT requests allowed.");
    row("quit without lifecycle", "PUT", "/-/quit", {}, 403, "Lifecycle API is not enabled.");
    row("percent-encoded slash splits", "PUT", "/metrics/job/j4/a%2Fb", "x 1\n", 200, "");
}

void TestHttp::shouldAnswerLikeTheReference()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QByteArray, expectedBody);
    QFETCH(QByteArray, headerName);
    QFETCH(QByteArray, headerValue);

    Server server;
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    const Reply reply = server.send(method, path, body, headers);
    QCOMPARE(reply.status, status);
    if (expectedBody.endsWith("..."))
        QVERIFY2(reply.body.startsWith(expectedBody.chopped(3)), reply.body.constData());
    else
        QCOMPARE(reply.body, expectedBody);
    if (!headerName.isEmpty())
        QCOMPARE(reply.header(headerName), headerValue);
    // RFC 9110 6.6.1: an origin server with a clock sends Date, in the one fixed format.
    static const QRegularExpression imfFixdate(
        u"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d\\d:\\d\\d:\\d\\d GMT$"_s);
    QVERIFY2(imfFixdate.match(QString::fromLatin1(reply.header("Date"))).hasMatch(), reply.header("Date").constData());
}

void TestHttp::pushedMetricsShouldBeScraped()
{
    // H2.d and H2.f: grouping labels win over body labels.
    Server server;
    QCOMPARE(server.send("PUT", "/metrics/job/testjob/instance/testinstance",
                         "some_metric 3.14\nanother_metric{instance=\"testinstance\",job=\"testjob\"} 42\n").status, 200);
    QCOMPARE(server.send("POST", "/metrics/job@base64/dGVzdC9qb2I=/instance@base64/dGVzdGluc3RhbmNl",
                         "base64_metric{job=\"testjob\"} 1\n").status, 200);
    const QByteArray text = server.scrape();
    QVERIFY(text.contains("# TYPE some_metric untyped\nsome_metric{instance=\"testinstance\",job=\"testjob\"} 3.14\n"));
    QVERIFY(text.contains("another_metric{instance=\"testinstance\",job=\"testjob\"} 42\n"));
    QVERIFY(text.contains("base64_metric{instance=\"testinstance\",job=\"test/job\"} 1\n"));
    QVERIFY(text.contains("push_time_seconds{instance=\"testinstance\",job=\"testjob\"} "));
    QVERIFY(text.contains("push_failure_time_seconds{instance=\"testinstance\",job=\"testjob\"} 0\n"));
    // X3: %2F in a plain segment separates; base64 is the way to put '/' in a value.
    QCOMPARE(server.send("PUT", "/metrics/job/j4/a%2Fb", "x 1\n").status, 200);
    QVERIFY(server.scrape().contains("x{a=\"b\",instance=\"\",job=\"j4\"} 1\n"));
}

void TestHttp::putAndPostShouldReplaceAsTheReference()
{
    // X9.
    Server server;
    const QByteArray path = "/metrics/job/x9";
    QCOMPARE(server.send("PUT", path, "a 1\nb 2\n").status, 200);
    QCOMPARE(server.send("POST", path, "a 3\n").status, 200);
    QByteArray text = server.scrape();
    QVERIFY(text.contains("a{instance=\"\",job=\"x9\"} 3\n"));
    QVERIFY(text.contains("b{instance=\"\",job=\"x9\"} 2\n"));
    QCOMPARE(server.send("PUT", path, "a 4\n").status, 200);
    text = server.scrape();
    QVERIFY(text.contains("a{instance=\"\",job=\"x9\"} 4\n"));
    QVERIFY(!text.contains("b{instance"));
    QCOMPARE(server.send("PUT", path, {}).status, 200);
    QVERIFY(!server.scrape().contains("a{instance"));
    QCOMPARE(server.send("DELETE", path).status, 202);
    QVERIFY(!server.scrape().contains("job=\"x9\""));
}

void TestHttp::scrapeShouldCarryOwnMetrics()
{
    Server server;
    QCOMPARE(server.send("PUT", "/metrics/job/own", "m 1\n").status, 200);
    QCOMPARE(server.send("PUT", "/metrics/job/own", "m 1 5\n").status, 400);
    const Reply reply = server.send("GET", "/metrics");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8; escaping=underscores"));
    const QByteArray &text = reply.body;
    QVERIFY(text.contains("# TYPE pushgateway_build_info gauge\npushgateway_build_info{branch="));
    QVERIFY(text.contains("pushgateway_http_requests_total{code=\"200\",handler=\"push\",method=\"put\"} 1\n"));
    QVERIFY(text.contains("pushgateway_http_requests_total{code=\"400\",handler=\"push\",method=\"put\"} 1\n"));
    QVERIFY(text.contains("pushgateway_http_push_duration_seconds_count{method=\"put\"} 2\n"));
    QVERIFY(text.contains("# TYPE pushgateway_http_push_size_bytes summary\n"));
    QVERIFY(text.contains("process_open_fds "));
    QVERIFY(text.contains("process_resident_memory_bytes "));
    // Families are in name order: push_* before pushgateway_* ('_' < 'g').
    QVERIFY(text.indexOf("# TYPE push_time_seconds") < text.indexOf("# TYPE pushgateway_build_info"));
    // allow-utf-8 is honoured in the Content-Type.
    const Reply utf8 = server.send("GET", "/metrics", {}, {{"Accept", "text/plain;version=0.0.4;escaping=allow-utf-8"}});
    QCOMPARE(utf8.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8"));
}

void TestHttp::headShouldMatchGetWithoutBody()
{
    Server server;
    QCOMPARE(server.send("PUT", "/metrics/job/head", "m 1\n").status, 200);
    const Reply get = server.send("GET", "/-/healthy");
    const Reply head = server.send("HEAD", "/-/healthy");
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(head.header("Content-Length"), QByteArray::number(get.body.size()));
    QCOMPARE(server.send("HEAD", "/metrics").status, 200);
}

void TestHttp::shouldAnswerAcceptedWithoutConsistencyCheck()
{
    GatewayConfig config;
    config.disableConsistencyCheck = true;
    Server server(config);
    QCOMPARE(server.send("PUT", "/metrics/job/x20", "a 1\n").status, 202);
    // X20: a rejected push still answers 202; the failure shows in the failure gauge.
    QCOMPARE(server.send("PUT", "/metrics/job/x20", "a 1 1000\n").status, 202);
    const QByteArray text = server.scrape();
    QVERIFY(text.contains("a{instance=\"\",job=\"x20\"} 1\n"));
    QVERIFY(!text.contains("push_failure_time_seconds{instance=\"\",job=\"x20\"} 0\n"));
    // Parse errors still answer 400 at once.
    QCOMPARE(server.send("PUT", "/metrics/job/x20", "blablabla\n").status, 400);
}

void TestHttp::routePrefixShouldMoveEveryRoute()
{
    // X19.
    GatewayConfig config;
    config.routePrefixFlag = u"/pg"_s;
    Server server(config);
    QCOMPARE(server.send("GET", "/pg/metrics").status, 200);
    QCOMPARE(server.send("GET", "/metrics").status, 404);
    QCOMPARE(server.send("PUT", "/pg/metrics/job/p", "x 1\n").status, 200);
    const Reply prefixedQuit = server.send("GET", "/pg/-/quit");
    QCOMPARE(prefixedQuit.status, 405);
    QCOMPARE(prefixedQuit.header("Allow"), QByteArray("OPTIONS, POST, PUT"));
    QCOMPARE(server.send("GET", "/-/quit").body, QByteArray("Only POST or PUT requests allowed."));
}

void TestHttp::quitShouldStopTheGatewayWhenEnabled()
{
    GatewayConfig config;
    config.enableLifecycle = true;
    Server server(config);
    QSignalSpy quit(server.gateway.get(), &Gateway::quitRequested);
    QSignalSpy stopped(server.gateway.get(), &Gateway::stopped);
    connect(server.gateway.get(), &Gateway::quitRequested, server.gateway.get(), &Gateway::stop);
    const Reply reply = server.send("POST", "/-/quit");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("Requesting termination... Goodbye!"));
    QVERIFY(stopped.wait(ReplyTimeoutMs));
    QCOMPARE(quit.count(), 1);
    // No longer listening.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port);
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, ReplyTimeoutMs));
}

void TestHttp::shouldAnswerExpectContinue()
{
    // QtHttpServer 6.4 alone never answers; curl then waits a second before sending the body.
    Server server;
    QTcpSocket socket;
    QVERIFY(connectRaw(socket, server.port));
    const QByteArray body = "expect_metric 1\n";
    socket.write("PUT /metrics/job/expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
                 + QByteArray::number(body.size()) + "\r\n\r\n");
    const QByteArray interim = readUntil(socket, [](const QByteArray &data) { return data.contains("\r\n\r\n"); });
    QVERIFY2(interim.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), interim.constData());
    socket.write(body);
    const QByteArray final = readUntil(socket, [](const QByteArray &data) { return data.contains("\r\n\r\n"); });
    QVERIFY2(final.startsWith("HTTP/1.1 200"), final.constData());
    QVERIFY(server.scrape().contains("expect_metric{instance=\"\",job=\"expect\"} 1\n"));
}

void TestHttp::shouldAnswerPipelinedRequestsInOrder()
{
    Server server;
    QTcpSocket socket;
    QVERIFY(connectRaw(socket, server.port));
    const QByteArray body = "p 1\n";
    socket.write("PUT /metrics/job/pipe HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n" + body
                 + "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"
                 + "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    const QByteArray responses = readUntil(socket, [](const QByteArray &data) { return data.count("HTTP/1.1 ") >= 3 && data.endsWith("404 page not found\n"); });
    const qsizetype first = responses.indexOf("HTTP/1.1 200");
    const qsizetype second = responses.indexOf("HTTP/1.1 200", first + 1);
    const qsizetype third = responses.indexOf("HTTP/1.1 404");
    QVERIFY2(first == 0 && second > first && third > second, responses.constData());
    QVERIFY(responses.contains("\r\n\r\nOK"));
}

void TestHttp::shouldAnswerOneContinueBehindPipelinedRequests()
{
    Server server;
    QTcpSocket socket;
    QVERIFY(connectRaw(socket, server.port));
    const QByteArray get = "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n";
    socket.write(get + get + get + "PUT /metrics/job/pipe HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    const QByteArray before = readUntil(socket, [](const QByteArray &data) { return data.contains("100 Continue\r\n\r\n"); });
    QCOMPARE(before.count("HTTP/1.1 200"), 3); // the three answers come before the 100
    socket.write("p 1\n");
    const QByteArray after = readUntil(socket, [](const QByteArray &data) { return data.contains("HTTP/1.1 200"); });
    QCOMPARE(QByteArray(before + after).count("100 Continue"), 1);
}

void TestHttp::shouldAnswerLongPipelinedBursts()
{
    // Each byte is looked at once ahead of QtHttpServer, however QtHttpServer splits its
    // reading of a burst: every request is answered.
    Server server;
    QTcpSocket socket;
    QVERIFY(connectRaw(socket, server.port));
    const int requests = 2000;
    QByteArray burst;
    for (int i = 0; i < requests; ++i)
        burst += "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n";
    socket.write(burst);
    const QByteArray answers = readUntil(socket, [](const QByteArray &data) { return data.count("\r\n\r\nOK") >= requests; });
    QCOMPARE(int(answers.count("\r\n\r\nOK")), requests);
}

void TestHttp::shouldRefuseSizesThatAreNotNumbers()
{
    Server server;
    QTcpSocket socket;
    QVERIFY(connectRaw(socket, server.port));
    socket.write("PUT /metrics/job/huge HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\nabc");
    const QByteArray response = readUntil(socket, [](const QByteArray &data) { return data.endsWith("chunk size\n"); });
    QVERIFY2(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), response.constData());
    QCOMPARE(server.send("GET", "/-/healthy").status, 200);
}

void TestHttp::shouldRefuseOversizedBodies_data()
{
    QTest::addColumn<QByteArray>("request");
    const QByteArray big(4096, '#');
    QTest::newRow("announced") << "PUT /metrics/job/big HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + big;
    QTest::newRow("announced, waiting for 100") << QByteArray("PUT /metrics/job/big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4096\r\n\r\n");
    QTest::newRow("chunked") << "PUT /metrics/job/big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + big + "\r\n0\r\n\r\n";
}

void TestHttp::shouldRefuseOversizedBodies()
{
    QFETCH(QByteArray, request);
    GatewayConfig config;
    config.maxBodyBytes = 1024;
    Server server(config);
    QTcpSocket socket;
    QVERIFY(connectRaw(socket, server.port));
    socket.write(request);
    const QByteArray response = readUntil(socket, [](const QByteArray &data) { return data.contains("(--push.max-body-size)\n"); });
    QVERIFY2(response.startsWith("HTTP/1.1 413 Payload Too Large\r\nDate: "), response.constData());
    QVERIFY(response.contains("request body too large: the limit is 1024 bytes"));
    // Nothing was stored, and the gateway serves others.
    QVERIFY(!server.scrape().contains("job=\"big\""));
    QCOMPARE(server.send("PUT", "/metrics/job/small", "s 1\n").status, 200);
}

void TestHttp::shouldSurviveClientHangingUpMidBody()
{
    Server server;
    {
        QTcpSocket socket;
        QVERIFY(connectRaw(socket, server.port));
        socket.write("PUT /metrics/job/hangup HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nhalf_a_metric 1\n");
        QVERIFY(QTest::qWaitFor([&] { return socket.bytesToWrite() == 0; }, ReplyTimeoutMs));
        QTest::qWait(50); // let the server read the partial request before the hang-up
        socket.abort();
    }
    QCOMPARE(server.send("GET", "/-/healthy").status, 200);
    QCOMPARE(server.send("PUT", "/metrics/job/after", "a 1\n").status, 200);
    QVERIFY(!server.scrape().contains("hangup"));
}

void TestHttp::shouldServeConcurrentClients()
{
    Server server;
    QList<QNetworkReply *> replies;
    QNetworkAccessManager managers[4];
    for (int i = 0; i < 64; ++i) {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/metrics/job/concurrent/instance/%2"_s.arg(server.port).arg(i)));
        replies.append(managers[i % 4].put(request, "c " + QByteArray::number(i) + "\n"));
    }
    QEventLoop loop;
    int finished = 0;
    for (QNetworkReply *reply : replies) {
        connect(reply, &QNetworkReply::finished, &loop, [&] {
            if (++finished == replies.size())
                loop.quit();
        });
    }
    QTimer::singleShot(ReplyTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QCOMPARE(finished, replies.size());
    for (QNetworkReply *reply : replies) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
    }
    QCOMPARE(server.gateway->store().groupCount(), 64);
}

void TestHttp::shouldReportAnAddressInUse()
{
    Server first;
    GatewayConfig config;
    config.listenAddresses = {u"127.0.0.1:%1"_s.arg(first.port)};
    config.logLevel = LogLevel::Error;
    Gateway second(config);
    const std::optional<QString> error = second.start();
    QVERIFY(error);
    QVERIFY2(error->startsWith(u"listen tcp 127.0.0.1:%1: "_s.arg(first.port)), qPrintable(*error));
    QVERIFY(second.listeningAddresses().isEmpty());
}

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
