#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace qpgw::http {

// One push or delete request as its client saw it: what it asked for and the answer it got.
// The desktop console's push log lists these (GatewayApi::setChangeObserver, re-emitted by
// Gateway::changeHandled); a value, safe to copy to any thread.
struct ChangeRecord
{
    QDateTime time;          // UTC, when the answer was decided
    QByteArray method;       // PUT, POST or DELETE
    QString groupingKey;     // GroupingKey::toDisplayString(), or the request path as sent when
                             // the key did not parse
    qint64 bodyBytes = 0;    // the body as received (compressed, when it was)
    int status = 0;          // the HTTP status of the answer
    QString reason;          // for a non-2xx answer, the body the client got, trimmed

    bool succeeded() const { return status >= 200 && status < 300; }

    friend bool operator==(const ChangeRecord &, const ChangeRecord &) = default;
};

} // namespace qpgw::http

// For queued delivery and QVariant; Gateway registers the name its signal uses.
Q_DECLARE_METATYPE(qpgw::http::ChangeRecord)
