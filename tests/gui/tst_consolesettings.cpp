// The console's settings and the small pieces around them: ConsoleSettings over QSettings and
// under the command line, the settings dialog's checks and conversions, the scrape config
// snippet, and when FailureNotifier says that pushes started failing.

#include "consolesettings.h"
#include "failurenotifier.h"
#include "scrapeconfigdialog.h"
#include "settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace qpgw;
using namespace qpgw::gui;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

http::ChangeRecord change(const QByteArray &method, const QString &key, int status, const QString &reason = {})
{
    http::ChangeRecord record;
    record.time = QDateTime::currentDateTimeUtc();
    record.method = method;
    record.groupingKey = key;
    record.status = status;
    record.reason = reason;
    return record;
}

} // namespace

class TestConsoleSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void savedGatewaySettingsShouldBeDefaultsUnderTheFlags();
    void shouldSaveOnlyWhatChanged();
    void loadShouldShowTheRunningGatewayAndThePendingFile();
    void shouldSplitListenAddresses();
    void shouldCheckTheFormOfListenAddresses_data();
    void shouldCheckTheFormOfListenAddresses();

    void dialogShouldRefuseAMalformedAddress();
    void dialogShouldShowTheStaleAgeInItsLargestUnit_data();
    void dialogShouldShowTheStaleAgeInItsLargestUnit();
    void dialogShouldSayWhenTheFileTakesEffect();
    void dialogShouldDisableTrayOptionsWithoutATray();

    void scrapeConfigShouldHonorLabelsAndNameTheTargets();
    void scrapeConfigShouldNameANonDefaultMetricsPath();
    void scrapeConfigDialogShouldShowTheSnippet();

    void notifierShouldAnnounceAGroupThatStartsFailing();
    void notifierShouldNotRepeatAGroupThatKeepsFailing();
    void notifierShouldAnnounceAgainAfterASuccessOrADelete();
    void notifierShouldGatherGroupsFailingTogether();
    void notifierShouldStayQuietWhileDisabled();
    void notifierMessageShouldNameFewGroupsAndCountTheRest();
};

void TestConsoleSettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"qpgw-tests"_s);
    QCoreApplication::setApplicationName(u"tst_consolesettings"_s);
    QSettings().clear();
}

void TestConsoleSettings::cleanup()
{
    QSettings().clear();
}

void TestConsoleSettings::savedGatewaySettingsShouldBeDefaultsUnderTheFlags()
{
    GatewayConfig defaults;
    defaults.persistenceFile = u"/data/metrics.db"_s;

    // Nothing saved: the defaults as they are.
    GatewayConfig config = ConsoleSettings::savedGatewayDefaults(QSettings(), defaults);
    QCOMPARE(config.listenAddresses, defaults.listenAddresses);
    QCOMPARE(config.persistenceFile, defaults.persistenceFile);
    QVERIFY(!config.enableAdminApi);

    {
        QSettings settings;
        settings.setValue(u"gateway/listenAddresses"_s, QStringList{u"127.0.0.1:9999"_s});
        settings.setValue(u"gateway/persistenceFile"_s, QString()); // memory only, chosen
        settings.setValue(u"gateway/enableAdminApi"_s, true);
    }
    config = ConsoleSettings::savedGatewayDefaults(QSettings(), defaults);
    QCOMPARE(config.listenAddresses, QStringList{u"127.0.0.1:9999"_s});
    QCOMPARE(config.persistenceFile, QString());
    QVERIFY(config.enableAdminApi);
    QVERIFY(!config.enableLifecycle);

    // An explicit flag still wins.
    const Expected<CommandLine> parsed = parseCommandLine({u"--web.listen-address=:7000"_s}, config);
    QVERIFY(parsed);
    QCOMPARE(parsed->config.listenAddresses, QStringList{u":7000"_s});
    QVERIFY(parsed->config.enableAdminApi);
}

void TestConsoleSettings::shouldSaveOnlyWhatChanged()
{
    ConsoleSettings before;
    before.listenAddresses = {u":7000"_s}; // given by a flag for this run
    before.persistenceFile = u"/given/by/flag.db"_s;
    ConsoleSettings after = before;
    after.staleAge = 90s;
    after.notifyFailures = false;
    {
        QSettings settings;
        after.saveChanges(settings, before);
    }
    const QSettings settings;
    QCOMPARE(settings.value(u"console/staleAgeSeconds"_s).toLongLong(), 90);
    QCOMPARE(settings.value(u"console/notifyFailures"_s).toBool(), false);
    // The flags' values were not saved by accident.
    QVERIFY(!settings.contains(u"gateway/listenAddresses"_s));
    QVERIFY(!settings.contains(u"gateway/persistenceFile"_s));
    QVERIFY(!settings.contains(u"console/keepRunningInTray"_s));
}

