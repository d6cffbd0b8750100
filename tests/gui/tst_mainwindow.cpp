// MainWindow and ConsoleController: a real gateway on its own thread behind the console. Pushes
// over HTTP appear in the tree and the viewer; deletes and wipes go through a confirmation and
// the store, and leave the tree and /metrics because the store said so; a rejected push shows
// its reason in the push log; the filter hides other jobs. The qpushgateway binary runs
// headless (asked to, or for want of a display) and stops on SIGTERM.

#include "../http/testserver.h"
#include "consolecontroller.h"
#include "consoletray.h"
#include "failurenotifier.h"
#include "scrapeconfigdialog.h"
#include "settingsdialog.h"
#include "groupfilterproxymodel.h"
#include "grouptreemodel.h"
#include "familytablemodel.h"
#include "mainwindow.h"
#include "metricviewer.h"
#include "pushlogmodel.h"
#include "pushlogview.h"
#include "store/group.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QGuiApplication>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTest>
#include <QTableView>
#include <QTcpServer>
#include <QToolBar>
#include <QToolButton>
#include <QTemporaryDir>
#include <QTreeView>

#include <memory>

using namespace qpgw;
using namespace qpgw::gui;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr auto Reporting = QAbstractItemModelTester::FailureReportingMode::QtTest;
constexpr int ReplyTimeoutMs = 10000;

struct Reply
{
    int status = 0;
    QByteArray body;
};

// The console over a gateway on a free loopback port, its models checked throughout.
struct Console
{
    ConsoleController controller;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<QAbstractItemModelTester> treeTester;
    std::unique_ptr<QAbstractItemModelTester> filterTester;
    std::unique_ptr<QAbstractItemModelTester> logTester;
    QNetworkAccessManager manager;
    quint16 port = 0;

    static GatewayConfig config()
    {
        GatewayConfig config;
        config.listenAddresses = {u"127.0.0.1:0"_s};
        config.logLevel = LogLevel::Error;
        return config;
    }

    explicit Console(const GatewayConfig &gatewayConfig = config())
        : controller(gatewayConfig)
    {
        if (const std::optional<QString> error = controller.start())
            qFatal("gateway did not start: %s", qPrintable(*error));
        port = quint16(controller.listeningAddresses().constFirst().section(u':', -1).toUInt());
        window = std::make_unique<MainWindow>(controller);
        window->treeModel()->setCoalescingInterval(5ms);
        window->pushLogModel()->setCoalescingInterval(5ms);
        treeTester = std::make_unique<QAbstractItemModelTester>(window->treeModel(), Reporting);
        filterTester = std::make_unique<QAbstractItemModelTester>(window->filterModel(), Reporting);
        logTester = std::make_unique<QAbstractItemModelTester>(window->pushLogModel(), Reporting);
        window->show();
    }

    ~Console()
    {
        treeTester.reset();
        filterTester.reset();
        logTester.reset();
        window.reset(); // before the controller ends the gateway it shows
    }

    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1"_s.arg(port) + path));
        QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(ReplyTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        Reply result;
        if (reply->isFinished()) {
            result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            result.body = reply->readAll();
        }
        reply->deleteLater();
        return result;
    }

    int push(const QString &path, const QByteArray &body) { return send("PUT", u"/metrics"_s + path, body).status; }
    QByteArray scrape() { return send("GET", u"/metrics"_s).body; }

    GroupTreeModel &tree() const { return *window->treeModel(); }

    // The key of job `job`'s group number `row` in the tree, or an empty key.
    GroupingKey keyOf(const QString &job, int row = 0) const
    {
        const QModelIndex jobIndex = tree().indexOfJob(job);
        return tree().index(row, 0, jobIndex).data(GroupTreeModel::KeyRole).value<GroupingKey>();
    }

    int groupsOf(const QString &job) const { return tree().rowCount(tree().indexOfJob(job)); }

