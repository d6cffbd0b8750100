// process_* metrics: the /proc parsers on fixed text (the shapes prometheus/procfs reads,
// edge cases included), ProcessMetrics over a fake procfs tree, and a smoke test on the real
// /proc of this test process.

#include "http/processmetrics.h"
#include "http/procfs.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <limits>
#include <unistd.h>

using namespace qpgw;
using namespace qpgw::http;
using namespace Qt::StringLiterals;

namespace {

// A /proc/<pid>/stat line; fields 14, 15, 22, 23 and 24 are the ones that matter.
QByteArray statLine(const QByteArray &comm, const QByteArray &utime, const QByteArray &stime,
                    const QByteArray &start, const QByteArray &vsize, const QByteArray &rss)
{
    return "4242 ("_ba + comm + ") S 1 4242 4242 0 -1 4194560 2134 0 0 0 "_ba + utime + ' '
        + stime + " 0 0 20 0 7 0 "_ba + start + ' ' + vsize + ' ' + rss
        + " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n"_ba;
}

// The layout of /proc/<pid>/limits as the kernel writes it ("%-25s %-20s %-20s %-10s").
QByteArray limitsText(const QByteArray &openFilesSoft, const QByteArray &addressSpaceSoft)
{
    const auto line = [](const QByteArray &name, const QByteArray &soft, const QByteArray &hard,
                         const QByteArray &unit) -> QByteArray {
        return name.leftJustified(26) + soft.leftJustified(21) + hard.leftJustified(21)
            + unit.leftJustified(10) + '\n';
    };
    return line("Limit", "Soft Limit", "Hard Limit", "Units") + line("Max cpu time", "unlimited", "unlimited", "seconds")
        + line("Max stack size", "8388608", "unlimited", "bytes") + line("Max processes", "96365", "96365", "processes")
        + line("Max open files", openFilesSoft, "524288", "files") + line("Max locked memory", "8388608", "8388608", "bytes")
        + line("Max address space", addressSpaceSoft, "unlimited", "bytes") + line("Max file locks", "unlimited", "unlimited", "locks")
        + line("Max realtime timeout", "unlimited", "unlimited", "us");
}

// A shortened /proc/<pid>/net/netstat: TcpExt, IpExt and MPTcpExt pairs of lines.
const QByteArray NetstatText =
    "TcpExt: SyncookiesSent SyncookiesRecv TW DelayedACKs\n"
    "TcpExt: 0 0 31 12798\n"
    "IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets\n"
    "IpExt: 0 0 0 0 0 0 107668958 63595024 0\n"
    "MPTcpExt: MPCapableSYNRX MPCapableSYNTX\n"
    "MPTcpExt: 0 0\n"_ba;

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

constexpr double Unlimited = 18446744073709551615.0; // 2^64 - 1 as a double: 1.8446744073709552e+19

} // namespace

class TestProcessMetrics : public QObject
{
    Q_OBJECT

private slots:
    void parsesStat_data();
    void parsesStat();
    void rejectsMalformedStat_data();
    void rejectsMalformedStat();
    void parsesBootTime_data();
    void parsesBootTime();
    void parsesLimits_data();
    void parsesLimits();
    void parsesNetstat_data();
    void parsesNetstat();

    void samplesFakeProcfsTree();
    void leavesOutWhatCannotBeRead();
    void readsTheRealProcessOfThisTest();
};

void TestProcessMetrics::parsesStat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<quint64>("utime");
    QTest::addColumn<quint64>("stime");
    QTest::addColumn<quint64>("starttime");
    QTest::addColumn<quint64>("vsize");
    QTest::addColumn<qint64>("rss");

    QTest::newRow("plain comm") << statLine("qpushgateway", "250", "75", "5000", "123456789", "3000")
                                << quint64(250) << quint64(75) << quint64(5000) << quint64(123456789) << qint64(3000);
    QTest::newRow("comm with spaces") << statLine("Web Content", "1", "2", "3", "4", "5")
                                      << quint64(1) << quint64(2) << quint64(3) << quint64(4) << qint64(5);
    // A process may name itself anything, parentheses and digits included: only the last ')'
    // ends the name.
    QTest::newRow("comm with parentheses and spaces") << statLine("my (odd) 1 2 3) name", "10", "20", "30", "40", "50")
                                                      << quint64(10) << quint64(20) << quint64(30) << quint64(40) << qint64(50);
    QTest::newRow("comm is a closing parenthesis") << statLine(")", "7", "8", "9", "10", "11")
                                                   << quint64(7) << quint64(8) << quint64(9) << quint64(10) << qint64(11);
    QTest::newRow("empty comm") << statLine("", "7", "8", "9", "10", "11")
                                << quint64(7) << quint64(8) << quint64(9) << quint64(10) << qint64(11);
    QTest::newRow("largest values") << statLine("x", "18446744073709551615", "0", "18446744073709551615", "18446744073709551615", "9223372036854775807")
                                    << std::numeric_limits<quint64>::max() << quint64(0) << std::numeric_limits<quint64>::max()
                                    << std::numeric_limits<quint64>::max() << std::numeric_limits<qint64>::max();
    QTest::newRow("no trailing fields, no newline") << "1 (a) S 1 1 1 0 -1 0 0 0 0 0 12 34 0 0 20 0 1 0 56 78 90"_ba
                                                   << quint64(12) << quint64(34) << quint64(56) << quint64(78) << qint64(90);
}

