#pragma once

#include "gateway/gatewayconfig.h"

#include <QString>
#include <QStringList>

#include <chrono>

class QSettings;

namespace qpgw::gui {

// What the console's settings dialog changes, stored with QSettings (groups "gateway" and
// "console"). A value: the window holds the settings in force, the dialog edits a copy.
//
// The gateway's settings are defaults under the command line: qpushgateway starts with
// savedGatewayDefaults() as the defaults parseCommandLine() fills in, so an explicit flag
// still wins for that run. Only fields a user changed are written, so that a flag given for
// one run is not saved by accident when another setting is.
struct ConsoleSettings
{
    // Applied at once by the window (the gateway moves to the new addresses, or says why not).
    QStringList listenAddresses;
    bool enableAdminApi = false;
    bool enableLifecycle = false;
    // Takes effect at the next start: the store in memory is the one its file holds.
    QString persistenceFile;

    // The console's own.
    std::chrono::seconds staleAge{0}; // 0: staleness is not marked
    bool keepRunningInTray = true;    // closing the window hides it to the tray (if there is one)
    bool notifyFailures = true;       // a tray notification when a group's pushes start failing

    // The gateway configuration qpushgateway starts from: `defaults` with the saved gateway
    // settings over it.
    static GatewayConfig savedGatewayDefaults(const QSettings &settings, GatewayConfig defaults);
    // The settings in force for a gateway running with `running`: its addresses and switches,
    // the saved persistence file (which may wait for the next start) or the running one, and
    // the saved console settings.
    static ConsoleSettings load(const QSettings &settings, const GatewayConfig &running);
    // Writes the fields that differ from `before`.
    void saveChanges(QSettings &settings, const ConsoleSettings &before) const;

    friend bool operator==(const ConsoleSettings &, const ConsoleSettings &) = default;
};

// "a:1, b:2" or "a:1 b:2" -> {"a:1", "b:2"}: how the dialog reads a list of listen addresses.
QStringList splitListenAddresses(const QString &text);

} // namespace qpgw::gui
