#include "gateway.h"

#include "gateway/listenaddress.h"
#include "http/buildinfo.h"
#include "http/gatewayapi.h"
#include "http/guardedtcpserver.h"
#include "http/httpserver.h"
#include "http/processmetrics.h"
#include "http/selfmetrics.h"
#include "store/metricstore.h"
#include "store/persistence/persistence.h"

#include <QElapsedTimer>
#include <QMetaMethod>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

// How long a stop waits for answers in flight before it closes their connections.
constexpr int DrainTimeoutMs = 5000;
constexpr int DrainPollMs = 20;

} // namespace

Gateway::Gateway(GatewayConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_logger(m_config.logLevel, m_config.logFormat)
{
    MetricStore::Options storeOptions;
    storeOptions.consistencyCheck = !m_config.disableConsistencyCheck;
    m_store = std::make_unique<MetricStore>(storeOptions);
    m_selfMetrics = std::make_unique<http::SelfMetrics>();

    http::GatewayApi::Options apiOptions;
    apiOptions.router.routePrefix = m_config.routePrefix().toUtf8();
    apiOptions.router.telemetryRoute = m_config.telemetryRoute().toUtf8();
    apiOptions.enableLifecycle = m_config.enableLifecycle;
    apiOptions.enableAdminApi = m_config.enableAdminApi;
    apiOptions.names = m_config.enableUtf8Names ? NameValidation::Utf8 : NameValidation::Legacy;
    apiOptions.maxBodyBytes = m_config.maxBodyBytes;
    apiOptions.openMetrics = m_config.enableOpenMetrics;
    m_api = std::make_unique<http::GatewayApi>(*m_store, *m_selfMetrics, m_logger, apiOptions);
    const BuildInfo build = BuildInfo::thisBuild();
    m_api->setOwnFamilies([this, build] { return m_selfMetrics->families(build, http::readProcessMetrics()); });
    // Answer first, then stop: the quit handler runs while the answer is being written.
    m_api->setQuitHandler([this] { QMetaObject::invokeMethod(this, &Gateway::quitRequested, Qt::QueuedConnection); });
    // The name changeHandled's signature uses, for queued delivery and string-based connections.
    qRegisterMetaType<http::ChangeRecord>("qpgw::http::ChangeRecord");
    m_api->setChangeObserver([this](const http::ChangeRecord &record) { Q_EMIT changeHandled(record); },
                             [this] { return m_changeListeners.load(std::memory_order_relaxed) > 0; });
    m_server = std::make_unique<http::HttpServer>(*m_api);
}

Gateway::~Gateway() = default;

// Qt may call these from the connecting thread, hence the atomic, and with one of its internal
// mutexes locked (when a receiver is destroyed), hence a count: they may not call back into
// QObject (receivers() there deadlocks when the receiver shares the sender's pooled mutex).
void Gateway::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&Gateway::changeHandled))
        m_changeListeners.fetch_add(1, std::memory_order_relaxed);
}

void Gateway::disconnectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&Gateway::changeHandled)) {
        m_changeListeners.fetch_sub(1, std::memory_order_relaxed);
    } else if (!signal.isValid()) {
        // A disconnect of everything, which may include our receivers: recounted on our own
        // thread, outside Qt's locks.
        QMetaObject::invokeMethod(this, [this] {
            m_changeListeners.store(receivers(SIGNAL(changeHandled(qpgw::http::ChangeRecord))), std::memory_order_relaxed);
        }, Qt::QueuedConnection);
    }
}

std::optional<QString> Gateway::start()
{
    const BuildInfo build = BuildInfo::thisBuild();
    m_logger.info(u"starting pushgateway"_s, {{u"version", QString::fromUtf8(build.version)}});
    if (!m_config.webConfigFile.isEmpty())
        return u"--web.config.file (TLS and basic authentication) is not supported yet; refusing to start without the protection it asks for"_s;
    if (m_config.systemdSocket)
        return u"--web.systemd-socket is not supported yet"_s;
    if (!m_config.persistenceFile.isEmpty()) {
        Persistence::Options options;
        options.path = m_config.persistenceFile;
        options.interval = m_config.persistenceInterval;
        options.sync = m_config.persistenceSync == GatewayConfig::PersistenceSync::Always
            ? JournalWriter::SyncPolicy::Always : JournalWriter::SyncPolicy::Interval;
        options.moveAsideCorrupt = m_config.persistenceMoveAsideCorrupt;
        m_persistence = std::make_unique<Persistence>(*m_store, m_logger, options);
        if (const std::optional<QString> problem = m_persistence->start()) {
            m_persistence.reset();
            return problem;
        }
        Persistence *persistence = m_persistence.get();
        m_api->setDurabilityTicket([persistence] { return persistence->lastTicket(); });
        connect(persistence, &Persistence::durable, m_server.get(), &http::HttpServer::releaseDurable);
        connect(persistence, &Persistence::failed, m_server.get(), &http::HttpServer::failDurable);
    }

    if (const std::optional<QString> error = bindListeners(m_config.listenAddresses, &m_listeners))
        return error;
    return std::nullopt;
}

