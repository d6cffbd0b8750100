#pragma once

#include "http/changerecord.h"
#include "http/httpmessage.h"
#include "http/router.h"
#include "model/error.h"
#include "model/groupingkey.h"
#include "model/metric.h"
#include "model/names.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <functional>

namespace qpgw {
class Logger;
class MetricStore;
}

namespace qpgw::http {

class SelfMetrics;

// The gateway's HTTP behaviour, independent of the HTTP library: a request in, a response out.
// Routes are decided by route() (router.h); this class does what each route means, with the
// reference's status codes and texts (behaviour spec sections 1 and 2), and counts requests
// in the gateway's own metrics as the reference does.
class GatewayApi
{
public:
    struct Options
    {
        // Its adminApi is not read: enableAdminApi decides whether the wipe route exists.
        RouterConfig router;
        bool enableLifecycle = false;
        // --web.enable-admin-api: PUT <prefix>/api/v1/admin/wipe.
        bool enableAdminApi = false;
        NameValidation names = NameValidation::Legacy;
        // Largest body after decompression (--push.max-body-size); 0: unlimited.
        qint64 maxBodyBytes = 0;
        // Offer OpenMetrics to scrapes that ask for it (--web.enable-openmetrics, ours).
        bool openMetrics = false;
    };

    GatewayApi(MetricStore &store, SelfMetrics &selfMetrics, Logger &logger, Options options);

    HttpResponse handle(const HttpRequest &request);

    // Switches the console turns at run time, on the thread that handles requests; the next
    // request sees them. Turning the admin API on or off adds or removes the wipe route (the
    // route table is prepared again), so that a disabled wipe answers 404 as at start-up.
    void setAdminApiEnabled(bool enabled);
    bool adminApiEnabled() const { return m_options.enableAdminApi; }
    void setLifecycleEnabled(bool enabled) { m_options.enableLifecycle = enabled; }
    bool lifecycleEnabled() const { return m_options.enableLifecycle; }

    // Called after a permitted PUT/POST /-/quit has been answered.
    void setQuitHandler(std::function<void()> handler) { m_quit = std::move(handler); }
    // The gateway's own families for a scrape (process_*, pushgateway_*).
    void setOwnFamilies(std::function<QList<MetricFamily>()> provider) { m_ownFamilies = std::move(provider); }
    // With persistence: the journal ticket of the last change; answers to pushes, deletes and
    // wipes carry it, so that the transport sends them only once the change is durable.
    void setDurabilityTicket(std::function<quint64()> lastTicket) { m_lastTicket = std::move(lastTicket); }
    // Told of every request handled as a push or a delete (PUT, POST, DELETE below
    // /metrics/job...) once its answer is decided, rejected ones included, on the thread that
    // handles requests. Not told of scrapes, health checks, wipes, or requests that reach no
    // handler (404, 405, redirects).
    // `wanted`, if set, is asked first: no record is built while nobody listens (the headless
    // server's pushes pay nothing for the console's log).
    void setChangeObserver(std::function<void(const ChangeRecord &)> observer, std::function<bool()> wanted = {})
    {
        m_changeObserver = std::move(observer);
        m_changeWanted = std::move(wanted);
    }
    // The source of ChangeRecord::time; tests pin it. Default: QDateTime::currentDateTimeUtc().
    void setChangeClock(std::function<QDateTime()> clock) { m_changeClock = std::move(clock); }

private:
    HttpResponse dispatch(const HttpRequest &request, const RouteDecision &decision);
    // `key`: the request's grouping path, parsed (or why it did not parse).
    HttpResponse push(const HttpRequest &request, const Expected<GroupingKey> &key);
    HttpResponse remove(const HttpRequest &request, const Expected<GroupingKey> &key);
    void reportChange(const HttpRequest &request, const Expected<GroupingKey> &key, const HttpResponse &response) const;
    // The push body as families: decompressed by Content-Encoding, then parsed by Content-Type.
    Expected<QList<MetricFamily>> parsePushBody(const HttpRequest &request) const;
    HttpResponse scrape(const HttpRequest &request);
    HttpResponse quit();
    HttpResponse wipe();

    MetricStore &m_store;
    SelfMetrics &m_selfMetrics;
    Logger &m_logger;
    Options m_options;
    Router m_router;
    std::function<void()> m_quit;
    std::function<QList<MetricFamily>()> m_ownFamilies;
    std::function<quint64()> m_lastTicket;
    std::function<void(const ChangeRecord &)> m_changeObserver;
    std::function<bool()> m_changeWanted;
    std::function<QDateTime()> m_changeClock = [] { return QDateTime::currentDateTimeUtc(); };
};

// Go's approximation of a request's size, which pushgateway_http_push_size_bytes observes:
// URL, method, protocol, every header name and value, Host, and the Content-Length.
qint64 approximateRequestSize(const HttpRequest &request);

} // namespace qpgw::http
