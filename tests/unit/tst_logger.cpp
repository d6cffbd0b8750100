#include "gateway/logger.h"

#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <cstdio>
#include <memory>
#include <vector>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::LogLevel)

namespace {

// 2026-11-22T13:45:12.345Z
QDateTime fixedTime()
{
    return QDateTime(QDate(2026, 11, 22), QTime(13, 45, 12, 345), QTimeZone::utc());
}

// A logger whose lines land in `lines`, stamped with fixedTime().
std::unique_ptr<Logger> capturingLogger(QList<QByteArray> &lines, LogLevel level, LogFormat format)
{
    auto logger = std::make_unique<Logger>(level, format, [&lines](const QByteArray &line) { lines.append(line); });
    logger->setClock(fixedTime);
    return logger;
}

QByteArray logfmtField(const QString &value)
{
    return formatLogLine(LogFormat::Logfmt, fixedTime(), LogLevel::Info, u"m", {{u"k", value}});
}

QByteArray jsonField(const QString &value)
{
    return formatLogLine(LogFormat::Json, fixedTime(), LogLevel::Info, u"m", {{u"k", value}});
}

} // namespace

// Expected lines are what Go's log/slog TextHandler and JSONHandler write (promslog, which the
// reference uses), without the source attribute.
class TestLogger : public QObject
{
    Q_OBJECT

private slots:
    void logfmtLineHasSlogLayout();
    void jsonLineHasSlogLayout();
    void levelNamesAreSlogs_data();
    void levelNamesAreSlogs();

    void logfmtQuotesLikeSlog_data();
    void logfmtQuotesLikeSlog();
    void logfmtQuotesKeysAndMessageToo();
    void jsonEscapesLikeSlog_data();
    void jsonEscapesLikeSlog();

    void timeKeepsItsZone_data();
    void timeKeepsItsZone();

    void fieldsKeepTheirOrder();
    void linesBelowTheLevelAreDropped_data();
    void linesBelowTheLevelAreDropped();
    void droppedLinesDoNotReadTheClock();
    void setLevelTakesEffect();
    void linesFromManyThreadsStayWhole();
    void fileLoggerWritesWholeLines();
};

void TestLogger::logfmtLineHasSlogLayout()
{
    const QByteArray line = formatLogLine(LogFormat::Logfmt, fixedTime(), LogLevel::Error,
                                          u"pushed metrics are invalid or inconsistent with existing metrics",
                                          {{u"method", u"PUT"_s}, {u"source", u"127.0.0.1:5432"_s}});
    QCOMPARE(line, "time=2026-11-22T13:45:12.345Z level=ERROR msg=\"pushed metrics are invalid or inconsistent "
                   "with existing metrics\" method=PUT source=127.0.0.1:5432\n"_ba);
}

void TestLogger::jsonLineHasSlogLayout()
{
    const QByteArray line = formatLogLine(LogFormat::Json, fixedTime(), LogLevel::Info, u"starting pushgateway",
                                          {{u"version", u"0.1.0"_s}});
    QCOMPARE(line, "{\"time\":\"2026-11-22T13:45:12.345Z\",\"level\":\"INFO\",\"msg\":\"starting pushgateway\","
                   "\"version\":\"0.1.0\"}\n"_ba);
}

void TestLogger::levelNamesAreSlogs_data()
{
    QTest::addColumn<LogLevel>("level");
    QTest::addColumn<QByteArray>("name");

    QTest::newRow("debug") << LogLevel::Debug << "DEBUG"_ba;
    QTest::newRow("info") << LogLevel::Info << "INFO"_ba;
    QTest::newRow("warn") << LogLevel::Warn << "WARN"_ba;
    QTest::newRow("error") << LogLevel::Error << "ERROR"_ba;
}

void TestLogger::levelNamesAreSlogs()
{
    QFETCH(LogLevel, level);
    QFETCH(QByteArray, name);

    QVERIFY(formatLogLine(LogFormat::Logfmt, fixedTime(), level, u"m").contains(QByteArray(" level=" + name + " ")));
    QVERIFY(formatLogLine(LogFormat::Json, fixedTime(), level, u"m").contains(QByteArray("\"level\":\"" + name + "\"")));
}