std::optional<QString> Gateway::bindListeners(const QStringList &addresses, QList<http::GuardedTcpServer *> *bound)
{
    QList<http::GuardedTcpServer *> listeners;
    for (const QString &text : addresses) {
        QString error;
        const std::optional<ListenTarget> target = resolveListenAddress(text, &error);
        auto *listener = target ? new http::GuardedTcpServer(m_config.maxBodyBytes, this) : nullptr;
        if (listener && !listener->listen(target->address, target->port)) {
            error = u"listen tcp %1: %2"_s.arg(text, listener->errorString());
            delete listener;
            listener = nullptr;
        }
        if (!listener) {
            qDeleteAll(listeners);
            return error;
        }
        listeners.append(listener);
    }
    // Serving only once every address is bound: a failure above leaves nothing half-served.
    for (http::GuardedTcpServer *listener : std::as_const(listeners)) {
        connect(listener, &http::GuardedTcpServer::requestRefused, this, [this](int status, const QString &reason) {
            m_logger.warn(u"request refused"_s, {{u"status", QString::number(status)}, {u"err", reason}});
        });
        http::HttpServer *server = m_server.get();
        listener->setInOrderWriter([server](QTcpSocket *socket, const QByteArray &bytes) { server->writeInOrder(socket, bytes); });
        m_server->bind(listener);
        m_logger.info(u"Listening on"_s, {{u"address", hostPort(listener->serverAddress(), listener->serverPort())}});
    }
    *bound = std::move(listeners);
    return std::nullopt;
}

std::optional<QString> Gateway::listenOn(const QStringList &addresses)
{
    if (m_stopping)
        return u"the gateway is stopping"_s;
    // The old sockets close first, so that the new addresses may reuse their ports (":9091" to
    // "127.0.0.1:9091" is the common change). If the new ones cannot all be bound, the old ones
    // listen again where they did; connections they accepted stay open throughout.
    struct Bound
    {
        QHostAddress address;
        quint16 port;
    };
    QList<Bound> previous;
    for (http::GuardedTcpServer *listener : std::as_const(m_listeners)) {
        previous.append({listener->serverAddress(), listener->serverPort()});
        listener->close();
    }
    QList<http::GuardedTcpServer *> listeners;
    if (std::optional<QString> error = bindListeners(addresses, &listeners)) {
        for (qsizetype i = 0; i < m_listeners.size(); ++i) {
            if (!m_listeners[i]->listen(previous[i].address, previous[i].port)) {
                *error += u"; and listening again on %1 failed: %2"_s.arg(hostPort(previous[i].address, previous[i].port),
                                                                        m_listeners[i]->errorString());
            }
        }
        m_logger.error(u"could not change the listen address; still listening on the old one"_s,
                       {{u"address", addresses.join(u',')}, {u"err", *error}});
        return error;
    }
    // The old listeners' connections are closed once the answers they are owed have been
    // written (as in a graceful stop, which waits for them too).
    const QList<http::GuardedTcpServer *> retired = std::exchange(m_listeners, listeners);
    m_retiring += retired;
    drainThen(retired, [this, retired] {
        for (http::GuardedTcpServer *listener : retired) {
            for (QTcpSocket *socket : listener->connections())
                socket->disconnectFromHost();
            m_retiring.removeOne(listener);
            listener->deleteLater();
        }
    });
    m_config.listenAddresses = addresses;
    Q_EMIT listeningAddressesChanged(listeningAddresses());
    return std::nullopt;
}

QStringList Gateway::listeningAddresses() const
{
    QStringList addresses;
    for (const http::GuardedTcpServer *listener : m_listeners)
        addresses.append(hostPort(listener->serverAddress(), listener->serverPort()));
    return addresses;
}

void Gateway::setAdminApiEnabled(bool enabled)
{
    m_config.enableAdminApi = enabled;
    m_api->setAdminApiEnabled(enabled);
}

void Gateway::setLifecycleEnabled(bool enabled)
{
    m_config.enableLifecycle = enabled;
    m_api->setLifecycleEnabled(enabled);
}

void Gateway::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    for (http::GuardedTcpServer *listener : std::as_const(m_listeners))
        listener->close();
    finishStop();
}

void Gateway::finishStop()
{
    drainThen(m_listeners + m_retiring, [this] {
        // The final snapshot; every change answered so far is in it.
        if (m_persistence)
            m_persistence->stop();
        for (const http::GuardedTcpServer *listener : m_listeners + m_retiring) {
            for (QTcpSocket *socket : listener->connections())
                socket->disconnectFromHost();
        }
        m_logger.info(u"HTTP server stopped"_s);
        Q_EMIT stopped();
    });
}

void Gateway::drainThen(const QList<http::GuardedTcpServer *> &listeners, std::function<void()> then)
{
    // Wait until every answer has left, or the grace period is over.
    QElapsedTimer waited;
    waited.start();
    auto *poll = new QTimer(this);
    poll->setInterval(DrainPollMs);
    connect(poll, &QTimer::timeout, this, [this, poll, waited, listeners, then = std::move(then)] {
        // A connection is done once nothing waits to be written to it, not even an answer held
        // until its change is durable.
        bool draining = false;
        for (const http::GuardedTcpServer *listener : listeners) {
            for (QTcpSocket *socket : listener->connections())
                draining = draining || socket->bytesToWrite() > 0 || m_server->holdsAnswersFor(socket);
        }
        if (draining && waited.elapsed() < DrainTimeoutMs)
            return;
        poll->stop();
        poll->deleteLater();
        then();
    });
    poll->start();
}

} // namespace qpgw
