#include "groupfilterproxymodel.h"

#include "grouptreemodel.h"

#include <QRegularExpression>

#include <algorithm>

namespace qpgw::gui {

GroupFilterProxyModel::GroupFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    // A change announced for the search texts (or for all roles) filters the row again.
    setFilterRole(GroupTreeModel::SearchTextsRole);
    setSortRole(GroupTreeModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void GroupFilterProxyModel::setFilterText(const QString &text)
{
    setFilterFixedString(text);
}

bool GroupFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QRegularExpression expression = filterRegularExpression();
    if (expression.pattern().isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QStringList texts = index.data(GroupTreeModel::SearchTextsRole).toStringList();
    return std::any_of(texts.cbegin(), texts.cend(),
                       [&expression](const QString &text) { return expression.match(text).hasMatch(); });
}

} // namespace qpgw::gui