void TestConsoleSettings::loadShouldShowTheRunningGatewayAndThePendingFile()
{
    GatewayConfig running;
    running.listenAddresses = {u"127.0.0.1:1234"_s};
    running.enableLifecycle = true;
    running.persistenceFile = u"/now.db"_s;
    ConsoleSettings loaded = ConsoleSettings::load(QSettings(), running);
    QCOMPARE(loaded.listenAddresses, running.listenAddresses);
    QVERIFY(loaded.enableLifecycle);
    QCOMPARE(loaded.persistenceFile, u"/now.db"_s);
    QCOMPARE(loaded.staleAge, 0s);
    QVERIFY(loaded.keepRunningInTray);
    QVERIFY(loaded.notifyFailures);

    {
        QSettings settings;
        settings.setValue(u"gateway/persistenceFile"_s, u"/next-start.db"_s);
        settings.setValue(u"console/staleAgeSeconds"_s, 3600);
        settings.setValue(u"console/keepRunningInTray"_s, false);
    }
    loaded = ConsoleSettings::load(QSettings(), running);
    QCOMPARE(loaded.persistenceFile, u"/next-start.db"_s);
    QCOMPARE(loaded.staleAge, 3600s);
    QVERIFY(!loaded.keepRunningInTray);
}

void TestConsoleSettings::shouldSplitListenAddresses()
{
    QCOMPARE(splitListenAddresses(u" 127.0.0.1:1, [::1]:2 ,:3  "_s),
             (QStringList{u"127.0.0.1:1"_s, u"[::1]:2"_s, u":3"_s}));
    QCOMPARE(splitListenAddresses(u" , "_s), QStringList());
}

void TestConsoleSettings::shouldCheckTheFormOfListenAddresses_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ipv4") << u"127.0.0.1:9091"_s << true;
    QTest::newRow("every interface") << u":9091"_s << true;
    QTest::newRow("host name") << u"localhost:80"_s << true;
    QTest::newRow("ipv6") << u"[::1]:9091"_s << true;
    QTest::newRow("ipv6 any") << u"[::]:0"_s << true;
    QTest::newRow("highest port") << u":65535"_s << true;
    QTest::newRow("port too high") << u":65536"_s << false;
    QTest::newRow("no port") << u"localhost"_s << false;
    QTest::newRow("empty port") << u"localhost:"_s << false;
    QTest::newRow("port not a number") << u"localhost:http"_s << false;
    QTest::newRow("bare ipv6") << u"::1:9091"_s << false;
    QTest::newRow("space") << u"local host:1"_s << false;
}

void TestConsoleSettings::shouldCheckTheFormOfListenAddresses()
{
    QFETCH(QString, address);
    QFETCH(bool, valid);
    QCOMPARE(isListenAddressForm(address), valid);
}

void TestConsoleSettings::dialogShouldRefuseAMalformedAddress()
{
    ConsoleSettings settings;
    settings.listenAddresses = {u":9091"_s};
    SettingsDialog dialog(settings, {}, true);
    QPushButton *ok = dialog.buttons()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QVERIFY(dialog.listenProblem().isEmpty());

    dialog.listenEdit()->setText(u"127.0.0.1:9091, nonsense"_s);
    QVERIFY(!ok->isEnabled());
    QVERIFY2(dialog.listenProblem().contains(u"\"nonsense\""_s), qPrintable(dialog.listenProblem()));
    dialog.listenEdit()->setText(QString());
    QVERIFY(!ok->isEnabled());

    dialog.listenEdit()->setText(u"127.0.0.1:9091, [::1]:9092"_s);
    QVERIFY(ok->isEnabled());
    QCOMPARE(dialog.settings().listenAddresses, (QStringList{u"127.0.0.1:9091"_s, u"[::1]:9092"_s}));
}

