#pragma once

#include <QByteArray>
#include <QList>

namespace qpgw {

// Names and values are UTF-8 bytes, as they travel on the wire: no conversion on the
// push or scrape path. Convert with QString::fromUtf8 where a user reads them.
struct LabelPair
{
    QByteArray name;
    QByteArray value;

    friend bool operator==(const LabelPair &, const LabelPair &) = default;
};

using Labels = QList<LabelPair>;

// Sorts by name, bytewise (the order every stored series and every grouping key keeps).
void sortByName(Labels &labels);
// The value of `name`, or nullptr when absent. Linear: label sets are small.
const QByteArray *findLabel(const Labels &labels, QByteArrayView name);
// Sets `name` to `value`, overwriting an existing pair or appending a new one.
void setLabel(Labels &labels, const QByteArray &name, const QByteArray &value);

// The order of series inside a family in the exposition, as the reference sorts them:
// fewer labels first, then label values compared position by position (pairs sorted by
// name). Ties (same values under other names) are broken by the names, so the order is total.
bool seriesLess(const Labels &a, const Labels &b);

} // namespace qpgw
