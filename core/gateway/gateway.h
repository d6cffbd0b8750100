#pragma once

#include "gateway/gatewayconfig.h"
#include "gateway/logger.h"
#include "http/changerecord.h"

#include <QList>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace qpgw {

class MetricStore;
class Persistence;
namespace http {
class GatewayApi;
class GuardedTcpServer;
class HttpServer;
class SelfMetrics;
}

// The one object that wires a configuration, the store and the HTTP server together; both
// executables use it unchanged. Lives on the thread that runs its event loop.
class Gateway : public QObject
{
    Q_OBJECT

public:
    explicit Gateway(GatewayConfig config, QObject *parent = nullptr);
    ~Gateway() override;

    // Listens on every configured address. On failure returns one line saying why (and listens
    // nowhere); the caller exits non-zero.
    std::optional<QString> start();
    // Stops accepting connections, lets answers in flight reach their clients (at most a few
    // seconds), then emits stopped().
    void stop();

    const GatewayConfig &config() const { return m_config; }
    MetricStore &store() { return *m_store; }
    Persistence *persistence() { return m_persistence.get(); }
    Logger &logger() { return m_logger; }
    // "127.0.0.1:9091" for each listener, with the port actually bound (useful with port 0).
    QStringList listeningAddresses() const;
    // Moves the gateway to other listen addresses (the desktop console's settings). The new
    // addresses are bound all or none (the old sockets are closed first so that a port can be
    // reused); if one cannot be, the reason is returned and the gateway listens where it did
    // again. Otherwise the old connections close once their answers are written. Host names are
    // looked up here, blocking: resolve them beforehand (withResolvedHost) on another thread.
    std::optional<QString> listenOn(const QStringList &addresses);
    // The admin API (PUT /api/v1/admin/wipe) and the lifecycle API (/-/quit), switched for the
    // requests that follow (the desktop console's settings).
    void setAdminApiEnabled(bool enabled);
    void setLifecycleEnabled(bool enabled);

Q_SIGNALS:
    // A permitted PUT/POST /-/quit was answered.
    void quitRequested();
    void stopped();
    // listenOn() moved the gateway; the addresses actually bound.
    void listeningAddressesChanged(const QStringList &addresses);
    // A push or delete request was answered (or is about to be: with persistence, once its
    // change is durable), accepted or rejected. Receivers on another thread get it queued.
    void changeHandled(const qpgw::http::ChangeRecord &record);

protected:
    // Count the receivers of changeHandled(), so that no record is built while none listens.
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    // Binds every address (all or none) and serves requests on them.
    std::optional<QString> bindListeners(const QStringList &addresses, QList<http::GuardedTcpServer *> *bound);
    void finishStop();
    // Calls `then` once `listeners`' connections have written what they owe and no answer is
    // held for the journal, or after the grace period.
    void drainThen(const QList<http::GuardedTcpServer *> &listeners, std::function<void()> then);

    GatewayConfig m_config;
    Logger m_logger;
    std::unique_ptr<MetricStore> m_store;
    std::unique_ptr<Persistence> m_persistence; // null without --persistence.file
    std::unique_ptr<http::SelfMetrics> m_selfMetrics;
    std::unique_ptr<http::GatewayApi> m_api;
    std::unique_ptr<http::HttpServer> m_server;
    QList<http::GuardedTcpServer *> m_listeners;
    QList<http::GuardedTcpServer *> m_retiring; // replaced by listenOn(), still draining
    bool m_stopping = false;
    std::atomic<int> m_changeListeners{0};
};

} // namespace qpgw
