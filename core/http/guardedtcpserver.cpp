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

    // QtHttpServer reads one request per round and may leave pipelined ones unread; those
    // bytes were fed already. `fedButUnread` is how many of the socket's unread bytes the
    // framer has seen, so each byte is fed exactly once.
    struct Watch
    {
        RequestFramer framer;
        qint64 fedButUnread = 0;
        qint64 continueAfter = -1; // a "100 Continue" is due once QtHttpServer reads past this
    };
    auto watch = std::make_shared<Watch>(Watch{RequestFramer(m_maxBodyBytes), 0, -1});
    connect(socket, &QTcpSocket::readyRead, socket, [this, socket, watch] {
        // Runs before QtHttpServer's own slot (connected first).
        const qint64 available = socket->bytesAvailable();
        RequestFramer::Verdict verdict = RequestFramer::Verdict::Fine;
        if (available > watch->fedButUnread) {
            const QByteArray unread = socket->peek(available);
            verdict = watch->framer.feed(QByteArrayView(unread).sliced(watch->fedButUnread));
        }
        if (verdict == RequestFramer::Verdict::ExpectsContinue)
            watch->continueAfter = watch->framer.lastExpectingRequestStart();
        // After QtHttpServer's slot has run: what it left unread has been fed; and once it has
        // read into the request that expects "100 Continue", every earlier one is answered, so
        // the 100 goes out in its place in the stream.
        QMetaObject::invokeMethod(socket, [this, socket, watch] {
            watch->fedButUnread = socket->bytesAvailable();
            const qint64 consumed = watch->framer.bytesFed() - watch->fedButUnread;
            if (watch->continueAfter >= 0 && consumed > watch->continueAfter) {
                watch->continueAfter = -1;
                if (socket->state() != QAbstractSocket::ConnectedState)
                    return;
                const QByteArray interim = "HTTP/1.1 100 Continue\r\n\r\n";
                if (m_writeInOrder)
                    m_writeInOrder(socket, interim);
                else
                    socket->write(interim);
            }
        }, Qt::QueuedConnection);
        switch (verdict) {
        case RequestFramer::Verdict::ExpectsContinue:
            break;
        case RequestFramer::Verdict::BodyTooLarge:
            refuse(socket, 413, "Payload Too Large",
                   u"request body too large: the limit is %1 bytes (--push.max-body-size)"_s.arg(m_maxBodyBytes));
            break;
        case RequestFramer::Verdict::HeaderTooLarge:
            refuse(socket, 431, "Request Header Fields Too Large", u"request header fields too large"_s);
            break;
        case RequestFramer::Verdict::Malformed:
            refuse(socket, 400, "Bad Request", u"malformed request: invalid Content-Length or chunk size"_s);
            break;
        case RequestFramer::Verdict::Fine:
            break;
        }
    });
    addPendingConnection(socket);
}

void GuardedTcpServer::refuse(QTcpSocket *socket, int status, const QByteArray &reasonPhrase, const QString &message)
{
    // QtHttpServer must not see this request at all: take the connection away from it. It
    // reads inside a transaction, which keeps every byte read; end it so discarding frees them.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    if (socket->isTransactionStarted())
        socket->commitTransaction();
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
