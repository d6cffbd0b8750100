#include "gatewayapi.h"

#include "format/compression.h"
#include "format/decompression.h"
#include "format/groupingpath.h"
#include "format/openmetricsparser.h"
#include "format/openmetricswriter.h"
#include "format/protobufreader.h"
#include "format/protobufwriter.h"
#include "format/textparser.h"
#include "gateway/logger.h"
#include "http/errorstatus.h"
#include "http/negotiation.h"
#include "http/selfmetrics.h"
#include "store/metricstore.h"

using namespace Qt::StringLiterals;

namespace qpgw::http {
namespace {

// The reference selects protobuf by this media type and its two parameters (section 2.5).
bool isDelimitedProtobuf(QByteArrayView contentType)
{
    const QByteArrayList parts = contentType.toByteArray().split(';');
    if (parts.constFirst().trimmed().compare("application/vnd.google.protobuf", Qt::CaseInsensitive) != 0)
        return false;
    bool delimited = false;
    bool metricFamily = false;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray parameter = parts[i].trimmed();
        delimited = delimited || parameter == "encoding=delimited";
        metricFamily = metricFamily || parameter == "proto=io.prometheus.client.MetricFamily";
    }
    return delimited && metricFamily;
}

// OpenMetrics text pushes are our extension (upstream issue #400): the reference parses
// them as text 0.0.4. Selected by the media type alone, case-insensitively.
bool isOpenMetrics(QByteArrayView contentType)
{
    const QByteArray mediaType = contentType.toByteArray().split(';').constFirst().trimmed();
    return mediaType.compare("application/openmetrics-text", Qt::CaseInsensitive) == 0;
}

HttpResponse redirect(int status, const QByteArray &location, const QByteArray &method)
{
    HttpResponse response;
    response.status = status;
    response.headers = {{"Location", location}};
    // Go's http.Redirect writes a short HTML body for GET and HEAD only.
    if (method == "GET" || method == "HEAD") {
        response.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "text/html; charset=utf-8"));
        const QByteArray escaped = QString::fromUtf8(location).toHtmlEscaped().toUtf8();
        response.body = "<a href=\"" + escaped + "\">"
            + (status == 301 ? "Moved Permanently" : "Temporary Redirect") + "</a>.\n\n";
        response.bodyOmitted = method == "HEAD";
    }
    return response;
}

// The route table for `options`: the admin switch lives in the options, not in their router.
RouterConfig routerConfig(const GatewayApi::Options &options)
{
    RouterConfig config = options.router;
    config.adminApi = options.enableAdminApi;
    return config;
}

QByteArray lowerMethod(const QByteArray &method)
{
    static const QByteArrayList known = {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"};
    return known.contains(method) ? method.toLower() : "unknown"_ba;
}

} // namespace

GatewayApi::GatewayApi(MetricStore &store, SelfMetrics &selfMetrics, Logger &logger, Options options)
    : m_store(store)
    , m_selfMetrics(selfMetrics)
    , m_logger(logger)
    , m_options(std::move(options))
    , m_router(routerConfig(m_options))
{
}

void GatewayApi::setAdminApiEnabled(bool enabled)
{
    if (enabled == m_options.enableAdminApi)
        return;
    m_options.enableAdminApi = enabled;
    m_router = Router(routerConfig(m_options));
}

HttpResponse GatewayApi::handle(const HttpRequest &request)
{
    const RouteDecision decision = m_router.route(request.method, request.encodedPath, request.query);
    switch (decision.kind) {
    case RouteDecision::Kind::Handle:
        return dispatch(request, decision);
    case RouteDecision::Kind::Redirect:
        return redirect(decision.status, decision.location, request.method);
    case RouteDecision::Kind::MethodNotAllowed: {
        HttpResponse response = HttpResponse::error(405, u"Method Not Allowed"_s);
        response.headers.append(std::pair<QByteArray, QByteArray>("Allow", decision.allow));
        return response;
    }
    case RouteDecision::Kind::Options: {
        HttpResponse response;
        response.headers = {{"Allow", decision.allow}};
        return response;
    }
    case RouteDecision::Kind::QuitNeedsPost:
        return HttpResponse::text(405, "Only POST or PUT requests allowed.");
    case RouteDecision::Kind::NotFound:
        break;
    }
    return HttpResponse::error(404, u"404 page not found"_s);
}