void TestConsoleSettings::dialogShouldShowTheStaleAgeInItsLargestUnit_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<int>("shown");
    QTest::addColumn<int>("unitSeconds");
    QTest::newRow("off") << qint64(0) << 0 << 60;
    QTest::newRow("seconds") << qint64(90) << 90 << 1;
    QTest::newRow("minutes") << qint64(600) << 10 << 60;
    QTest::newRow("hours") << qint64(7200) << 2 << 3600;
    QTest::newRow("days") << qint64(2 * 86400) << 2 << 86400;
}

void TestConsoleSettings::dialogShouldShowTheStaleAgeInItsLargestUnit()
{
    QFETCH(qint64, seconds);
    QFETCH(int, shown);
    QFETCH(int, unitSeconds);
    ConsoleSettings settings;
    settings.listenAddresses = {u":9091"_s};
    settings.staleAge = std::chrono::seconds(seconds);
    SettingsDialog dialog(settings, {}, true);
    QCOMPARE(dialog.staleAgeSpin()->value(), shown);
    QCOMPARE(dialog.staleUnitCombo()->currentData().toInt(), unitSeconds);
    QCOMPARE(dialog.settings().staleAge.count(), seconds);
    QCOMPARE(dialog.settings(), settings); // nothing touched, nothing changed
}

void TestConsoleSettings::dialogShouldSayWhenTheFileTakesEffect()
{
    ConsoleSettings settings;
    settings.listenAddresses = {u":9091"_s};
    settings.persistenceFile = u"/in/use.db"_s;
    SettingsDialog dialog(settings, u"/in/use.db"_s, true);
    dialog.show();
    auto noteVisible = [&dialog] {
        for (QLabel *label : dialog.findChildren<QLabel *>()) {
            if (label->isVisible() && label->text().contains(u"next time"_s))
                return true;
        }
        return false;
    };
    QVERIFY(!noteVisible());
    dialog.persistenceEdit()->setText(u"/other.db"_s);
    QVERIFY(noteVisible());
    QCOMPARE(dialog.settings().persistenceFile, u"/other.db"_s);
}

void TestConsoleSettings::dialogShouldDisableTrayOptionsWithoutATray()
{
    ConsoleSettings settings;
    settings.listenAddresses = {u":9091"_s};
    SettingsDialog withTray(settings, {}, true);
    QVERIFY(withTray.keepRunningBox()->isEnabled());
    SettingsDialog withoutTray(settings, {}, false);
    QVERIFY(!withoutTray.keepRunningBox()->isEnabled());
    QVERIFY(!withoutTray.notifyBox()->isEnabled());
    QVERIFY(!withoutTray.keepRunningBox()->toolTip().isEmpty());
}

void TestConsoleSettings::scrapeConfigShouldHonorLabelsAndNameTheTargets()
{
    const QString snippet = scrapeConfigSnippet({u"[::]:9091"_s, u"0.0.0.0:9091"_s, u"192.0.2.7:9092"_s}, u"/metrics"_s);
    QCOMPARE(snippet,
             u"scrape_configs:\n"
             "  - job_name: pushgateway\n"
             "    # Keep the job and instance labels the pushers set.\n"
             "    honor_labels: true\n"
             "    static_configs:\n"
             "      - targets: ['localhost:9091', '192.0.2.7:9092']\n"_s);
}

void TestConsoleSettings::scrapeConfigShouldNameANonDefaultMetricsPath()
{
    const QString snippet = scrapeConfigSnippet({u"127.0.0.1:9091"_s}, u"/pg/metrics"_s);
    QVERIFY(snippet.contains(u"    metrics_path: /pg/metrics\n"_s));
    QVERIFY(snippet.contains(u"['127.0.0.1:9091']"_s));
}

void TestConsoleSettings::scrapeConfigDialogShouldShowTheSnippet()
{
    const QString snippet = scrapeConfigSnippet({u"127.0.0.1:9091"_s}, u"/metrics"_s);
    ScrapeConfigDialog dialog(snippet);
    QCOMPARE(dialog.text()->toPlainText(), snippet);
    QVERIFY(dialog.text()->isReadOnly());
}

