#include "grouptreemodel.h"

#include "store/storeobserver.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <utility>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace qpgw::gui {
namespace {

bool isPushTimeGauge(const QByteArray &name)
{
    return name == PushTimeMetricName || name == PushFailureTimeMetricName;
}

qint64 secondsToMs(double seconds)
{
    return static_cast<qint64>(std::llround(seconds * 1000.0));
}

QString quotedLabel(const LabelPair &pair)
{
    QString value = QString::fromUtf8(pair.value);
    value.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s).replace(u'\n', u"\\n"_s);
    return QString::fromUtf8(pair.name) % u"=\""_s % value % u'"';
}

// The grouping labels other than job, instance first: `instance="host1", dc="x"`.
QString groupLabelsText(const GroupingKey &key)
{
    QStringList parts;
    if (const QByteArray *instance = key.value("instance"))
        parts.append(quotedLabel(LabelPair{QByteArrayLiteral("instance"), *instance}));
    for (const LabelPair &pair : key.labels()) {
        if (pair.name != "job" && pair.name != "instance")
            parts.append(quotedLabel(pair));
    }
    return parts.isEmpty() ? GroupTreeModel::tr("(job only)") : parts.join(u", "_s);
}

QString timeText(qint64 unixMs)
{
    return QLocale::c().toString(QDateTime::fromMSecsSinceEpoch(unixMs).toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s);
}

QBrush staleBrush()
{
    return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
}

QBrush failedBrush()
{
    return QBrush(QColor(0xc0, 0x1c, 0x28));
}

QFont staleFont()
{
    QFont font;
    font.setItalic(true);
    return font;
}

QVariant numberAlignment()
{
    return (Qt::AlignRight | Qt::AlignVCenter).toInt();
}

// An age as its text shows it: "never", or a whole number of one unit. Two ages read the same
// exactly when their steps are equal: a row whose step stays the same needs no announcing.
struct AgeStep
{
    enum Unit : quint8 { Never, Seconds, Minutes, Hours, Days };
    Unit unit = Never;
    qint64 count = 0;

    friend bool operator==(const AgeStep &, const AgeStep &) = default;
};

AgeStep ageStep(qint64 unixMs, qint64 nowMs)
{
    if (unixMs <= 0)
        return {};
    const qint64 seconds = std::max<qint64>(0, nowMs - unixMs) / 1000;
    if (seconds < 60)
        return {AgeStep::Seconds, seconds};
    if (seconds < 60 * 60)
        return {AgeStep::Minutes, seconds / 60};
    if (seconds < 48 * 60 * 60)
        return {AgeStep::Hours, seconds / (60 * 60)};
    return {AgeStep::Days, seconds / (24 * 60 * 60)};
}

// Calls `emitRange(first, last)` for each run of consecutive rows in `rows` (sorted, unique).
template<typename EmitRange>
void forEachRun(const QList<int> &rows, EmitRange emitRange)
{
    qsizetype start = 0;
    for (qsizetype i = 1; i <= rows.size(); ++i) {
        if (i == rows.size() || rows[i] != rows[i - 1] + 1) {
            emitRange(rows[start], rows[i - 1]);
            start = i;
        }
    }
}

} // namespace

// What a row shows that depends on the clock: its age text (as the step it reads) and whether it
// is marked stale. Each row keeps the one last announced, so that an age refresh announces only
// the rows for which it differs.
struct GroupTreeModel::ShownAge
{
    AgeStep step;
    bool stale = false;

    friend bool operator==(const ShownAge &, const ShownAge &) = default;
};

// One group row: the snapshot and what the columns show, computed once per change.
struct GroupTreeModel::GroupItem
{
    GroupSnapshot group;
    QString labelsText;
    QStringList searchTexts;
    qsizetype families = 0;
    qsizetype series = 0;
    qint64 pushMs = 0;    // last successful push; 0: never
    qint64 failureMs = 0; // last failed push; 0: never
    bool failed = false;
    QString failureReason; // as the store reported it; empty when not seen
    ShownAge shown;        // as last announced