HttpResponse GatewayApi::dispatch(const HttpRequest &request, const RouteDecision &decision)
{
    HttpResponse response;
    QByteArray counted; // the reference's `handler` label; empty: not counted
    switch (decision.handler) {
    case Handler::Healthy:
    case Handler::Ready:
        response = HttpResponse::text(200, "OK");
        counted = decision.handler == Handler::Healthy ? "healthy" : "ready";
        break;
    case Handler::Metrics:
        response = scrape(request);
        break;
    case Handler::Push:
    case Handler::Delete: {
        // Parsed once: the handler acts on the key, the change report names it.
        const Expected<GroupingKey> key = parseGroupingPath(decision.groupingPath, m_options.names);
        const bool isPush = decision.handler == Handler::Push;
        response = isPush ? push(request, key) : remove(request, key);
        counted = isPush ? "push" : "delete";
        reportChange(request, key, response);
        break;
    }
    case Handler::Quit:
        response = quit();
        break;
    case Handler::Wipe:
        response = wipe();
        counted = "wipe";
        break;
    }
    response.bodyOmitted = response.bodyOmitted || decision.headOnly;
    // Whatever a push, delete or wipe changed (a rejected push too: its failure time) is
    // answered once it is on the disk. Answers that changed nothing wait for nothing newer.
    const bool changes = decision.handler == Handler::Push || decision.handler == Handler::Delete
        || decision.handler == Handler::Wipe;
    if (m_lastTicket && changes)
        response.durableTicket = m_lastTicket();
    if (!counted.isEmpty())
        m_selfMetrics.countRequest(counted, response.status, lowerMethod(request.method));
    return response;
}

HttpResponse GatewayApi::push(const HttpRequest &request, const Expected<GroupingKey> &key)
{
    QElapsedTimer timer;
    timer.start();
    const HttpResponse response = [&]() -> HttpResponse {
        if (!key) {
            m_logger.debug(u"failed to parse URL"_s, {{u"url", QString::fromUtf8(request.encodedPath)},
                                                      {u"err", key.error().message}});
            return errorResponse(key.error());
        }
        Expected<QList<MetricFamily>> families = parsePushBody(request);
        if (!families) {
            m_logger.debug(u"failed to parse push body"_s, {{u"source", request.remoteAddress.toString()},
                                                            {u"err", families.error().message}});
            return errorResponse(families.error());
        }
        const PushMode mode = request.method == "PUT" ? PushMode::ReplaceAll : PushMode::ReplaceSameNames;
        const std::optional<Error> rejected = m_store.push(*key, std::move(families).value(), mode);
        if (rejected) {
            m_logger.error(u"pushed metrics are invalid or inconsistent with existing metrics"_s,
                           {{u"method", QString::fromLatin1(request.method)},
                            {u"source", request.remoteAddress.toString()},
                            {u"err", rejected->message}});
        }
        // Without the consistency check the reference answers 202 before it even looks at the
        // push; a rejection then only shows in push_failure_time_seconds and the log.
        if (!m_store.consistencyCheck())
            return HttpResponse{202, {}, {}, false};
        if (rejected)
            return errorResponse(*rejected);
        return HttpResponse{200, {}, {}, false};
    }();
    m_selfMetrics.observePush(lowerMethod(request.method), double(timer.nsecsElapsed()) / 1e9,
                              double(approximateRequestSize(request)));
    return response;
}

Expected<QList<MetricFamily>> GatewayApi::parsePushBody(const HttpRequest &request) const
{
    // The decompressed size counts against the body limit: a small bomb is still too large.
    const Expected<QByteArray> body = decodeContentEncoding(request.header("content-encoding"), request.body,
                                                           m_options.maxBodyBytes);
    if (!body)
        return body.error();
    const QByteArray contentType = request.header("content-type");
    if (isDelimitedProtobuf(contentType))
        return parseDelimitedProtobuf(*body, m_options.names);
    if (isOpenMetrics(contentType))
        return parseOpenMetrics(*body, m_options.names);
    return parseTextFormat(*body, m_options.names);
}

