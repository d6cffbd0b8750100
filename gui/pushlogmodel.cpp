#include "pushlogmodel.h"

#include "gateway/gateway.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <algorithm>
#include <iterator>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace qpgw::gui {
namespace {

QBrush failedBrush()
{
    return QBrush(QColor(0xc0, 0x1c, 0x28));
}

QString timeText(const QDateTime &time)
{
    return QLocale::c().toString(time.toLocalTime(), u"HH:mm:ss.zzz"_s);
}

QString dateTimeText(const QDateTime &time)
{
    return QLocale::c().toString(time.toLocalTime(), u"yyyy-MM-dd HH:mm:ss.zzz"_s);
}

QString sizeText(const http::ChangeRecord &record)
{
    // A delete has no body to speak of.
    if (record.method == "DELETE" && record.bodyBytes == 0)
        return {};
    return QLocale().formattedDataSize(record.bodyBytes);
}

QString resultText(const http::ChangeRecord &record)
{
    if (record.succeeded())
        return QString::number(record.status);
    // One line in the table; the tooltip and ReasonRole keep the reason as it was.
    QString reason = record.reason;
    reason.replace(u'\n', u' ');
    return PushLogModel::tr("%1: %2", "status code: reason").arg(QString::number(record.status), reason);
}

} // namespace

PushLogModel::PushLogModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_coalesceTimer(this)
{
    m_coalesceTimer.setSingleShot(true);
    m_coalesceTimer.setInterval(100ms);
    connect(&m_coalesceTimer, &QTimer::timeout, this, &PushLogModel::applyPendingChanges);
}

void PushLogModel::follow(const Gateway *gateway)
{
    connect(gateway, &Gateway::changeHandled, this, &PushLogModel::append);
}

void PushLogModel::setCapacity(int capacity)
{
    m_capacity = std::max(capacity, 1);
    while (static_cast<int>(m_pending.size()) > m_capacity)
        m_pending.pop_front();
    removeOldest(static_cast<int>(m_rows.size()) - m_capacity);
}

std::chrono::milliseconds PushLogModel::coalescingInterval() const
{
    return m_coalesceTimer.intervalAsDuration();
}

void PushLogModel::setCoalescingInterval(std::chrono::milliseconds interval)
{
    m_coalesceTimer.setInterval(interval);
}

void PushLogModel::append(const http::ChangeRecord &record)
{
    // What would be trimmed as soon as it is shown is dropped now: memory stays bounded
    // however long the window waits for the timer.
    if (static_cast<int>(m_pending.size()) == m_capacity)
        m_pending.pop_front();
    m_pending.push_back(record);
    if (!m_coalesceTimer.isActive())
        m_coalesceTimer.start();
}

void PushLogModel::applyPendingChanges()
{
    m_coalesceTimer.stop();
    if (m_pending.empty())
        return;
    const int incoming = static_cast<int>(m_pending.size()); // at most the capacity
    removeOldest(static_cast<int>(m_rows.size()) + incoming - m_capacity);
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + incoming - 1);
    std::move(m_pending.begin(), m_pending.end(), std::back_inserter(m_rows));
    m_pending.clear();
    endInsertRows();
}

void PushLogModel::clear()
{
    m_coalesceTimer.stop();
    m_pending.clear();
    removeOldest(static_cast<int>(m_rows.size()));
}

void PushLogModel::removeOldest(int count)
{
    count = std::min(count, static_cast<int>(m_rows.size()));
    if (count <= 0)
        return;
    beginRemoveRows({}, 0, count - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + count);
    endRemoveRows();
}

int PushLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PushLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PushLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const http::ChangeRecord &entry = record(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: return timeText(entry.time);
        case MethodColumn: return QString::fromLatin1(entry.method);
        case GroupingKeyColumn: return entry.groupingKey;
        case SizeColumn: return sizeText(entry);
        case ResultColumn: return resultText(entry);
        }
        break;
    case Qt::ToolTipRole:
        if (!entry.succeeded())
            return entry.reason;
        if (index.column() == TimeColumn)
            return dateTimeText(entry.time);
        break;
    case Qt::ForegroundRole:
        if (!entry.succeeded())
            return failedBrush();
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return (Qt::AlignRight | Qt::AlignVCenter).toInt();
        break;
    case RecordRole:
        return QVariant::fromValue(entry);
    case FailedRole:
        return !entry.succeeded();
    case ReasonRole:
        return entry.reason;
    }
    return {};
}

QVariant PushLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case MethodColumn: return tr("Method");
    case GroupingKeyColumn: return tr("Grouping key");
    case SizeColumn: return tr("Size");
    case ResultColumn: return tr("Result");
    }
    return {};
}

PushLogFilterProxyModel::PushLogFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void PushLogFilterProxyModel::setFailuresOnly(bool failuresOnly)
{
    if (failuresOnly == m_failuresOnly)
        return;
    m_failuresOnly = failuresOnly;
    invalidateRowsFilter();
}

bool PushLogFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_failuresOnly)
        return true;
    return sourceModel()->index(sourceRow, 0, sourceParent).data(PushLogModel::FailedRole).toBool();
}

} // namespace qpgw::gui