    const GroupingKey &key() const { return group->key; }
    // What the age of the data is measured from: the last successful push, or the group's
    // failed push when it never had one.
    qint64 ageBasisMs() const { return pushMs > 0 ? pushMs : failureMs; }

    // Returns the snapshot it replaces.
    GroupSnapshot update(GroupSnapshot snapshot)
    {
        GroupSnapshot replaced = std::exchange(group, std::move(snapshot));
        families = 0;
        series = 0;
        searchTexts.clear();
        for (const LabelPair &pair : group->key.labels())
            searchTexts.append(QString::fromUtf8(pair.value));
        for (auto it = group->families.cbegin(); it != group->families.cend(); ++it) {
            if (isPushTimeGauge(it.key()))
                continue;
            ++families;
            series += it->family->metrics.size();
            searchTexts.append(QString::fromUtf8(it.key()));
        }
        pushMs = secondsToMs(group->pushTimeSeconds());
        failureMs = secondsToMs(group->pushFailureTimeSeconds());
        failed = !group->lastPushSucceeded();
        if (!failed)
            failureReason.clear();
        return replaced;
    }

    static std::unique_ptr<GroupItem> make(GroupSnapshot snapshot, QString reason)
    {
        auto item = std::make_unique<GroupItem>();
        item->labelsText = groupLabelsText(snapshot->key);
        item->update(std::move(snapshot));
        if (item->failed)
            item->failureReason = std::move(reason);
        return item;
    }

    static bool keyLess(const std::unique_ptr<GroupItem> &item, const GroupingKey &key) { return item->key() < key; }
    static bool less(const std::unique_ptr<GroupItem> &a, const std::unique_ptr<GroupItem> &b) { return a->key() < b->key(); }
};

// One job row: its groups in key order, and what the row shows about them.
struct GroupTreeModel::JobItem
{
    struct Totals
    {
        qsizetype series = 0;
        qint64 lastPushMs = 0;
        qint64 ageBasisMs = 0;
        int failing = 0;

        friend bool operator==(const Totals &, const Totals &) = default;
    };

    explicit JobItem(QByteArray jobName)
        : name(std::move(jobName))
        , displayName(name.isEmpty() ? GroupTreeModel::tr("(no job)") : QString::fromUtf8(name))
    {
    }

    Totals computeTotals() const
    {
        Totals result;
        for (const auto &item : groups) {
            result.series += item->series;
            result.lastPushMs = std::max(result.lastPushMs, item->pushMs);
            result.ageBasisMs = std::max(result.ageBasisMs, item->ageBasisMs());
            result.failing += item->failed ? 1 : 0;
        }
        return result;
    }

    QByteArray name;
    QString displayName;
    std::vector<std::unique_ptr<GroupItem>> groups; // by key
    Totals totals;
    ShownAge shown; // as last announced

    static bool nameLess(const std::unique_ptr<JobItem> &job, const QByteArray &jobName) { return job->name < jobName; }
    static bool less(const std::unique_ptr<JobItem> &a, const std::unique_ptr<JobItem> &b) { return a->name < b->name; }
};

GroupTreeModel::GroupTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_coalesceTimer(this)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
    , m_ageTimer(this)
{
    m_coalesceTimer.setSingleShot(true);
    m_coalesceTimer.setInterval(100ms);
    connect(&m_coalesceTimer, &QTimer::timeout, this, &GroupTreeModel::applyPendingChanges);

    m_nowMs = m_clock().toMSecsSinceEpoch();
    m_ageTimer.setInterval(1s);
    connect(&m_ageTimer, &QTimer::timeout, this, &GroupTreeModel::refreshAges);
    m_ageTimer.start();
}

GroupTreeModel::~GroupTreeModel() = default;

