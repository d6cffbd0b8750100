#include "guardedtcpserver.h"

#include "http/httpmessage.h"
#include "http/requestframer.h"

#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace qpgw::http {
namespace {

// How long a refused connection is drained before it is dropped: long enough for the client to
// read the answer instead of a reset, short enough not to hold a connection for long.
constexpr int RefusedDrainMs = 5000;

} // namespace

GuardedTcpServer::GuardedTcpServer(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
{
}

QList<QTcpSocket *> GuardedTcpServer::connections() const
{
    QList<QTcpSocket *> open;
    for (const QPointer<QTcpSocket> &socket : m_connections) {
        if (socket)
            open.append(socket);
    }
    return open;
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    m_connections.removeIf([](const QPointer<QTcpSocket> &open) { return open.isNull(); });
    m_connections.append(socket);

    auto framer = std::make_shared<RequestFramer>(m_maxBodyBytes);
    connect(socket, &QTcpSocket::readyRead, socket, [this, socket, framer] {
        // Runs before QtHttpServer's own slot: peek() sees exactly the bytes it has not read.
        const QByteArray fresh = socket->peek(socket->bytesAvailable());
        switch (framer->feed(fresh)) {
        case RequestFramer::Verdict::ExpectsContinue:
            // Queued, so that responses to earlier pipelined requests are written first.
            QMetaObject::invokeMethod(socket, [socket] {
                if (socket->state() == QAbstractSocket::ConnectedState)
                    socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            }, Qt::QueuedConnection);
            break;
        case RequestFramer::Verdict::BodyTooLarge:
            refuse(socket, 413, "Payload Too Large",
                   u"request body too large: the limit is %1 bytes (--push.max-body-size)"_s.arg(m_maxBodyBytes));
            break;
        case RequestFramer::Verdict::HeaderTooLarge:
            refuse(socket, 431, "Request Header Fields Too Large", u"request header fields too large"_s);
            break;
        case RequestFramer::Verdict::Fine:
        case RequestFramer::Verdict::Malformed: // QtHttpServer's parser rejects it
            break;
        }
    });
    addPendingConnection(socket);
}

void GuardedTcpServer::refuse(QTcpSocket *socket, int status, const QByteArray &reasonPhrase, const QString &message)
{
    // QtHttpServer must not see this request at all: take the connection away from it.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    socket->readAll();

    const QByteArray body = message.toUtf8() + '\n';
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase + "\r\n"
                  "Date: " + httpDateNow() + "\r\n"
                  "Content-Type: text/plain; charset=utf-8\r\n"
                  "X-Content-Type-Options: nosniff\r\n"
                  "Connection: close\r\n"
                  "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    Q_EMIT requestRefused(status, message);

    // Closing with unread input makes the kernel send a reset, which can destroy the answer
    // before the client reads it. So: send the answer, half-close, keep discarding what the
    // client still sends, and drop the connection when it closes or after a grace period.
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    connect(socket, &QTcpSocket::bytesWritten, socket, [socket] {
        if (socket->bytesToWrite() == 0)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    });
    QTimer::singleShot(RefusedDrainMs, socket, [socket] { socket->abort(); });
}

} // namespace qpgw::http
