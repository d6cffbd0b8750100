#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QList>

namespace qpgw::http {

// The endpoints QPushgateway serves.
enum class Handler {
    Healthy,
    Ready,
    Metrics,     // the telemetry path: scrape
    Push,        // PUT and POST below /metrics/job...
    Delete,      // DELETE below /metrics/job...
    Quit,        // PUT and POST /-/quit
    Wipe,        // PUT /api/v1/admin/wipe, only with RouterConfig::adminApi
};

struct RouterConfig
{
    QByteArray routePrefix;    // "" or "/pg" (behaviour spec section 6.2)
    QByteArray telemetryRoute; // prefix joined with --web.telemetry-path, cleaned: "/metrics"
    // --web.enable-admin-api: without it the wipe route does not exist (404, not 403), as in
    // the reference (behaviour spec section 1.2).
    bool adminApi = false;
};

// What to do with a request, decided from its method and path alone, with the reference's
// routing rules (behaviour spec section 1.1): Go's path cleaning, httprouter's trailing-slash
// and case-insensitive redirects, 405 with an Allow header, OPTIONS answers, 404.
struct RouteDecision
{
    enum class Kind {
        Handle,           // call `handler`
        Redirect,         // `status` (301 or 307) to `location`
        MethodNotAllowed, // 405 with `allow`
        Options,          // 200, empty, with `allow`
        NotFound,         // 404
        QuitNeedsPost,    // GET /-/quit, never prefixed: the reference's own 405 text
    };

    Kind kind = Kind::NotFound;
    Handler handler = Handler::Healthy;
    int status = 0;
    QByteArray location;
    QByteArray allow;
    // For Push and Delete: the still percent-encoded path below P/metrics, "/job/j/a/b".
    QByteArray groupingPath;
    // The method is HEAD on a GET route: answer like GET without a body.
    bool headOnly = false;
};

// The route table of one configuration, prepared once (patterns split into segments), so that
// deciding a request costs no allocation for the table.
class Router
{
public:
    explicit Router(const RouterConfig &config);

    // `method` in upper case as on the request line; `encodedPath` is the request target's
    // path, still percent-encoded, without the query; `query` (without '?') is kept on
    // redirects.
    RouteDecision route(QByteArrayView method, QByteArrayView encodedPath, QByteArrayView query) const;

private:
    // Segments are static text, ":name" (one non-empty segment) or "*name" (the rest of the
    // path including its leading '/', at least "/"), as httprouter patterns.
    struct Route
    {
        QByteArrayList methods;
        QByteArrayList segments;
        QByteArray stem; // the static part before the first parameter, without its last '/'
        Handler handler;
    };

    RouterConfig m_config;
    QList<Route> m_routes;
};

// One decision with a throwaway Router, for tests and one-off use.
RouteDecision route(QByteArrayView method, QByteArrayView encodedPath, QByteArrayView query,
                    const RouterConfig &config);

// Go's path.Clean: no empty or "." segments, ".." removes the segment before it (or stays at
// the front of a relative path, or vanishes at the root), no trailing '/' but on the root;
// "" gives ".".
QByteArray goPathClean(QByteArrayView path);

// Go's path cleaning as its HTTP mux applies it: path.Clean with a leading slash ensured and
// a trailing slash kept.
QByteArray cleanPath(QByteArrayView path);

} // namespace qpgw::http
