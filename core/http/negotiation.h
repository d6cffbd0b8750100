#pragma once

#include "format/nameescaping.h"

#include <QByteArray>
#include <QByteArrayView>

namespace qpgw::http {

// The exposition a scrape gets, chosen from its Accept header as the reference chooses
// (behaviour spec section 3.3): clauses by descending q (concrete types before wildcards at
// equal q), scanned in that order; text/plain with version 0.0.4 or none is text 0.0.4; every
// scanned clause's `escaping=` (allow-utf-8, underscores, dots, values) sets the name escaping.
// Nothing matched gives text 0.0.4 with underscores. OpenMetrics is never chosen.
struct ExpositionFormat
{
    NameEscaping escaping = NameEscaping::Underscores;

    // "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"
    QByteArray contentType() const;
};

ExpositionFormat negotiateExposition(QByteArrayView accept);

} // namespace qpgw::http
