#include "gateway/gatewayconfig.h"

#include <QCoreApplication>
#include <QTest>

#include <chrono>
#include <optional>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::CommandLine::Action)

namespace {

// Every flag the reference has (section 6.1) plus ours (--web.enable-openmetrics,
// --persistence.sync, --persistence.move-aside-corrupt, --push.max-body-size), with its default
// as /api/v1/status shows it.
const QMap<QString, QString> defaultFlagValues{
    {u"web.listen-address"_s, u":9091"_s},
    {u"web.systemd-socket"_s, u"false"_s},
    {u"web.config.file"_s, u""_s},
    {u"web.telemetry-path"_s, u"/metrics"_s},
    {u"web.external-url"_s, u""_s},
    {u"web.route-prefix"_s, u""_s},
    {u"web.enable-lifecycle"_s, u"false"_s},
    {u"web.enable-admin-api"_s, u"false"_s},
    {u"web.enable-openmetrics"_s, u"false"_s},
    {u"persistence.file"_s, u""_s},
    {u"persistence.interval"_s, u"5m0s"_s},
    {u"persistence.sync"_s, u"always"_s},
    {u"persistence.move-aside-corrupt"_s, u"false"_s},
    {u"push.disable-consistency-check"_s, u"false"_s},
    {u"push.enable-utf8-names"_s, u"false"_s},
    {u"push.max-body-size"_s, u"64MiB"_s},
    {u"log.level"_s, u"info"_s},
    {u"log.format"_s, u"logfmt"_s},
};

GatewayConfig parsedConfig(const QStringList &arguments)
{
    const Expected<CommandLine> parsed = parseCommandLine(arguments);
    if (!parsed) {
        qWarning("unexpected error: %s", qPrintable(parsed.error().message));
        return {};
    }
    return parsed->config;
}

} // namespace

class TestGatewayConfig : public QObject
{
    Q_OBJECT

private slots:
    void noArgumentsGiveReferenceDefaults();
    void defaultsAreTheStructsDefaults();
    void desktopDefaultsPersistUnlessTurnedOff();

    void flagIsReadInBothSyntaxes_data();
    void flagIsReadInBothSyntaxes();
    void typedFieldsHoldParsedValues();
    void listenAddressesAccumulateAndReplaceTheDefault();
    void listenAddressIsValidated_data();
    void listenAddressIsValidated();

    void actionFollowsKingpinPrecedence_data();
    void actionFollowsKingpinPrecedence();
    void rejectedCommandLineGivesOneLineNamingTheFlag_data();
    void rejectedCommandLineGivesOneLineNamingTheFlag();
    void errorTextIsKingpins();

    void routePrefixFollowsSection62_data();
    void routePrefixFollowsSection62();
    void telemetryRouteIsGoPathJoin_data();
    void telemetryRouteIsGoPathJoin();
    void assetPrefixComesFromExternalUrlOnly_data();
    void assetPrefixComesFromExternalUrlOnly();

    void durationParsesGoAndPrometheusSyntax_data();
    void durationParsesGoAndPrometheusSyntax();
    void durationFormatsLikeGoDurationString_data();
    void durationFormatsLikeGoDurationString();
    void byteSizeParsesIecAndSiUnits_data();
    void byteSizeParsesIecAndSiUnits();
    void byteSizeFormatsInLargestExactIecUnit_data();
    void byteSizeFormatsInLargestExactIecUnit();

    void helpListsEveryFlagWithItsDefault();
    void helpWrapsAtEightyColumns();
    void versionNamesProgramAndVersion();
};

void TestGatewayConfig::noArgumentsGiveReferenceDefaults()
{
    const Expected<CommandLine> parsed = parseCommandLine({});
    QVERIFY(parsed);
    QCOMPARE(parsed->action, CommandLine::Action::Run);
    QCOMPARE(parsed->config.flagValues(), defaultFlagValues);
}

void TestGatewayConfig::defaultsAreTheStructsDefaults()
{
    QCOMPARE(GatewayConfig().flagValues(), defaultFlagValues);
    const GatewayConfig config;
    QCOMPARE(config.listenAddresses, QStringList{u":9091"_s});
    QCOMPARE(config.persistenceInterval, std::chrono::milliseconds(5 * 60 * 1000));
    QCOMPARE(config.maxBodyBytes, qint64(64) * 1024 * 1024);
    QCOMPARE(config.logLevel, LogLevel::Info);
    QCOMPARE(config.logFormat, LogFormat::Logfmt);
}

