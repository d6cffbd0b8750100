#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QString>

#include <utility>

namespace qpgw::http {

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

// A request as the gateway's behaviour sees it, independent of the HTTP library.
struct HttpRequest
{
    QByteArray method;      // upper case: GET, PUT, ...
    QByteArray encodedPath; // still percent-encoded, no query
    QByteArray query;       // without '?'
    HeaderList headers;
    QByteArray body;
    QHostAddress remoteAddress;

    // The first value of header `name`, compared case-insensitively; null when absent.
    QByteArray header(QByteArrayView name) const;
};

// A response, written by the transport as it is. `bodyOmitted` answers HEAD: the headers
// (Content-Length included) describe the body that a GET would get, but no body is sent.
struct HttpResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;
    bool bodyOmitted = false;
    // Non-zero: the answer to a change that must be on the disk first (--persistence.file);
    // the transport sends it once the journal has made this ticket durable.
    quint64 durableTicket = 0;

    // Go's http.Error shape, which the reference uses for every error: text/plain, nosniff,
    // the message followed by a newline.
    static HttpResponse error(int status, const QString &message);
    static HttpResponse text(int status, QByteArray body);
};

// The Date header value for now, in the IMF-fixdate form HTTP requires
// ("Sun, 22 Nov 2026 13:51:35 GMT"), whatever the process locale.
QByteArray httpDateNow();

} // namespace qpgw::http