    // The window active and the group tree focused, as a user at the keyboard has it.
    bool focusTree()
    {
        window->activateWindow();
        if (!QTest::qWaitForWindowActive(window.get()))
            return false;
        window->treeView()->setFocus();
        return true;
    }

    // Clicks the pending confirmation's accepting (or cancelling) button.
    bool answerConfirmation(bool accept)
    {
        QMessageBox *box = window->pendingConfirmation();
        if (!box || !box->isVisible())
            return false;
        for (QAbstractButton *button : box->buttons()) {
            const bool destructive = box->buttonRole(button) == QMessageBox::DestructiveRole;
            if (destructive == accept) {
                button->click();
                return true;
            }
        }
        return false;
    }
};

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void shouldShowAPushedGroupAndItsFamilies();
    void shouldDeleteTheSelectedGroupOnlyOnceConfirmed();
    void shouldAskOnTheDeleteKey();
    void shouldFocusTheFilterOnCtrlF();
    void shouldDeleteAllGroupsOfAJob();
    void shouldWipeEverything();
    void shouldLogARejectedPushWithItsReason();
    void filterShouldHideOtherJobs();
    void shouldCopyACurlCommandThatPushes();
    void curlCommandShouldNameAReachableHost();
    void shouldRememberSplitterState();
    void shouldMoveToANewListenAddress();
    void shouldReportAnAddressItCannotListenOnAndKeepServing();
    void shouldMoveToAnotherInterfaceOnTheSamePort();
    void shouldLookUpHostNamesAndReportUnknownOnes();
    void shouldSwitchTheAdminAndLifecycleApis();
    void shouldApplyAndSaveTheStaleAge();
    void trayShouldKeepTheGatewayRunningWhenTheWindowCloses();
    void trayShouldNotifyWhenPushesStartFailing();
    void shouldShowWhenThePersistenceFileWasLastSaved();
    void shouldBeUsableFromTheKeyboard();
    void shouldOfferTheScrapeConfig();
    void binaryShouldRunHeadlessAndStopOnSigterm_data();
    void binaryShouldRunHeadlessAndStopOnSigterm();
};

void TestMainWindow::cleanup()
{
    QSettings().clear();
}

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"qpgw-tests"_s);
    QCoreApplication::setApplicationName(u"tst_mainwindow"_s);
    QSettings().clear();
}

void TestMainWindow::shouldShowAPushedGroupAndItsFamilies()
{
    Console c;
    QCOMPARE(c.push(u"/job/batch/instance/a"_s, "# TYPE some_metric gauge\nsome_metric 3\nother_metric{x=\"1\"} 1\n"), 200);
    QTRY_COMPARE(c.groupsOf(u"batch"_s), 1);
    const GroupingKey key = c.keyOf(u"batch"_s);
    QVERIFY(key.value("instance") && *key.value("instance") == "a");

    QVERIFY(c.window->selectGroup(key));
    QVERIFY(c.window->viewer()->group());
    QCOMPARE(c.window->viewer()->group()->key, key);
    QVERIFY(c.window->viewer()->familyModel()->rowOf("some_metric") >= 0);
    QVERIFY(c.window->viewer()->familyModel()->rowOf("other_metric") >= 0);
    QVERIFY(c.window->deleteGroupAction()->isEnabled());
    QTRY_VERIFY2(c.window->statusText().contains(u"1 group"_s), qPrintable(c.window->statusText()));
    QVERIFY(c.window->statusText().contains(c.controller.listeningAddresses().constFirst()));

    // A new push to the shown group reaches the viewer.
    QCOMPARE(c.push(u"/job/batch/instance/a"_s, "third_metric 1\n"), 200);
    QTRY_VERIFY(c.window->viewer()->familyModel()->rowOf("third_metric") >= 0);
    QCOMPARE(c.window->viewer()->familyModel()->rowOf("some_metric"), -1);
}

