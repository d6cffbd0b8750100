#pragma once

#include "store/group.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QList>

#include <memory>

namespace qpgw::gui {

// FamilyTableModel: the metric families of one group snapshot, one row each in name order (the
// group's own order, which is also the exposition's), the gateway's push_time_seconds and
// push_failure_time_seconds included since a scrape shows them too.
//
// Updates: a snapshot with the same family names in the same order announces dataChanged for
// the rows whose family changed, so a view keeps its selection and scroll position while a job
// pushes. Any other change resets the model: one group is small (tens of families), and a
// reset is then cheaper to get right than a diff, and as cheap to show.
class FamilyTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        TypeColumn,
        HelpColumn,
        SeriesColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        FamilyNameRole = Qt::UserRole + 1, // QByteArray: the family's name as on the wire
        SortRole,                          // per column, a value that sorts naturally
    };
    Q_ENUM(Role)

    explicit FamilyTableModel(QObject *parent = nullptr);
    ~FamilyTableModel() override;

    // Shows `group`'s families; null shows none.
    void setGroup(GroupSnapshot group);
    GroupSnapshot group() const { return m_group; }

    // The family shown in `row`, or null.
    std::shared_ptr<const MetricFamily> family(int row) const;
    // The row of the family called `name`, or -1.
    int rowOf(QByteArrayView name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "counter", "gauge", "summary", "untyped", "histogram", "gauge histogram", translated.
    static QString typeText(MetricType type);

private:
    GroupSnapshot m_group;
    QList<std::shared_ptr<const MetricFamily>> m_families; // in row order
};

} // namespace qpgw::gui
