#include "gatewayconfig.h"

#include "gateway/flagtable.h"
#include "http/router.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

// Go's path.Clean, shared with the router.
QString cleanPath(QStringView path)
{
    return QString::fromUtf8(http::goPathClean(path.toUtf8()));
}

// Go's path.Join: the non-empty elements joined by '/', cleaned; "" when all are empty.
QString joinPaths(QStringView first, QStringView second)
{
    if (first.isEmpty() && second.isEmpty())
        return QString();
    if (first.isEmpty())
        return cleanPath(second);
    if (second.isEmpty())
        return cleanPath(first);
    return cleanPath(QString(first + u'/' + second));
}

// The reference's computeRoutePrefix().
QString normalisedPrefix(QString prefix)
{
    if (prefix == u"/")
        return QString();
    if (!prefix.startsWith(u'/'))
        prefix.prepend(u'/');
    if (prefix.endsWith(u'/'))
        prefix.chop(1);
    return prefix;
}

// What Go's url.URL.Path holds: the path, percent-decoded.
QString urlPath(const QString &url)
{
    return QUrl(url, QUrl::TolerantMode).path(QUrl::FullyDecoded);
}

} // namespace

QString GatewayConfig::routePrefix() const
{
    return normalisedPrefix(routePrefixFlag.isEmpty() ? urlPath(externalUrl) : routePrefixFlag);
}

QString GatewayConfig::telemetryRoute() const
{
    const QString joined = joinPaths(routePrefix(), telemetryPath);
    return joined.startsWith(u'/') ? joined : cleanPath(QString(u'/' + joined));
}

QString GatewayConfig::assetPrefix() const
{
    const QString prefix = normalisedPrefix(urlPath(externalUrl));
    return prefix.isEmpty() ? u"."_s : prefix;
}

QMap<QString, QString> GatewayConfig::flagValues() const
{
    QMap<QString, QString> values;
    for (const FlagSpec &flag : gatewayFlags())
        values.insert(flag.name.toString(), flag.render(*this));
    return values;
}

} // namespace qpgw
