#pragma once

#include "http/gatewayapi.h"

#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <QPointer>

#include <deque>
#include <unordered_map>
#include <optional>

namespace qpgw::http {

// The transport: QtHttpServer parses requests; this adapter turns each into an HttpRequest,
// hands it to the GatewayApi and writes the HttpResponse back. No behaviour lives here.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    HttpServer(GatewayApi &api, QObject *parent = nullptr);
    ~HttpServer() override;

    // Answers to changes carry a journal ticket (HttpResponse::durableTicket) when persistence
    // is on; they are held until the journal reports the ticket durable. Answers to later
    // requests on the same connection wait behind them (HTTP/1.1 answers in request order).
    void releaseDurable(quint64 ticket);
    // The changes up to `ticket` could not be made durable: their held answers become 500.
    void failDurable(quint64 ticket, const QString &reason);
    // Writes raw bytes ("100 Continue") to the connection after the answers held for it.
    void writeInOrder(QTcpSocket *socket, const QByteArray &bytes);
    // Whether answers are held for this connection (draining it waits for none).
    bool holdsAnswersFor(QTcpSocket *socket) const { return m_held.count(socket) > 0; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct HeldAnswer
    {
        std::optional<QHttpServerResponder> responder; // unset: `raw` bytes
        HttpResponse response;
        QByteArray raw;
    };
    struct Connection
    {
        QPointer<QTcpSocket> socket;
        std::deque<HeldAnswer> answers;
    };

    bool isReady(const HeldAnswer &answer) const;
    void flush(QTcpSocket *socket);
    void flushAll();
    static void write(QHttpServerResponder &responder, const HttpResponse &response);

    GatewayApi &m_api;
    std::unordered_map<QTcpSocket *, Connection> m_held; // only connections with answers held back
    quint64 m_released = 0;                 // every ticket up to this one is settled
};

} // namespace qpgw::http
