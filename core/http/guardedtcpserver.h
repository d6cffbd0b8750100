#pragma once

#include <QPointer>
#include <QTcpServer>

#include <functional>

namespace qpgw::http {

// The listening socket in front of QtHttpServer. Each connection it accepts is watched by a
// RequestFramer before QtHttpServer reads it (our slot is connected first), which adds what
// QtHttpServer 6.4 lacks: "100 Continue" for `Expect: 100-continue`, 413 for a body over the
// limit (announced by Content-Length: refused before the body is read; chunked: as soon as
// the chunks pass the limit), 431 for an oversized header block, 400 for sizes that are not
// numbers. A connection therefore never holds much more than the limit.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    GuardedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);

    // Open connections, for a graceful shutdown that lets their responses drain.
    QList<QTcpSocket *> connections() const;
    // How a "100 Continue" reaches the client: through the HTTP server's ordered answers,
    // so that it never overtakes an answer still held for an earlier request.
    void setInOrderWriter(std::function<void(QTcpSocket *, const QByteArray &)> writer) { m_writeInOrder = std::move(writer); }

Q_SIGNALS:
    // A request was refused before it reached the gateway (413, 431); for the log.
    void requestRefused(int status, const QString &reason);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void refuse(QTcpSocket *socket, int status, const QByteArray &reasonPhrase, const QString &message);

    qint64 m_maxBodyBytes;
    std::function<void(QTcpSocket *, const QByteArray &)> m_writeInOrder;
    QList<QPointer<QTcpSocket>> m_connections;
};

} // namespace qpgw::http