void TestMainWindow::shouldDeleteTheSelectedGroupOnlyOnceConfirmed()
{
    Console c;
    QCOMPARE(c.push(u"/job/batch/instance/a"_s, "kept_metric 1\n"), 200);
    QCOMPARE(c.push(u"/job/batch/instance/b"_s, "doomed_metric 2\n"), 200);
    QTRY_COMPARE(c.groupsOf(u"batch"_s), 2);
    const GroupingKey doomed = c.keyOf(u"batch"_s, 1);
    QCOMPARE(*doomed.value("instance"), "b");
    QVERIFY(c.window->selectGroup(doomed));

    // Cancelled: nothing goes.
    c.window->deleteGroupAction()->trigger();
    QVERIFY(c.window->pendingConfirmation());
    QVERIFY(c.window->pendingConfirmation()->text().contains(doomed.toDisplayString()));
    QVERIFY(c.answerConfirmation(false));
    QTest::qWait(50);
    QCOMPARE(c.groupsOf(u"batch"_s), 2);
    QVERIFY(c.scrape().contains("doomed_metric{"));

    // Accepted: the store removes it, then the tree and /metrics lose it.
    c.window->deleteGroupAction()->trigger();
    QVERIFY(c.answerConfirmation(true));
    QTRY_VERIFY(!c.tree().indexOf(doomed).isValid());
    QCOMPARE(c.groupsOf(u"batch"_s), 1);
    const QByteArray metrics = c.scrape();
    QVERIFY(!metrics.contains("doomed_metric"));
    QVERIFY(metrics.contains("kept_metric{"));
    QTRY_VERIFY(!c.window->viewer()->group() || c.window->viewer()->group()->key != doomed);
}

void TestMainWindow::shouldAskOnTheDeleteKey()
{
    Console c;
    QCOMPARE(c.push(u"/job/batch"_s, "some_metric 1\n"), 200);
    QTRY_COMPARE(c.groupsOf(u"batch"_s), 1);
    QVERIFY(c.window->selectGroup(c.keyOf(u"batch"_s)));
    QVERIFY(c.focusTree());
    QTest::keyClick(c.window->treeView(), Qt::Key_Delete);
    QTRY_VERIFY(c.window->pendingConfirmation());
    QVERIFY(c.answerConfirmation(true));
    QTRY_COMPARE(c.tree().rowCount(), 0);
}

void TestMainWindow::shouldFocusTheFilterOnCtrlF()
{
    Console c;
    QCOMPARE(c.push(u"/job/batch"_s, "some_metric 1\n"), 200);
    QTRY_COMPARE(c.groupsOf(u"batch"_s), 1);
    QVERIFY(c.window->selectGroup(c.keyOf(u"batch"_s)));
    QVERIFY(c.focusTree());
    QTest::keySequence(c.window.get(), QKeySequence::Find);
    QTRY_VERIFY(c.window->filterEdit()->hasFocus());

    // There, Delete edits the filter; it does not delete the selected group.
    QTest::keyClicks(c.window->filterEdit(), u"bat"_s);
    QTest::keyClick(c.window->filterEdit(), Qt::Key_Home);
    QTest::keyClick(c.window->filterEdit(), Qt::Key_Delete);
    QCOMPARE(c.window->filterEdit()->text(), u"at"_s);
    QVERIFY(!c.window->pendingConfirmation());
}

void TestMainWindow::shouldDeleteAllGroupsOfAJob()
{
    Console c;
    QCOMPARE(c.push(u"/job/x/instance/a"_s, "x_metric 1\n"), 200);
    QCOMPARE(c.push(u"/job/x/instance/b"_s, "x_metric 2\n"), 200);
    QCOMPARE(c.push(u"/job/y"_s, "y_metric 3\n"), 200);
    QTRY_COMPARE(c.groupsOf(u"x"_s), 2);
    QTRY_COMPARE(c.groupsOf(u"y"_s), 1);

    const QModelIndex job = c.window->filterModel()->mapFromSource(c.tree().indexOfJob(u"x"_s));
    c.window->treeView()->setCurrentIndex(job);
    QVERIFY(!c.window->deleteGroupAction()->isEnabled());
    QVERIFY(c.window->deleteJobAction()->isEnabled());
    c.window->deleteJobAction()->trigger();
    QVERIFY(c.window->pendingConfirmation()->text().contains(u"\"x\""_s));
    QVERIFY(c.window->pendingConfirmation()->text().contains(u"2 group"_s));
    QVERIFY(c.answerConfirmation(true));
    QTRY_VERIFY(!c.tree().indexOfJob(u"x"_s).isValid());
    QCOMPARE(c.groupsOf(u"y"_s), 1);
    const QByteArray metrics = c.scrape();
    QVERIFY(!metrics.contains("x_metric"));
    QVERIFY(metrics.contains("y_metric{"));
}