void TestConsoleSettings::notifierShouldAnnounceAGroupThatStartsFailing()
{
    FailureNotifier notifier;
    notifier.setGatheringInterval(1ms);
    QSignalSpy spy(&notifier, &FailureNotifier::startedFailing);
    notifier.record(change("PUT", u"job=\"a\""_s, 200));
    notifier.record(change("PUT", u"job=\"a\""_s, 400, u"text format parsing error in line 1"_s));
    QTRY_COMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{u"job=\"a\""_s});
    QCOMPARE(spy.at(0).at(1).toString(), u"text format parsing error in line 1"_s);
    QCOMPARE(notifier.failingGroups(), 1);
}

void TestConsoleSettings::notifierShouldNotRepeatAGroupThatKeepsFailing()
{
    FailureNotifier notifier;
    notifier.setGatheringInterval(1ms);
    QSignalSpy spy(&notifier, &FailureNotifier::startedFailing);
    notifier.record(change("POST", u"job=\"a\""_s, 400, u"bad"_s));
    QTRY_COMPARE(spy.size(), 1);
    for (int i = 0; i < 5; ++i)
        notifier.record(change("POST", u"job=\"a\""_s, 400, u"bad"_s));
    QTest::qWait(20);
    QCOMPARE(spy.size(), 1);
}

void TestConsoleSettings::notifierShouldAnnounceAgainAfterASuccessOrADelete()
{
    FailureNotifier notifier;
    notifier.setGatheringInterval(1ms);
    QSignalSpy spy(&notifier, &FailureNotifier::startedFailing);
    notifier.record(change("PUT", u"job=\"a\""_s, 400, u"bad"_s));
    QTRY_COMPARE(spy.size(), 1);
    notifier.record(change("PUT", u"job=\"a\""_s, 200));
    QCOMPARE(notifier.failingGroups(), 0);
    notifier.record(change("PUT", u"job=\"a\""_s, 400, u"bad again"_s));
    QTRY_COMPARE(spy.size(), 2);
    QCOMPARE(spy.at(1).at(1).toString(), u"bad again"_s);

    notifier.record(change("DELETE", u"job=\"a\""_s, 202));
    QCOMPARE(notifier.failingGroups(), 0);
    notifier.record(change("PUT", u"job=\"a\""_s, 400, u"bad once more"_s));
    QTRY_COMPARE(spy.size(), 3);
    // A failed delete says nothing about pushes.
    notifier.record(change("DELETE", u"job=\"b\""_s, 400, u"bad key"_s));
    QTest::qWait(20);
    QCOMPARE(spy.size(), 3);
}

void TestConsoleSettings::notifierShouldGatherGroupsFailingTogether()
{
    FailureNotifier notifier;
    notifier.setGatheringInterval(200ms);
    QSignalSpy spy(&notifier, &FailureNotifier::startedFailing);
    for (int i = 0; i < 50; ++i)
        notifier.record(change("PUT", u"job=\"j%1\""_s.arg(i), 400, u"reason %1"_s.arg(i)));
    QTRY_COMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toStringList().size(), 50);
    QCOMPARE(spy.at(0).at(1).toString(), u"reason 0"_s);
}

void TestConsoleSettings::notifierShouldStayQuietWhileDisabled()
{
    FailureNotifier notifier;
    notifier.setGatheringInterval(1ms);
    notifier.setEnabled(false);
    QSignalSpy spy(&notifier, &FailureNotifier::startedFailing);
    notifier.record(change("PUT", u"job=\"a\""_s, 400, u"bad"_s));
    QTest::qWait(20);
    QCOMPARE(spy.size(), 0);
    // Enabled later, a group that was failing all along is not news.
    notifier.setEnabled(true);
    notifier.record(change("PUT", u"job=\"a\""_s, 400, u"bad"_s));
    QTest::qWait(20);
    QCOMPARE(spy.size(), 0);
    notifier.record(change("PUT", u"job=\"b\""_s, 400, u"bad"_s));
    QTRY_COMPARE(spy.size(), 1);
}

void TestConsoleSettings::notifierMessageShouldNameFewGroupsAndCountTheRest()
{
    const QString message = FailureNotifier::message({u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"e"_s}, u"the reason"_s);
    QCOMPARE(message, u"a\nb\nc\nand 2 more\nthe reason"_s);
    QCOMPARE(FailureNotifier::message({u"a"_s}, {}), u"a"_s);
    // (English plurals come from the source text: "group(s)".)
    QVERIFY(FailureNotifier::title(3).startsWith(u"Pushes to 3 group"_s));
}

QTEST_MAIN(TestConsoleSettings)
#include "tst_consolesettings.moc"