void GroupTreeModel::follow(StoreObserver *observer)
{
    // Auto connections: queued when the observer lives on the store's own thread.
    connect(observer, &StoreObserver::groupUpdated, this, &GroupTreeModel::onGroupUpdated);
    connect(observer, &StoreObserver::groupRemoved, this, &GroupTreeModel::onGroupRemoved);
    connect(observer, &StoreObserver::wiped, this, &GroupTreeModel::onWiped);
    connect(observer, &StoreObserver::pushFailed, this, &GroupTreeModel::onPushFailed);
    connect(observer, &StoreObserver::currentGroups, this, &GroupTreeModel::onCurrentGroups);
    m_releaseContext = observer;
    // Asked after connecting: what changes in between arrives before the answer, which
    // supersedes it, and everything after it arrives after.
    QMetaObject::invokeMethod(observer, &StoreObserver::publishAll);
}

std::chrono::milliseconds GroupTreeModel::coalescingInterval() const
{
    return m_coalesceTimer.intervalAsDuration();
}

void GroupTreeModel::setCoalescingInterval(std::chrono::milliseconds interval)
{
    m_coalesceTimer.setInterval(interval);
}

void GroupTreeModel::setClock(Clock clock)
{
    m_clock = std::move(clock);
    refreshAges();
}

void GroupTreeModel::setStaleAge(std::chrono::milliseconds age)
{
    m_staleAge = age;
    refreshAges();
}

void GroupTreeModel::setAgeRefreshInterval(std::chrono::milliseconds interval)
{
    if (interval <= 0ms) {
        m_ageTimer.stop();
        return;
    }
    m_ageTimer.setInterval(interval);
    m_ageTimer.start();
}

void GroupTreeModel::refreshAges()
{
    m_nowMs = m_clock().toMSecsSinceEpoch();
    // Each row against what was last announced for it: a few integer comparisons per row, and a
    // signal only where a text or a stale mark changed (in row order, jobs first).
    QList<int> textRows;
    QList<int> staleRows;
    const auto compare = [this, &textRows, &staleRows](auto &item, int row) {
        const ShownAge now = shownAge(item);
        if (now == item.shown)
            return;
        (now.stale != item.shown.stale ? staleRows : textRows).append(row);
        item.shown = now;
    };
    const int jobCount = static_cast<int>(m_jobs.size());
    for (int row = 0; row < jobCount; ++row)
        compare(*m_jobs[row], row);
    announceAgeChanges({}, std::exchange(textRows, {}), std::exchange(staleRows, {}));
    for (int parentRow = 0; parentRow < jobCount; ++parentRow) {
        JobItem &job = *m_jobs[parentRow];
        const int groupCount = static_cast<int>(job.groups.size());
        for (int row = 0; row < groupCount; ++row)
            compare(*job.groups[row], row);
        announceAgeChanges(index(parentRow, 0), std::exchange(textRows, {}), std::exchange(staleRows, {}));
    }
}

// Rows (sorted) of one parent whose age text changed: the age column; whose staleness changed:
// the whole row (colour and font). One range per run of neighbouring rows.
void GroupTreeModel::announceAgeChanges(const QModelIndex &parentIndex, const QList<int> &textRows,
                                        const QList<int> &staleRows)
{
    forEachRun(textRows, [this, &parentIndex](int first, int last) {
        Q_EMIT dataChanged(index(first, LastPushColumn, parentIndex), index(last, LastPushColumn, parentIndex),
                           {Qt::DisplayRole});
    });
    forEachRun(staleRows, [this, &parentIndex](int first, int last) {
        Q_EMIT dataChanged(index(first, 0, parentIndex), index(last, ColumnCount - 1, parentIndex),
                           {Qt::DisplayRole, Qt::ForegroundRole, Qt::FontRole, StaleRole});
    });
}

// --- Receiving changes -------------------------------------------------------------------

void GroupTreeModel::onGroupUpdated(const GroupSnapshot &group)
{
    GroupSnapshot &pending = m_pendingGroups[group->key];
    if (pending)
        m_retired.append(std::move(pending)); // pushed again before the batch: superseded
    pending = group;
    schedule();
}

void GroupTreeModel::onGroupRemoved(const GroupingKey &key)
{
    m_pendingGroups.insert(key, GroupSnapshot());
    m_pendingFailures.remove(key);
    schedule();
}

void GroupTreeModel::onWiped()
{
    m_pendingWipe = true;
    m_pendingGroups.clear();
    m_pendingFailures.clear();
    schedule();
}