HttpResponse GatewayApi::remove(const HttpRequest &request, const Expected<GroupingKey> &key)
{
    if (!key) {
        m_logger.debug(u"failed to parse URL"_s, {{u"url", QString::fromUtf8(request.encodedPath)},
                                                  {u"err", key.error().message}});
        return errorResponse(key.error());
    }
    m_store.remove(*key);
    return HttpResponse{202, {}, {}, false};
}

void GatewayApi::reportChange(const HttpRequest &request, const Expected<GroupingKey> &key,
                              const HttpResponse &response) const
{
    if (!m_changeObserver || (m_changeWanted && !m_changeWanted()))
        return;
    ChangeRecord record;
    record.time = m_changeClock();
    record.method = request.method;
    record.groupingKey = key ? key->toDisplayString() : QString::fromUtf8(request.encodedPath);
    record.bodyBytes = request.body.size();
    record.status = response.status;
    // Error answers are Go's http.Error: the message and a newline.
    if (!record.succeeded())
        record.reason = QString::fromUtf8(response.body).trimmed();
    m_changeObserver(record);
}

HttpResponse GatewayApi::scrape(const HttpRequest &request)
{
    const ExpositionFormat format = negotiateExposition(request.header("accept"), m_options.openMetrics);
    const QList<MetricFamily> own = m_ownFamilies ? m_ownFamilies() : QList<MetricFamily>();
    HttpResponse response;
    response.headers = {{"Content-Type", format.contentType()}};
    switch (format.kind) {
    case ExpositionFormat::Kind::Text004:
        // From the text cached per series: the common scrape costs little more than a copy.
        response.body = m_store.exposition(own, format.escaping);
        break;
    case ExpositionFormat::Kind::ProtobufDelimited:
        response.body = writeDelimitedProtobuf(m_store.gatheredFamilies(own), format.escaping);
        break;
    case ExpositionFormat::Kind::ProtobufText:
        response.body = writeProtobufText(m_store.gatheredFamilies(own), format.escaping);
        break;
    case ExpositionFormat::Kind::ProtobufCompactText:
        response.body = writeProtobufCompactText(m_store.gatheredFamilies(own), format.escaping);
        break;
    case ExpositionFormat::Kind::OpenMetrics:
        response.body = writeOpenMetrics(m_store.gatheredFamilies(own), format.escaping);
        break;
    }
    if (acceptsGzip(request.header("accept-encoding"))) {
        response.body = gzipCompress(response.body);
        response.headers.append(std::pair<QByteArray, QByteArray>("Content-Encoding", "gzip"));
    }
    return response;
}

HttpResponse GatewayApi::quit()
{
    if (!m_options.enableLifecycle)
        return HttpResponse::text(403, "Lifecycle API is not enabled.");
    if (m_quit)
        m_quit();
    return HttpResponse::text(200, "Requesting termination... Goodbye!");
}

HttpResponse GatewayApi::wipe()
{
    // The reference answers 202 first and then deletes the groups it saw; here the store drops
    // them at once, so the answer comes after the wipe (and, with persistence, after its
    // journal record). Same outcome for the client, no CORS headers, empty body.
    m_logger.debug(u"start wiping metric store"_s);
    m_store.wipe();
    return HttpResponse{202, {}, {}, false};
}

qint64 approximateRequestSize(const HttpRequest &request)
{
    qint64 size = request.encodedPath.size() + (request.query.isEmpty() ? 0 : request.query.size() + 1);
    size += request.method.size() + qsizetype(sizeof("HTTP/1.1") - 1);
    for (const auto &[name, value] : request.headers) {
        if (QByteArrayView(name).compare("host", Qt::CaseInsensitive) != 0)
            size += name.size() + value.size();
    }
    size += request.header("host").size();
    size += request.body.size(); // Go counts Content-Length when known; the whole body is here
    return size;
}

} // namespace qpgw::http