void TestLogger::logfmtQuotesLikeSlog_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("written");

    QTest::newRow("plain") << u"plain"_s << "plain"_ba;
    QTest::newRow("punctuation") << u"127.0.0.1:9091/metrics?a,b"_s << "127.0.0.1:9091/metrics?a,b"_ba;
    QTest::newRow("empty") << QString() << "\"\""_ba;
    QTest::newRow("space") << u"a b"_s << "\"a b\""_ba;
    QTest::newRow("equals sign") << u"a=b"_s << "\"a=b\""_ba;
    QTest::newRow("double quote") << u"say \"hi\""_s << "\"say \\\"hi\\\"\""_ba;
    QTest::newRow("lone double quote") << u"a\"b"_s << "\"a\\\"b\""_ba;
    // A backslash alone does not make slog quote; inside quotes it is escaped.
    QTest::newRow("backslash") << u"a\\b"_s << "a\\b"_ba;
    QTest::newRow("backslash and space") << u"a\\b c"_s << "\"a\\\\b c\""_ba;
    QTest::newRow("tab") << u"a\tb"_s << "\"a\\tb\""_ba;
    QTest::newRow("newline") << u"line 1\nline 2"_s << "\"line 1\\nline 2\""_ba;
    QTest::newRow("carriage return") << u"a\rb"_s << "\"a\\rb\""_ba;
    QTest::newRow("bell") << u"a\ab"_s << "\"a\\ab\""_ba;
    QTest::newRow("other control") << u"a\x01z"_s << "\"a\\x01z\""_ba;
    QTest::newRow("NUL") << QString(QChar(0)) << "\"\\x00\""_ba;
    // DEL is in encoding/json's safe set, so slog writes it bare.
    QTest::newRow("DEL") << u"a\x7fz"_s << "a\x7fz"_ba;
    QTest::newRow("DEL among spaces") << u"a \x7f"_s << "\"a \\x7f\""_ba;
    QTest::newRow("printable non-ASCII") << u"Björn"_s << "Bj\xc3\xb6rn"_ba;
    QTest::newRow("emoji") << u"\U0001F600"_s << "\xf0\x9f\x98\x80"_ba;
    QTest::newRow("no-break space") << u"a\u00A0b"_s << "\"a\\u00a0b\""_ba;
    QTest::newRow("line separator") << u"a\u2028b"_s << "\"a\\u2028b\""_ba;
    QTest::newRow("zero-width space (format)") << u"a\u200Bb"_s << "\"a\\u200bb\""_ba;
    QTest::newRow("private use, astral") << u"\U000F0000"_s << "\"\\U000f0000\""_ba;
    // slog quotes U+FFFD itself (it cannot tell it from an invalid byte); Quote keeps it.
    QTest::newRow("replacement character") << u"a\uFFFDb"_s << "\"a\xef\xbf\xbd" "b\""_ba;
}

void TestLogger::logfmtQuotesLikeSlog()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, written);

    QCOMPARE(logfmtField(value), "time=2026-11-22T13:45:12.345Z level=INFO msg=m k=" + written + '\n');
}

void TestLogger::logfmtQuotesKeysAndMessageToo()
{
    const QByteArray line = formatLogLine(LogFormat::Logfmt, fixedTime(), LogLevel::Warn, u"",
                                          {{u"a key", u"v"_s}, {u"", u""_s}});
    QCOMPARE(line, "time=2026-11-22T13:45:12.345Z level=WARN msg=\"\" \"a key\"=v \"\"=\"\"\n"_ba);
}

