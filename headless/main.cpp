// qpushgateway-headless: the gateway as a server process. Parse the flags, start the gateway,
// serve until SIGTERM, SIGINT or a permitted /-/quit, stop gracefully.

#include "gateway/gatewayconfig.h"
#include "gateway/serve.h"

#include <QCoreApplication>

using namespace qpgw;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QString program = QStringLiteral("qpushgateway-headless");

    const Expected<CommandLine> commandLine = parseCommandLine(app.arguments().mid(1));
    if (const std::optional<int> status = answerCommandLine(program, commandLine))
        return *status;
    return serveUntilStopped(app, program, commandLine->config);
}
