#pragma once

#include "labels.h"

#include <QByteArray>
#include <QHashFunctions>
#include <QString>

namespace qpgw {

// The label set that names a group: `job` plus the label pairs of the push URL. Canonical:
// one pair per name (a later duplicate wins, as in the reference), sorted by name. Equal keys
// have equal label sets; the order of keys is the bytewise order of their id() strings, which
// is the order the reference's status page lists groups in.
//
// A GroupingKey is not validated here: the URL parser (format/groupingpath.h) is the one place
// that turns untrusted input into keys.
class GroupingKey
{
public:
    GroupingKey() = default;
    explicit GroupingKey(Labels labels);

    const Labels &labels() const { return m_labels; }
    bool isEmpty() const { return m_labels.isEmpty(); }
    const QByteArray *value(QByteArrayView name) const { return findLabel(m_labels, name); }
    QByteArray job() const;

    // The reference's internal key string: names sorted, each pair written `name 0xFF value`,
    // pairs joined by 0xFF, no trailing separator; the empty key gives "".
    const QByteArray &id() const { return m_id; }

    // The path below /metrics that addresses this group, e.g. "/job/batch/instance/host1".
    // Values that cannot travel as a plain path segment (empty, '/', characters outside the
    // URL's unreserved set) use the @base64 form, so the path always parses back to this key.
    QByteArray urlPath() const;

    // For logs and people: {job="batch", instance="host1"}, job first, values escaped.
    QString toDisplayString() const;

    friend bool operator==(const GroupingKey &a, const GroupingKey &b) { return a.m_id == b.m_id; }
    friend bool operator!=(const GroupingKey &a, const GroupingKey &b) { return a.m_id != b.m_id; }
    friend bool operator<(const GroupingKey &a, const GroupingKey &b) { return a.m_id < b.m_id; }
    friend size_t qHash(const GroupingKey &key, size_t seed = 0) noexcept { return qHash(key.m_id, seed); }

private:
    Labels m_labels;
    QByteArray m_id;
};

} // namespace qpgw