void TestMainWindow::shouldWipeEverything()
{
    Console c;
    QCOMPARE(c.push(u"/job/x"_s, "x_metric 1\n"), 200);
    QCOMPARE(c.push(u"/job/y"_s, "y_metric 3\n"), 200);
    QTRY_COMPARE(c.tree().rowCount(), 2);
    QTRY_VERIFY(c.window->wipeAction()->isEnabled());
    c.window->wipeAction()->trigger();
    QVERIFY(c.window->pendingConfirmation()->text().contains(u"2 shown"_s));
    QVERIFY(c.answerConfirmation(true));
    QTRY_COMPARE(c.tree().rowCount(), 0);
    const QByteArray metrics = c.scrape();
    QVERIFY(!metrics.contains("x_metric"));
    QVERIFY(!metrics.contains("y_metric"));
    QTRY_VERIFY(!c.window->wipeAction()->isEnabled());
}

void TestMainWindow::shouldLogARejectedPushWithItsReason()
{
    Console c;
    const Reply rejected = c.send("PUT", u"/metrics/job/broken"_s, "this is { not a metric\n");
    QCOMPARE(rejected.status, 400);
    PushLogModel &log = *c.window->pushLogModel();
    QTRY_COMPARE(log.rowCount(), 1);
    QVERIFY(log.index(0, 0).data(PushLogModel::FailedRole).toBool());
    QCOMPARE(log.index(0, 0).data(PushLogModel::ReasonRole).toString(), QString::fromUtf8(rejected.body).trimmed());
}

void TestMainWindow::filterShouldHideOtherJobs()
{
    Console c;
    QCOMPARE(c.push(u"/job/alpha"_s, "a_metric 1\n"), 200);
    QCOMPARE(c.push(u"/job/beta"_s, "b_metric 1\n"), 200);
    QTRY_COMPARE(c.tree().rowCount(), 2);
    QCOMPARE(c.window->filterModel()->rowCount(), 2);

    c.window->filterEdit()->setText(u"ALP"_s);
    QCOMPARE(c.window->filterModel()->rowCount(), 1);
    QCOMPARE(c.window->filterModel()->index(0, 0).data(GroupTreeModel::JobRole).toString(), u"alpha"_s);
    c.window->filterEdit()->setText(u"b_metric"_s);
    QCOMPARE(c.window->filterModel()->rowCount(), 1);
    QCOMPARE(c.window->filterModel()->index(0, 0).data(GroupTreeModel::JobRole).toString(), u"beta"_s);
    c.window->filterEdit()->clear();
    QCOMPARE(c.window->filterModel()->rowCount(), 2);
}

void TestMainWindow::shouldCopyACurlCommandThatPushes()
{
    Console c;
    QGuiApplication::clipboard()->clear();
    // In sight, as a tool bar button, not only in a menu.
    QToolButton *button = nullptr;
    for (QToolBar *toolBar : c.window->findChildren<QToolBar *>()) {
        if (QWidget *widget = toolBar->widgetForAction(c.window->copyCurlAction()))
            button = qobject_cast<QToolButton *>(widget);
    }
    QVERIFY(button && button->isVisible());
    button->click();
    const QString command = QGuiApplication::clipboard()->text();
    QCOMPARE(command, curlPushCommand(c.controller.listeningAddresses().constFirst(), QString()));
    QVERIFY(command.contains(u"http://127.0.0.1:%1/metrics/job/some_job"_s.arg(c.port)));

    // What the command sends, sent.
    QCOMPARE(c.push(u"/job/some_job"_s, "some_metric 3.14\n"), 200);
    QVERIFY(command.startsWith(u"echo 'some_metric 3.14' | curl --data-binary @- "_s));
}

