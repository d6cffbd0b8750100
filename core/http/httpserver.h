#pragma once

#include "http/gatewayapi.h"

#include <QAbstractHttpServer>

namespace qpgw::http {

// The transport: QtHttpServer parses requests; this adapter turns each into an HttpRequest,
// hands it to the GatewayApi and writes the HttpResponse back. No behaviour lives here.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    HttpServer(GatewayApi &api, QObject *parent = nullptr);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    GatewayApi &m_api;
};

} // namespace qpgw::http
