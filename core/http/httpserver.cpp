#include "httpserver.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpSocket>
#include <QUrl>

using namespace Qt::StringLiterals;

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

HttpServer::~HttpServer()
{
    // Held answers die with their connections; their responders must not outlive them.
    m_held.clear();
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpResponse response = m_api.handle(toHttpRequest(request));
    QHttpServerResponder responder = makeResponder(request, socket);
    const auto held = m_held.find(socket);
    if (held == m_held.end() && response.durableTicket <= m_released) {
        write(responder, response);
        return true;
    }
    if (held == m_held.end()) {
        m_held.emplace(socket, Connection{socket, {}});
        connect(socket, &QObject::destroyed, this, [this, socket] { m_held.erase(socket); });
    }
    m_held.at(socket).answers.push_back(HeldAnswer{std::move(responder), std::move(response), {}});
    flush(socket);
    return true;
}

void HttpServer::write(QHttpServerResponder &responder, const HttpResponse &response)
{
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    responder.writeHeader("Date", httpDateNow());
    for (const auto &[name, value] : response.headers)
        responder.writeHeader(name, value);
    responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    if (response.bodyOmitted)
        responder.writeBody("", 0);
    else
        responder.writeBody(response.body);
}

bool HttpServer::isReady(const HeldAnswer &answer) const
{
    return !answer.responder || answer.response.durableTicket <= m_released;
}

void HttpServer::flush(QTcpSocket *socket)
{
    const auto held = m_held.find(socket);
    if (held == m_held.end())
        return;
    Connection &connection = held->second;
    std::deque<HeldAnswer> &answers = connection.answers;
    while (!answers.empty() && isReady(answers.front())) {
        HeldAnswer &answer = answers.front();
        if (connection.socket && connection.socket->state() == QAbstractSocket::ConnectedState) {
            if (answer.responder)
                write(*answer.responder, answer.response);
            else
                connection.socket->write(answer.raw);
        }
        answers.pop_front();
    }
    if (answers.empty()) {
        if (connection.socket)
            disconnect(connection.socket, &QObject::destroyed, this, nullptr);
        m_held.erase(held);
    }
}

void HttpServer::flushAll()
{
    std::vector<QTcpSocket *> sockets;
    sockets.reserve(m_held.size());
    for (const auto &[socket, connection] : m_held)
        sockets.push_back(socket);
    for (QTcpSocket *socket : sockets)
        flush(socket);
}

void HttpServer::releaseDurable(quint64 ticket)
{
    m_released = std::max(m_released, ticket);
    flushAll();
}

void HttpServer::failDurable(quint64 ticket, const QString &reason)
{
    for (auto &[socket, connection] : m_held) {
        for (HeldAnswer &answer : connection.answers) {
            if (answer.responder && answer.response.durableTicket > m_released && answer.response.durableTicket <= ticket) {
                answer.response = HttpResponse::error(500, u"the change was applied but could not be written to the persistence file: "_s + reason);
                answer.response.durableTicket = 0;
            }
        }
    }
    m_released = std::max(m_released, ticket);
    flushAll();
}

void HttpServer::writeInOrder(QTcpSocket *socket, const QByteArray &bytes)
{
    const auto held = m_held.find(socket);
    if (held == m_held.end()) {
        socket->write(bytes);
        return;
    }
    held->second.answers.push_back(HeldAnswer{std::nullopt, {}, bytes});
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Never called: handleRequest() answers every request.
}

} // namespace qpgw::http