void TestMainWindow::curlCommandShouldNameAReachableHost()
{
    const QString tail = u"/metrics/job/some_job"_s;
    QVERIFY(curlPushCommand(u"[::]:9091"_s, {}).endsWith(u"http://localhost:9091"_s + tail));
    QVERIFY(curlPushCommand(u"0.0.0.0:9091"_s, {}).endsWith(u"http://localhost:9091"_s + tail));
    QVERIFY(curlPushCommand(u"[::1]:9091"_s, {}).endsWith(u"http://[::1]:9091"_s + tail));
    QVERIFY(curlPushCommand(u"127.0.0.1:80"_s, u"/pg"_s).endsWith(u"http://127.0.0.1:80/pg"_s + tail));
}

void TestMainWindow::shouldRememberSplitterState()
{
    Console c;
    auto *splitter = c.window->findChild<QSplitter *>(u"topSplitter"_s);
    QVERIFY(splitter);
    splitter->setSizes({300, 700});
    const QByteArray state = splitter->saveState();
    c.window->saveSettings();

    Console again;
    auto *restored = again.window->findChild<QSplitter *>(u"topSplitter"_s);
    QCOMPARE(restored->saveState(), state);
    QSettings().clear();
}

void TestMainWindow::shouldMoveToANewListenAddress()
{
    Console c;
    QCOMPARE(c.push(u"/job/kept"_s, "some_metric 1\n"), 200);
    const quint16 oldPort = c.port;
    const quint16 newPort = test::freePort();
    const QString newAddress = u"127.0.0.1:%1"_s.arg(newPort);

    ConsoleSettings next = c.window->settings();
    next.listenAddresses = {newAddress};
    c.window->applySettings(next);
    QTRY_VERIFY2(c.window->statusText().contains(u"Listening on "_s + newAddress), qPrintable(c.window->statusText()));
    QCOMPARE(c.controller.listeningAddresses(), QStringList{newAddress});

    // The same store on the new port; the old one takes no new connection.
    c.port = newPort;
    const Reply moved = c.send("GET", u"/metrics"_s);
    QCOMPARE(moved.status, 200);
    QVERIFY(moved.body.contains("some_metric{instance=\"\",job=\"kept\"}"));
    QVERIFY(test::refusesConnections(oldPort));
    // A connection kept alive from before is closed once it has its answers.
    c.port = oldPort;
    QTRY_COMPARE(c.send("GET", u"/metrics"_s).status, 0);
    QCOMPARE(QSettings().value(u"gateway/listenAddresses"_s).toStringList(), QStringList{newAddress});
    QCOMPARE(c.window->settings().listenAddresses, QStringList{newAddress});
    QSettings().clear();
}

void TestMainWindow::shouldMoveToAnotherInterfaceOnTheSamePort()
{
    // 127.0.0.1:P to every interface on P (and back): the old socket must be closed first.
    Console c;
    QCOMPARE(c.push(u"/job/kept"_s, "some_metric 1\n"), 200);
    const QString everywhere = u":%1"_s.arg(c.port);
    ConsoleSettings next = c.window->settings();
    next.listenAddresses = {everywhere};
    c.window->applySettings(next);
    QTRY_VERIFY2(c.window->statusText().contains(u"Listening on [::]:%1"_s.arg(c.port)), qPrintable(c.window->statusText()));
    QCOMPARE(c.scrape().contains("some_metric{instance=\"\",job=\"kept\"}"), true);
    QCOMPARE(QSettings().value(u"gateway/listenAddresses"_s).toStringList(), QStringList{everywhere});

    // A list of which one address is taken: nothing changes, and it still serves on its port.
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    next.listenAddresses = {u"127.0.0.1:%1"_s.arg(c.port), u"127.0.0.1:%1"_s.arg(taken.serverPort())};
    c.window->applySettings(next);
    QTRY_VERIFY2(c.window->statusText().contains(u"Could not listen on"_s), qPrintable(c.window->statusText()));
    QCOMPARE(c.controller.listeningAddresses(), QStringList{u"[::]:%1"_s.arg(c.port)});
    QCOMPARE(c.push(u"/job/after"_s, "some_metric 2\n"), 200);
    QCOMPARE(QSettings().value(u"gateway/listenAddresses"_s).toStringList(), QStringList{everywhere});
}

