#pragma once

#include "gateway/gatewayconfig.h"

#include <QString>

#include <optional>

class QCoreApplication;

namespace qpgw {

// The steps both executables' main() share, so that they behave alike.

// Acts on what the command line asks for before anything is served, as kingpin.MustParse
// does: prints the error (stderr), the help (followed by `extraHelp`, for flags of the calling
// program alone) or the version (stdout). Returns the exit status when the process should end
// now (1 for an error, 0 otherwise); nothing when it should serve `commandLine->config`.
std::optional<int> answerCommandLine(const QString &programName, const Expected<CommandLine> &commandLine,
                                     const QString &extraHelp = {});

// Runs a Gateway with `config` on this thread's event loop until SIGTERM, SIGINT or a permitted
// /-/quit, then stops it gracefully. Returns the exit status: 1 (the reason printed to stderr)
// when it could not start, else 0.
int serveUntilStopped(QCoreApplication &app, const QString &programName, const GatewayConfig &config);

} // namespace qpgw
