#pragma once

#include "format/nameescaping.h"

#include <QByteArray>
#include <QByteArrayView>

namespace qpgw::http {

// The exposition a scrape gets, chosen from its Accept header as the reference chooses
// (behaviour spec section 3.3): clauses by descending q (concrete types before wildcards at
// equal q), scanned in that order, and the first that names a format we write wins:
//   application/vnd.google.protobuf with proto=io.prometheus.client.MetricFamily and
//     encoding=delimited, text or compact-text: that protobuf encoding;
//   text/plain with version 0.0.4 or none: text 0.0.4;
//   application/openmetrics-text with version 1.0.0, 0.0.1 or none: OpenMetrics, but only
//     with `openMetricsEnabled`, our extension; the reference never offers it, so by default
//     such a clause is passed over like any other.
// Every scanned clause's `escaping=` (allow-utf-8, underscores, dots, values) sets the name
// escaping, chosen clause included. Nothing matched gives text 0.0.4 with underscores.
struct ExpositionFormat
{
    enum class Kind {
        Text004,
        ProtobufDelimited,   // length-delimited io.prometheus.client.MetricFamily messages
        ProtobufText,        // protobuf text format
        ProtobufCompactText, // protobuf text format on one line per message
        OpenMetrics,         // OpenMetrics 1.0.0 text
    };

    Kind kind = Kind::Text004;
    NameEscaping escaping = NameEscaping::Underscores;

    // The format and then the escaping, as the reference writes them:
    //   "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"
    //   "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
    //    encoding=delimited; escaping=underscores" (or encoding=text, encoding=compact-text)
    //   "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"
    QByteArray contentType() const;
};

ExpositionFormat negotiateExposition(QByteArrayView accept, bool openMetricsEnabled = false);

// Whether a scrape's response is gzip-compressed, from its Accept-Encoding header (behaviour
// spec section 3.4). The offers are identity, then gzip. For each offer in turn, its best-q
// matching clause (the token itself or `*`) replaces the current choice only with a strictly
// higher q; a final q of 0 means identity. Tokens are compared case-insensitively. So:
// "gzip" is true; "gzip, identity" and "*" are false (a tie keeps identity, offered first);
// "gzip;q=1, *;q=0.5" and "identity;q=0, gzip" are true; no header is false.
bool acceptsGzip(QByteArrayView acceptEncoding);

} // namespace qpgw::http
