// --persistence.file over real HTTP: a change is answered only once its journal record is on
// the disk, a restart restores what was answered, and an unreadable file stops the start unless
// the operator asks to move it aside.

#include "store/persistence/recovery.h"
#include "testserver.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>

using namespace qpgw;
using namespace qpgw::test;
using namespace Qt::StringLiterals;

namespace {

GatewayConfig persistentConfig(const QString &file, GatewayConfig::PersistenceSync sync = GatewayConfig::PersistenceSync::Always)
{
    GatewayConfig config;
    config.persistenceFile = file;
    config.persistenceSync = sync;
    return config;
}

} // namespace

class TestHttpPersistence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answeredChangesShouldBeInTheJournal_data();
    void answeredChangesShouldBeInTheJournal();
    void restartShouldRestoreWhatWasAnswered();
    void unreadableFileShouldStopTheStart();
    void unreadableFileCanBeMovedAside();
    void heldAnswersShouldKeepTheirOrder();
};

void TestHttpPersistence::answeredChangesShouldBeInTheJournal_data()
{
    QTest::addColumn<GatewayConfig::PersistenceSync>("sync");
    QTest::newRow("sync=always") << GatewayConfig::PersistenceSync::Always;
    QTest::newRow("sync=interval") << GatewayConfig::PersistenceSync::Interval;
}

void TestHttpPersistence::answeredChangesShouldBeInTheJournal()
{
    QFETCH(GatewayConfig::PersistenceSync, sync);
    QTemporaryDir dir;
    const QString file = dir.filePath(u"metrics.db"_s);
    Server server(persistentConfig(file, sync));
    for (int i = 0; i < 20; ++i) {
        const QByteArray job = "j" + QByteArray::number(i);
        QCOMPARE(server.send("PUT", "/metrics/job/" + job, "x " + QByteArray::number(i) + "\n").status, 200);
        // The answer has arrived: the files already hold the change (what a kill -9 leaves).
        const Expected<RecoveredState> onDisk = recoverState(file);
        QVERIFY2(onDisk, onDisk ? "" : qPrintable(onDisk.error().message));
        QCOMPARE(onDisk->groups.size(), i + 1);
    }
    QCOMPARE(server.send("DELETE", "/metrics/job/j3").status, 202);
    QCOMPARE(recoverState(file)->groups.size(), 19);
    // A rejected push that recorded its failure time is journaled too.
    QCOMPARE(server.send("PUT", "/metrics/job/j4", "x 1 1000\n").status, 400);
    const Expected<RecoveredState> after = recoverState(file);
    bool failureRecorded = false;
    for (const Group &group : after->groups)
        failureRecorded = failureRecorded || (group.key.toDisplayString().contains(u"\"j4\""_s) && group.pushFailureTimeSeconds() > 0);
    QVERIFY(failureRecorded);
}

void TestHttpPersistence::restartShouldRestoreWhatWasAnswered()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"metrics.db"_s);
    QByteArrayList before;
    {
        Server server(persistentConfig(file));
        QCOMPARE(server.send("PUT", "/metrics/job/a/instance/i1", "# TYPE x counter\nx{l=\"1\"} 5\n").status, 200);
        QCOMPARE(server.send("POST", "/metrics/job/b", "y 2\nz 3\n").status, 200);
        QCOMPARE(server.send("PUT", "/metrics/job/c", "gone 1\n").status, 200);
        QCOMPARE(server.send("DELETE", "/metrics/job/c").status, 202);
        QCOMPARE(server.send("PUT", "/metrics/job/b", "y 1 1000\n").status, 400); // failure time
        before = storedLines(server.scrape());
        QVERIFY(before.size() > 6);
        server.gateway->stop(); // graceful: a final snapshot
        QSignalSpy stopped(server.gateway.get(), &Gateway::stopped);
        QVERIFY(stopped.wait(10000));
    }
    QVERIFY(QFile::exists(file));
    QVERIFY2(QDir(dir.path()).entryList({u"metrics.db.journal.*"_s}).isEmpty(), "a graceful stop leaves the snapshot alone");
    Server restarted(persistentConfig(file));
    // Equal, push times included.
    QCOMPARE(storedLines(restarted.scrape()), before);
}

