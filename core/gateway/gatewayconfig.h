#pragma once

#include "gateway/loglevel.h"
#include "gateway/units.h"
#include "model/error.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <chrono>

namespace qpgw {

// Everything the gateway is told on its command line, with the reference's defaults (behaviour
// spec section 6.1). A plain value: parseCommandLine() fills it, the Gateway reads it, the
// desktop console may build one by hand.
struct GatewayConfig
{
    QStringList listenAddresses{QStringLiteral(":9091")}; // --web.listen-address, repeatable; given values replace the default
    bool systemdSocket = false;                           // --web.systemd-socket
    QString webConfigFile;                                // --web.config.file
    QString telemetryPath = QStringLiteral("/metrics");   // --web.telemetry-path
    QString externalUrl;                                  // --web.external-url, as given
    QString routePrefixFlag;                              // --web.route-prefix, as given
    bool enableLifecycle = false;                         // --web.enable-lifecycle
    bool enableAdminApi = false;                          // --web.enable-admin-api
    // --web.enable-openmetrics, ours: offer OpenMetrics to scrapes that ask for it, so that
    // pushed exemplars reach Prometheus. Off by default, as in the reference, because it
    // renames counters to `_total` series.
    bool enableOpenMetrics = false;
    QString persistenceFile;                              // --persistence.file; empty: memory only
    std::chrono::milliseconds persistenceInterval{std::chrono::minutes(5)}; // --persistence.interval
    // --persistence.sync, ours: "always" answers a change once it is fsync'ed (survives a power
    // loss); "interval" once it is written (survives kill -9), with an fsync every second.
    enum class PersistenceSync { Always, Interval };
    PersistenceSync persistenceSync = PersistenceSync::Always;
    // --persistence.move-aside-corrupt, ours: an unreadable persistence file is renamed to
    // PATH.corrupt-<time> and the gateway starts empty, instead of refusing to start.
    bool persistenceMoveAsideCorrupt = false;
    bool disableConsistencyCheck = false;                 // --push.disable-consistency-check
    bool enableUtf8Names = false;                         // --push.enable-utf8-names
    // --push.max-body-size, ours (the reference has no limit): a request body larger than
    // this, after decompression, gets 413.
    qint64 maxBodyBytes = qint64(64) * 1024 * 1024;
    LogLevel logLevel = LogLevel::Info;                   // --log.level
    LogFormat logFormat = LogFormat::Logfmt;              // --log.format

    // The prefix of every route (section 6.2): --web.route-prefix, else the path of
    // --web.external-url; "/" becomes ""; otherwise a leading '/' is ensured and one trailing
    // '/' stripped: "" -> "", "/pg/" -> "/pg", "pg" -> "/pg", "http://h/foobar" -> "/foobar".
    QString routePrefix() const;

    // Where scrapes are served: Go's path.Join(routePrefix(), telemetryPath), so cleaned
    // ("/metrics/" -> "/metrics", "/pg" + "metrics" -> "/pg/metrics"). Unlike the reference,
    // which crashes on a route without a leading '/', the result always starts with '/'.
    QString telemetryRoute() const;

    // The prefix of the web UI's links to its assets: the same rules as routePrefix(), but from
    // --web.external-url only; "" becomes "." so that the links are relative ("./static/...").
    QString assetPrefix() const;

    // Every flag but --help and --version, by name without "--", with its value as the
    // reference's /api/v1/status shows it (section 4.2): "true"/"false", durations as Go
    // prints them ("5m0s"), listen addresses joined by ',', "info", "logfmt", strings as they
    // are. Our own --push.max-body-size is shown as formatByteSize() writes it ("64MiB").
    QMap<QString, QString> flagValues() const;
};

struct CommandLine
{
    enum class Action { Run, ShowHelp, ShowVersion };
    Action action = Action::Run;
    GatewayConfig config; // meaningful for Run only
};

// Parses the arguments (without argv[0]) with kingpin's syntax, as the reference does:
// `--name=value` or `--name value`; booleans as `--name` (true) or `--no-name` (false), and,
// unlike kingpin, also `--name=true` / `--name=false` (any of Go's strconv.ParseBool
// spellings); `-h` or `--help`; `--version`; `--` ends the flags. A flag given twice is an
// error, except --web.listen-address, whose values accumulate.
// Precedence, as kingpin's: --version (if it comes before any syntax error) wins over
// everything; then a syntax error; then --help; then an invalid value.
// Errors are Error::Kind::BadRequest with one line naming the flag, in kingpin's words where
// kingpin has them:
//   unknown long flag '--foo'            unknown short flag '-x'
//   expected argument for flag '--web.telemetry-path'
//   unexpected argument 'foo'            flag 'web.telemetry-path' cannot be repeated
//   invalid duration "x" for --persistence.interval
//   invalid listen address "x" for --web.listen-address: <reason>
//   invalid log level "x" for --log.level: one of debug, info, warn, error
// `defaults` are the values of the flags not given: the headless server starts from
// GatewayConfig{}; the desktop console from defaults that persist to the user's application
// data directory (desktopDefaults()), which `--persistence.file=` still turns off.
Expected<CommandLine> parseCommandLine(const QStringList &arguments, const GatewayConfig &defaults = {});

// The desktop console's defaults: as GatewayConfig{}, but persisting to
// <AppDataLocation>/metrics.db (QStandardPaths), so that a desktop user's groups survive a
// restart. Needs the application's name set (QCoreApplication) to name the directory.
GatewayConfig desktopDefaults();

// What a parse error prints, as kingpin.MustParse prints it (to stderr, then exit status 1):
// "<program>: error: <message>, try --help".
QString commandLineErrorText(const QString &programName, const Error &error);

// kingpin's usage text: "usage: <program> [<flags>]", then every flag with its default and
// help in two columns wrapped at 80 characters. Ends with a newline.
QString helpText(const QString &programName);

// prometheus/common's version.Print over BuildInfo::thisBuild() (http/buildinfo.h), so that
// --version, the status API and pushgateway_build_info agree; the Qt version stands where
// Go's is shown, and lines the build was not stamped with are left out:
//   qpushgateway-headless, version 0.1.0 (branch: main, revision: f4d64ae)
//     qt version:       qt6.4.2
//     platform:         linux/amd64
// Ends with a newline, as the reference prints it (fmt.Println), like helpText().
QString versionText(const QString &programName);

} // namespace qpgw
