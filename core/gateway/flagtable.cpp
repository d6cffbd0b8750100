#include "flagtable.h"

#include <QUrl>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

QString boolText(bool value)
{
    return value ? u"true"_s : u"false"_s;
}

using SetResult = std::optional<FlagValueProblem>;

// Go's url.Parse rejects a '%' that is not followed by two hex digits; QUrl's tolerant mode
// would quietly re-encode it.
bool hasBadPercentEscape(QStringView text)
{
    auto isHex = [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == u'%' && (i + 2 >= text.size() || !isHex(text[i + 1]) || !isHex(text[i + 2])))
            return true;
    }
    return false;
}

// In the order the reference's --help lists them (exporter-toolkit's, then main.go's, then
// promslog's); --web.enable-openmetrics, --persistence.sync, --persistence.move-aside-corrupt
// and --push.max-body-size are ours.
constexpr std::array<FlagSpec, 18> flags{{
    {u"web.systemd-socket", FlagSpec::Kind::Bool,
     u"Use systemd socket activation listeners instead of port listeners (Linux only).", false,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.systemdSocket = v == u"true"; return {}; },
     [](const GatewayConfig &c) { return boolText(c.systemdSocket); }, nullptr},
    {u"web.listen-address", FlagSpec::Kind::Repeatable,
     u"Addresses on which to expose metrics and web interface. Repeatable for multiple addresses. "
     u"Examples: `:9100` or `[::1]:9100` for http.", false,
     [](GatewayConfig &c, const QString &v) -> SetResult {
         const QString problem = listenAddressProblem(v);
         if (!problem.isEmpty())
             return FlagValueProblem{u"listen address"_s, problem};
         c.listenAddresses.append(v);
         return {};
     },
     [](const GatewayConfig &c) { return c.listenAddresses.join(u','); },
     [](GatewayConfig &c) { c.listenAddresses.clear(); }},
    {u"web.config.file", FlagSpec::Kind::Value,
     u"Path to configuration file that can enable TLS or authentication. See: "
     u"https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md", true,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.webConfigFile = v; return {}; },
     [](const GatewayConfig &c) { return c.webConfigFile; }, nullptr},
    {u"web.telemetry-path", FlagSpec::Kind::Value, u"Path under which to expose metrics.", true,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.telemetryPath = v; return {}; },
     [](const GatewayConfig &c) { return c.telemetryPath; }, nullptr},
    {u"web.external-url", FlagSpec::Kind::Value,
     u"The URL under which the Pushgateway is externally reachable.", false,
     [](GatewayConfig &c, const QString &v) -> SetResult {
         if (hasBadPercentEscape(v) || !QUrl(v, QUrl::TolerantMode).isValid())
             return FlagValueProblem{u"URL"_s, {}};
         c.externalUrl = v;
         return {};
     },
     [](const GatewayConfig &c) { return c.externalUrl; }, nullptr},
    {u"web.route-prefix", FlagSpec::Kind::Value,
     u"Prefix for the internal routes of web endpoints. Defaults to the path of --web.external-url.", true,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.routePrefixFlag = v; return {}; },
     [](const GatewayConfig &c) { return c.routePrefixFlag; }, nullptr},
    {u"web.enable-lifecycle", FlagSpec::Kind::Bool, u"Enable shutdown via HTTP request.", false,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.enableLifecycle = v == u"true"; return {}; },
     [](const GatewayConfig &c) { return boolText(c.enableLifecycle); }, nullptr},
    {u"web.enable-admin-api", FlagSpec::Kind::Bool, u"Enable API endpoints for admin control actions.", false,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.enableAdminApi = v == u"true"; return {}; },
     [](const GatewayConfig &c) { return boolText(c.enableAdminApi); }, nullptr},
    {u"web.enable-openmetrics", FlagSpec::Kind::Bool,
     u"Offer the OpenMetrics exposition (with exemplars) to scrapers that ask for it. Renames "
     u"counters without a _total suffix.", false,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.enableOpenMetrics = v == u"true"; return {}; },
     [](const GatewayConfig &c) { return boolText(c.enableOpenMetrics); }, nullptr},
    {u"persistence.file", FlagSpec::Kind::Value,
     u"File to persist metrics. If empty, metrics are only kept in memory.", true,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.persistenceFile = v; return {}; },
     [](const GatewayConfig &c) { return c.persistenceFile; }, nullptr},
    {u"persistence.interval", FlagSpec::Kind::Value,
     u"The minimum interval at which to write out the persistence file.", false,
     [](GatewayConfig &c, const QString &v) -> SetResult {
         const auto interval = parseDuration(v);
         if (!interval)
             return FlagValueProblem{u"duration"_s, {}};
         c.persistenceInterval = *interval;
         return {};
     },
     [](const GatewayConfig &c) { return formatGoDuration(c.persistenceInterval); }, nullptr},
    {u"persistence.sync", FlagSpec::Kind::Value,
     u"When a change is answered with --persistence.file: always (after fsync; survives a power "
     u"loss) or interval (after the write, fsync every second; survives a crash of the process).", false,
     [](GatewayConfig &c, const QString &v) -> SetResult {
         if (v == u"always")
             c.persistenceSync = GatewayConfig::PersistenceSync::Always;
         else if (v == u"interval")
             c.persistenceSync = GatewayConfig::PersistenceSync::Interval;
         else
             return FlagValueProblem{u"sync policy"_s, u"always or interval"_s};
         return {};
     },
     [](const GatewayConfig &c) {
         return c.persistenceSync == GatewayConfig::PersistenceSync::Always ? u"always"_s : u"interval"_s;
     }, nullptr},
    {u"persistence.move-aside-corrupt", FlagSpec::Kind::Bool,
     u"If the persistence file cannot be read, rename it to FILE.corrupt-<time> and start empty "
     u"(otherwise the gateway refuses to start).", false,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.persistenceMoveAsideCorrupt = v == u"true"; return {}; },
     [](const GatewayConfig &c) { return boolText(c.persistenceMoveAsideCorrupt); }, nullptr},
    {u"push.disable-consistency-check", FlagSpec::Kind::Bool,
     u"Do not check consistency of pushed metrics. DANGEROUS.", false,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.disableConsistencyCheck = v == u"true"; return {}; },
     [](const GatewayConfig &c) { return boolText(c.disableConsistencyCheck); }, nullptr},
    {u"push.enable-utf8-names", FlagSpec::Kind::Bool,
     u"Allow UTF-8 characters in metric and label names.", false,
     [](GatewayConfig &c, const QString &v) -> SetResult { c.enableUtf8Names = v == u"true"; return {}; },
     [](const GatewayConfig &c) { return boolText(c.enableUtf8Names); }, nullptr},
    {u"push.max-body-size", FlagSpec::Kind::Value,
     u"Largest request body accepted, after decompression; a larger one gets 413. Bytes, or a "
     u"number with a unit: KiB, MiB, GiB (powers of 1024) or kB, MB, GB (powers of 1000).", false,
     [](GatewayConfig &c, const QString &v) -> SetResult {
         const auto size = parseByteSize(v);
         if (!size || *size <= 0)
             return FlagValueProblem{u"byte size"_s, u"a positive whole number with an optional unit, like 67108864, 64MiB or 500kB"_s};
         c.maxBodyBytes = *size;
         return {};
     },
     [](const GatewayConfig &c) { return formatByteSize(c.maxBodyBytes); }, nullptr},
    {u"log.level", FlagSpec::Kind::Value,
     u"Only log messages with the given severity or above. One of: [debug, info, warn, error]", false,
     [](GatewayConfig &c, const QString &v) -> SetResult {
         const auto level = parseLogLevel(v);
         if (!level)
             return FlagValueProblem{u"log level"_s, u"one of debug, info, warn, error"_s};
         c.logLevel = *level;
         return {};
     },
     [](const GatewayConfig &c) { return logLevelName(c.logLevel); }, nullptr},
    {u"log.format", FlagSpec::Kind::Value, u"Output format of log messages. One of: [logfmt, json]", false,
     [](GatewayConfig &c, const QString &v) -> SetResult {
         const auto format = parseLogFormat(v);
         if (!format)
             return FlagValueProblem{u"log format"_s, u"one of logfmt, json"_s};
         c.logFormat = *format;
         return {};
     },
     [](const GatewayConfig &c) { return logFormatName(c.logFormat); }, nullptr},
}};

} // namespace