void GroupTreeModel::onPushFailed(const GroupingKey &key, const QString &reason)
{
    m_pendingFailures.insert(key, reason);
    schedule();
}

void GroupTreeModel::onCurrentGroups(const QList<GroupSnapshot> &groups)
{
    // The whole state at one moment: every group shown and not in it is gone.
    m_pendingGroups.clear();
    for (auto it = m_groupIndex.cbegin(); it != m_groupIndex.cend(); ++it)
        m_pendingGroups.insert(it.key(), GroupSnapshot());
    for (const GroupSnapshot &group : groups)
        m_pendingGroups.insert(group->key, group);
    schedule();
}

void GroupTreeModel::schedule()
{
    if (!m_coalesceTimer.isActive())
        m_coalesceTimer.start();
}

// --- Applying changes --------------------------------------------------------------------

void GroupTreeModel::releaseRetired()
{
    if (m_retired.isEmpty())
        return;
    // The last reference to a replaced snapshot is often ours. Freeing thousands of families
    // and series here would stall the window (and, since the gateway's thread allocated them,
    // contend with it for the allocator's lock): they go back to that thread to die there. They
    // are released when the functor runs, not when it is destroyed: invokeMethod's caller holds
    // a reference to the functor too, and may be the last to let go of it.
    if (m_releaseContext) {
        QMetaObject::invokeMethod(m_releaseContext, [retired = std::exchange(m_retired, {})]() mutable { retired.clear(); },
                                  Qt::QueuedConnection);
    } else {
        m_retired.clear();
    }
}

void GroupTreeModel::applyPendingChanges()
{
    m_coalesceTimer.stop();
    if (!m_pendingWipe && m_pendingGroups.isEmpty() && m_pendingFailures.isEmpty())
        return;
    const QHash<GroupingKey, GroupSnapshot> pending = std::exchange(m_pendingGroups, {});
    QHash<GroupingKey, QString> failures = std::exchange(m_pendingFailures, {});
    if (std::exchange(m_pendingWipe, false)) {
        resetTo(pending, failures);
        releaseRetired();
        Q_EMIT changesApplied();
        return;
    }

    // By job, in name order, so that new jobs come out sorted.
    std::map<QByteArray, QList<std::pair<GroupingKey, GroupSnapshot>>> byJob;
    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
        byJob[it.key().job()].append({it.key(), it.value()});

    QList<GroupingKey> changedGroups;
    QList<QByteArray> keptJobs;    // existing jobs that keep rows: their totals may change
    QList<QByteArray> emptiedJobs; // existing jobs that lose their last group
    std::vector<std::unique_ptr<JobItem>> newJobs;
    for (auto &[name, changes] : byJob) {
        JobItem *job = m_jobIndex.value(name);
        QList<GroupingKey> removed;
        std::vector<std::unique_ptr<GroupItem>> added;
        for (const auto &[key, snapshot] : std::as_const(changes)) {
            GroupItem *item = m_groupIndex.value(key);
            if (!snapshot) {
                if (item)
                    removed.append(key);
            } else if (item) {
                m_retired.append(item->update(snapshot));
                if (item->failed && failures.contains(key))
                    item->failureReason = failures.take(key);
                changedGroups.append(key);
            } else {
                added.push_back(GroupItem::make(snapshot, failures.take(key)));
            }
        }
        if (!job) {
            if (added.empty())
                continue;
            auto fresh = std::make_unique<JobItem>(name);
            std::sort(added.begin(), added.end(), GroupItem::less);
            fresh->groups = std::move(added);
            fresh->totals = fresh->computeTotals();
            newJobs.push_back(std::move(fresh));
            continue;
        }
        if (removed.size() == static_cast<qsizetype>(job->groups.size()) && added.empty()) {
            emptiedJobs.append(name);
            continue;
        }
        removeGroups(*job, removed);
        insertGroups(*job, std::move(added));
        keptJobs.append(name);
    }
    // Reasons for rejected pushes whose group's new state came in an earlier batch.
    for (auto it = failures.cbegin(); it != failures.cend(); ++it) {
        GroupItem *item = m_groupIndex.value(it.key());
        if (item && item->failed && item->failureReason != it.value()) {
            item->failureReason = it.value();
            changedGroups.append(it.key());
        }
    }

    removeJobs(emptiedJobs);
    insertJobs(std::move(newJobs));
    announceChangedGroups(changedGroups);
    announceChangedJobs(keptJobs);
    releaseRetired();
    Q_EMIT changesApplied();
}

