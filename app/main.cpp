// qpushgateway: the desktop console. Parse the flags (over the settings saved by the console's
// dialog, and persisting to the user's data directory by default), then either serve headless
// (--headless, or no display) or run the gateway on its own thread under the main window until
// the user quits, SIGTERM, SIGINT or a permitted /-/quit.

#include "consolecontroller.h"
#include "consolesettings.h"
#include "gateway/gatewayconfig.h"
#include "gateway/serve.h"
#include "gateway/unixsignals.h"
#include "mainwindow.h"
#include "translations.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QSettings>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

using namespace qpgw;

namespace {

const char *const HeadlessFlag = "--headless";

// Whether --headless is among the flags (before a "--").
bool headlessRequested(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0)
            return false;
        if (std::strcmp(argv[i], HeadlessFlag) == 0)
            return true;
    }
    return false;
}

// Whether a window could be shown: a platform plugin chosen explicitly, or an X11 or Wayland
// display to connect to. Checked before QApplication exists, which would abort without one.
bool displayAvailable()
{
    return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

// The arguments the gateway's flags are parsed from: without the program and the first
// --headless (the console's own flag).
QStringList gatewayArguments(QStringList arguments)
{
    arguments.removeFirst();
    for (qsizetype i = 0; i < arguments.size() && arguments.at(i) != QLatin1StringView("--"); ++i) {
        if (arguments.at(i) == QLatin1StringView(HeadlessFlag)) {
            arguments.removeAt(i);
            break;
        }
    }
    return arguments;
}

// The user's data directory may not exist yet on a first run: created for the default
// persistence file only (a path given on the command line is used as given, as the reference does).
void createDefaultPersistenceDirectory(const GatewayConfig &config)
{
    const QString defaultFile = desktopDefaults().persistenceFile;
    if (!defaultFile.isEmpty() && config.persistenceFile == defaultFile)
        QDir().mkpath(QFileInfo(defaultFile).absolutePath());
}

} // namespace

int main(int argc, char *argv[])
{
    const QString program = QStringLiteral("qpushgateway");
    const bool headless = headlessRequested(argc, argv);
    const bool noDisplay = !headless && !displayAvailable();
    // Where QSettings and QStandardPaths keep the console's files:
    // ~/.config/QPushgateway/qpushgateway.conf, ~/.local/share/QPushgateway/qpushgateway/.
    QCoreApplication::setOrganizationName(QStringLiteral("QPushgateway"));
    QCoreApplication::setApplicationName(program);
    const std::unique_ptr<QCoreApplication> app = headless || noDisplay
        ? std::make_unique<QCoreApplication>(argc, argv)
        : std::make_unique<QApplication>(argc, argv);

    // Explicit flags win over what the settings dialog saved, which wins over the defaults.
    const GatewayConfig defaults = gui::ConsoleSettings::savedGatewayDefaults(QSettings(), desktopDefaults());
    const Expected<CommandLine> commandLine = parseCommandLine(gatewayArguments(app->arguments()), defaults);
    const QString extraHelp = QStringLiteral("      --headless                 Run without a window, as qpushgateway-headless.\n");
    if (const std::optional<int> status = answerCommandLine(program, commandLine, extraHelp))
        return *status;
    createDefaultPersistenceDirectory(commandLine->config);

    if (headless || noDisplay) {
        if (noDisplay)
            std::fprintf(stderr, "%s: no display available (neither DISPLAY nor WAYLAND_DISPLAY is set); running headless\n",
                         qPrintable(program));
        return serveUntilStopped(*app, program, commandLine->config);
    }

    // The system locale's translation (German, French; for English the plural forms), before any
    // window exists.
    gui::installTranslations(*app);
    // The menu entry the window belongs to (Wayland app id), and the window's and the tray's
    // icon (PNGs: Qt's SVG plugin is not always installed).
    QGuiApplication::setDesktopFileName(QStringLiteral("qpushgateway"));
    QIcon icon;
    for (const int size : {32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/qpushgateway-%1.png").arg(size));
    QApplication::setWindowIcon(icon);
    gui::ConsoleController controller(commandLine->config);
    if (const std::optional<QString> error = controller.start()) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(program), qPrintable(*error));
        // Started from a desktop menu, nobody reads stderr.
        // A setting saved earlier (an address now taken) may be the cause: say where they are.
        QMessageBox::critical(nullptr, QObject::tr("QPushgateway"),
                              QObject::tr("The gateway could not start:\n%1\n\nThe settings are kept in %2; flags on "
                                          "the command line (such as --web.listen-address) override them.")
                                  .arg(*error, QSettings().fileName()));
        return 1;
    }
    UnixSignals stopSignals({SIGTERM, SIGINT});
    // The window may hide to the tray: the application ends when the user quits, not when the
    // last window is gone.
    QGuiApplication::setQuitOnLastWindowClosed(false);
    int status = 0;
    {
        gui::MainWindow window(controller);
        // Every way to quit goes through the window, so that closing it then hides nothing.
        QObject::connect(&stopSignals, &UnixSignals::received, &window, &gui::MainWindow::quit);
        QObject::connect(&controller, &gui::ConsoleController::quitRequested, &window, &gui::MainWindow::quit);
        QObject::connect(&window, &gui::MainWindow::quitRequested, app.get(), &QCoreApplication::quit);
        window.show();
        status = app->exec();
        window.saveSettings();
    }
    controller.shutdown();
    return status;
}
