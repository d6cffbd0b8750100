#pragma once

// A Gateway on a free loopback port and a QNetworkAccessManager to talk to it: the fixture of
// the `http` tests.

#include "gateway/gateway.h"

#include <QByteArrayList>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace qpgw::test {

using namespace Qt::StringLiterals;

// Generous: a test only waits this long when the server is broken.
constexpr int ReplyTimeoutMs = 10000;

struct Reply
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

class Server
{
public:
    explicit Server(GatewayConfig config = {})
    {
        config.listenAddresses = {u"127.0.0.1:0"_s};
        config.logLevel = LogLevel::Error;
        gateway = std::make_unique<Gateway>(config);
        const std::optional<QString> error = gateway->start();
        if (error)
            qFatal("gateway did not start: %s", qPrintable(*error));
        port = quint16(gateway->listeningAddresses().constFirst().section(u':', -1).toUInt());
    }

    Reply send(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
               const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1"_s.arg(port) + QString::fromLatin1(path)));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = method == "HEAD" ? manager.head(request) : manager.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(ReplyTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        Reply result;
        if (!reply->isFinished()) {
            reply->abort();
        } else {
            result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            result.body = reply->readAll();
            result.headers = reply->rawHeaderPairs();
        }
        reply->deleteLater();
        return result;
    }

    QByteArray scrape() { return send("GET", "/metrics").body; }

    std::unique_ptr<Gateway> gateway;
    quint16 port = 0;
    QNetworkAccessManager manager;
};

// The lines of a scrape that belong to stored groups: the gateway's own metrics (which change
// from scrape to scrape) have no job label.
inline QByteArrayList storedLines(const QByteArray &scrape)
{
    QByteArrayList lines;
    for (const QByteArray &line : scrape.split('\n')) {
        if (line.contains("job=\""))
            lines.append(line);
    }
    return lines;
}

// A loopback port nobody listens on right now.
inline quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        qFatal("no free port");
    return probe.serverPort();
}

// Whether a connection to the loopback `port` is refused (nothing listens there).
inline bool refusesConnections(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return !socket.waitForConnected(5000) && socket.error() == QAbstractSocket::ConnectionRefusedError;
}

} // namespace qpgw::test