void TestLogger::jsonEscapesLikeSlog_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("written");

    QTest::newRow("plain") << u"plain text"_s << "\"plain text\""_ba;
    QTest::newRow("empty") << QString() << "\"\""_ba;
    QTest::newRow("double quote") << u"a\"b"_s << "\"a\\\"b\""_ba;
    QTest::newRow("backslash") << u"a\\b"_s << "\"a\\\\b\""_ba;
    QTest::newRow("newline") << u"a\nb"_s << "\"a\\nb\""_ba;
    QTest::newRow("carriage return") << u"a\rb"_s << "\"a\\rb\""_ba;
    QTest::newRow("tab") << u"a\tb"_s << "\"a\\tb\""_ba;
    // slog's JSON escaper has no \b or \f short forms.
    QTest::newRow("backspace") << u"a\bb"_s << "\"a\\u0008b\""_ba;
    QTest::newRow("form feed") << u"a\fb"_s << "\"a\\u000cb\""_ba;
    QTest::newRow("unit separator") << u"a\x1f"_s << "\"a\\u001f\""_ba;
    QTest::newRow("NUL") << QString(QChar(0)) << "\"\\u0000\""_ba;
    // Unlike encoding/json's default, slog does not escape HTML characters.
    QTest::newRow("HTML characters") << u"<a href=\"x\">&</a>"_s << "\"<a href=\\\"x\\\">&</a>\""_ba;
    QTest::newRow("DEL") << u"\x7f"_s << "\"\x7f\""_ba;
    QTest::newRow("non-ASCII") << u"Björn \U0001F600"_s << "\"Bj\xc3\xb6rn \xf0\x9f\x98\x80\""_ba;
    QTest::newRow("line separator") << u"a\u2028b"_s << "\"a\\u2028b\""_ba;
    QTest::newRow("paragraph separator") << u"a\u2029b"_s << "\"a\\u2029b\""_ba;
    QTest::newRow("no-break space") << u"a\u00A0b"_s << "\"a\xc2\xa0" "b\""_ba;
}

void TestLogger::jsonEscapesLikeSlog()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, written);

    QCOMPARE(jsonField(value),
             "{\"time\":\"2026-11-22T13:45:12.345Z\",\"level\":\"INFO\",\"msg\":\"m\",\"k\":" + written + "}\n");
}

void TestLogger::timeKeepsItsZone_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<QByteArray>("logfmtTime"); // always three decimals
    QTest::addColumn<QByteArray>("jsonTime");   // RFC3339Nano: trailing zeros dropped

    const QDate date(2026, 1, 2);
    QTest::newRow("UTC") << QDateTime(date, QTime(3, 4, 5, 345), QTimeZone::utc()) << "2026-01-02T03:04:05.345Z"_ba
                         << "2026-01-02T03:04:05.345Z"_ba;
    QTest::newRow("trailing zero") << QDateTime(date, QTime(3, 4, 5, 340), QTimeZone::utc())
                                   << "2026-01-02T03:04:05.340Z"_ba << "2026-01-02T03:04:05.34Z"_ba;
    QTest::newRow("whole second") << QDateTime(date, QTime(3, 4, 5, 0), QTimeZone::utc())
                                  << "2026-01-02T03:04:05.000Z"_ba << "2026-01-02T03:04:05Z"_ba;
    QTest::newRow("east of UTC") << QDateTime(date, QTime(3, 4, 5, 7), QTimeZone(3600))
                                 << "2026-01-02T03:04:05.007+01:00"_ba << "2026-01-02T03:04:05.007+01:00"_ba;
    QTest::newRow("west of UTC, half hour") << QDateTime(date, QTime(23, 59, 59, 999), QTimeZone(-(9 * 3600 + 1800)))
                                            << "2026-01-02T23:59:59.999-09:30"_ba << "2026-01-02T23:59:59.999-09:30"_ba;
}

void TestLogger::timeKeepsItsZone()
{
    QFETCH(QDateTime, time);
    QFETCH(QByteArray, logfmtTime);
    QFETCH(QByteArray, jsonTime);

    QVERIFY(formatLogLine(LogFormat::Logfmt, time, LogLevel::Info, u"m").startsWith(QByteArray("time=" + logfmtTime + " level=")));
    QVERIFY(formatLogLine(LogFormat::Json, time, LogLevel::Info, u"m").startsWith(QByteArray("{\"time\":\"" + jsonTime + "\",")));
}

void TestLogger::fieldsKeepTheirOrder()
{
    for (const LogFormat format : {LogFormat::Logfmt, LogFormat::Json}) {
        QList<QByteArray> lines;
        const auto logger = capturingLogger(lines, LogLevel::Debug, format);
        logger->info(u"m", {{u"zeta", u"1"_s}, {u"alpha", u"2"_s}, {u"mu", u"3"_s}, {u"alpha", u"4"_s}});
        QCOMPARE(lines.size(), 1);
        const QByteArray &line = lines.constFirst();
        const qsizetype zeta = line.indexOf("zeta");
        const qsizetype alpha = line.indexOf("alpha");
        const qsizetype mu = line.indexOf("mu");
        const qsizetype secondAlpha = line.indexOf("alpha", alpha + 1);
        QVERIFY(zeta > 0 && zeta < alpha && alpha < mu && mu < secondAlpha);
    }
}

