// Gateway::listenOn(): the gateway moves to other listen addresses while it runs (the desktop
// console's settings), all or none, keeping its store; the port may stay the same; on failure it
// listens where it did again; connections open on the old address are closed once answered. And withResolvedHost(), which looks host names up beforehand.

#include "gateway/listenaddress.h"
#include "testserver.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace qpgw;
using namespace qpgw::test;
using namespace Qt::StringLiterals;

class TestHttpListen : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldMoveToANewPortWithItsStore();
    void shouldKeepThePortOnAnotherInterface();
    void shouldListenAgainWhereItWasWhenOneAddressFails();
    void shouldCloseConnectionsOfTheOldAddressOnceAnswered();
    void shouldRefuseWhileStopping();
    void resolvedHostShouldBeAnAddress_data();
    void resolvedHostShouldBeAnAddress();
};

void TestHttpListen::shouldMoveToANewPortWithItsStore()
{
    Server server;
    QCOMPARE(server.send("PUT", "/metrics/job/kept", "some_metric 1\n").status, 200);
    const quint16 oldPort = server.port;
    const quint16 newPort = freePort();
    QSignalSpy moved(server.gateway.get(), &Gateway::listeningAddressesChanged);

    QCOMPARE(server.gateway->listenOn({u"127.0.0.1:%1"_s.arg(newPort)}), std::nullopt);
    QCOMPARE(server.gateway->listeningAddresses(), QStringList{u"127.0.0.1:%1"_s.arg(newPort)});
    QCOMPARE(moved.size(), 1);
    QCOMPARE(server.gateway->config().listenAddresses, QStringList{u"127.0.0.1:%1"_s.arg(newPort)});
    server.port = newPort;
    QVERIFY(server.scrape().contains("some_metric{instance=\"\",job=\"kept\"} 1"));
    QVERIFY(refusesConnections(oldPort));
}

void TestHttpListen::shouldKeepThePortOnAnotherInterface()
{
    Server server;
    const quint16 port = server.port;
    // 127.0.0.1:P -> every interface on P: only possible with the old socket closed first.
    QCOMPARE(server.gateway->listenOn({u":%1"_s.arg(port)}), std::nullopt);
    QCOMPARE(server.gateway->listeningAddresses(), QStringList{u"[::]:%1"_s.arg(port)});
    QCOMPARE(server.send("GET", "/-/healthy").status, 200);
    // And back.
    QCOMPARE(server.gateway->listenOn({u"127.0.0.1:%1"_s.arg(port)}), std::nullopt);
    QCOMPARE(server.send("GET", "/-/healthy").status, 200);
}

void TestHttpListen::shouldListenAgainWhereItWasWhenOneAddressFails()
{
    Server server;
    const QStringList before = server.gateway->listeningAddresses();
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    QSignalSpy moved(server.gateway.get(), &Gateway::listeningAddressesChanged);

    // The first address could be bound (it is the gateway's own port), the second cannot.
    const std::optional<QString> error = server.gateway->listenOn(
        {u"127.0.0.1:%1"_s.arg(server.port), u"127.0.0.1:%1"_s.arg(taken.serverPort())});
    QVERIFY(error);
    QVERIFY2(error->startsWith(u"listen tcp 127.0.0.1:%1: "_s.arg(taken.serverPort())), qPrintable(*error));
    QCOMPARE(moved.size(), 0);
    QCOMPARE(server.gateway->listeningAddresses(), before);
    QCOMPARE(server.send("GET", "/-/healthy").status, 200);

    const std::optional<QString> malformed = server.gateway->listenOn({u"no-port"_s});
    QCOMPARE(malformed, u"listen tcp no-port: missing port in address"_s);
    QCOMPARE(server.send("GET", "/-/healthy").status, 200);
}

void TestHttpListen::shouldCloseConnectionsOfTheOldAddressOnceAnswered()
{
    Server server;
    // A keep-alive connection on the old address, answered before the move.
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port);
    QVERIFY(client.waitForConnected(5000));
    client.write("PUT /metrics/job/early HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\nsome_metric 1\n");
    QByteArray answer;
    QTRY_VERIFY((answer += client.readAll()).contains("\r\n\r\n"));
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());

    // Moved: the old address takes no new connection, and the open one, owed nothing, is closed
    // (the same drain as a graceful stop, which lets owed answers out first).
    const quint16 newPort = freePort();
    QCOMPARE(server.gateway->listenOn({u"127.0.0.1:%1"_s.arg(newPort)}), std::nullopt);
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    server.port = newPort;
    QVERIFY(server.scrape().contains("some_metric{instance=\"\",job=\"early\"} 1"));
}

void TestHttpListen::shouldRefuseWhileStopping()
{
    Server server;
    server.gateway->stop();
    QCOMPARE(server.gateway->listenOn({u"127.0.0.1:%1"_s.arg(freePort())}), u"the gateway is stopping"_s);
    QSignalSpy stopped(server.gateway.get(), &Gateway::stopped);
    QVERIFY(stopped.wait(10000));
}

void TestHttpListen::resolvedHostShouldBeAnAddress_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("expected");
    QTest::newRow("every interface stays") << u":9091"_s << u":9091"_s;
    QTest::newRow("ipv4 stays") << u"127.0.0.1:9091"_s << u"127.0.0.1:9091"_s;
    QTest::newRow("ipv6 stays") << u"[::1]:9091"_s << u"[::1]:9091"_s;
    QTest::newRow("localhost resolved") << u"localhost:9091"_s << QString();
}

void TestHttpListen::resolvedHostShouldBeAnAddress()
{
    QFETCH(QString, given);
    QFETCH(QString, expected);
    QString error;
    const std::optional<QString> resolved = withResolvedHost(given, &error);
    QVERIFY2(resolved, qPrintable(error));
    if (!expected.isEmpty()) {
        QCOMPARE(*resolved, expected);
        return;
    }
    QVERIFY2(*resolved == u"127.0.0.1:9091"_s || *resolved == u"[::1]:9091"_s, qPrintable(*resolved));
}

QTEST_MAIN(TestHttpListen)
#include "tst_http_listen.moc"