void TestGatewayConfig::flagIsReadInBothSyntaxes_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("expected"); // as flagValues() shows it

    // Every value flag, as --name=value and as --name value.
    const struct
    {
        const char *flag;
        QString value;
        QString shown;
    } values[] = {
        {"web.listen-address", u"127.0.0.1:9092"_s, u"127.0.0.1:9092"_s},
        {"web.config.file", u"/etc/pg/web.yml"_s, u"/etc/pg/web.yml"_s},
        {"web.telemetry-path", u"/prom"_s, u"/prom"_s},
        {"web.external-url", u"http://example.org:9091/pg/"_s, u"http://example.org:9091/pg/"_s},
        {"web.route-prefix", u"/pg"_s, u"/pg"_s},
        {"persistence.file", u"/var/lib/pg/metrics"_s, u"/var/lib/pg/metrics"_s},
        {"persistence.interval", u"1h30m"_s, u"1h30m0s"_s},
        {"push.max-body-size", u"1048576"_s, u"1MiB"_s},
        {"log.level", u"debug"_s, u"debug"_s},
        {"log.format", u"json"_s, u"json"_s},
    };
    for (const auto &[flag, value, shown] : values) {
        const QString name = QString::fromLatin1(flag);
        QTest::addRow("--%s=value", flag) << QStringList{u"--"_s + name + u'=' + value} << name << shown;
        QTest::addRow("--%s value", flag) << QStringList{u"--"_s + name, value} << name << shown;
    }
    QTest::newRow("an empty value after '='") << QStringList{u"--web.route-prefix="_s} << u"web.route-prefix"_s << QString();
    QTest::newRow("a value after '--'") << QStringList{u"--web.route-prefix"_s, u"--"_s, u"-pg"_s}
                                        << u"web.route-prefix"_s << u"-pg"_s;
    QTest::newRow("'=' inside the value") << QStringList{u"--persistence.file=a=b"_s} << u"persistence.file"_s << u"a=b"_s;

    // Every boolean flag: --name, --no-name, and our --name=true|false.
    for (const char *flag : {"web.systemd-socket", "web.enable-lifecycle", "web.enable-admin-api",
                             "web.enable-openmetrics", "persistence.move-aside-corrupt", "push.disable-consistency-check", "push.enable-utf8-names"}) {
        const QString name = QString::fromLatin1(flag);
        QTest::addRow("--%s", flag) << QStringList{u"--"_s + name} << name << u"true"_s;
        QTest::addRow("--no-%s", flag) << QStringList{u"--no-"_s + name} << name << u"false"_s;
        QTest::addRow("--%s=true", flag) << QStringList{u"--"_s + name + u"=true"_s} << name << u"true"_s;
        QTest::addRow("--%s=false", flag) << QStringList{u"--"_s + name + u"=false"_s} << name << u"false"_s;
    }
    // Go's strconv.ParseBool spellings.
    for (const char *spelling : {"1", "t", "T", "TRUE", "True"})
        QTest::addRow("=%s is true", spelling) << QStringList{u"--web.enable-lifecycle="_s + QLatin1StringView(spelling)}
                                               << u"web.enable-lifecycle"_s << u"true"_s;
    for (const char *spelling : {"0", "f", "F", "FALSE", "False"})
        QTest::addRow("=%s is false", spelling) << QStringList{u"--web.enable-lifecycle="_s + QLatin1StringView(spelling)}
                                                << u"web.enable-lifecycle"_s << u"false"_s;

    QTest::newRow("every level") << QStringList{u"--log.level=warn"_s} << u"log.level"_s << u"warn"_s;
    QTest::newRow("error level") << QStringList{u"--log.level"_s, u"error"_s} << u"log.level"_s << u"error"_s;
    QTest::newRow("duration in days") << QStringList{u"--persistence.interval=1d"_s} << u"persistence.interval"_s << u"24h0m0s"_s;
    QTest::newRow("duration of zero") << QStringList{u"--persistence.interval=0"_s} << u"persistence.interval"_s << u"0s"_s;
    QTest::newRow("size in SI unit") << QStringList{u"--push.max-body-size=10MB"_s} << u"push.max-body-size"_s << u"10000000"_s;
}

void TestGatewayConfig::flagIsReadInBothSyntaxes()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, flag);
    QFETCH(QString, expected);

    const Expected<CommandLine> parsed = parseCommandLine(arguments);
    QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->action, CommandLine::Action::Run);
    const QMap<QString, QString> values = parsed->config.flagValues();
    QCOMPARE(values.value(flag), expected);
    // Nothing else moved.
    for (auto it = defaultFlagValues.cbegin(); it != defaultFlagValues.cend(); ++it) {
        if (it.key() != flag)
            QCOMPARE(values.value(it.key()), it.value());
    }
}