void GroupTreeModel::resetTo(const QHash<GroupingKey, GroupSnapshot> &groups, QHash<GroupingKey, QString> &failures)
{
    beginResetModel();
    m_jobs.clear();
    m_jobIndex.clear();
    m_groupIndex.clear();
    std::map<QByteArray, std::vector<std::unique_ptr<GroupItem>>> byJob;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        if (it.value())
            byJob[it.key().job()].push_back(GroupItem::make(it.value(), failures.take(it.key())));
    }
    for (auto &[name, items] : byJob) {
        auto job = std::make_unique<JobItem>(name);
        std::sort(items.begin(), items.end(), GroupItem::less);
        job->groups = std::move(items);
        job->totals = job->computeTotals();
        job->shown = shownAge(*job);
        for (const auto &item : job->groups) {
            item->shown = shownAge(*item);
            m_groupIndex.insert(item->key(), item.get());
        }
        m_jobIndex.insert(job->name, job.get());
        m_jobs.push_back(std::move(job));
    }
    endResetModel();
}

void GroupTreeModel::removeGroups(JobItem &job, const QList<GroupingKey> &keys)
{
    QList<int> rows;
    rows.reserve(keys.size());
    for (const GroupingKey &key : keys)
        rows.append(groupRow(job, key));
    std::sort(rows.begin(), rows.end());
    QList<std::pair<int, int>> runs;
    forEachRun(rows, [&runs](int first, int last) { runs.append({first, last}); });
    // Last run first: the rows of the earlier runs stay where they are.
    for (auto run = runs.crbegin(); run != runs.crend(); ++run) {
        const auto [first, last] = *run;
        beginRemoveRows(jobIndex(job), first, last);
        for (int row = first; row <= last; ++row)
            m_groupIndex.remove(job.groups[row]->key());
        job.groups.erase(job.groups.begin() + first, job.groups.begin() + last + 1);
        endRemoveRows();
    }
}

void GroupTreeModel::insertGroups(JobItem &job, std::vector<std::unique_ptr<GroupItem>> items)
{
    std::sort(items.begin(), items.end(), GroupItem::less);
    // Each run of new keys that falls between the same two existing rows goes in at once.
    size_t next = 0;
    while (next < items.size()) {
        const auto at = std::lower_bound(job.groups.begin(), job.groups.end(), items[next]->key(), GroupItem::keyLess);
        const auto row = static_cast<int>(at - job.groups.begin());
        size_t end = next + 1;
        while (end < items.size() && (at == job.groups.end() || items[end]->key() < (*at)->key()))
            ++end;
        beginInsertRows(jobIndex(job), row, row + static_cast<int>(end - next) - 1);
        for (size_t i = next; i < end; ++i) {
            items[i]->shown = shownAge(*items[i]);
            m_groupIndex.insert(items[i]->key(), items[i].get());
        }
        job.groups.insert(at, std::make_move_iterator(items.begin() + static_cast<qsizetype>(next)),
                          std::make_move_iterator(items.begin() + static_cast<qsizetype>(end)));
        endInsertRows();
        next = end;
    }
}

void GroupTreeModel::removeJobs(const QList<QByteArray> &names)
{
    QList<int> rows;
    rows.reserve(names.size());
    for (const QByteArray &name : names)
        rows.append(jobRow(name));
    std::sort(rows.begin(), rows.end());
    QList<std::pair<int, int>> runs;
    forEachRun(rows, [&runs](int first, int last) { runs.append({first, last}); });
    for (auto run = runs.crbegin(); run != runs.crend(); ++run) {
        const auto [first, last] = *run;
        beginRemoveRows({}, first, last);
        for (int row = first; row <= last; ++row) {
            for (const auto &item : m_jobs[row]->groups)
                m_groupIndex.remove(item->key());
            m_jobIndex.remove(m_jobs[row]->name);
        }
        m_jobs.erase(m_jobs.begin() + first, m_jobs.begin() + last + 1);
        endRemoveRows();
    }
}

