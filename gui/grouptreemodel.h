#pragma once

#include "model/groupingkey.h"
#include "store/group.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace qpgw {
class StoreObserver;
}

namespace qpgw::gui {

// GroupTreeModel: the store's groups as a tree, jobs at the top level (by the `job` label) and
// their groups below, both in key order. An adapter over the store's signals, received as
// snapshots through a StoreObserver; it never changes the store.
//
// Columns: name (job, or the group's grouping labels other than job), families and series (what
// the pusher pushed; the gateway's push-time gauges are not counted), time since the last
// successful push, and whether the last push failed (the reason as tooltip). A job row sums its
// groups' series, shows its most recent push and how many of its groups are failing.
//
// Updates are incremental and coalesced. Changes are collected as they arrive, keyed by group
// (a hundred pushes to one group cost one update), and applied at most once per coalescing
// interval: rows inserted for new jobs and groups, removed for removed ones (a job goes with its
// last group), dataChanged for the rows that changed (one range per run of neighbouring rows, one
// range per job when the runs are many). A model reset happens only when the store is wiped.
//
// Time. Ages and staleness are computed against "now" as read from the clock at the last age
// refresh (a timer, every second by default), so data() changes only when dataChanged says so.
// A refresh announces only the rows whose age text or staleness differs from what was last
// announced for them ("12 s ago" changes every second, "5 min ago" once a minute, "3 d ago"
// once a day): the age column of rows whose text changed, whole rows whose staleness changed,
// one range per run of neighbouring rows. A refresh that changes no text announces nothing.
// A group is stale when its last successful push (or, if it never had one, its last failed
// push) is older than the stale age; a job is stale when all its groups are.
class GroupTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        FamiliesColumn,
        SeriesColumn,
        LastPushColumn,
        StatusColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        KeyRole = Qt::UserRole + 1, // GroupingKey (groups only)
        JobRole,                    // QString: the job's name (jobs and groups)
        IsJobRole,                  // bool
        LastPushRole,               // QDateTime (UTC) of the last successful push; invalid if never
        FailedRole,                 // bool: the group's last push failed / one of the job's groups'
        FailureReasonRole,          // QString: why the group's last push failed, if known
        StaleRole,                  // bool
        SearchTextsRole,            // QStringList: job, label values, metric family names
        SortRole,                   // per column, a value that sorts naturally (numbers, times)
    };
    Q_ENUM(Role)

    using Clock = std::function<QDateTime()>;

    // Above this many runs of neighbouring changed rows under one parent, one dataChanged
    // covers them all: a view repaints a range about as cheaply as a row, and the signals per
    // batch stay bounded (by this times the jobs touched, plus one) however changes spread.
    static constexpr int MaxRangesPerParent = 8;

    explicit GroupTreeModel(QObject *parent = nullptr);
    ~GroupTreeModel() override;

    // Shows the groups the observer's store holds (asked for through the observer, on its own
    // thread), then follows its changes. The observer may live on another thread: its signals
    // then arrive queued, in the order the store emitted them. Call once.
    void follow(StoreObserver *observer);

    // How long changes are collected before they are applied (default 100 ms).
    std::chrono::milliseconds coalescingInterval() const;
    void setCoalescingInterval(std::chrono::milliseconds interval);
    // Applies every change received so far, now.
    void applyPendingChanges();

    // The source of "now" (default: the system clock). Setting it refreshes the ages.
    void setClock(Clock clock);
    // Groups not pushed for longer than this are stale; zero (the default) turns marking off.
    std::chrono::milliseconds staleAge() const { return m_staleAge; }
    void setStaleAge(std::chrono::milliseconds age);
    // How often ages and staleness are refreshed (default 1 s); zero stops the timer.
    void setAgeRefreshInterval(std::chrono::milliseconds interval);
    // Reads the clock and announces (dataChanged) the rows whose age text or staleness changed.
    void refreshAges();

    // The group at `index`; null for a job row or an invalid index.
    GroupSnapshot group(const QModelIndex &index) const;
    QModelIndex indexOf(const GroupingKey &key, int column = NameColumn) const;
    QModelIndex indexOfJob(const QString &job, int column = NameColumn) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // Pending changes were applied to the rows.
    void changesApplied();

private:
    struct ShownAge;
    struct GroupItem;
    struct JobItem;

    void onGroupUpdated(const GroupSnapshot &group);
    void onGroupRemoved(const GroupingKey &key);
    void onWiped();
    void onPushFailed(const GroupingKey &key, const QString &reason);
    void onCurrentGroups(const QList<GroupSnapshot> &groups);
    void schedule();

    void resetTo(const QHash<GroupingKey, GroupSnapshot> &groups, QHash<GroupingKey, QString> &failures);
    void removeGroups(JobItem &job, const QList<GroupingKey> &keys);
    void insertGroups(JobItem &job, std::vector<std::unique_ptr<GroupItem>> items);
    void removeJobs(const QList<QByteArray> &names);
    void insertJobs(std::vector<std::unique_ptr<JobItem>> jobs);
    void releaseRetired();
    void announceChangedGroups(const QList<GroupingKey> &keys);
    void announceChangedJobs(const QList<QByteArray> &names);
    void announceRows(const QModelIndex &parent, QList<int> rows);
    void announceAgeChanges(const QModelIndex &parent, const QList<int> &textRows, const QList<int> &staleRows);

    int jobRow(const QByteArray &name) const;
    int groupRow(const JobItem &job, const GroupingKey &key) const;
    QModelIndex jobIndex(const JobItem &job, int column = NameColumn) const;
    QVariant jobData(const JobItem &job, int column, int role) const;
    QVariant groupData(const GroupItem &item, int column, int role) const;
    ShownAge shownAge(const GroupItem &item) const;
    ShownAge shownAge(const JobItem &job) const;
    QString ageText(qint64 unixMs) const;
    bool isStale(qint64 unixMs) const;

    std::vector<std::unique_ptr<JobItem>> m_jobs; // by name
    QHash<QByteArray, JobItem *> m_jobIndex;
    QHash<GroupingKey, GroupItem *> m_groupIndex;

    // Changes received and not applied yet; a null snapshot is a removal.
    QHash<GroupingKey, GroupSnapshot> m_pendingGroups;
    // Snapshots replaced since the last batch, released on the store's thread (releaseRetired).
    QList<GroupSnapshot> m_retired;
    QPointer<QObject> m_releaseContext; // the observer followed, on the store's thread
    QHash<GroupingKey, QString> m_pendingFailures;
    bool m_pendingWipe = false;
    QTimer m_coalesceTimer;

    Clock m_clock;
    qint64 m_nowMs = 0; // the clock at the last age refresh
    std::chrono::milliseconds m_staleAge{0};
    QTimer m_ageTimer;
};

} // namespace qpgw::gui
