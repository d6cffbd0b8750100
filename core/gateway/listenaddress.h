#pragma once

#include <QHostAddress>
#include <QString>

#include <optional>

namespace qpgw {

// Where to listen: --web.listen-address resolved.
struct ListenTarget
{
    QHostAddress address;
    quint16 port = 0;
};

// "host:port", "[::1]:port" or ":port" (every interface, IPv4 and IPv6, as Go's ":9091"). A
// host name is looked up, blocking: call it where a slow resolver may wait (at start, or on a
// worker thread). On failure `error` says why, in the words of Go's net.Listen.
std::optional<ListenTarget> resolveListenAddress(const QString &text, QString *error);

// `text` with a host name replaced by the address it resolves to ("localhost:9091" ->
// "127.0.0.1:9091"), so that binding it later needs no lookup; addresses, ":port" and
// "[v6]:port" are returned as they are (":port" keeps meaning every interface).
std::optional<QString> withResolvedHost(const QString &text, QString *error);

// How a bound address is shown and logged: "127.0.0.1:9091", "[::1]:9091", "[::]:9091" for
// every interface.
QString hostPort(const QHostAddress &address, quint16 port);

} // namespace qpgw
