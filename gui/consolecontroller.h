#pragma once

#include "gateway/gatewayconfig.h"
#include "store/persistence/persistence.h"

#include <QDateTime>
#include <QObject>
#include <QStringList>
#include <QThread>
#include <QThreadPool>

#include <optional>

namespace qpgw {
class Gateway;
class MetricStore;
class StoreObserver;
}

namespace qpgw::gui {

// ConsoleController: the desktop console's gateway, on a thread of its own. start() creates the
// Gateway and a StoreObserver on that thread and starts listening there; shutdown() (or the
// destructor) stops the gateway gracefully, deletes both on their thread and ends it.
//
// What it hands out lives on the gateway's thread: connect to it (queued connections follow by
// themselves) and call into it only through QMetaObject::invokeMethod. Destroy whatever
// connects to it (the window) before the controller.
class ConsoleController : public QObject
{
    Q_OBJECT

public:
    explicit ConsoleController(GatewayConfig config, QObject *parent = nullptr);
    ~ConsoleController() override;

    // Starts the thread and the gateway; blocks until it listens or failed to. On failure
    // returns one line saying why, and the thread is ended again. Call once.
    std::optional<QString> start();
    // Stops the gateway gracefully (answers in flight are delivered, persistence is flushed),
    // waits for it, and ends its thread. Does nothing when it is not running.
    void shutdown();
    bool isRunning() const { return m_gateway != nullptr; }

    const GatewayConfig &config() const { return m_config; }
    // Valid while running.
    Gateway *gateway() const { return m_gateway; }
    MetricStore *store() const;
    StoreObserver *observer() const { return m_observer; }
    // The addresses actually bound ("127.0.0.1:40123"), read at start.
    const QStringList &listeningAddresses() const { return m_addresses; }
    QDateTime startTime() const { return m_startTime; }

    // Moves the gateway to `addresses` (host names looked up on a worker, then bound on the
    // gateway's thread); listeningChanged() or listenFailed() tells how it went. On failure the
    // gateway keeps listening where it did.
    void listenOn(const QStringList &addresses);
    // Turns the admin API (PUT /api/v1/admin/wipe) and the lifecycle API (/-/quit) on or off,
    // for the requests that follow.
    void setApiSwitches(bool adminApi, bool lifecycle);
    // When the persistence file was last written, and the last failure; nothing without one.
    std::optional<Persistence::SaveStatus> saveStatus() const;

Q_SIGNALS:
    // A permitted PUT/POST /-/quit was answered; the application should quit (and then shut
    // the controller down).
    void quitRequested();
    // listenOn(`requested`) succeeded; `addresses` are now bound (listeningAddresses() returns
    // them too). Each request is answered once, in the order asked.
    void listeningChanged(const QStringList &addresses, const QStringList &requested);
    // listenOn(`requested`) failed for `reason`; nothing changed.
    void listenFailed(const QStringList &requested, const QString &reason);

private:
    void bindResolved(const QStringList &requested, const QStringList &resolved);

    GatewayConfig m_config;
    QThreadPool m_lookups; // host name lookups for listenOn(), one at a time
    QThread m_thread;
    QObject *m_anchor = nullptr; // lives on m_thread: the context that runs code there
    Gateway *m_gateway = nullptr;
    StoreObserver *m_observer = nullptr; // a child of m_gateway
    QStringList m_addresses;
    QDateTime m_startTime;
};

} // namespace qpgw::gui