void TestGatewayConfig::typedFieldsHoldParsedValues()
{
    const GatewayConfig config = parsedConfig({
        u"--web.systemd-socket"_s, u"--web.config.file=web.yml"_s, u"--web.telemetry-path=/prom"_s,
        u"--web.external-url=http://h/x"_s, u"--web.route-prefix=/y"_s, u"--web.enable-lifecycle"_s,
        u"--web.enable-admin-api"_s, u"--persistence.file=p"_s, u"--persistence.interval=90s"_s,
        u"--push.disable-consistency-check"_s, u"--push.enable-utf8-names"_s, u"--push.max-body-size=512KiB"_s,
        u"--log.level=warn"_s, u"--log.format=json"_s,
    });
    QVERIFY(config.systemdSocket);
    QCOMPARE(config.webConfigFile, u"web.yml"_s);
    QCOMPARE(config.telemetryPath, u"/prom"_s);
    QCOMPARE(config.externalUrl, u"http://h/x"_s);
    QCOMPARE(config.routePrefixFlag, u"/y"_s);
    QVERIFY(config.enableLifecycle);
    QVERIFY(config.enableAdminApi);
    QCOMPARE(config.persistenceFile, u"p"_s);
    QCOMPARE(config.persistenceInterval, std::chrono::milliseconds(90'000));
    QVERIFY(config.disableConsistencyCheck);
    QVERIFY(config.enableUtf8Names);
    QCOMPARE(config.maxBodyBytes, qint64(512 * 1024));
    QCOMPARE(config.logLevel, LogLevel::Warn);
    QCOMPARE(config.logFormat, LogFormat::Json);
}

void TestGatewayConfig::listenAddressesAccumulateAndReplaceTheDefault()
{
    const GatewayConfig config = parsedConfig({u"--web.listen-address=127.0.0.1:9092"_s, u"--web.listen-address"_s,
                                               u"[::1]:9093"_s, u"--web.listen-address=:0"_s});
    QCOMPARE(config.listenAddresses, (QStringList{u"127.0.0.1:9092"_s, u"[::1]:9093"_s, u":0"_s}));
    QCOMPARE(config.flagValues().value(u"web.listen-address"_s), u"127.0.0.1:9092,[::1]:9093,:0"_s);
}

void TestGatewayConfig::listenAddressIsValidated_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("problem"); // empty: accepted

    QTest::newRow("port only") << u":9091"_s << QString();
    QTest::newRow("IPv4") << u"127.0.0.1:9091"_s << QString();
    QTest::newRow("host name") << u"localhost:80"_s << QString();
    QTest::newRow("IPv6 in brackets") << u"[::1]:9091"_s << QString();
    QTest::newRow("IPv6 any") << u"[::]:9091"_s << QString();
    QTest::newRow("port 0") << u":0"_s << QString();
    QTest::newRow("port 65535") << u":65535"_s << QString();
    QTest::newRow("port 65536") << u":65536"_s << u"port must be a number from 0 to 65535"_s;
    QTest::newRow("no port") << u"localhost"_s << u"missing port in address"_s;
    QTest::newRow("empty port") << u"localhost:"_s << u"port must be a number from 0 to 65535"_s;
    QTest::newRow("named port") << u":http"_s << u"port must be a number from 0 to 65535"_s;
    QTest::newRow("signed port") << u":+80"_s << u"port must be a number from 0 to 65535"_s;
    QTest::newRow("IPv6 without brackets") << u"::1:9091"_s << u"too many colons in address"_s;
    QTest::newRow("IPv6 without port") << u"[::1]"_s << u"missing port in address"_s;
    QTest::newRow("unclosed bracket") << u"[::1:9091"_s << u"missing ']' in address"_s;
    QTest::newRow("vsock") << u"vsock://:9100"_s << u"vsock addresses are not supported"_s;
}

void TestGatewayConfig::listenAddressIsValidated()
{
    QFETCH(QString, address);
    QFETCH(QString, problem);

    const Expected<CommandLine> parsed = parseCommandLine({u"--web.listen-address="_s + address});
    if (problem.isEmpty()) {
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->config.listenAddresses, QStringList{address});
    } else {
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().message,
                 u"invalid listen address \""_s + address + u"\" for --web.listen-address: "_s + problem);
    }
}

void TestGatewayConfig::actionFollowsKingpinPrecedence_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<CommandLine::Action>("action"); // Run here means: an error
    using A = CommandLine::Action;

    QTest::newRow("-h") << QStringList{u"-h"_s} << A::ShowHelp;
    QTest::newRow("--help") << QStringList{u"--help"_s} << A::ShowHelp;
    QTest::newRow("--version") << QStringList{u"--version"_s} << A::ShowVersion;
    QTest::newRow("help among flags") << QStringList{u"--web.enable-lifecycle"_s, u"-h"_s} << A::ShowHelp;
    QTest::newRow("help beats an invalid value") << QStringList{u"--persistence.interval=x"_s, u"--help"_s} << A::ShowHelp;
    QTest::newRow("a syntax error beats help") << QStringList{u"--help"_s, u"--foo"_s} << A::Run;
    QTest::newRow("version beats an invalid value") << QStringList{u"--log.level=x"_s, u"--version"_s} << A::ShowVersion;
    QTest::newRow("version before a syntax error") << QStringList{u"--version"_s, u"--foo"_s} << A::ShowVersion;
    QTest::newRow("version after a syntax error") << QStringList{u"--foo"_s, u"--version"_s} << A::Run;
    QTest::newRow("version beats help") << QStringList{u"--help"_s, u"--version"_s} << A::ShowVersion;
}