void GroupTreeModel::insertJobs(std::vector<std::unique_ptr<JobItem>> jobs)
{
    std::sort(jobs.begin(), jobs.end(), JobItem::less);
    size_t next = 0;
    while (next < jobs.size()) {
        const auto at = std::lower_bound(m_jobs.begin(), m_jobs.end(), jobs[next]->name, JobItem::nameLess);
        const auto row = static_cast<int>(at - m_jobs.begin());
        size_t end = next + 1;
        while (end < jobs.size() && (at == m_jobs.end() || jobs[end]->name < (*at)->name))
            ++end;
        beginInsertRows({}, row, row + static_cast<int>(end - next) - 1);
        for (size_t i = next; i < end; ++i) {
            jobs[i]->shown = shownAge(*jobs[i]);
            m_jobIndex.insert(jobs[i]->name, jobs[i].get());
            for (const auto &item : jobs[i]->groups) {
                item->shown = shownAge(*item);
                m_groupIndex.insert(item->key(), item.get());
            }
        }
        m_jobs.insert(at, std::make_move_iterator(jobs.begin() + static_cast<qsizetype>(next)),
                      std::make_move_iterator(jobs.begin() + static_cast<qsizetype>(end)));
        endInsertRows();
        next = end;
    }
}

void GroupTreeModel::announceChangedGroups(const QList<GroupingKey> &keys)
{
    std::map<QByteArray, QList<int>> rowsByJob; // by name: the signals come in row order
    for (const GroupingKey &key : keys) {
        GroupItem *item = m_groupIndex.value(key);
        if (!item)
            continue; // its job went away in the same batch
        item->shown = shownAge(*item);
        rowsByJob[key.job()].append(groupRow(*m_jobIndex.value(key.job()), key));
    }
    for (auto &[name, rows] : rowsByJob)
        announceRows(jobIndex(*m_jobIndex.value(name)), std::move(rows));
}

void GroupTreeModel::announceChangedJobs(const QList<QByteArray> &names)
{
    QList<int> rows;
    for (const QByteArray &name : names) {
        JobItem *job = m_jobIndex.value(name);
        if (!job)
            continue;
        const JobItem::Totals totals = job->computeTotals();
        if (totals == job->totals)
            continue;
        job->totals = totals;
        job->shown = shownAge(*job);
        rows.append(jobRow(name));
    }
    announceRows({}, std::move(rows));
}

void GroupTreeModel::announceRows(const QModelIndex &parentIndex, QList<int> rows)
{
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    QList<std::pair<int, int>> runs;
    forEachRun(rows, [&runs](int first, int last) { runs.append({first, last}); });
    if (runs.size() > MaxRangesPerParent)
        runs = {{rows.constFirst(), rows.constLast()}};
    for (const auto &[first, last] : std::as_const(runs))
        Q_EMIT dataChanged(index(first, 0, parentIndex), index(last, ColumnCount - 1, parentIndex));
}

// --- Lookup --------------------------------------------------------------------------------

int GroupTreeModel::jobRow(const QByteArray &name) const
{
    const auto at = std::lower_bound(m_jobs.cbegin(), m_jobs.cend(), name, JobItem::nameLess);
    return at != m_jobs.cend() && (*at)->name == name ? static_cast<int>(at - m_jobs.cbegin()) : -1;
}

int GroupTreeModel::groupRow(const JobItem &job, const GroupingKey &key) const
{
    const auto at = std::lower_bound(job.groups.cbegin(), job.groups.cend(), key, GroupItem::keyLess);
    return at != job.groups.cend() && (*at)->key() == key ? static_cast<int>(at - job.groups.cbegin()) : -1;
}

QModelIndex GroupTreeModel::jobIndex(const JobItem &job, int column) const
{
    // Job rows carry no pointer; group rows carry their job's.
    return createIndex(jobRow(job.name), column);
}