std::span<const FlagSpec> gatewayFlags()
{
    return flags;
}

const FlagSpec *findGatewayFlag(QStringView name)
{
    const auto found = std::find_if(flags.begin(), flags.end(), [&](const FlagSpec &flag) { return flag.name == name; });
    return found == flags.end() ? nullptr : &*found;
}

QString listenAddressProblem(QStringView address)
{
    if (address.startsWith(u"vsock://"))
        return u"vsock addresses are not supported"_s;
    QStringView host;
    QStringView port;
    if (address.startsWith(u'[')) {
        const qsizetype close = address.indexOf(u']');
        if (close < 0)
            return u"missing ']' in address"_s;
        if (close + 1 >= address.size() || address[close + 1] != u':')
            return u"missing port in address"_s;
        host = address.sliced(1, close - 1);
        port = address.sliced(close + 2);
        if (host.contains(u'[') || host.contains(u']') || port.contains(u'[') || port.contains(u']'))
            return u"unexpected '[' or ']' in address"_s;
    } else {
        const qsizetype colon = address.lastIndexOf(u':');
        if (colon < 0)
            return u"missing port in address"_s;
        host = address.first(colon);
        port = address.sliced(colon + 1);
        if (host.contains(u':'))
            return u"too many colons in address"_s;
        if (host.contains(u'[') || host.contains(u']'))
            return u"unexpected '[' or ']' in address"_s;
    }
    bool ok = false;
    const uint number = port.toUInt(&ok);
    const bool digitsOnly = std::all_of(port.begin(), port.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    if (port.isEmpty() || !digitsOnly || !ok || number > 65535)
        return u"port must be a number from 0 to 65535"_s;
    return QString();
}

} // namespace qpgw