void TestHttpPersistence::unreadableFileShouldStopTheStart()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"metrics.db"_s);
    QFile damaged(file);
    QVERIFY(damaged.open(QIODevice::WriteOnly));
    damaged.write("QPGWSNAP but then nothing that makes sense");
    damaged.close();

    GatewayConfig config = persistentConfig(file);
    config.listenAddresses = {u"127.0.0.1:0"_s};
    config.logLevel = LogLevel::Error;
    Gateway gateway(config);
    const std::optional<QString> error = gateway.start();
    QVERIFY(error);
    QVERIFY2(error->contains(file), qPrintable(*error));
    QVERIFY2(error->contains(u"--persistence.move-aside-corrupt"_s), qPrintable(*error));
    QVERIFY(gateway.listeningAddresses().isEmpty());
    // Untouched: the operator can inspect it.
    QFile check(file);
    QVERIFY(check.open(QIODevice::ReadOnly));
    QCOMPARE(check.readAll(), "QPGWSNAP but then nothing that makes sense"_ba);
}

void TestHttpPersistence::unreadableFileCanBeMovedAside()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"metrics.db"_s);
    QFile damaged(file);
    QVERIFY(damaged.open(QIODevice::WriteOnly));
    damaged.write("not a snapshot");
    damaged.close();

    GatewayConfig config = persistentConfig(file);
    config.persistenceMoveAsideCorrupt = true;
    Server server(config);
    QCOMPARE(storedLines(server.scrape()), QByteArrayList());
    const QStringList aside = QDir(dir.path()).entryList({u"metrics.db.corrupt-*"_s});
    QCOMPARE(aside.size(), 1);
    QFile moved(dir.filePath(aside.constFirst()));
    QVERIFY(moved.open(QIODevice::ReadOnly));
    QCOMPARE(moved.readAll(), "not a snapshot"_ba);
    QCOMPARE(server.send("PUT", "/metrics/job/new", "x 1\n").status, 200);
}

void TestHttpPersistence::heldAnswersShouldKeepTheirOrder()
{
    // Pipelined on one connection: pushes (held for the journal), deletes and a health check
    // that needs no disk. The answers must come back in request order all the same.
    QTemporaryDir dir;
    Server server(persistentConfig(dir.filePath(u"metrics.db"_s)));
    QByteArray requests;
    QByteArrayList expected;
    for (int i = 0; i < 60; ++i) {
        const QByteArray body = "x " + QByteArray::number(i) + "\n";
        if (i % 3 == 2) {
            requests += "GET /-/healthy HTTP/1.1\r\nHost: t\r\n\r\n";
            expected.append("HTTP/1.1 200");
        } else if (i % 3 == 1) {
            requests += "DELETE /metrics/job/j" + QByteArray::number(i - 1) + " HTTP/1.1\r\nHost: t\r\n\r\n";
            expected.append("HTTP/1.1 202");
        } else {
            requests += "PUT /metrics/job/j" + QByteArray::number(i) + " HTTP/1.1\r\nHost: t\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body;
            expected.append("HTTP/1.1 200");
        }
    }
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port);
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, ReplyTimeoutMs));
    socket.write(requests);
    QByteArray received;
    QEventLoop loop;
    connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        received += socket.readAll();
        if (received.count("HTTP/1.1 ") >= expected.size())
            loop.quit();
    });
    QTimer::singleShot(ReplyTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QByteArrayList statuses;
    for (qsizetype at = received.indexOf("HTTP/1.1 "); at >= 0; at = received.indexOf("HTTP/1.1 ", at + 1))
        statuses.append(received.mid(at, 12));
    QCOMPARE(statuses, expected);
    // Health answers carry "OK"; they sit where the health checks were asked.
    QCOMPARE(received.count("\r\n\r\nOK"), 20);
}

QTEST_GUILESS_MAIN(TestHttpPersistence)
#include "tst_http_persistence.moc"