void TestProcessMetrics::parsesStat()
{
    QFETCH(QByteArray, text);
    QFETCH(quint64, utime);
    QFETCH(quint64, stime);
    QFETCH(quint64, starttime);
    QFETCH(quint64, vsize);
    QFETCH(qint64, rss);
    const auto stat = procfs::parseStat(text);
    QVERIFY(stat);
    QCOMPARE(stat->userTicks, utime);
    QCOMPARE(stat->systemTicks, stime);
    QCOMPARE(stat->startTicks, starttime);
    QCOMPARE(stat->virtualBytes, vsize);
    QCOMPARE(stat->residentPages, rss);
}

void TestProcessMetrics::rejectsMalformedStat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no parentheses") << "4242 qpushgateway S 1 4242 4242 0 -1 4194560 2134 0 0 0 250 75 0 0 20 0 7 0 5000 1 2"_ba;
    QTest::newRow("no closing parenthesis") << "4242 (qpushgateway S 1 4242 4242 0 -1 4194560 2134 0 0 0 250 75 0 0 20 0 7 0 5000 1 2"_ba;
    QTest::newRow("truncated before rss") << "1 (a) S 1 1 1 0 -1 0 0 0 0 0 12 34 0 0 20 0 1 0 56 78"_ba;
    QTest::newRow("utime not a number") << statLine("a", "x12", "34", "56", "78", "90");
    QTest::newRow("negative vsize") << statLine("a", "12", "34", "56", "-78", "90");
    QTest::newRow("starttime with garbage") << statLine("a", "12", "34", "56s", "78", "90");
}

void TestProcessMetrics::rejectsMalformedStat()
{
    QFETCH(QByteArray, text);
    QVERIFY(!procfs::parseStat(text));
}

void TestProcessMetrics::parsesBootTime_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<std::optional<qint64>>("expected");

    const QByteArray cpuLines = "cpu  2255 34 2290 22625563 6290 127 456 0 0 0\n"
                                "cpu0 1132 34 1441 11311718 3675 127 438 0 0 0\n"
                                "intr 114930548 113199788 3 0 5 263 0 4 [... lots more]\n"
                                "ctxt 1990473\n"_ba;
    QTest::newRow("btime among the lines") << cpuLines + "btime 1700000000\nprocesses 2915\nprocs_running 1\n"_ba
                                           << std::optional<qint64>(1700000000);
    QTest::newRow("btime last, no newline") << cpuLines + "btime 1062191376"_ba << std::optional<qint64>(1062191376);
    QTest::newRow("no btime") << cpuLines << std::optional<qint64>();
    QTest::newRow("btime without a number") << cpuLines + "btime \n"_ba << std::optional<qint64>();
    QTest::newRow("a longer word is not btime") << "btimes 5\n"_ba << std::optional<qint64>();
}

void TestProcessMetrics::parsesBootTime()
{
    QFETCH(QByteArray, text);
    QFETCH(std::optional<qint64>, expected);
    QCOMPARE(procfs::parseBootTime(text), expected);
}

