#include "listenaddress.h"

#include <QHostInfo>

using namespace Qt::StringLiterals;

namespace qpgw {

std::optional<ListenTarget> resolveListenAddress(const QString &text, QString *error)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0) {
        *error = u"listen tcp %1: missing port in address"_s.arg(text);
        return std::nullopt;
    }
    QString host = text.left(colon);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535) {
        *error = u"listen tcp %1: invalid port"_s.arg(text);
        return std::nullopt;
    }
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty())
        return ListenTarget{QHostAddress::Any, quint16(port)};
    QHostAddress address(host);
    if (address.isNull()) {
        const QHostInfo info = QHostInfo::fromName(host);
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            *error = u"listen tcp %1: lookup %2: %3"_s.arg(text, host, info.errorString());
            return std::nullopt;
        }
        address = info.addresses().constFirst();
    }
    return ListenTarget{address, quint16(port)};
}

QString hostPort(const QHostAddress &address, quint16 port)
{
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv6)
        return u"[::]:%1"_s.arg(port);
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return u"[%1]:%2"_s.arg(address.toString()).arg(port);
    return u"%1:%2"_s.arg(address.toString()).arg(port);
}

std::optional<QString> withResolvedHost(const QString &text, QString *error)
{
    const qsizetype colon = text.lastIndexOf(u':');
    QString host = colon < 0 ? QString() : text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty() || !QHostAddress(host).isNull())
        return text; // nothing to look up; also keeps ":port" meaning every interface
    const std::optional<ListenTarget> target = resolveListenAddress(text, error);
    if (!target)
        return std::nullopt;
    return hostPort(target->address, target->port);
}

} // namespace qpgw
