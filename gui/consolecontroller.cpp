#include "consolecontroller.h"

#include "gateway/gateway.h"
#include "gateway/listenaddress.h"
#include "store/storeobserver.h"

#include <QDeadlineTimer>

#include <utility>

namespace qpgw::gui {

namespace {
// How long shutdown() waits for the gateway: its own grace period for answers in flight plus
// the final persistence snapshot, with room to spare.
constexpr int ShutdownTimeoutMs = 30000;
}

ConsoleController::ConsoleController(GatewayConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
    m_thread.setObjectName(QStringLiteral("gateway"));
    m_lookups.setMaxThreadCount(1); // requests are answered in the order they were made
}

ConsoleController::~ConsoleController()
{
    shutdown();
}

MetricStore *ConsoleController::store() const
{
    return m_gateway ? &m_gateway->store() : nullptr;
}

std::optional<QString> ConsoleController::start()
{
    Q_ASSERT(!m_anchor);
    m_anchor = new QObject;
    m_anchor->moveToThread(&m_thread);
    m_thread.start();

    std::optional<QString> error;
    // Everything the gateway owns is created on its thread, so that it belongs there.
    QMetaObject::invokeMethod(m_anchor, [this, &error] {
        auto *gateway = new Gateway(m_config);
        error = gateway->start();
        if (error) {
            delete gateway;
            return;
        }
        m_observer = new StoreObserver(gateway->store(), gateway);
        m_addresses = gateway->listeningAddresses();
        connect(gateway, &Gateway::quitRequested, this, &ConsoleController::quitRequested);
        // Once stopped: gone on its own thread, then the thread ends (deferred deletes are
        // carried out as it finishes).
        connect(gateway, &Gateway::stopped, gateway, [gateway] {
            gateway->deleteLater();
            QThread::currentThread()->quit();
        });
        m_gateway = gateway;
    }, Qt::BlockingQueuedConnection);

    if (error) {
        m_thread.quit();
        m_thread.wait();
        delete std::exchange(m_anchor, nullptr);
        return error;
    }
    m_startTime = QDateTime::currentDateTimeUtc();
    return std::nullopt;
}

void ConsoleController::listenOn(const QStringList &addresses)
{
    if (!m_gateway)
        return;
    // Host names are looked up on a worker: a lookup that waits for a slow or absent resolver
    // must freeze neither the window nor the gateway (which would stop answering pushes).
    // shutdown() waits for the worker, so `this` outlives it.
    m_lookups.start([this, addresses] {
        QStringList resolved;
        for (const QString &address : addresses) {
            QString error;
            const std::optional<QString> literal = withResolvedHost(address, &error);
            if (!literal) {
                QMetaObject::invokeMethod(this, [this, addresses, error] { Q_EMIT listenFailed(addresses, error); },
                                          Qt::QueuedConnection);
                return;
            }
            resolved.append(*literal);
        }
        QMetaObject::invokeMethod(this, [this, addresses, resolved] { bindResolved(addresses, resolved); },
                                  Qt::QueuedConnection);
    });
}

void ConsoleController::bindResolved(const QStringList &requested, const QStringList &resolved)
{
    if (!m_gateway)
        return;
    Gateway *gateway = m_gateway;
    // The controller outlives the gateway's thread (shutdown() waits for it), so the answer can
    // always be posted back to it.
    QMetaObject::invokeMethod(gateway, [this, gateway, requested, resolved] {
        const std::optional<QString> error = gateway->listenOn(resolved);
        const QStringList bound = gateway->listeningAddresses();
        QMetaObject::invokeMethod(this, [this, requested, error, bound] {
            if (error) {
                Q_EMIT listenFailed(requested, *error);
                return;
            }
            m_addresses = bound;
            Q_EMIT listeningChanged(bound, requested);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void ConsoleController::setApiSwitches(bool adminApi, bool lifecycle)
{
    if (!m_gateway)
        return;
    Gateway *gateway = m_gateway;
    QMetaObject::invokeMethod(gateway, [gateway, adminApi, lifecycle] {
        gateway->setAdminApiEnabled(adminApi);
        gateway->setLifecycleEnabled(lifecycle);
    }, Qt::QueuedConnection);
}

std::optional<Persistence::SaveStatus> ConsoleController::saveStatus() const
{
    // The pointer is set before start() returns and stays until shutdown(); saveStatus() itself
    // may be called from any thread.
    Persistence *persistence = m_gateway ? m_gateway->persistence() : nullptr;
    if (!persistence)
        return std::nullopt;
    return persistence->saveStatus();
}

void ConsoleController::shutdown()
{
    m_lookups.waitForDone();
    if (!m_gateway)
        return;
    QMetaObject::invokeMethod(m_gateway, &Gateway::stop, Qt::QueuedConnection);
    if (!m_thread.wait(QDeadlineTimer(ShutdownTimeoutMs))) {
        qWarning("the gateway did not stop in time; ending its thread");
        m_thread.quit();
        m_thread.wait();
    }
    m_gateway = nullptr;
    m_observer = nullptr;
    delete std::exchange(m_anchor, nullptr);
}

} // namespace qpgw::gui