void TestGatewayConfig::actionFollowsKingpinPrecedence()
{
    QFETCH(QStringList, arguments);
    QFETCH(CommandLine::Action, action);

    const Expected<CommandLine> parsed = parseCommandLine(arguments);
    if (action == CommandLine::Action::Run) {
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().kind, Error::Kind::BadRequest);
    } else {
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->action, action);
    }
}

void TestGatewayConfig::rejectedCommandLineGivesOneLineNamingTheFlag_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    // kingpin's own words.
    QTest::newRow("unknown long flag") << QStringList{u"--foo"_s} << u"unknown long flag '--foo'"_s;
    QTest::newRow("unknown long flag with value") << QStringList{u"--foo=bar"_s} << u"unknown long flag '--foo'"_s;
    QTest::newRow("--no- on a value flag") << QStringList{u"--no-log.level"_s} << u"unknown long flag '--no-log.level'"_s;
    QTest::newRow("--no-help") << QStringList{u"--no-help"_s} << u"unknown long flag '--no-help'"_s;
    QTest::newRow("unknown short flag") << QStringList{u"-x"_s} << u"unknown short flag '-x'"_s;
    QTest::newRow("short flags run together") << QStringList{u"-hx"_s} << u"unknown short flag '-x'"_s;
    QTest::newRow("lone dash") << QStringList{u"-"_s} << u"unknown short flag '-'"_s;
    QTest::newRow("missing value at the end") << QStringList{u"--web.telemetry-path"_s}
                                              << u"expected argument for flag '--web.telemetry-path'"_s;
    QTest::newRow("flag where the value should be") << QStringList{u"--persistence.interval"_s, u"-5m"_s}
                                                    << u"expected argument for flag '--persistence.interval'"_s;
    QTest::newRow("positional argument") << QStringList{u"serve"_s} << u"unexpected argument 'serve'"_s;
    QTest::newRow("argument after --") << QStringList{u"--"_s, u"--help"_s} << u"unexpected argument '--help'"_s;
    QTest::newRow("value after --no-name") << QStringList{u"--no-web.enable-lifecycle=false"_s}
                                           << u"unexpected argument 'false'"_s;
    QTest::newRow("value after --help") << QStringList{u"--help=true"_s} << u"unexpected argument 'true'"_s;
    QTest::newRow("repeated flag") << QStringList{u"--web.telemetry-path=/a"_s, u"--web.telemetry-path=/b"_s}
                                   << u"flag 'web.telemetry-path' cannot be repeated"_s;
    QTest::newRow("repeated boolean") << QStringList{u"--web.enable-lifecycle"_s, u"--no-web.enable-lifecycle"_s}
                                      << u"flag 'web.enable-lifecycle' cannot be repeated"_s;

    // Invalid values, one line naming the flag.
    QTest::newRow("bad duration") << QStringList{u"--persistence.interval=x"_s}
                                  << u"invalid duration \"x\" for --persistence.interval"_s;
    QTest::newRow("duration without unit") << QStringList{u"--persistence.interval"_s, u"5"_s}
                                           << u"invalid duration \"5\" for --persistence.interval"_s;
    QTest::newRow("empty duration") << QStringList{u"--persistence.interval="_s}
                                    << u"invalid duration \"\" for --persistence.interval"_s;
    QTest::newRow("bad boolean") << QStringList{u"--web.enable-admin-api=yes"_s}
                                 << u"invalid boolean \"yes\" for --web.enable-admin-api"_s;
    QTest::newRow("bad sync policy") << QStringList{u"--persistence.sync=sometimes"_s}
                                     << u"invalid sync policy \"sometimes\" for --persistence.sync: always or interval"_s;
    QTest::newRow("bad log level") << QStringList{u"--log.level=INFO"_s}
                                   << u"invalid log level \"INFO\" for --log.level: one of debug, info, warn, error"_s;
    QTest::newRow("bad log format") << QStringList{u"--log.format=text"_s}
                                    << u"invalid log format \"text\" for --log.format: one of logfmt, json"_s;
    QTest::newRow("bad byte size") << QStringList{u"--push.max-body-size=64M"_s}
                                   << u"invalid byte size \"64M\" for --push.max-body-size: a positive whole number "
                                      u"with an optional unit, like 67108864, 64MiB or 500kB"_s;
    QTest::newRow("zero byte size") << QStringList{u"--push.max-body-size=0"_s}
                                    << u"invalid byte size \"0\" for --push.max-body-size: a positive whole number "
                                       u"with an optional unit, like 67108864, 64MiB or 500kB"_s;
    QTest::newRow("bad URL escape") << QStringList{u"--web.external-url=http://h/%zz"_s}
                                    << u"invalid URL \"http://h/%zz\" for --web.external-url"_s;
    QTest::newRow("value quoted as Go's %q") << QStringList{u"--persistence.interval=a\"b\n"_s}
                                             << u"invalid duration \"a\\\"b\\n\" for --persistence.interval"_s;
    QTest::newRow("first invalid value wins") << QStringList{u"--log.level=x"_s, u"--log.format=y"_s}
                                              << u"invalid log level \"x\" for --log.level: one of debug, info, warn, error"_s;
    QTest::newRow("syntax error beats an earlier invalid value") << QStringList{u"--log.level=x"_s, u"--foo"_s}
                                                                 << u"unknown long flag '--foo'"_s;
}

