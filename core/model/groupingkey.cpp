#include "groupingkey.h"

#include "format/groupingpath.h"

namespace qpgw {

GroupingKey::GroupingKey(Labels labels)
{
    // Keep the last pair of each name: the reference builds a map, so a later pair wins.
    Labels unique;
    unique.reserve(labels.size());
    for (qsizetype i = labels.size() - 1; i >= 0; --i) {
        if (!findLabel(unique, labels[i].name))
            unique.append(std::move(labels[i]));
    }
    sortByName(unique);
    m_labels = std::move(unique);

    for (const LabelPair &pair : std::as_const(m_labels)) {
        if (!m_id.isEmpty())
            m_id += '\xFF';
        m_id += pair.name;
        m_id += '\xFF';
        m_id += pair.value;
    }
}

QByteArray GroupingKey::job() const
{
    const QByteArray *job = value("job");
    return job ? *job : QByteArray();
}

QByteArray GroupingKey::urlPath() const
{
    return groupingKeyToPath(*this);
}

QString GroupingKey::toDisplayString() const
{
    auto quoted = [](const LabelPair &pair) -> QString {
        QString value = QString::fromUtf8(pair.value);
        value.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\"")).replace(u'\n', QStringLiteral("\\n"));
        return QString::fromUtf8(pair.name) + QStringLiteral("=\"") + value + u'"';
    };
    QStringList parts;
    if (const QByteArray *jobValue = value("job"))
        parts.append(quoted(LabelPair{QByteArrayLiteral("job"), *jobValue}));
    for (const LabelPair &pair : m_labels) {
        if (pair.name != "job")
            parts.append(quoted(pair));
    }
    return u'{' + parts.join(QStringLiteral(", ")) + u'}';
}

} // namespace qpgw
