#include "gateway/serve.h"

#include "gateway/gateway.h"
#include "gateway/unixsignals.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

namespace qpgw {

std::optional<int> answerCommandLine(const QString &programName, const Expected<CommandLine> &commandLine,
                                     const QString &extraHelp)
{
    if (!commandLine) {
        std::fprintf(stderr, "%s\n", qPrintable(commandLineErrorText(programName, commandLine.error())));
        return 1;
    }
    switch (commandLine->action) {
    case CommandLine::Action::ShowHelp:
        std::fputs(qPrintable(helpText(programName) + extraHelp), stdout);
        return 0;
    case CommandLine::Action::ShowVersion:
        std::fputs(qPrintable(versionText(programName)), stdout);
        return 0;
    case CommandLine::Action::Run:
        break;
    }
    return std::nullopt;
}

int serveUntilStopped(QCoreApplication &app, const QString &programName, const GatewayConfig &config)
{
    Gateway gateway(config);
    if (const std::optional<QString> error = gateway.start()) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(programName), qPrintable(*error));
        return 1;
    }

    UnixSignals stopSignals({SIGTERM, SIGINT});
    QObject::connect(&stopSignals, &UnixSignals::received, &gateway, &Gateway::stop);
    QObject::connect(&gateway, &Gateway::quitRequested, &gateway, &Gateway::stop);
    QObject::connect(&gateway, &Gateway::stopped, &app, &QCoreApplication::quit);
    return app.exec();
}

} // namespace qpgw
