#pragma once

#include "gateway/gatewayconfig.h"

#include <QString>
#include <QStringView>

#include <optional>
#include <span>

namespace qpgw {

// Why a flag's value was refused. The parser words it as
// `invalid <noun> "<value>" for --<flag>[: <detail>]`.
struct FlagValueProblem
{
    QString noun;
    QString detail;
};

// The gateway's flags, in the order the reference's help lists them. One table drives the
// parser, the help text and flagValues(), so a flag cannot be parsed but missing from
// /api/v1/status or the help, or the other way round. --help and --version are not in it.
struct FlagSpec
{
    enum class Kind : quint8 {
        Bool,       // --name, --no-name (and our --name=true|false)
        Value,      // --name=value or --name value, at most once
        Repeatable, // like Value, but every occurrence adds a value
    };

    QStringView name; // without "--"
    Kind kind;
    QStringView help;
    // kingpin shows the default of a string flag quoted (--web.telemetry-path="/metrics"),
    // of other types as is (--persistence.interval=5m0s, --web.external-url=).
    bool quoteDefaultInHelp;
    // Stores `value`, or says why it is invalid. A Bool flag gets "true" or "false" only.
    std::optional<FlagValueProblem> (*set)(GatewayConfig &config, const QString &value);
    // The value as /api/v1/status shows it.
    QString (*render)(const GatewayConfig &config);
    // Repeatable only: empties the list, so that the first given value replaces the default.
    void (*clear)(GatewayConfig &config);
};

std::span<const FlagSpec> gatewayFlags();
const FlagSpec *findGatewayFlag(QStringView name);

// A --web.listen-address value: "host:port", "[ipv6]:port" or ":port", port 0-65535, as Go's
// net.SplitHostPort accepts it (but numeric ports only). Returns the reason it is not, or an
// empty string.
QString listenAddressProblem(QStringView address);

} // namespace qpgw