void TestGatewayConfig::rejectedCommandLineGivesOneLineNamingTheFlag()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    const Expected<CommandLine> parsed = parseCommandLine(arguments);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().kind, Error::Kind::BadRequest);
    QCOMPARE(parsed.error().message, message);
    QVERIFY(!message.contains(u'\n'));
}

void TestGatewayConfig::errorTextIsKingpins()
{
    QCOMPARE(commandLineErrorText(u"pushgateway"_s, Error::badRequest(u"unknown long flag '--foo'"_s)),
             u"pushgateway: error: unknown long flag '--foo', try --help"_s);
}

void TestGatewayConfig::routePrefixFollowsSection62_data()
{
    QTest::addColumn<QString>("routePrefixFlag");
    QTest::addColumn<QString>("externalUrl");
    QTest::addColumn<QString>("expected");

    QTest::newRow("nothing") << QString() << QString() << QString();
    QTest::newRow("/pg/") << u"/pg/"_s << QString() << u"/pg"_s;
    QTest::newRow("pg") << u"pg"_s << QString() << u"/pg"_s;
    QTest::newRow("/") << u"/"_s << QString() << QString();
    QTest::newRow("only one trailing slash goes") << u"/pg//"_s << QString() << u"/pg/"_s;
    QTest::newRow("nested") << u"a/b/"_s << QString() << u"/a/b"_s;
    QTest::newRow("from the external URL's path") << QString() << u"http://host/foobar"_s << u"/foobar"_s;
    QTest::newRow("external URL with trailing slash") << QString() << u"http://host:9091/foobar/"_s << u"/foobar"_s;
    QTest::newRow("external URL without path") << QString() << u"http://host:9091"_s << QString();
    QTest::newRow("external URL with root path") << QString() << u"http://host:9091/"_s << QString();
    QTest::newRow("external URL path is decoded, as Go's URL.Path")
        << QString() << u"http://host/a%20b"_s << u"/a b"_s;
    QTest::newRow("relative external URL") << QString() << u"pg"_s << u"/pg"_s;
    QTest::newRow("the flag wins over the URL") << u"/internal"_s << u"http://host/external"_s << u"/internal"_s;
}

void TestGatewayConfig::routePrefixFollowsSection62()
{
    QFETCH(QString, routePrefixFlag);
    QFETCH(QString, externalUrl);
    QFETCH(QString, expected);

    GatewayConfig config;
    config.routePrefixFlag = routePrefixFlag;
    config.externalUrl = externalUrl;
    QCOMPARE(config.routePrefix(), expected);
}

void TestGatewayConfig::telemetryRouteIsGoPathJoin_data()
{
    QTest::addColumn<QString>("routePrefixFlag");
    QTest::addColumn<QString>("telemetryPath");
    QTest::addColumn<QString>("expected");

    QTest::newRow("default") << QString() << u"/metrics"_s << u"/metrics"_s;
    QTest::newRow("trailing slash cleaned") << QString() << u"/metrics/"_s << u"/metrics"_s;
    QTest::newRow("under a prefix") << u"/pg"_s << u"/metrics"_s << u"/pg/metrics"_s;
    QTest::newRow("relative path under a prefix") << u"/pg"_s << u"metrics"_s << u"/pg/metrics"_s;
    QTest::newRow("relative path, no prefix: made absolute") << QString() << u"metrics"_s << u"/metrics"_s;
    QTest::newRow("double slashes") << u"/pg"_s << u"//a//b/"_s << u"/pg/a/b"_s;
    QTest::newRow("dot segments") << u"/pg"_s << u"./a/../b"_s << u"/pg/b"_s;
    QTest::newRow("dot-dot above the prefix") << u"/pg"_s << u"../metrics"_s << u"/metrics"_s;
    QTest::newRow("dot-dot above the root") << QString() << u"/../../metrics"_s << u"/metrics"_s;
    QTest::newRow("empty path under a prefix") << u"/pg"_s << QString() << u"/pg"_s;
    QTest::newRow("nothing at all") << QString() << QString() << u"/"_s;
}