void TestLogger::linesBelowTheLevelAreDropped_data()
{
    QTest::addColumn<LogLevel>("threshold");
    QTest::addColumn<LogLevel>("level");
    QTest::addColumn<bool>("written");

    const LogLevel levels[] = {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error};
    for (const LogLevel threshold : levels) {
        for (const LogLevel level : levels) {
            QTest::addRow("%s at %s", qPrintable(logLevelName(level)), qPrintable(logLevelName(threshold)))
                << threshold << level << (int(level) >= int(threshold));
        }
    }
}

void TestLogger::linesBelowTheLevelAreDropped()
{
    QFETCH(LogLevel, threshold);
    QFETCH(LogLevel, level);
    QFETCH(bool, written);

    QList<QByteArray> lines;
    const auto logger = capturingLogger(lines, threshold, LogFormat::Logfmt);
    QCOMPARE(logger->isEnabled(level), written);
    logger->log(level, u"m");
    switch (level) {
    case LogLevel::Debug: logger->debug(u"m"); break;
    case LogLevel::Info: logger->info(u"m"); break;
    case LogLevel::Warn: logger->warn(u"m"); break;
    case LogLevel::Error: logger->error(u"m"); break;
    }
    QCOMPARE(lines.size(), written ? 2 : 0);
}

void TestLogger::droppedLinesDoNotReadTheClock()
{
    int clockReads = 0;
    QList<QByteArray> lines;
    Logger logger(LogLevel::Error, LogFormat::Logfmt, [&lines](const QByteArray &line) { lines.append(line); });
    logger.setClock([&clockReads] {
        ++clockReads;
        return fixedTime();
    });
    logger.info(u"dropped", {{u"k", u"v"_s}});
    logger.debug(u"dropped");
    QCOMPARE(clockReads, 0);
    logger.error(u"written");
    QCOMPARE(clockReads, 1);
    QCOMPARE(lines.size(), 1);
}

void TestLogger::setLevelTakesEffect()
{
    QList<QByteArray> lines;
    const auto logger = capturingLogger(lines, LogLevel::Info, LogFormat::Json);
    QCOMPARE(logger->level(), LogLevel::Info);
    QCOMPARE(logger->format(), LogFormat::Json);
    logger->debug(u"hidden");
    logger->setLevel(LogLevel::Debug);
    logger->debug(u"shown");
    QCOMPARE(lines.size(), 1);
    QVERIFY(lines.constFirst().contains("\"msg\":\"shown\""));
}

void TestLogger::linesFromManyThreadsStayWhole()
{
    constexpr int Threads = 8;
    constexpr int LinesPerThread = 500;
    QList<QByteArray> lines; // the sink runs under the logger's mutex
    const auto logger = capturingLogger(lines, LogLevel::Info, LogFormat::Logfmt);

    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.emplace_back(QThread::create([&logger, t] {
            for (int i = 0; i < LinesPerThread; ++i)
                logger->info(u"from a thread", {{u"thread", QString::number(t)}, {u"line", QString::number(i)}});
        }));
        threads.back()->start();
    }
    for (const auto &thread : threads)
        QVERIFY(thread->wait(30'000));

    QCOMPARE(lines.size(), Threads * LinesPerThread);
    for (const QByteArray &line : std::as_const(lines)) {
        QVERIFY(line.startsWith("time=2026-11-22T13:45:12.345Z level=INFO msg=\"from a thread\" thread="));
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
    }
}

void TestLogger::fileLoggerWritesWholeLines()
{
    std::FILE *file = std::tmpfile();
    QVERIFY(file);
    {
        Logger logger(LogLevel::Info, LogFormat::Logfmt, file);
        logger.setClock(fixedTime);
        logger.info(u"one");
        logger.warn(u"two", {{u"k", u"v"_s}});
    }
    std::rewind(file);
    char buffer[512] = {};
    const size_t read = std::fread(buffer, 1, sizeof buffer - 1, file);
    std::fclose(file);
    QCOMPARE(QByteArray(buffer, qsizetype(read)),
             "time=2026-11-22T13:45:12.345Z level=INFO msg=one\n"
             "time=2026-11-22T13:45:12.345Z level=WARN msg=two k=v\n"_ba);
}

QTEST_GUILESS_MAIN(TestLogger)
#include "tst_logger.moc"
