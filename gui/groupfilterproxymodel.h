#pragma once

#include <QSortFilterProxyModel>

namespace qpgw::gui {

// GroupFilterProxyModel: the group tree as the filter box narrows it. A row is kept when the
// filter matches its job, one of its label values or one of its metric family names (a group's
// GroupTreeModel::SearchTextsRole); a job is kept while one of its groups is. Sorting uses
// GroupTreeModel::SortRole, so numbers and times sort as such.
//
// The filter is the base class's regular expression: setFilterText() (what the filter box
// calls) matches a fixed text, ignoring case; setFilterRegularExpression() works as well.
class GroupFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit GroupFilterProxyModel(QObject *parent = nullptr);

    // Keeps the rows containing `text`, ignoring case; an empty text keeps every row.
    void setFilterText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
};

} // namespace qpgw::gui