void TestGatewayConfig::telemetryRouteIsGoPathJoin()
{
    QFETCH(QString, routePrefixFlag);
    QFETCH(QString, telemetryPath);
    QFETCH(QString, expected);

    GatewayConfig config;
    config.routePrefixFlag = routePrefixFlag;
    config.telemetryPath = telemetryPath;
    QCOMPARE(config.telemetryRoute(), expected);
}

void TestGatewayConfig::assetPrefixComesFromExternalUrlOnly_data()
{
    QTest::addColumn<QString>("routePrefixFlag");
    QTest::addColumn<QString>("externalUrl");
    QTest::addColumn<QString>("expected");

    QTest::newRow("nothing: relative links") << QString() << QString() << u"."_s;
    QTest::newRow("external URL path") << QString() << u"http://host/foobar"_s << u"/foobar"_s;
    QTest::newRow("external URL with trailing slash") << QString() << u"http://host/foobar/"_s << u"/foobar"_s;
    QTest::newRow("external URL root") << QString() << u"http://host/"_s << u"."_s;
    QTest::newRow("route prefix is ignored") << u"/pg"_s << QString() << u"."_s;
    QTest::newRow("route prefix does not override") << u"/pg"_s << u"http://host/ext"_s << u"/ext"_s;
}

void TestGatewayConfig::assetPrefixComesFromExternalUrlOnly()
{
    QFETCH(QString, routePrefixFlag);
    QFETCH(QString, externalUrl);
    QFETCH(QString, expected);

    GatewayConfig config;
    config.routePrefixFlag = routePrefixFlag;
    config.externalUrl = externalUrl;
    QCOMPARE(config.assetPrefix(), expected);
}

void TestGatewayConfig::durationParsesGoAndPrometheusSyntax_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("milliseconds"); // -1: rejected

    const qint64 second = 1000;
    const qint64 minute = 60 * second;
    const qint64 hour = 60 * minute;
    const qint64 day = 24 * hour;

    QTest::newRow("5m") << u"5m"_s << 5 * minute;
    QTest::newRow("1h30m") << u"1h30m"_s << hour + 30 * minute;
    QTest::newRow("100ms") << u"100ms"_s << qint64(100);
    QTest::newRow("0") << u"0"_s << qint64(0);
    QTest::newRow("0s") << u"0s"_s << qint64(0);
    QTest::newRow("90s") << u"90s"_s << 90 * second;
    // Prometheus' model.Duration units.
    QTest::newRow("1d") << u"1d"_s << day;
    QTest::newRow("1w") << u"1w"_s << 7 * day;
    QTest::newRow("1y") << u"1y"_s << 365 * day;
    QTest::newRow("1w2d3h") << u"1w2d3h"_s << 9 * day + 3 * hour;
    // Go's time.ParseDuration extras, as kingpin's Duration() accepts them.
    QTest::newRow("fraction") << u"1.5h"_s << hour + 30 * minute;
    QTest::newRow("fraction without whole part") << u".5s"_s << qint64(500);
    QTest::newRow("fraction without digits after dot") << u"1.s"_s << second;
    QTest::newRow("units in any order") << u"1s1m"_s << minute + second;
    QTest::newRow("microseconds truncated") << u"1500us"_s << qint64(1);
    QTest::newRow("micro sign") << u"2000\u00B5s"_s << qint64(2);
    QTest::newRow("nanoseconds") << u"2000000ns"_s << qint64(2);
    QTest::newRow("plus sign") << u"+5m"_s << 5 * minute;
    QTest::newRow("minus sign") << u"-5m"_s << -5 * minute;
    QTest::newRow("just under Go's limit") << u"2562047h"_s << 2562047 * hour;

    QTest::newRow("empty") << QString() << qint64(-1);
    QTest::newRow("no unit") << u"5"_s << qint64(-1);
    QTest::newRow("00") << u"00"_s << qint64(-1);
    QTest::newRow("unknown unit") << u"5x"_s << qint64(-1);
    QTest::newRow("upper case unit") << u"5M"_s << qint64(-1);
    QTest::newRow("word") << u"x"_s << qint64(-1);
    QTest::newRow("dot only") << u".s"_s << qint64(-1);
    QTest::newRow("sign only") << u"-"_s << qint64(-1);
    QTest::newRow("space") << u"5 m"_s << qint64(-1);
    QTest::newRow("trailing number") << u"1h30"_s << qint64(-1);
    QTest::newRow("over Go's limit") << u"2562048h"_s << qint64(-1);
    QTest::newRow("huge number") << u"99999999999999999999s"_s << qint64(-1);
}