void TestMainWindow::shouldLookUpHostNamesAndReportUnknownOnes()
{
    Console c;
    const quint16 newPort = test::freePort();
    ConsoleSettings next = c.window->settings();
    next.listenAddresses = {u"localhost:%1"_s.arg(newPort)};
    c.window->applySettings(next);
    QTRY_VERIFY2(!c.controller.listeningAddresses().constFirst().endsWith(u":%1"_s.arg(c.port)),
                 qPrintable(c.window->statusText()));
    QVERIFY(c.controller.listeningAddresses().constFirst().endsWith(u":%1"_s.arg(newPort)));
    // Saved as typed, not as resolved.
    QCOMPARE(QSettings().value(u"gateway/listenAddresses"_s).toStringList(), QStringList{u"localhost:%1"_s.arg(newPort)});

    next.listenAddresses = {u"no-such-host.invalid:%1"_s.arg(test::freePort())};
    c.window->applySettings(next);
    QTRY_VERIFY2_WITH_TIMEOUT(c.window->statusText().contains(u"Could not listen on no-such-host.invalid"_s),
                              qPrintable(c.window->statusText()), 30000);
    QVERIFY(c.controller.listeningAddresses().constFirst().endsWith(u":%1"_s.arg(newPort)));
}

void TestMainWindow::shouldReportAnAddressItCannotListenOnAndKeepServing()
{
    Console c;
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    const QString takenAddress = u"127.0.0.1:%1"_s.arg(taken.serverPort());
    const QStringList before = c.controller.listeningAddresses();

    ConsoleSettings next = c.window->settings();
    next.listenAddresses = {takenAddress};
    c.window->applySettings(next);
    QTRY_VERIFY2(c.window->statusText().contains(u"Could not listen on "_s + takenAddress), qPrintable(c.window->statusText()));
    QVERIFY(c.window->statusText().contains(u"still listening on "_s + before.constFirst()));
    QCOMPARE(c.controller.listeningAddresses(), before);
    QCOMPARE(c.push(u"/job/still"_s, "some_metric 1\n"), 200);
    QVERIFY(!QSettings().contains(u"gateway/listenAddresses"_s));
    QCOMPARE(c.window->settings().listenAddresses, c.controller.config().listenAddresses);
}

void TestMainWindow::shouldSwitchTheAdminAndLifecycleApis()
{
    Console c;
    QCOMPARE(c.push(u"/job/a"_s, "some_metric 1\n"), 200);
    QTRY_COMPARE(c.tree().rowCount(), 1);
    QCOMPARE(c.send("PUT", u"/api/v1/admin/wipe"_s).status, 404);
    QCOMPARE(c.send("PUT", u"/-/quit"_s).status, 403);

    ConsoleSettings next = c.window->settings();
    next.enableAdminApi = true;
    next.enableLifecycle = true;
    c.window->applySettings(next);
    QTRY_COMPARE(c.send("PUT", u"/api/v1/admin/wipe"_s).status, 202);
    QTRY_COMPARE(c.tree().rowCount(), 0);
    QSignalSpy quit(&c.controller, &ConsoleController::quitRequested);
    QCOMPARE(c.send("PUT", u"/-/quit"_s).status, 200);
    QTRY_COMPARE(quit.size(), 1);
    QVERIFY(QSettings().value(u"gateway/enableAdminApi"_s).toBool());

    next.enableAdminApi = false;
    c.window->applySettings(next);
    QTRY_COMPARE(c.send("PUT", u"/api/v1/admin/wipe"_s).status, 404);
    QSettings().clear();
}