void TestProcessMetrics::parsesLimits_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<quint64>("openFiles");
    QTest::addColumn<quint64>("addressSpace");

    constexpr quint64 Infinity = std::numeric_limits<quint64>::max();
    QTest::newRow("numbers") << limitsText("1024", "8589934592") << true << quint64(1024) << quint64(8589934592);
    // procfs reads "unlimited" as 2^64 - 1, and client_golang exports that number as it is.
    QTest::newRow("unlimited address space") << limitsText("20000", "unlimited") << true << quint64(20000) << Infinity;
    QTest::newRow("unlimited open files") << limitsText("unlimited", "unlimited") << true << Infinity << Infinity;
    QTest::newRow("soft limit is the first column") << limitsText("1", "2") << true << quint64(1) << quint64(2);
    QTest::newRow("no open files line") << limitsText("1024", "unlimited").replace("Max open files", "Max open filez")
                                        << false << quint64(0) << quint64(0);
    QTest::newRow("no address space line") << limitsText("1024", "unlimited").replace("Max address space", "Max address spice")
                                           << false << quint64(0) << quint64(0);
    QTest::newRow("soft limit not a number") << limitsText("lots", "unlimited") << false << quint64(0) << quint64(0);
    QTest::newRow("empty") << QByteArray() << false << quint64(0) << quint64(0);
}

void TestProcessMetrics::parsesLimits()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(quint64, openFiles);
    QFETCH(quint64, addressSpace);
    const auto limits = procfs::parseLimits(text);
    QCOMPARE(bool(limits), valid);
    if (!valid)
        return;
    QCOMPARE(limits->openFiles, openFiles);
    QCOMPARE(limits->addressSpace, addressSpace);
}

void TestProcessMetrics::parsesNetstat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<double>("received");
    QTest::addColumn<double>("transmitted");

    QTest::newRow("kernel layout") << NetstatText << true << 107668958.0 << 63595024.0;
    QTest::newRow("trailing spaces on value lines") << QByteArray(NetstatText).replace(" 0\n", " 0 \n") << true
                                                    << 107668958.0 << 63595024.0;
    // A kernel without the columns: the counters read 0, as procfs's nil pointers do there.
    QTest::newRow("no octet columns") << "IpExt: InNoRoutes InTruncatedPkts\nIpExt: 3 4\n"_ba << true << 0.0 << 0.0;
    QTest::newRow("no IpExt at all") << "TcpExt: TW\nTcpExt: 31\n"_ba << true << 0.0 << 0.0;
    QTest::newRow("empty") << QByteArray() << true << 0.0 << 0.0;
    QTest::newRow("InOctets of another protocol") << "TcpExt: InOctets\nTcpExt: 99\n"_ba << true << 0.0 << 0.0;
    QTest::newRow("more names than values") << "IpExt: InOctets OutOctets\nIpExt: 1\n"_ba << false << 0.0 << 0.0;
    QTest::newRow("more values than names") << "IpExt: InOctets\nIpExt: 1 2\n"_ba << false << 0.0 << 0.0;
    QTest::newRow("value not a number") << "IpExt: InOctets OutOctets\nIpExt: 1 x\n"_ba << false << 0.0 << 0.0;
    QTest::newRow("names without values") << "IpExt: InOctets OutOctets\n"_ba << false << 0.0 << 0.0;
}

void TestProcessMetrics::parsesNetstat()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(double, received);
    QFETCH(double, transmitted);
    const auto octets = procfs::parseNetstat(text);
    QCOMPARE(bool(octets), valid);
    if (!valid)
        return;
    QCOMPARE(octets->received, received);
    QCOMPARE(octets->transmitted, transmitted);
}

void TestProcessMetrics::samplesFakeProcfsTree()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    QVERIFY(QDir(root.path()).mkpath(u"self/net"_s));
    QVERIFY(QDir(root.path()).mkpath(u"self/fd"_s));
    for (const QString &fd : {u"0"_s, u"1"_s, u"2"_s, u"7"_s})
        QVERIFY(writeFile(root.filePath(u"self/fd/"_s + fd), {}));
    QVERIFY(writeFile(root.filePath(u"self/stat"_s), statLine("qpushgateway (test)", "250", "75", "5000", "123456789", "3000")));
    QVERIFY(writeFile(root.filePath(u"self/limits"_s), limitsText("1024", "unlimited")));
    QVERIFY(writeFile(root.filePath(u"self/net/netstat"_s), NetstatText));
    QVERIFY(writeFile(root.filePath(u"stat"_s), "cpu  1 2 3 4\nbtime 1700000000\n"_ba));

    const double ticks = double(::sysconf(_SC_CLK_TCK));
    const double pageSize = double(::sysconf(_SC_PAGESIZE));
    ProcessMetrics metrics(root.path());
    ProcessMetrics::Sample expected;
    expected.cpuSecondsTotal = (250 + 75) / ticks;
    expected.openFds = 4; // a plain directory: its entries are counted
    expected.maxFds = 1024;
    expected.virtualMemoryBytes = 123456789;
    expected.virtualMemoryMaxBytes = Unlimited;
    expected.residentMemoryBytes = 3000 * pageSize;
    expected.startTimeSeconds = 1700000000 + 5000 / ticks;
    expected.networkReceiveBytesTotal = 107668958;
    expected.networkTransmitBytesTotal = 63595024;
    QCOMPARE(metrics.sample(), expected);

    // A second scrape reads the files again, the boot time excepted: it is read once.
    QVERIFY(writeFile(root.filePath(u"self/stat"_s), statLine("qpushgateway", "500", "100", "5000", "1", "2")));
    QVERIFY(writeFile(root.filePath(u"stat"_s), "btime 1\n"_ba));
    QVERIFY(QFile::remove(root.filePath(u"self/fd/7"_s)));
    const ProcessMetrics::Sample again = metrics.sample();
    QCOMPARE(again.cpuSecondsTotal, std::optional<double>((500 + 100) / ticks));
    QCOMPARE(again.residentMemoryBytes, std::optional<double>(2 * pageSize));
    QCOMPARE(again.startTimeSeconds, expected.startTimeSeconds);
    QCOMPARE(again.openFds, std::optional<double>(3));
}