void TestGatewayConfig::durationParsesGoAndPrometheusSyntax()
{
    QFETCH(QString, text);
    QFETCH(qint64, milliseconds);

    const std::optional<std::chrono::milliseconds> parsed = parseDuration(text);
    if (milliseconds == -1) {
        QVERIFY2(!parsed, qPrintable(u"parsed as %1 ms"_s.arg(parsed ? parsed->count() : 0)));
    } else {
        QVERIFY(parsed);
        QCOMPARE(parsed->count(), milliseconds);
    }
}

void TestGatewayConfig::durationFormatsLikeGoDurationString_data()
{
    QTest::addColumn<qint64>("milliseconds");
    QTest::addColumn<QString>("expected");

    QTest::newRow("zero") << qint64(0) << u"0s"_s;
    QTest::newRow("100ms") << qint64(100) << u"100ms"_s;
    QTest::newRow("999ms") << qint64(999) << u"999ms"_s;
    QTest::newRow("1s") << qint64(1000) << u"1s"_s;
    QTest::newRow("1.5s") << qint64(1500) << u"1.5s"_s;
    QTest::newRow("1.05s") << qint64(1050) << u"1.05s"_s;
    QTest::newRow("1.001s") << qint64(1001) << u"1.001s"_s;
    QTest::newRow("5m") << qint64(300'000) << u"5m0s"_s;
    QTest::newRow("1m30.5s") << qint64(90'500) << u"1m30.5s"_s;
    QTest::newRow("1h") << qint64(3'600'000) << u"1h0m0s"_s;
    QTest::newRow("1h30m") << qint64(5'400'000) << u"1h30m0s"_s;
    QTest::newRow("1h0m1s") << qint64(3'601'000) << u"1h0m1s"_s;
    QTest::newRow("1d") << qint64(86'400'000) << u"24h0m0s"_s;
    QTest::newRow("-5m") << qint64(-300'000) << u"-5m0s"_s;
    QTest::newRow("-1ms") << qint64(-1) << u"-1ms"_s;
}

void TestGatewayConfig::durationFormatsLikeGoDurationString()
{
    QFETCH(qint64, milliseconds);
    QFETCH(QString, expected);

    QCOMPARE(formatGoDuration(std::chrono::milliseconds(milliseconds)), expected);
    // What is printed parses back.
    QCOMPARE(parseDuration(expected), std::optional(std::chrono::milliseconds(milliseconds)));
}

void TestGatewayConfig::byteSizeParsesIecAndSiUnits_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes"); // -1: rejected

    QTest::newRow("plain bytes") << u"67108864"_s << qint64(67108864);
    QTest::newRow("B") << u"100B"_s << qint64(100);
    QTest::newRow("0") << u"0"_s << qint64(0);
    QTest::newRow("KiB") << u"512KiB"_s << qint64(512) * 1024;
    QTest::newRow("MiB") << u"64MiB"_s << qint64(64) * 1024 * 1024;
    QTest::newRow("GiB") << u"1GiB"_s << qint64(1024) * 1024 * 1024;
    QTest::newRow("TiB") << u"2TiB"_s << qint64(2) * 1024 * 1024 * 1024 * 1024;
    QTest::newRow("kB") << u"500kB"_s << qint64(500'000);
    QTest::newRow("KB") << u"500KB"_s << qint64(500'000);
    QTest::newRow("MB") << u"10MB"_s << qint64(10'000'000);
    QTest::newRow("GB") << u"3GB"_s << qint64(3'000'000'000);
    QTest::newRow("largest") << u"9223372036854775807"_s << qint64(9223372036854775807);
    QTest::newRow("7EiB") << u"7EiB"_s << qint64(7) * 1024 * 1024 * 1024 * 1024 * 1024 * 1024;

    QTest::newRow("empty") << QString() << qint64(-1);
    QTest::newRow("unit only") << u"MiB"_s << qint64(-1);
    QTest::newRow("M without B") << u"64M"_s << qint64(-1);
    QTest::newRow("lower-case mb") << u"64mb"_s << qint64(-1);
    QTest::newRow("fraction") << u"1.5GiB"_s << qint64(-1);
    QTest::newRow("negative") << u"-1"_s << qint64(-1);
    QTest::newRow("space before unit") << u"64 MiB"_s << qint64(-1);
    QTest::newRow("too large") << u"9223372036854775808"_s << qint64(-1);
    QTest::newRow("too large with unit") << u"8EiB"_s << qint64(-1);
}

void TestGatewayConfig::byteSizeParsesIecAndSiUnits()
{
    QFETCH(QString, text);
    QFETCH(qint64, bytes);

    const std::optional<qint64> parsed = parseByteSize(text);
    if (bytes == -1) {
        QVERIFY(!parsed);
    } else {
        QVERIFY(parsed);
        QCOMPARE(*parsed, bytes);
    }
}

void TestGatewayConfig::byteSizeFormatsInLargestExactIecUnit_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("expected");

    QTest::newRow("64MiB") << qint64(64) * 1024 * 1024 << u"64MiB"_s;
    QTest::newRow("1536KiB") << qint64(1536) * 1024 << u"1536KiB"_s;
    QTest::newRow("1GiB") << qint64(1024) * 1024 * 1024 << u"1GiB"_s;
    QTest::newRow("SI sizes stay bytes") << qint64(10'000'000) << u"10000000"_s;
    QTest::newRow("1000") << qint64(1000) << u"1000"_s;
    QTest::newRow("0") << qint64(0) << u"0"_s;
}

void TestGatewayConfig::byteSizeFormatsInLargestExactIecUnit()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, expected);

    QCOMPARE(formatByteSize(bytes), expected);
    QCOMPARE(parseByteSize(expected), std::optional(bytes));
}

void TestGatewayConfig::helpListsEveryFlagWithItsDefault()
{
    const QString help = helpText(u"pushgateway"_s);
    QVERIFY(help.startsWith(u"usage: pushgateway [<flags>]\n"_s));
    QVERIFY(help.endsWith(u'\n'));
    for (const QString &column : {
             u"  -h, --help "_s,
             u"      --[no-]web.systemd-socket"_s,
             u"      --web.listen-address=:9091 ..."_s,
             u"      --web.config.file=\"\" "_s,
             u"      --web.telemetry-path=\"/metrics\""_s,
             u"      --web.external-url= "_s,
             u"      --web.route-prefix=\"\" "_s,
             u"      --[no-]web.enable-lifecycle"_s,
             u"      --[no-]web.enable-admin-api"_s,
             u"      --[no-]web.enable-openmetrics"_s,
             u"      --persistence.file=\"\" "_s,
             u"      --persistence.interval=5m0s\n"_s,
             u"      --persistence.sync=always"_s,
             u"      --[no-]persistence.move-aside-corrupt"_s,
             u"      --[no-]push.disable-consistency-check"_s,
             u"      --[no-]push.enable-utf8-names"_s,
             u"      --push.max-body-size=64MiB\n"_s,
             u"      --log.level=info "_s,
             u"      --log.format=logfmt "_s,
             u"      --version "_s,
         }) {
        QVERIFY2(help.contains(column), qPrintable(column));
    }
    QVERIFY(help.contains(u"--log.level=info           Only log messages with the given severity or\n"_s));
}

void TestGatewayConfig::helpWrapsAtEightyColumns()
{
    const QStringList lines = helpText(u"pushgateway"_s).split(u'\n');
    for (const QString &line : lines) {
        // Words longer than a line (the web config URL) stand alone on theirs.
        if (line.contains(u"https://"_s))
            continue;
        QVERIFY2(line.size() <= 80, qPrintable(line));
        QVERIFY2(!line.endsWith(u' '), qPrintable(line));
    }
    // A flag whose column is 30 characters or more has its help on the next line, aligned.
    const qsizetype flagLine = lines.indexOf(u"      --[no-]push.disable-consistency-check"_s);
    QVERIFY(flagLine >= 0);
    QVERIFY(lines.value(flagLine + 1).trimmed().startsWith(u"Do not check consistency"_s));
}

void TestGatewayConfig::versionNamesProgramAndVersion()
{
    const QString version = versionText(u"qpushgateway-headless"_s);
    QVERIFY2(version.startsWith(u"qpushgateway-headless, version 0."_s), qPrintable(version));
    QVERIFY(version.contains(u" (branch: "_s));
    QVERIFY(version.contains(u", revision: "_s));
    QVERIFY(version.contains(u"\n  qt version:       qt"_s + QLatin1StringView(qVersion())));
    QVERIFY(version.contains(u"\n  platform:         "_s));
    QVERIFY(version.endsWith(u'\n'));
    QCOMPARE(version.count(u'\n'), 3);
}

void TestGatewayConfig::desktopDefaultsPersistUnlessTurnedOff()
{
    QCoreApplication::setApplicationName(u"qpushgateway-test"_s);
    const GatewayConfig defaults = desktopDefaults();
    QVERIFY(defaults.persistenceFile.endsWith(u"/qpushgateway-test/metrics.db"_s));
    QCOMPARE(parseCommandLine({}, defaults)->config.persistenceFile, defaults.persistenceFile);
    QCOMPARE(parseCommandLine({u"--persistence.file="_s}, defaults)->config.persistenceFile, QString());
    QCOMPARE(parseCommandLine({u"--persistence.file=/x/y.db"_s}, defaults)->config.persistenceFile, u"/x/y.db"_s);
    // The server's defaults stay the reference's: memory only.
    QCOMPARE(parseCommandLine({})->config.persistenceFile, QString());
}

QTEST_GUILESS_MAIN(TestGatewayConfig)
#include "tst_gatewayconfig.moc"