void TestMainWindow::shouldApplyAndSaveTheStaleAge()
{
    Console c;
    ConsoleSettings next = c.window->settings();
    next.staleAge = 90s;
    c.window->applySettings(next);
    QCOMPARE(c.tree().staleAge(), 90s);
    QCOMPARE(QSettings().value(u"console/staleAgeSeconds"_s).toLongLong(), 90);

    // The next window starts with it.
    Console again;
    QCOMPARE(again.tree().staleAge(), 90s);
    QSettings().clear();
}

void TestMainWindow::trayShouldKeepTheGatewayRunningWhenTheWindowCloses()
{
    Console c;
    c.window->setTrayEnabled(true);
    QVERIFY(c.window->tray());
    QSignalSpy quit(c.window.get(), &MainWindow::quitRequested);

    QVERIFY(c.window->settings().keepRunningInTray);
    c.window->close();
    QVERIFY(!c.window->isVisible());
    QCOMPARE(quit.size(), 0);
    QCOMPARE(c.push(u"/job/while_hidden"_s, "some_metric 1\n"), 200);
    QTRY_COMPARE(c.groupsOf(u"while_hidden"_s), 1);
    QVERIFY(c.window->tray()->lastNotification().contains(u"still running"_s));

    // Without the setting, closing the window quits.
    ConsoleSettings next = c.window->settings();
    next.keepRunningInTray = false;
    c.window->applySettings(next);
    c.window->show();
    c.window->close();
    QCOMPARE(quit.size(), 1);

    // And the Quit action always quits; the close that quitting brings hides nothing.
    next.keepRunningInTray = true;
    c.window->applySettings(next);
    c.window->show();
    c.window->quitAction()->trigger();
    QCOMPARE(quit.size(), 2);
    QCloseEvent closing;
    QApplication::sendEvent(c.window.get(), &closing);
    QVERIFY(closing.isAccepted()); // not ignored, as a hide to the tray is
    QSettings().clear();
}

void TestMainWindow::trayShouldNotifyWhenPushesStartFailing()
{
    Console c;
    c.window->setTrayEnabled(true);
    c.window->failureNotifier()->setGatheringInterval(5ms);
    QCOMPARE(c.push(u"/job/broken"_s, "good_metric 1\n"), 200);
    QCOMPARE(c.push(u"/job/broken"_s, "bad metric\n"), 400);
    QTRY_VERIFY2(c.window->tray()->lastNotification().contains(u"job=\"broken\""_s),
                 qPrintable(c.window->tray()->lastNotification()));
    QVERIFY(c.window->tray()->lastNotification().contains(u"text format parsing error"_s));
}

void TestMainWindow::shouldShowWhenThePersistenceFileWasLastSaved()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    GatewayConfig config = Console::config();
    config.persistenceFile = dir.filePath(u"metrics.db"_s);
    Console c(config);
    QVERIFY(c.window->statusText().contains(u"Persisting to "_s + config.persistenceFile));
    QCOMPARE(c.push(u"/job/saved"_s, "some_metric 1\n"), 200);
    // The answer came after the journal was on disk: the status says when on its next refresh.
    QTRY_VERIFY2(c.window->statusText().contains(u"last saved"_s), qPrintable(c.window->statusText()));
}