void TestProcessMetrics::leavesOutWhatCannotBeRead()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    QVERIFY(QDir(root.path()).mkpath(u"self/net"_s));
    // No fd directory, no /proc/stat, a stat line without rss, garbage limits; only the
    // network counters can be read.
    QVERIFY(writeFile(root.filePath(u"self/stat"_s), "1 (a) S 1 1 1 0 -1 0 0 0 0 0 12 34 0 0 20 0 1 0 56 78"_ba));
    QVERIFY(writeFile(root.filePath(u"self/limits"_s), "Limit Soft Hard\n"_ba));
    QVERIFY(writeFile(root.filePath(u"self/net/netstat"_s), NetstatText));

    ProcessMetrics::Sample expected;
    expected.networkReceiveBytesTotal = 107668958;
    expected.networkTransmitBytesTotal = 63595024;
    QCOMPARE(ProcessMetrics(root.path()).sample(), expected);

    // A readable stat without /proc/stat: everything from stat but the start time.
    QVERIFY(writeFile(root.filePath(u"self/stat"_s), statLine("a", "1", "2", "3", "4", "5")));
    const ProcessMetrics::Sample sample = ProcessMetrics(root.path()).sample();
    QVERIFY(sample.cpuSecondsTotal);
    QVERIFY(sample.residentMemoryBytes);
    QVERIFY(!sample.startTimeSeconds);

    QCOMPARE(ProcessMetrics(root.filePath(u"nowhere"_s)).sample(), ProcessMetrics::Sample());
}

void TestProcessMetrics::readsTheRealProcessOfThisTest()
{
    ProcessMetrics metrics;
    const ProcessMetrics::Sample sample = metrics.sample();

    QVERIFY(sample.cpuSecondsTotal);
    QVERIFY(*sample.cpuSecondsTotal >= 0);
    QVERIFY(sample.residentMemoryBytes && *sample.residentMemoryBytes > 0);
    QVERIFY(sample.virtualMemoryBytes && *sample.virtualMemoryBytes >= *sample.residentMemoryBytes);
    QVERIFY(sample.openFds && *sample.openFds >= 3); // stdin, stdout, stderr at least
    QVERIFY(sample.maxFds && *sample.maxFds >= *sample.openFds);
    QVERIFY(sample.virtualMemoryMaxBytes && *sample.virtualMemoryMaxBytes > 0);
    QVERIFY(sample.networkReceiveBytesTotal && *sample.networkReceiveBytesTotal >= 0);
    QVERIFY(sample.networkTransmitBytesTotal && *sample.networkTransmitBytesTotal >= 0);

    // The process started a moment ago: after boot, not in the future.
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000;
    QVERIFY(sample.startTimeSeconds);
    QVERIFY2(*sample.startTimeSeconds > now - 3600 && *sample.startTimeSeconds <= now + 1,
             qPrintable(u"start %1, now %2"_s.arg(*sample.startTimeSeconds, 0, 'f', 2).arg(now, 0, 'f', 2)));

    // Opening a file shows in the next sample.
    QTemporaryDir dir;
    QFile extra(dir.filePath(u"extra"_s));
    QVERIFY(extra.open(QIODevice::WriteOnly));
    QCOMPARE(*metrics.sample().openFds, *sample.openFds + 1);
}

QTEST_GUILESS_MAIN(TestProcessMetrics)
#include "tst_processmetrics.moc"
