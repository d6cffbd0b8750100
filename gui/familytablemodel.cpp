#include "familytablemodel.h"

#include <algorithm>
#include <utility>

namespace qpgw::gui {
namespace {

QList<std::shared_ptr<const MetricFamily>> familiesOf(const GroupSnapshot &group)
{
    QList<std::shared_ptr<const MetricFamily>> families;
    if (!group)
        return families;
    families.reserve(group->families.size());
    for (const StoredFamily &stored : group->families) {
        if (stored.family)
            families.append(stored.family);
    }
    return families;
}

bool sameNames(const QList<std::shared_ptr<const MetricFamily>> &a,
               const QList<std::shared_ptr<const MetricFamily>> &b)
{
    return std::equal(a.cbegin(), a.cend(), b.cbegin(), b.cend(),
                      [](const auto &x, const auto &y) { return x->name == y->name; });
}

} // namespace

FamilyTableModel::FamilyTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

FamilyTableModel::~FamilyTableModel() = default;

void FamilyTableModel::setGroup(GroupSnapshot group)
{
    QList<std::shared_ptr<const MetricFamily>> families = familiesOf(group);
    m_group = std::move(group);
    if (!sameNames(m_families, families)) {
        beginResetModel();
        m_families = std::move(families);
        endResetModel();
        return;
    }
    // Same rows: announce each run of neighbouring changed rows once. A family the store did
    // not touch keeps its pointer; one it replaced is compared by value (cheap at this size).
    std::swap(m_families, families);
    int first = -1;
    for (int row = 0; row <= m_families.size(); ++row) {
        const bool changed = row < m_families.size() && m_families.at(row) != families.at(row)
            && *m_families.at(row) != *families.at(row);
        if (changed && first < 0)
            first = row;
        if (!changed && first >= 0) {
            Q_EMIT dataChanged(index(first, 0), index(row - 1, ColumnCount - 1));
            first = -1;
        }
    }
}

std::shared_ptr<const MetricFamily> FamilyTableModel::family(int row) const
{
    return row >= 0 && row < m_families.size() ? m_families.at(row) : nullptr;
}

int FamilyTableModel::rowOf(QByteArrayView name) const
{
    const auto it = std::find_if(m_families.cbegin(), m_families.cend(),
                                 [name](const auto &family) { return family->name == name; });
    return it == m_families.cend() ? -1 : static_cast<int>(it - m_families.cbegin());
}

int FamilyTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_families.size());
}

int FamilyTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FamilyTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MetricFamily &family = *m_families.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case NameColumn: return QString::fromUtf8(family.name);
        case TypeColumn: return typeText(family.type);
        case HelpColumn:
            if (!family.help)
                return role == Qt::ToolTipRole ? tr("No HELP line") : QString();
            return QString::fromUtf8(*family.help);
        case SeriesColumn: return static_cast<int>(family.metrics.size());
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SeriesColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        break;
    case FamilyNameRole:
        return family.name;
    case SortRole:
        if (index.column() == SeriesColumn)
            return static_cast<int>(family.metrics.size());
        return data(index, Qt::DisplayRole);
    }
    return {};
}

QVariant FamilyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    const bool tip = role == Qt::ToolTipRole;
    switch (section) {
    case NameColumn: return tip ? tr("The metric family's name") : tr("Family");
    case TypeColumn: return tip ? tr("The family's type, from its TYPE line") : tr("Type");
    case HelpColumn: return tip ? tr("The family's HELP text") : tr("Help");
    case SeriesColumn: return tip ? tr("Number of series in this group") : tr("Series");
    }
    return {};
}

QString FamilyTableModel::typeText(MetricType type)
{
    switch (type) {
    case MetricType::Counter: return tr("counter");
    case MetricType::Gauge: return tr("gauge");
    case MetricType::Summary: return tr("summary");
    case MetricType::Untyped: return tr("untyped");
    case MetricType::Histogram: return tr("histogram");
    case MetricType::GaugeHistogram: return tr("gauge histogram");
    }
    return {};
}

} // namespace qpgw::gui