void TestMainWindow::shouldBeUsableFromTheKeyboard()
{
    Console c;
    QCOMPARE(c.push(u"/job/alpha"_s, "alpha_metric 1\n"), 200);
    QCOMPARE(c.push(u"/job/beta"_s, "beta_metric 2\n"), 200);
    QTRY_COMPARE(c.tree().rowCount(), 2);
    c.window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(c.window.get()));
    QWidget *window = c.window.get();
    // The tree has the focus from the start.
    QTRY_COMPARE(QApplication::focusWidget(), c.window->treeView());

    // Ctrl+F, type, Down: the filtered tree, its first row current.
    QTest::keyClick(window, Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), c.window->filterEdit());
    QTest::keyClicks(c.window->filterEdit(), u"beta"_s);
    QCOMPARE(c.window->filterModel()->rowCount(), 1);
    QTest::keyClick(c.window->filterEdit(), Qt::Key_Down);
    QCOMPARE(QApplication::focusWidget(), c.window->treeView());
    QVERIFY(c.window->treeView()->currentIndex().isValid());
    QCOMPARE(c.window->treeView()->currentIndex().data(GroupTreeModel::JobRole).toString(), u"beta"_s);

    // Escape in the filter clears it and goes back to the tree.
    QTest::keyClick(window, Qt::Key_F, Qt::ControlModifier);
    QTest::keyClick(c.window->filterEdit(), Qt::Key_Escape);
    QVERIFY(c.window->filterEdit()->text().isEmpty());
    QCOMPARE(c.window->filterModel()->rowCount(), 2);
    QCOMPARE(QApplication::focusWidget(), c.window->treeView());

    // Alt+2, Alt+3, Alt+1: the panes.
    QTest::keyClick(window, Qt::Key_2, Qt::AltModifier);
    QCOMPARE(QApplication::focusWidget(), c.window->viewer()->familyView());
    QTest::keyClick(window, Qt::Key_3, Qt::AltModifier);
    QCOMPARE(QApplication::focusWidget(), c.window->pushLogView()->table());
    QTest::keyClick(window, Qt::Key_1, Qt::AltModifier);
    QCOMPARE(QApplication::focusWidget(), c.window->treeView());

    // Ctrl+, opens the settings; Escape closes them unchanged.
    const ConsoleSettings before = c.window->settings();
    QTest::keyClick(window, Qt::Key_Comma, Qt::ControlModifier);
    QTRY_VERIFY(c.window->settingsDialog() && c.window->settingsDialog()->isVisible());
    QTest::keyClick(c.window->settingsDialog(), Qt::Key_Escape);
    QTRY_VERIFY(!c.window->settingsDialog());
    QCOMPARE(c.window->settings(), before);
}

void TestMainWindow::shouldOfferTheScrapeConfig()
{
    Console c;
    c.window->scrapeConfigAction()->trigger();
    QVERIFY(c.window->scrapeConfigDialog());
    const QString text = c.window->scrapeConfigDialog()->text()->toPlainText();
    QVERIFY(text.contains(u"honor_labels: true"_s));
    QVERIFY2(text.contains(u"'127.0.0.1:%1'"_s.arg(c.port)), qPrintable(text));
}

void TestMainWindow::binaryShouldRunHeadlessAndStopOnSigterm_data()
{
    QTest::addColumn<QStringList>("extraArguments");
    QTest::addColumn<bool>("withDisplay");
    QTest::newRow("--headless") << QStringList{u"--headless"_s} << true;
    QTest::newRow("no display") << QStringList{} << false;
}

void TestMainWindow::binaryShouldRunHeadlessAndStopOnSigterm()
{
    QFETCH(QStringList, extraArguments);
    QFETCH(bool, withDisplay);
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!withDisplay) {
        environment.remove(u"QT_QPA_PLATFORM"_s);
        environment.remove(u"DISPLAY"_s);
        environment.remove(u"WAYLAND_DISPLAY"_s);
    }
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(QPGW_CONSOLE_BINARY),
                  extraArguments + QStringList{u"--web.listen-address=127.0.0.1:0"_s, u"--persistence.file="_s});
    QVERIFY(process.waitForStarted());
    QByteArray errors;
    QTRY_VERIFY_WITH_TIMEOUT((errors += process.readAllStandardError()).contains("Listening on"), 10000);
    QCOMPARE(errors.contains("no display available"), !withDisplay);
    process.terminate(); // SIGTERM
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAllStandardError().contains("HTTP server stopped"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
