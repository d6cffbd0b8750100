#pragma once

#include "http/changerecord.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QTimer>

#include <chrono>
#include <deque>

namespace qpgw {
class Gateway;
}

namespace qpgw::gui {

// PushLogModel: the most recent push and delete requests and their answers, one row each, in
// the order they were answered, the newest at the bottom. A log reads downwards, and appending
// at the end leaves the row numbers of what is already shown (and a view's selection and
// scroll position) alone; only trimming the oldest rows, at the top, moves them.
//
// Bounded: at most capacity() rows (default 1,000); as new rows arrive, the oldest go (one
// beginRemoveRows for the lot). Records waiting to be shown are bounded by the same number.
//
// Coalesced: records are collected as they arrive and appended at most once per coalescing
// interval, so a burst of any size becomes one removal (if the log is full) and one insertion.
//
// Rejected requests (a non-2xx answer) are marked: their text in a warning colour, and the
// exact reason the client got as every column's tooltip and in the result column.
class PushLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        MethodColumn,
        GroupingKeyColumn,
        SizeColumn,
        ResultColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        RecordRole = Qt::UserRole + 1, // http::ChangeRecord
        FailedRole,                    // bool: the answer was not 2xx
        ReasonRole,                    // QString: the body of a non-2xx answer, trimmed
    };
    Q_ENUM(Role)

    static constexpr int DefaultCapacity = 1000;

    explicit PushLogModel(QObject *parent = nullptr);

    // Logs what `gateway` reports (Gateway::changeHandled); queued when it lives on another
    // thread.
    void follow(const Gateway *gateway);

    int capacity() const { return m_capacity; }
    // At least 1; removes the oldest rows at once if more are shown.
    void setCapacity(int capacity);

    // How long records are collected before they are appended (default 100 ms).
    std::chrono::milliseconds coalescingInterval() const;
    void setCoalescingInterval(std::chrono::milliseconds interval);
    // Appends every record received so far, now.
    void applyPendingChanges();

    // The record shown at `row` (0: the oldest).
    const http::ChangeRecord &record(int row) const { return m_rows[static_cast<size_t>(row)]; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    // Logs `record` (after the coalescing interval).
    void append(const qpgw::http::ChangeRecord &record);
    // Forgets every row and every record not shown yet.
    void clear();

private:
    void removeOldest(int count);

    std::deque<http::ChangeRecord> m_rows;    // oldest first
    std::deque<http::ChangeRecord> m_pending; // received, not shown yet; oldest first
    int m_capacity = DefaultCapacity;
    QTimer m_coalesceTimer;
};

// PushLogFilterProxyModel: the push log, or only its rejected requests.
class PushLogFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit PushLogFilterProxyModel(QObject *parent = nullptr);

    bool failuresOnly() const { return m_failuresOnly; }
    void setFailuresOnly(bool failuresOnly);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    bool m_failuresOnly = false;
};

} // namespace qpgw::gui
