#include "httpserver.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpSocket>
#include <QUrl>

namespace qpgw::http {
namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

HttpRequest toHttpRequest(const QHttpServerRequest &request)
{
    HttpRequest converted;
    converted.method = methodName(request.method());
    converted.encodedPath = request.url().path(QUrl::FullyEncoded).toLatin1();
    if (converted.encodedPath.isEmpty())
        converted.encodedPath = "/";
    converted.query = request.url().query(QUrl::FullyEncoded).toLatin1();
    for (const auto &[name, value] : request.headers())
        converted.headers.append({name, value});
    converted.body = request.body();
    converted.remoteAddress = request.remoteAddress();
    return converted;
}

} // namespace

HttpServer::HttpServer(GatewayApi &api, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_api(api)
{
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const HttpResponse response = m_api.handle(toHttpRequest(request));

    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    responder.writeHeader("Date", httpDateNow());
    for (const auto &[name, value] : response.headers)
        responder.writeHeader(name, value);
    responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    if (response.bodyOmitted)
        responder.writeBody("", 0);
    else
        responder.writeBody(response.body);
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Never called: handleRequest() answers every request.
}

} // namespace qpgw::http
