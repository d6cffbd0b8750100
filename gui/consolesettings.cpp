#include "consolesettings.h"

#include <QRegularExpression>
#include <QSettings>

namespace qpgw::gui {

using namespace Qt::StringLiterals;

namespace {

// The keys, one place: a renamed key would silently forget a user's settings.
const QString ListenAddressesKey = u"gateway/listenAddresses"_s;
const QString PersistenceFileKey = u"gateway/persistenceFile"_s;
const QString AdminApiKey = u"gateway/enableAdminApi"_s;
const QString LifecycleKey = u"gateway/enableLifecycle"_s;
const QString StaleAgeKey = u"console/staleAgeSeconds"_s;
const QString KeepRunningKey = u"console/keepRunningInTray"_s;
const QString NotifyFailuresKey = u"console/notifyFailures"_s;

template<typename T>
void writeIfChanged(QSettings &settings, const QString &key, const T &now, const T &before)
{
    if (now != before)
        settings.setValue(key, QVariant::fromValue(now));
}

} // namespace

QStringList splitListenAddresses(const QString &text)
{
    static const QRegularExpression separators(u"[,\\s]+"_s);
    return text.split(separators, Qt::SkipEmptyParts);
}

GatewayConfig ConsoleSettings::savedGatewayDefaults(const QSettings &settings, GatewayConfig defaults)
{
    const QStringList addresses = settings.value(ListenAddressesKey).toStringList();
    if (!addresses.isEmpty())
        defaults.listenAddresses = addresses;
    if (settings.contains(PersistenceFileKey))
        defaults.persistenceFile = settings.value(PersistenceFileKey).toString();
    defaults.enableAdminApi = settings.value(AdminApiKey, defaults.enableAdminApi).toBool();
    defaults.enableLifecycle = settings.value(LifecycleKey, defaults.enableLifecycle).toBool();
    return defaults;
}

ConsoleSettings ConsoleSettings::load(const QSettings &settings, const GatewayConfig &running)
{
    ConsoleSettings loaded;
    loaded.listenAddresses = running.listenAddresses;
    loaded.enableAdminApi = running.enableAdminApi;
    loaded.enableLifecycle = running.enableLifecycle;
    loaded.persistenceFile = settings.value(PersistenceFileKey, running.persistenceFile).toString();
    loaded.staleAge = std::chrono::seconds(std::max<qint64>(0, settings.value(StaleAgeKey, 0).toLongLong()));
    loaded.keepRunningInTray = settings.value(KeepRunningKey, loaded.keepRunningInTray).toBool();
    loaded.notifyFailures = settings.value(NotifyFailuresKey, loaded.notifyFailures).toBool();
    return loaded;
}

void ConsoleSettings::saveChanges(QSettings &settings, const ConsoleSettings &before) const
{
    writeIfChanged(settings, ListenAddressesKey, listenAddresses, before.listenAddresses);
    writeIfChanged(settings, PersistenceFileKey, persistenceFile, before.persistenceFile);
    writeIfChanged(settings, AdminApiKey, enableAdminApi, before.enableAdminApi);
    writeIfChanged(settings, LifecycleKey, enableLifecycle, before.enableLifecycle);
    writeIfChanged(settings, StaleAgeKey, qlonglong(staleAge.count()), qlonglong(before.staleAge.count()));
    writeIfChanged(settings, KeepRunningKey, keepRunningInTray, before.keepRunningInTray);
    writeIfChanged(settings, NotifyFailuresKey, notifyFailures, before.notifyFailures);
}

} // namespace qpgw::gui