GroupSnapshot GroupTreeModel::group(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return {};
    const auto *job = static_cast<const JobItem *>(index.constInternalPointer());
    return job ? job->groups[index.row()]->group : GroupSnapshot();
}

QModelIndex GroupTreeModel::indexOf(const GroupingKey &key, int column) const
{
    if (!m_groupIndex.contains(key))
        return {};
    const JobItem *job = m_jobIndex.value(key.job());
    return createIndex(groupRow(*job, key), column, job);
}

QModelIndex GroupTreeModel::indexOfJob(const QString &job, int column) const
{
    const int row = jobRow(job.toUtf8());
    return row < 0 ? QModelIndex() : createIndex(row, column);
}

// --- QAbstractItemModel --------------------------------------------------------------------

QModelIndex GroupTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column);
    return createIndex(row, column, m_jobs[parent.row()].get());
}

QModelIndex GroupTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const auto *job = static_cast<const JobItem *>(child.constInternalPointer());
    return job ? jobIndex(*job) : QModelIndex();
}

int GroupTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_jobs.size());
    if (parent.column() != 0 || parent.constInternalPointer())
        return 0; // children hang off the first column of job rows only
    return static_cast<int>(m_jobs[parent.row()]->groups.size());
}

int GroupTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant GroupTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const auto *job = static_cast<const JobItem *>(index.constInternalPointer());
    if (job)
        return groupData(*job->groups[index.row()], index.column(), role);
    return jobData(*m_jobs[index.row()], index.column(), role);
}

QVariant GroupTreeModel::groupData(const GroupItem &item, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn: return item.labelsText;
        case FamiliesColumn: return static_cast<qlonglong>(item.families);
        case SeriesColumn: return static_cast<qlonglong>(item.series);
        case LastPushColumn: return ageText(item.pushMs);
        case StatusColumn: return item.failed ? tr("Failed") : isStale(item.ageBasisMs()) ? tr("Stale") : tr("OK");
        }
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case NameColumn: return item.key().toDisplayString();
        case LastPushColumn:
            return item.pushMs > 0 ? tr("Last successful push: %1").arg(timeText(item.pushMs)) : tr("No successful push yet");
        case StatusColumn:
            if (!item.failed)
                return {};
            if (!item.failureReason.isEmpty())
                return item.failureReason;
            return tr("The last push, at %1, failed.").arg(timeText(item.failureMs));
        }
        return {};
    case Qt::ForegroundRole:
        if (column == StatusColumn && item.failed)
            return failedBrush();
        return isStale(item.ageBasisMs()) ? QVariant(staleBrush()) : QVariant();
    case Qt::FontRole:
        return isStale(item.ageBasisMs()) ? QVariant(staleFont()) : QVariant();
    case Qt::TextAlignmentRole:
        return column == FamiliesColumn || column == SeriesColumn ? numberAlignment() : QVariant();
    case KeyRole: return QVariant::fromValue(item.key());
    case JobRole: return QString::fromUtf8(item.key().job());
    case IsJobRole: return false;
    case LastPushRole:
        return item.pushMs > 0 ? QDateTime::fromMSecsSinceEpoch(item.pushMs, Qt::UTC) : QDateTime();
    case FailedRole: return item.failed;
    case FailureReasonRole: return item.failed ? item.failureReason : QString();
    case StaleRole: return isStale(item.ageBasisMs());
    case SearchTextsRole: return item.searchTexts;
    case SortRole:
        switch (column) {
        case NameColumn: return item.labelsText;
        case FamiliesColumn: return static_cast<qlonglong>(item.families);
        case SeriesColumn: return static_cast<qlonglong>(item.series);
        case LastPushColumn: return item.pushMs;
        case StatusColumn: return item.failed;
        }
        return {};
    }
    return {};
}

