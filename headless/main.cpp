// qpushgateway-headless: the gateway as a server process. Parse the flags, start the gateway,
// serve until SIGTERM, SIGINT or a permitted /-/quit, stop gracefully.

#include "gateway/gateway.h"
#include "gateway/gatewayconfig.h"
#include "gateway/unixsignals.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

using namespace qpgw;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QString program = QStringLiteral("qpushgateway-headless");

    const Expected<CommandLine> commandLine = parseCommandLine(app.arguments().mid(1));
    if (!commandLine) {
        std::fprintf(stderr, "%s: error: %s, try --help\n", qPrintable(program), qPrintable(commandLine.error().message));
        return 1;
    }
    if (commandLine->action == CommandLine::Action::ShowHelp) {
        std::fputs(qPrintable(helpText(program)), stdout);
        return 0;
    }
    if (commandLine->action == CommandLine::Action::ShowVersion) {
        std::fputs(qPrintable(versionText(program)), stdout);
        return 0;
    }

    Gateway gateway(commandLine->config);
    if (const std::optional<QString> error = gateway.start()) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(program), qPrintable(*error));
        return 1;
    }

    UnixSignals stopSignals({SIGTERM, SIGINT});
    QObject::connect(&stopSignals, &UnixSignals::received, &gateway, &Gateway::stop);
    QObject::connect(&gateway, &Gateway::quitRequested, &gateway, &Gateway::stop);
    QObject::connect(&gateway, &Gateway::stopped, &app, &QCoreApplication::quit);
    return app.exec();
}
