#include "router.h"

#include <QByteArrayList>

#include <algorithm>
#include <array>
#include <optional>
#include <tuple>

namespace qpgw::http {
namespace {

QByteArrayList segmentsOf(QByteArrayView path)
{
    // "/a/b/" gives {"a", "b", ""}; the leading '/' is implied.
    return path.sliced(1).toByteArray().split('/');
}

// Matches `path` against `pattern`; with `ignoreCase`, static segments compare
// case-insensitively. Returns the path as the route spells it (static parts from the pattern)
// so that a case-insensitive match can redirect to it.
std::optional<QByteArray> match(const QByteArrayList &patternSegments, QByteArrayView path, bool ignoreCase)
{
    if (path.isEmpty() || path.front() != '/')
        return std::nullopt;
    const QByteArrayList pathSegments = segmentsOf(path);
    QByteArray spelled;
    for (qsizetype i = 0; i < patternSegments.size(); ++i) {
        const QByteArray &expected = patternSegments[i];
        if (expected.startsWith('*')) {
            // A catch-all takes the rest, its own leading '/' included; it may be just "/".
            if (i >= pathSegments.size())
                return std::nullopt;
            for (qsizetype j = i; j < pathSegments.size(); ++j)
                spelled += '/' + pathSegments[j];
            return spelled;
        }
        if (i >= pathSegments.size())
            return std::nullopt;
        const QByteArray &actual = pathSegments[i];
        if (expected.startsWith(':')) {
            if (actual.isEmpty())
                return std::nullopt;
            spelled += '/' + actual;
            continue;
        }
        const bool same = ignoreCase ? expected.compare(actual, Qt::CaseInsensitive) == 0 : expected == actual;
        if (!same)
            return std::nullopt;
        spelled += '/' + expected;
    }
    if (pathSegments.size() != patternSegments.size())
        return std::nullopt;
    return spelled;
}

// The static part of a pattern before its first parameter, without the trailing '/':
// "/metrics/job/:job" gives "/metrics/job". httprouter suggests a trailing-slash redirect
// between such a node and its slashed form.
QByteArray staticStem(const QByteArray &pattern)
{
    const qsizetype parameter = pattern.indexOf("/:");
    return parameter < 0 ? QByteArray() : pattern.left(parameter);
}

QByteArray withQuery(QByteArray location, QByteArrayView query)
{
    if (!query.isEmpty())
        location += '?' + query.toByteArray();
    return location;
}

// Percent-encodes what a Location header cannot carry raw.
QByteArray encodePath(const QByteArray &decoded)
{
    return decoded.toPercentEncoding("/:@!$&'()*+,;=-._~");
}

// The part of `encoded` after the first `decodedLength` decoded bytes.
QByteArray encodedTail(QByteArrayView encoded, qsizetype decodedLength)
{
    qsizetype position = 0;
    for (qsizetype decoded = 0; decoded < decodedLength && position < encoded.size(); ++decoded)
        position += encoded[position] == '%' && position + 2 < encoded.size() ? 3 : 1;
    return encoded.sliced(std::min(position, encoded.size())).toByteArray();
}

QByteArray allowHeader(QByteArrayList methods)
{
    if (methods.contains("GET"))
        methods.append("HEAD"); // QPushgateway answers HEAD on every GET route
    methods.append("OPTIONS");
    std::sort(methods.begin(), methods.end());
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    return methods.join(", ");
}

} // namespace

QByteArray goPathClean(QByteArrayView path)
{
    if (path.isEmpty())
        return ".";
    const bool rooted = path.startsWith('/');
    QByteArrayList kept;
    for (const QByteArray &segment : path.toByteArray().split('/')) {
        if (segment.isEmpty() || segment == ".")
            continue;
        if (segment == "..") {
            if (!kept.isEmpty() && kept.constLast() != "..")
                kept.removeLast();
            else if (!rooted)
                kept.append(segment);
            continue;
        }
        kept.append(segment);
    }
    const QByteArray cleaned = (rooted ? "/" : "") + kept.join('/');
    return cleaned.isEmpty() ? "." : cleaned;
}

QByteArray cleanPath(QByteArrayView path)
{
    QByteArray cleaned = goPathClean(path.startsWith('/') ? path.toByteArray() : '/' + path.toByteArray());
    if (path.endsWith('/') && cleaned != "/")
        cleaned += '/';
    return cleaned;
}

Router::Router(const RouterConfig &config)
    : m_config(config)
{
    const QByteArray &p = config.routePrefix;
    const QList<std::tuple<QByteArrayList, QByteArray, Handler>> table = {
        {{"GET"}, p + "/-/healthy", Handler::Healthy},
        {{"GET"}, p + "/-/ready", Handler::Ready},
        {{"GET"}, config.telemetryRoute, Handler::Metrics},
        {{"PUT", "POST"}, p + "/metrics/job/:job", Handler::Push},
        {{"PUT", "POST"}, p + "/metrics/job/:job/*labels", Handler::Push},
        {{"PUT", "POST"}, p + "/metrics/job@base64/:job", Handler::Push},
        {{"PUT", "POST"}, p + "/metrics/job@base64/:job/*labels", Handler::Push},
        {{"DELETE"}, p + "/metrics/job/:job", Handler::Delete},
        {{"DELETE"}, p + "/metrics/job/:job/*labels", Handler::Delete},
        {{"DELETE"}, p + "/metrics/job@base64/:job", Handler::Delete},
        {{"DELETE"}, p + "/metrics/job@base64/:job/*labels", Handler::Delete},
        {{"PUT", "POST"}, p + "/-/quit", Handler::Quit},
    };
    for (const auto &[methods, pattern, handler] : table)
        m_routes.append(Route{methods, segmentsOf(pattern), staticStem(pattern), handler});
    if (config.adminApi) {
        const QByteArray wipe = p + "/api/v1/admin/wipe";
        m_routes.append(Route{{"PUT"}, segmentsOf(wipe), staticStem(wipe), Handler::Wipe});
    }
}

RouteDecision route(QByteArrayView method, QByteArrayView encodedPath, QByteArrayView query,
                    const RouterConfig &config)
{
    return Router(config).route(method, encodedPath, query);
}

RouteDecision Router::route(QByteArrayView method, QByteArrayView encodedPath, QByteArrayView query) const
{
    const RouterConfig &config = m_config;
    const QList<Route> &routes = m_routes;
    RouteDecision decision;

    // 1. Go's mux cleans the (escaped) path first and redirects, for every method but CONNECT.
    if (method != "CONNECT") {
        const QByteArray cleaned = cleanPath(encodedPath);
        if (cleaned != encodedPath) {
            decision.kind = RouteDecision::Kind::Redirect;
            decision.status = 301;
            decision.location = withQuery(cleaned, query);
            return decision;
        }
    }

    // 2. GET /-/quit has an answer of its own, whatever the route prefix.
    if (method == "GET" && encodedPath == "/-/quit") {
        decision.kind = RouteDecision::Kind::QuitNeedsPost;
        return decision;
    }

    // 3. The router matches the percent-decoded path.
    const QByteArray path = QByteArray::fromPercentEncoding(encodedPath.toByteArray());
    const bool head = method == "HEAD";
    const QByteArrayView effectiveMethod = head ? QByteArrayView("GET") : method;

    QByteArrayList allowed;
    for (const Route &candidate : routes) {
        if (!match(candidate.segments, path, false))
            continue;
        allowed += candidate.methods;
        if (!candidate.methods.contains(effectiveMethod.toByteArray()))
            continue;
        decision.kind = RouteDecision::Kind::Handle;
        decision.handler = candidate.handler;
        decision.headOnly = head;
        if (candidate.handler == Handler::Push || candidate.handler == Handler::Delete)
            decision.groupingPath = encodedTail(encodedPath, config.routePrefix.size() + qsizetype(sizeof("/metrics") - 1));
        return decision;
    }

    // 4. Unmatched: redirects first (not for CONNECT or the root), then OPTIONS, 405, 404.
    if (method != "CONNECT" && path != "/") {
        const int status = effectiveMethod == "GET" ? 301 : 307;
        auto matchesForMethod = [&](const QByteArray &candidatePath, bool ignoreCase) -> std::optional<QByteArray> {
            for (const Route &candidate : routes) {
                if (!candidate.methods.contains(effectiveMethod.toByteArray()))
                    continue;
                if (auto spelled = match(candidate.segments, candidatePath, ignoreCase))
                    return spelled;
            }
            return std::nullopt;
        };
        auto redirectTo = [&](const QByteArray &decodedTarget) {
            decision.kind = RouteDecision::Kind::Redirect;
            decision.status = status;
            decision.location = withQuery(encodePath(decodedTarget), query);
            return decision;
        };

        const QByteArray toggled = path.endsWith('/') ? path.chopped(1) : path + '/';
        if (matchesForMethod(toggled, false))
            return redirectTo(toggled);
        if (path.endsWith('/')) {
            for (const Route &candidate : routes) {
                if (candidate.methods.contains(effectiveMethod.toByteArray()) && !candidate.stem.isEmpty() && candidate.stem == toggled)
                    return redirectTo(toggled);
            }
        }
        for (const QByteArray &candidatePath : {path, toggled}) {
            if (const auto spelled = matchesForMethod(candidatePath, true))
                return redirectTo(*spelled);
        }
    }

    if (!allowed.isEmpty()) {
        decision.kind = method == "OPTIONS" ? RouteDecision::Kind::Options : RouteDecision::Kind::MethodNotAllowed;
        decision.allow = allowHeader(allowed);
        return decision;
    }
    decision.kind = RouteDecision::Kind::NotFound;
    return decision;
}

} // namespace qpgw::http