QVariant GroupTreeModel::jobData(const JobItem &job, int column, int role) const
{
    const JobItem::Totals &totals = job.totals;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn: return job.displayName;
        case SeriesColumn: return static_cast<qlonglong>(totals.series);
        case LastPushColumn: return ageText(totals.lastPushMs);
        case StatusColumn:
            if (totals.failing > 0)
                return tr("%n failing", nullptr, totals.failing);
            return isStale(totals.ageBasisMs) ? tr("Stale") : tr("OK");
        }
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case NameColumn: return tr("%n group(s)", nullptr, static_cast<int>(job.groups.size()));
        case LastPushColumn:
            return totals.lastPushMs > 0 ? tr("Last successful push: %1").arg(timeText(totals.lastPushMs))
                                         : tr("No successful push yet");
        case StatusColumn:
            return totals.failing > 0 ? tr("The last push to %n group(s) of this job failed.", nullptr, totals.failing)
                                      : QVariant();
        }
        return {};
    case Qt::ForegroundRole:
        if (column == StatusColumn && totals.failing > 0)
            return failedBrush();
        return isStale(totals.ageBasisMs) ? QVariant(staleBrush()) : QVariant();
    case Qt::FontRole:
        return isStale(totals.ageBasisMs) ? QVariant(staleFont()) : QVariant();
    case Qt::TextAlignmentRole:
        return column == FamiliesColumn || column == SeriesColumn ? numberAlignment() : QVariant();
    case JobRole: return QString::fromUtf8(job.name);
    case IsJobRole: return true;
    case LastPushRole:
        return totals.lastPushMs > 0 ? QDateTime::fromMSecsSinceEpoch(totals.lastPushMs, Qt::UTC) : QDateTime();
    case FailedRole: return totals.failing > 0;
    case StaleRole: return isStale(totals.ageBasisMs);
    case SearchTextsRole: return QStringList{QString::fromUtf8(job.name)};
    case SortRole:
        switch (column) {
        case NameColumn: return job.displayName;
        case SeriesColumn: return static_cast<qlonglong>(totals.series);
        case LastPushColumn: return totals.lastPushMs;
        case StatusColumn: return totals.failing;
        }
        return {};
    }
    return {};
}

Qt::ItemFlags GroupTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags result = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.constInternalPointer())
        result |= Qt::ItemNeverHasChildren;
    return result;
}

QVariant GroupTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == FamiliesColumn || section == SeriesColumn ? numberAlignment() : QVariant();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const bool tip = role == Qt::ToolTipRole;
    switch (section) {
    case NameColumn: return tip ? tr("The job, and each group's grouping labels other than job") : tr("Job / group");
    case FamiliesColumn: return tip ? tr("Metric families pushed (without push_time_seconds and push_failure_time_seconds)") : tr("Families");
    case SeriesColumn: return tip ? tr("Series pushed (without push_time_seconds and push_failure_time_seconds)") : tr("Series");
    case LastPushColumn: return tip ? tr("Time since the last successful push") : tr("Last push");
    case StatusColumn: return tip ? tr("Whether the last push failed; hover a failed one for the reason") : tr("Status");
    }
    return {};
}

// --- Time ----------------------------------------------------------------------------------

GroupTreeModel::ShownAge GroupTreeModel::shownAge(const GroupItem &item) const
{
    return {ageStep(item.pushMs, m_nowMs), isStale(item.ageBasisMs())};
}

GroupTreeModel::ShownAge GroupTreeModel::shownAge(const JobItem &job) const
{
    return {ageStep(job.totals.lastPushMs, m_nowMs), isStale(job.totals.ageBasisMs)};
}

QString GroupTreeModel::ageText(qint64 unixMs) const
{
    const AgeStep step = ageStep(unixMs, m_nowMs);
    switch (step.unit) {
    case AgeStep::Never: return tr("never");
    case AgeStep::Seconds: return tr("%1 s ago").arg(step.count);
    case AgeStep::Minutes: return tr("%1 min ago").arg(step.count);
    case AgeStep::Hours: return tr("%1 h ago").arg(step.count);
    case AgeStep::Days: return tr("%1 d ago").arg(step.count);
    }
    return {};
}

bool GroupTreeModel::isStale(qint64 unixMs) const
{
    return m_staleAge > 0ms && unixMs > 0 && m_nowMs - unixMs > m_staleAge.count();
}

} // namespace qpgw::gui
