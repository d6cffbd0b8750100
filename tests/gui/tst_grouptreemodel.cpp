// GroupTreeModel and GroupFilterProxyModel: the group tree follows a real MetricStore through a
// StoreObserver, incrementally and coalesced; the filter and the stale marking.

#include "groupfilterproxymodel.h"
#include "grouptreemodel.h"
#include "store/metricstore.h"
#include "store/storeobserver.h"
#include "testbuilders.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QFont>
#include <QMutex>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>

using namespace qpgw;
using namespace qpgw::gui;
using namespace qpgw::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr UnixNanos Second = 1'000'000'000;
constexpr UnixNanos T0 = 1'700'000'000 * Second;
constexpr auto Reporting = QAbstractItemModelTester::FailureReportingMode::QtTest;

MetricFamily counter(const char *name, double value = 1)
{
    return family(name, MetricType::Counter, {scalar({}, value)});
}

// Two series in one family.
MetricFamily gaugePair(const char *name)
{
    return family(name, MetricType::Gauge, {scalar(labels({{"side", "left"}}), 1), scalar(labels({{"side", "right"}}), 2)});
}

// A store whose clock the test sets (the model reads the same clock), its observer, the model
// following it and the filter proxy over the model; QAbstractItemModelTester checks both models
// throughout. The age timer is off: tests refresh ages when they move the clock.
struct Fixture
{
    UnixNanos now = T0;
    MetricStore store{storeOptions()};
    StoreObserver observer{store};
    GroupTreeModel model;
    GroupFilterProxyModel proxy;
    std::unique_ptr<QAbstractItemModelTester> modelTester;
    std::unique_ptr<QAbstractItemModelTester> proxyTester;

    explicit Fixture(bool testers = true)
    {
        if (testers) {
            modelTester = std::make_unique<QAbstractItemModelTester>(&model, Reporting);
            proxyTester = std::make_unique<QAbstractItemModelTester>(&proxy, Reporting);
        }
        model.setCoalescingInterval(20ms);
        model.setAgeRefreshInterval(0ms);
        model.setClock([this] { return QDateTime::fromMSecsSinceEpoch(now / 1'000'000, Qt::UTC); });
        proxy.setSourceModel(&model);
        model.follow(&observer);
        model.applyPendingChanges();
    }

    MetricStore::Options storeOptions()
    {
        MetricStore::Options options;
        options.clock = [this] { return now; };
        return options;
    }

    bool push(const GroupingKey &groupKey, QList<MetricFamily> families)
    {
        return !store.push(groupKey, std::move(families), PushMode::ReplaceAll).has_value();
    }

    QString text(const GroupingKey &groupKey, int column) const
    {
        return model.indexOf(groupKey, column).data().toString();
    }

    // What the proxy shows, as "job: labels" per group, in row order.
    QStringList visibleGroups() const
    {
        QStringList result;
        for (int jobRow = 0; jobRow < proxy.rowCount(); ++jobRow) {
            const QModelIndex job = proxy.index(jobRow, 0);
            for (int row = 0; row < proxy.rowCount(job); ++row)
                result.append(job.data().toString() + u": "_s + proxy.index(row, 0, job).data().toString());
        }
        return result;
    }
};

// Every structural and data signal of a model, counted.
struct ModelSpies
{
    explicit ModelSpies(const QAbstractItemModel *model)
        : dataChanged(model, &QAbstractItemModel::dataChanged)
        , rowsInserted(model, &QAbstractItemModel::rowsInserted)
        , rowsRemoved(model, &QAbstractItemModel::rowsRemoved)
        , modelReset(model, &QAbstractItemModel::modelReset)
        , layoutChanged(model, &QAbstractItemModel::layoutChanged)
    {
    }

    int structural() const { return rowsInserted.count() + rowsRemoved.count() + modelReset.count() + layoutChanged.count(); }

    QSignalSpy dataChanged;
    QSignalSpy rowsInserted;
    QSignalSpy rowsRemoved;
    QSignalSpy modelReset;
    QSignalSpy layoutChanged;
};

// Each dataChanged a spy saw, as "<parent>: rows <first>-<last>, columns <first>-<last>", the
// parent being "jobs" for job rows, or the job's name.
QStringList describeDataChanged(const QSignalSpy &dataChanged)
{
    QStringList result;
    for (const QList<QVariant> &arguments : dataChanged) {
        const auto topLeft = arguments.at(0).value<QModelIndex>();
        const auto bottomRight = arguments.at(1).value<QModelIndex>();
        const QString parent = topLeft.parent().isValid() ? topLeft.parent().data().toString() : u"jobs"_s;
        result.append(u"%1: rows %2-%3, columns %4-%5"_s.arg(parent)
                          .arg(topLeft.row())
                          .arg(bottomRight.row())
                          .arg(topLeft.column())
                          .arg(bottomRight.column()));
    }
    return result;
}

} // namespace

class tst_GroupTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldReleaseReplacedSnapshotsOnTheStoresThread();
    void shouldShowGroupsAlreadyInTheStore();
    void shouldShowPushesAfterTheCoalescingInterval();
    void shouldShowJobsGroupsAndTheirColumns();
    void shouldShowTimeSinceLastPush();
    void shouldAnnounceOnlyRowsWhoseAgeTextChanged();
    void shouldUpdateOnlyTheChangedRow();
    void shouldInsertAndRemoveRunsOfRows();
    void shouldRemoveExactlyTheRemovedGroup();
    void shouldRemoveTheJobWithItsLastGroup();
    void shouldApplyARemoveAndRepushAsOneChange();
    void shouldResetOnWipe();
    void shouldCoalesceRepeatedPushesToOneGroup();
    void shouldBoundSignalsForABurstIntoManyGroups();
    void shouldShowTheReasonOfAFailedPush();
    void shouldMarkStaleGroups();
    void shouldFilter_data();
    void shouldFilter();
    void shouldRefilterWhenAGroupChanges();
    void shouldSortNumbersAsNumbers();
    void shouldFollowAStoreOnAnotherThread();
};

void tst_GroupTreeModel::shouldShowGroupsAlreadyInTheStore()
{
    MetricStore store;
    StoreObserver observer(store);
    QVERIFY(!store.push(key({{"job", "early"}, {"instance", "a"}}), {counter("c")}, PushMode::ReplaceAll));
    QVERIFY(!store.push(key({{"job", "early"}, {"instance", "b"}}), {counter("c")}, PushMode::ReplaceAll));

    GroupTreeModel model;
    QAbstractItemModelTester tester(&model, Reporting);
    model.setCoalescingInterval(10ms);
    model.follow(&observer);
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowCount(model.index(0, 0)), 2);
}

void tst_GroupTreeModel::shouldShowPushesAfterTheCoalescingInterval()
{
    Fixture f;
    QSignalSpy applied(&f.model, &GroupTreeModel::changesApplied);
    QVERIFY(f.push(key({{"job", "batch"}, {"instance", "host1"}}), {counter("runs_total")}));
    QCOMPARE(f.model.rowCount(), 0); // collected, not applied yet

    QVERIFY(applied.wait(2000));
    QCOMPARE(applied.count(), 1);
    QCOMPARE(f.model.rowCount(), 1);
    QCOMPARE(f.model.rowCount(f.model.index(0, 0)), 1);
    QCOMPARE(f.proxy.rowCount(), 1);
}

void tst_GroupTreeModel::shouldShowJobsGroupsAndTheirColumns()
{
    Fixture f;
    const GroupingKey withLabels = key({{"dc", "x"}, {"instance", "host1"}, {"job", "batch"}});
    const GroupingKey jobOnly = key({{"job", "batch"}});
    QVERIFY(f.push(withLabels, {counter("runs_total"), gaugePair("temperature")}));
    QVERIFY(f.push(jobOnly, {counter("runs_total")}));
    QVERIFY(f.push(key({{"job", "another"}}), {counter("other_total")}));
    f.model.applyPendingChanges();

    QCOMPARE(f.model.rowCount(), 2);
    QCOMPARE(f.model.index(0, GroupTreeModel::NameColumn).data().toString(), u"another"_s);
    const QModelIndex batch = f.model.indexOfJob(u"batch"_s);
    QCOMPARE(batch.row(), 1);
    QCOMPARE(batch.data(GroupTreeModel::IsJobRole).toBool(), true);
    QCOMPARE(f.model.rowCount(batch), 2);

    QCOMPARE(f.text(withLabels, GroupTreeModel::NameColumn), uR"(instance="host1", dc="x")"_s);
    QCOMPARE(f.text(jobOnly, GroupTreeModel::NameColumn), u"(job only)"_s);
    QCOMPARE(f.model.indexOf(withLabels).data(Qt::ToolTipRole).toString(), withLabels.toDisplayString());
    QCOMPARE(f.model.indexOf(withLabels).data(GroupTreeModel::KeyRole).value<GroupingKey>(), withLabels);
    QCOMPARE(f.model.indexOf(withLabels).data(GroupTreeModel::JobRole).toString(), u"batch"_s);
    QCOMPARE(f.model.indexOf(withLabels).parent(), batch);

    // What was pushed, without the gateway's push-time gauges.
    QCOMPARE(f.model.indexOf(withLabels, GroupTreeModel::FamiliesColumn).data().toInt(), 2);
    QCOMPARE(f.model.indexOf(withLabels, GroupTreeModel::SeriesColumn).data().toInt(), 3);
    QCOMPARE(f.model.indexOf(jobOnly, GroupTreeModel::FamiliesColumn).data().toInt(), 1);
    QCOMPARE(f.model.indexOfJob(u"batch"_s, GroupTreeModel::SeriesColumn).data().toInt(), 4);

    QCOMPARE(f.text(withLabels, GroupTreeModel::StatusColumn), u"OK"_s);
    QVERIFY(!f.model.indexOf(withLabels, GroupTreeModel::StatusColumn).data(Qt::ToolTipRole).isValid());
    QCOMPARE(f.model.indexOfJob(u"batch"_s, GroupTreeModel::StatusColumn).data().toString(), u"OK"_s);

    QCOMPARE(f.model.group(f.model.indexOf(jobOnly))->key, jobOnly);
    QVERIFY(!f.model.group(batch));
    QCOMPARE(f.model.headerData(GroupTreeModel::LastPushColumn, Qt::Horizontal).toString(), u"Last push"_s);
}

void tst_GroupTreeModel::shouldShowTimeSinceLastPush()
{
    Fixture f;
    const GroupingKey groupKey = key({{"job", "batch"}});
    QVERIFY(f.push(groupKey, {counter("runs_total")}));
    f.model.applyPendingChanges();
    QCOMPARE(f.text(groupKey, GroupTreeModel::LastPushColumn), u"0 s ago"_s);
    QCOMPARE(f.model.indexOf(groupKey).data(GroupTreeModel::LastPushRole).toDateTime(),
             QDateTime::fromMSecsSinceEpoch(T0 / 1'000'000, Qt::UTC));

    ModelSpies spies(&f.model);
    const auto age = [&f, &groupKey](UnixNanos after) {
        f.now = T0 + after;
        f.model.refreshAges();
        return f.text(groupKey, GroupTreeModel::LastPushColumn);
    };
    QCOMPARE(age(12 * Second), u"12 s ago"_s);
    QCOMPARE(spies.dataChanged.count(), 2); // the job rows, the group rows of the one job
    QCOMPARE(age(3 * 60 * Second + 5 * Second), u"3 min ago"_s);
    QCOMPARE(age(5 * 3600 * Second), u"5 h ago"_s);
    QCOMPARE(age(3 * 86400 * Second), u"3 d ago"_s);
    QCOMPARE(f.model.indexOfJob(u"batch"_s, GroupTreeModel::LastPushColumn).data().toString(), u"3 d ago"_s);
    QCOMPARE(spies.structural(), 0);
}

void tst_GroupTreeModel::shouldAnnounceOnlyRowsWhoseAgeTextChanged()
{
    // Five single-group jobs: a, b and d pushed just now, c and e ten minutes ago.
    Fixture f;
    f.now = T0 - 600 * Second;
    for (const char *job : {"c", "e"})
        QVERIFY(f.push(key({{"job", job}}), {counter("c")}));
    f.now = T0;
    for (const char *job : {"a", "b", "d"})
        QVERIFY(f.push(key({{"job", job}}), {counter("c")}));
    f.model.applyPendingChanges();
    QCOMPARE(f.text(key({{"job", "a"}}), GroupTreeModel::LastPushColumn), u"0 s ago"_s);
    QCOMPARE(f.text(key({{"job", "c"}}), GroupTreeModel::LastPushColumn), u"10 min ago"_s);

    // Five seconds on, the recent rows read "5 s ago"; the old ones still "10 min ago", and are
    // not announced. Neighbouring job rows (a and b) share one range; only the age column.
    ModelSpies spies(&f.model);
    f.now = T0 + 5 * Second;
    f.model.refreshAges();
    const QStringList fiveSeconds{
        u"jobs: rows 0-1, columns 3-3"_s,
        u"jobs: rows 3-3, columns 3-3"_s,
        u"a: rows 0-0, columns 3-3"_s,
        u"b: rows 0-0, columns 3-3"_s,
        u"d: rows 0-0, columns 3-3"_s,
    };
    QCOMPARE(describeDataChanged(spies.dataChanged), fiveSeconds);
    for (const QList<QVariant> &arguments : std::as_const(spies.dataChanged))
        QCOMPARE(arguments.at(2).value<QList<int>>(), QList<int>{Qt::DisplayRole});
    QCOMPARE(f.text(key({{"job", "d"}}), GroupTreeModel::LastPushColumn), u"5 s ago"_s);
    QCOMPARE(f.model.indexOfJob(u"b"_s, GroupTreeModel::LastPushColumn).data().toString(), u"5 s ago"_s);

    // Under a second later every text reads the same: nothing to announce.
    spies.dataChanged.clear();
    f.now = T0 + 5 * Second + 900'000'000;
    f.model.refreshAges();
    QCOMPARE(describeDataChanged(spies.dataChanged), QStringList());

    // Staleness changes the look of the whole row: c and e turn stale, the others stay fresh.
    f.model.setStaleAge(5min);
    const QStringList turnedStale{
        u"jobs: rows 2-2, columns 0-4"_s,
        u"jobs: rows 4-4, columns 0-4"_s,
        u"c: rows 0-0, columns 0-4"_s,
        u"e: rows 0-0, columns 0-4"_s,
    };
    QCOMPARE(describeDataChanged(spies.dataChanged), turnedStale);
    QVERIFY(spies.dataChanged.constLast().at(2).value<QList<int>>().contains(GroupTreeModel::StaleRole));
    QVERIFY(f.model.indexOfJob(u"e"_s).data(GroupTreeModel::StaleRole).toBool());

    // A push announces its rows as they are now: the next refresh does not announce them again.
    f.now = T0 + 6 * Second;
    QVERIFY(f.push(key({{"job", "c"}}), {counter("c")}));
    f.model.applyPendingChanges(); // c: "0 s ago" (the model's now is still T0 + 5.9 s), fresh
    QCOMPARE(f.text(key({{"job", "c"}}), GroupTreeModel::LastPushColumn), u"0 s ago"_s);
    spies.dataChanged.clear();
    f.model.refreshAges(); // now T0 + 6 s: a, b, d read "6 s ago"; c still "0 s ago"
    const QStringList sixSeconds{
        u"jobs: rows 0-1, columns 3-3"_s,
        u"jobs: rows 3-3, columns 3-3"_s,
        u"a: rows 0-0, columns 3-3"_s,
        u"b: rows 0-0, columns 3-3"_s,
        u"d: rows 0-0, columns 3-3"_s,
    };
    QCOMPARE(describeDataChanged(spies.dataChanged), sixSeconds);
    QCOMPARE(spies.structural(), 0);
}

void tst_GroupTreeModel::shouldUpdateOnlyTheChangedRow()
{
    Fixture f;
    for (const char *instance : {"1", "2", "3"})
        QVERIFY(f.push(key({{"job", "a"}, {"instance", instance}}), {counter("c")}));
    QVERIFY(f.push(key({{"job", "b"}, {"instance", "1"}}), {counter("c")}));
    f.model.applyPendingChanges();

    const GroupingKey changed = key({{"job", "a"}, {"instance", "2"}});
    const QModelIndex jobA = f.model.indexOfJob(u"a"_s);
    const int changedRow = f.model.indexOf(changed).row();
    ModelSpies spies(&f.model);
    QSignalSpy applied(&f.model, &GroupTreeModel::changesApplied);
    f.now += Second;
    QVERIFY(f.push(changed, {counter("c"), gaugePair("g")}));
    QVERIFY(applied.wait(2000));

    QCOMPARE(spies.structural(), 0);
    int groupSignals = 0;
    int jobSignals = 0;
    for (const QList<QVariant> &arguments : std::as_const(spies.dataChanged)) {
        const auto topLeft = arguments.at(0).value<QModelIndex>();
        const auto bottomRight = arguments.at(1).value<QModelIndex>();
        QCOMPARE(topLeft.parent(), bottomRight.parent());
        QCOMPARE(topLeft.row(), bottomRight.row());
        QCOMPARE(topLeft.column(), 0);
        QCOMPARE(bottomRight.column(), GroupTreeModel::ColumnCount - 1);
        if (topLeft.parent().isValid()) {
            QCOMPARE(topLeft.parent(), jobA);
            QCOMPARE(topLeft.row(), changedRow);
            ++groupSignals;
        } else {
            QCOMPARE(topLeft, jobA); // its job's totals
            ++jobSignals;
        }
    }
    QCOMPARE(groupSignals, 1);
    QCOMPARE(jobSignals, 1);
    QCOMPARE(f.text(changed, GroupTreeModel::SeriesColumn), u"3"_s);
}

void tst_GroupTreeModel::shouldInsertAndRemoveRunsOfRows()
{
    Fixture f;
    const auto groupKey = [](const char *job, const char *instance) { return key({{"job", job}, {"instance", instance}}); };
    for (const char *instance : {"2", "4", "6"})
        QVERIFY(f.push(groupKey("m", instance), {counter("c")}));
    QVERIFY(f.push(groupKey("d", "1"), {counter("c")}));
    QVERIFY(f.push(groupKey("t", "1"), {counter("c")}));
    f.model.applyPendingChanges();

    // New groups between, before and after existing ones; new jobs likewise.
    ModelSpies spies(&f.model);
    for (const char *instance : {"1", "3", "5", "7", "8"})
        QVERIFY(f.push(groupKey("m", instance), {counter("c")}));
    for (const char *job : {"a", "b", "e", "z"})
        QVERIFY(f.push(groupKey(job, "1"), {counter("c")}));
    f.model.applyPendingChanges();
    QCOMPARE(spies.rowsInserted.count(), 4 + 3); // m: [1] [3] [5] [7 8]; jobs: [a b] [e] [z]
    QStringList jobs;
    for (int row = 0; row < f.model.rowCount(); ++row)
        jobs.append(f.model.index(row, 0).data().toString());
    QCOMPARE(jobs, (QStringList{u"a"_s, u"b"_s, u"d"_s, u"e"_s, u"m"_s, u"t"_s, u"z"_s}));
    const QModelIndex m = f.model.indexOfJob(u"m"_s);
    QCOMPARE(f.model.rowCount(m), 8);
    for (int row = 0; row < 8; ++row)
        QCOMPARE(f.model.index(row, 0, m).data().toString(), uR"(instance="%1")"_s.arg(row + 1));

    // Removed in runs, the last run first.
    QSignalSpy aboutToBeRemoved(&f.model, &QAbstractItemModel::rowsAboutToBeRemoved);
    for (const char *instance : {"2", "3", "6"})
        f.store.remove(groupKey("m", instance));
    f.store.remove(groupKey("a", "1"));
    f.store.remove(groupKey("b", "1"));
    f.model.applyPendingChanges();
    QCOMPARE(aboutToBeRemoved.count(), 3);
    QCOMPARE(aboutToBeRemoved.at(0).at(1).toInt(), 5); // m, instance 6
    QCOMPARE(aboutToBeRemoved.at(1).at(1).toInt(), 1); // m, instances 2 and 3
    QCOMPARE(aboutToBeRemoved.at(1).at(2).toInt(), 2);
    QCOMPARE(aboutToBeRemoved.at(2).at(0).value<QModelIndex>(), QModelIndex()); // jobs a and b
    QCOMPARE(aboutToBeRemoved.at(2).at(2).toInt(), 1);
    QCOMPARE(f.model.rowCount(), 5);
    QCOMPARE(f.model.rowCount(f.model.indexOfJob(u"m"_s)), 5);
}

void tst_GroupTreeModel::shouldRemoveExactlyTheRemovedGroup()
{
    Fixture f;
    for (const char *instance : {"1", "2", "3"})
        QVERIFY(f.push(key({{"job", "a"}, {"instance", instance}}), {counter("c")}));
    QVERIFY(f.push(key({{"job", "b"}}), {counter("c")}));
    f.model.applyPendingChanges();

    ModelSpies spies(&f.model);
    QSignalSpy aboutToBeRemoved(&f.model, &QAbstractItemModel::rowsAboutToBeRemoved);
    const QModelIndex jobA = f.model.indexOfJob(u"a"_s);
    f.store.remove(key({{"job", "a"}, {"instance", "2"}}));
    f.model.applyPendingChanges();

    QCOMPARE(aboutToBeRemoved.count(), 1);
    QCOMPARE(aboutToBeRemoved.at(0).at(0).value<QModelIndex>(), jobA);
    QCOMPARE(aboutToBeRemoved.at(0).at(1).toInt(), 1);
    QCOMPARE(aboutToBeRemoved.at(0).at(2).toInt(), 1);
    QCOMPARE(spies.rowsInserted.count() + spies.modelReset.count() + spies.layoutChanged.count(), 0);
    QCOMPARE(f.model.rowCount(), 2);
    QCOMPARE(f.model.rowCount(jobA), 2);
    QVERIFY(!f.model.indexOf(key({{"job", "a"}, {"instance", "2"}})).isValid());
    QCOMPARE(f.model.indexOf(key({{"job", "a"}, {"instance", "3"}})).row(), 1);
}

void tst_GroupTreeModel::shouldRemoveTheJobWithItsLastGroup()
{
    Fixture f;
    QVERIFY(f.push(key({{"job", "a"}}), {counter("c")}));
    QVERIFY(f.push(key({{"job", "b"}, {"instance", "1"}}), {counter("c")}));
    QVERIFY(f.push(key({{"job", "b"}, {"instance", "2"}}), {counter("c")}));
    QVERIFY(f.push(key({{"job", "c"}}), {counter("c")}));
    f.model.applyPendingChanges();

    QSignalSpy aboutToBeRemoved(&f.model, &QAbstractItemModel::rowsAboutToBeRemoved);
    f.store.remove(key({{"job", "b"}, {"instance", "1"}}));
    f.store.remove(key({{"job", "b"}, {"instance", "2"}}));
    f.store.remove(key({{"job", "nonexistent"}}));
    f.model.applyPendingChanges();

    // One removal: the job row, its groups with it.
    QCOMPARE(aboutToBeRemoved.count(), 1);
    QCOMPARE(aboutToBeRemoved.at(0).at(0).value<QModelIndex>(), QModelIndex());
    QCOMPARE(aboutToBeRemoved.at(0).at(1).toInt(), 1);
    QCOMPARE(aboutToBeRemoved.at(0).at(2).toInt(), 1);
    QCOMPARE(f.model.rowCount(), 2);
    QVERIFY(!f.model.indexOfJob(u"b"_s).isValid());
    QCOMPARE(f.model.indexOfJob(u"c"_s).row(), 1);
}

void tst_GroupTreeModel::shouldApplyARemoveAndRepushAsOneChange()
{
    Fixture f;
    const GroupingKey groupKey = key({{"job", "a"}, {"instance", "1"}});
    QVERIFY(f.push(groupKey, {counter("c")}));
    f.model.applyPendingChanges();

    ModelSpies spies(&f.model);
    f.store.remove(groupKey);
    QVERIFY(f.push(groupKey, {counter("c"), counter("d")}));
    f.model.applyPendingChanges();
    QCOMPARE(spies.structural(), 0);
    QCOMPARE(f.text(groupKey, GroupTreeModel::FamiliesColumn), u"2"_s);
}

void tst_GroupTreeModel::shouldResetOnWipe()
{
    Fixture f;
    QVERIFY(f.push(key({{"job", "a"}}), {counter("c")}));
    QVERIFY(f.push(key({{"job", "b"}}), {counter("c")}));
    f.model.applyPendingChanges();

    ModelSpies spies(&f.model);
    QSignalSpy applied(&f.model, &GroupTreeModel::changesApplied);
    f.store.wipe();
    QVERIFY(f.push(key({{"job", "after"}}), {counter("c")})); // lands after the wipe, same batch
    QVERIFY(applied.wait(2000));
    QCOMPARE(spies.modelReset.count(), 1);
    QCOMPARE(spies.rowsRemoved.count() + spies.rowsInserted.count(), 0);
    QCOMPARE(f.model.rowCount(), 1);
    QCOMPARE(f.model.index(0, 0).data().toString(), u"after"_s);

    f.store.wipe();
    f.model.applyPendingChanges();
    QCOMPARE(spies.modelReset.count(), 2);
    QCOMPARE(f.model.rowCount(), 0);

    QVERIFY(f.push(key({{"job", "again"}}), {counter("c")}));
    f.model.applyPendingChanges();
    QCOMPARE(spies.rowsInserted.count(), 1);
    QCOMPARE(spies.modelReset.count(), 2);
}

void tst_GroupTreeModel::shouldCoalesceRepeatedPushesToOneGroup()
{
    Fixture f;
    const GroupingKey groupKey = key({{"job", "hot"}, {"instance", "1"}});
    QVERIFY(f.push(groupKey, {counter("c")}));
    QVERIFY(f.push(key({{"job", "hot"}, {"instance", "2"}}), {counter("c")}));
    f.model.applyPendingChanges();

    ModelSpies spies(&f.model);
    QSignalSpy applied(&f.model, &GroupTreeModel::changesApplied);
    for (int i = 0; i < 1000; ++i) {
        f.now += Second / 1000;
        QVERIFY(f.push(groupKey, {counter("c", i)}));
    }
    QVERIFY(applied.wait(2000));
    QCOMPARE(applied.count(), 1);
    QCOMPARE(spies.structural(), 0);
    QCOMPARE(spies.dataChanged.count(), 2); // the group's row and its job's
}

void tst_GroupTreeModel::shouldBoundSignalsForABurstIntoManyGroups()
{
    // 10 jobs of 1,000 groups; 1,000 pushes spread over them, then 1,000 more in ten bursts
    // with the event loop running in between, as a busy gateway delivers them.
    constexpr int Jobs = 10;
    constexpr int GroupsPerJob = 1000;
    constexpr int Groups = Jobs * GroupsPerJob;
    // No QAbstractItemModelTester here: it walks the whole tree on every signal, which with
    // 10,000 rows would measure the tester. The other tests run the same code under it.
    Fixture f(false);
    const auto groupKey = [](int n) {
        return GroupingKey(Labels{{"instance", "host" + QByteArray::number(n % GroupsPerJob)},
                                  {"job", "job" + QByteArray::number(n / GroupsPerJob)}});
    };
    for (int n = 0; n < Groups; ++n)
        QVERIFY(f.push(groupKey(n), {counter("c")}));
    ModelSpies spies(&f.model);
    f.model.applyPendingChanges();
    QCOMPARE(f.model.rowCount(), Jobs);
    QCOMPARE(f.model.rowCount(f.model.index(Jobs - 1, 0)), GroupsPerJob);
    QCOMPARE(spies.rowsInserted.count(), 1); // the ten new jobs are neighbours
    spies.rowsInserted.clear();

    // One burst: every job gets about a hundred scattered rows changed, far more runs than
    // worth a signal each: one range per job, one for the job rows.
    f.now += Second;
    for (int i = 0; i < 1000; ++i)
        QVERIFY(f.push(groupKey((i * 7919) % Groups), {counter("c", i)}));
    f.model.applyPendingChanges();
    QCOMPARE(spies.structural(), 0);
    QVERIFY2(spies.dataChanged.count() <= Jobs + 1, qPrintable(QString::number(spies.dataChanged.count())));

    // Ten bursts of a hundred, applied as the timer fires.
    spies.dataChanged.clear();
    QSignalSpy applied(&f.model, &GroupTreeModel::changesApplied);
    for (int burst = 0; burst < 10; ++burst) {
        f.now += Second / 10;
        for (int i = 0; i < 100; ++i)
            QVERIFY(f.push(groupKey((burst * 100 + i) * 7919 % Groups), {counter("c", i)}));
        QVERIFY(applied.wait(2000));
    }
    QCOMPARE(applied.count(), 10);
    QCOMPARE(spies.structural(), 0);
    // However the changes spread: per batch at most a few ranges per job and one for the jobs.
    const int bound = static_cast<int>(applied.count()) * (Jobs * GroupTreeModel::MaxRangesPerParent + 1);
    QVERIFY2(spies.dataChanged.count() <= bound, qPrintable(QString::number(spies.dataChanged.count())));
    QCOMPARE(f.model.rowCount(), Jobs);
}

void tst_GroupTreeModel::shouldShowTheReasonOfAFailedPush()
{
    Fixture f;
    const GroupingKey groupKey = key({{"job", "batch"}, {"instance", "host1"}});
    QVERIFY(f.push(groupKey, {counter("c")}));
    f.now += Second;
    const std::optional<Error> rejection = f.store.push(
        groupKey, {family("c", MetricType::Counter, {scalarWithTimestamp({}, 1, 1000)})}, PushMode::ReplaceAll);
    QVERIFY(rejection);
    f.model.applyPendingChanges();

    const QModelIndex status = f.model.indexOf(groupKey, GroupTreeModel::StatusColumn);
    QCOMPARE(status.data().toString(), u"Failed"_s);
    QCOMPARE(status.data(Qt::ToolTipRole).toString(), rejection->message);
    QCOMPARE(status.data(GroupTreeModel::FailureReasonRole).toString(), rejection->message);
    QCOMPARE(status.data(GroupTreeModel::FailedRole).toBool(), true);
    QVERIFY(status.data(Qt::ForegroundRole).value<QBrush>().style() != Qt::NoBrush);
    QCOMPARE(f.model.indexOfJob(u"batch"_s, GroupTreeModel::StatusColumn).data().toString(), u"1 failing"_s);
    QCOMPARE(f.model.indexOfJob(u"batch"_s).data(GroupTreeModel::FailedRole).toBool(), true);

    f.now += Second;
    QVERIFY(f.push(groupKey, {counter("c")}));
    f.model.applyPendingChanges();
    QCOMPARE(status.data().toString(), u"OK"_s);
    QVERIFY(!status.data(Qt::ToolTipRole).isValid());
    QCOMPARE(f.model.indexOfJob(u"batch"_s, GroupTreeModel::StatusColumn).data().toString(), u"OK"_s);

    // A rejected first push creates the group with nothing in it but its failure.
    const GroupingKey newcomer = key({{"job", "newcomer"}});
    QVERIFY(f.store.push(newcomer, {family("c", MetricType::Counter, {scalarWithTimestamp({}, 1, 1000)})}, PushMode::ReplaceAll));
    f.model.applyPendingChanges();
    QCOMPARE(f.text(newcomer, GroupTreeModel::StatusColumn), u"Failed"_s);
    QCOMPARE(f.text(newcomer, GroupTreeModel::LastPushColumn), u"never"_s);
    QCOMPARE(f.text(newcomer, GroupTreeModel::FamiliesColumn), u"0"_s);
    QVERIFY(f.model.indexOf(newcomer, GroupTreeModel::StatusColumn).data(Qt::ToolTipRole).toString().contains(u"timestamps"_s));
}

void tst_GroupTreeModel::shouldMarkStaleGroups()
{
    Fixture f;
    const GroupingKey old = key({{"job", "nightly"}});
    const GroupingKey fresh = key({{"job", "frequent"}});
    QVERIFY(f.push(old, {counter("c")}));
    f.now = T0 + 100 * Second;
    QVERIFY(f.push(fresh, {counter("c")}));
    f.model.applyPendingChanges();

    const auto stale = [&f](const QModelIndex &index) { return index.data(GroupTreeModel::StaleRole).toBool(); };
    QVERIFY(!stale(f.model.indexOf(old))); // no stale age: marking off

    ModelSpies spies(&f.model);
    f.model.setStaleAge(60s);
    QVERIFY(spies.dataChanged.count() > 0); // announced without waiting for the age timer
    QVERIFY(stale(f.model.indexOf(old)));
    QVERIFY(stale(f.model.indexOfJob(u"nightly"_s)));
    QVERIFY(!stale(f.model.indexOf(fresh)));
    QVERIFY(!stale(f.model.indexOfJob(u"frequent"_s)));
    QVERIFY(f.model.indexOf(old).data(Qt::ForegroundRole).value<QBrush>().style() != Qt::NoBrush);
    QVERIFY(f.model.indexOf(old, GroupTreeModel::SeriesColumn).data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(!f.model.indexOf(fresh).data(Qt::ForegroundRole).isValid());
    // Spelled out in the status column, for the colour-blind and for screen readers.
    const auto status = [&f](const QModelIndex &index) {
        return index.siblingAtColumn(GroupTreeModel::StatusColumn).data().toString();
    };
    QCOMPARE(status(f.model.indexOf(old)), u"Stale"_s);
    QCOMPARE(status(f.model.indexOfJob(u"nightly"_s)), u"Stale"_s);
    QCOMPARE(status(f.model.indexOf(fresh)), u"OK"_s);

    // Time passes: the injected clock, read at the next age refresh.
    f.now = T0 + 170 * Second;
    f.model.refreshAges();
    QVERIFY(stale(f.model.indexOf(fresh)));
    f.now = T0 + 110 * Second;
    f.model.refreshAges();
    QVERIFY(!stale(f.model.indexOf(fresh)));

    // A push makes a stale group fresh again.
    QVERIFY(f.push(old, {counter("c")}));
    f.model.applyPendingChanges();
    QVERIFY(!stale(f.model.indexOf(old)));
    QCOMPARE(spies.structural(), 0);
}

void tst_GroupTreeModel::shouldFilter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("visible");

    const QString alpha1 = uR"(alpha: instance="host1")"_s;
    const QString alpha2 = uR"(alpha: instance="host2")"_s;
    const QString beta = uR"(beta: instance="host1", dc="Paris")"_s;
    const QString gamma = u"gamma: (job only)"_s;
    QTest::newRow("empty: everything") << QString() << QStringList{alpha1, alpha2, beta, gamma};
    QTest::newRow("job") << u"alpha"_s << QStringList{alpha1, alpha2};
    QTest::newRow("job, other case") << u"ALPHA"_s << QStringList{alpha1, alpha2};
    QTest::newRow("instance value") << u"host2"_s << QStringList{alpha2};
    QTest::newRow("value in two jobs") << u"host1"_s << QStringList{alpha1, beta};
    QTest::newRow("other label value") << u"paris"_s << QStringList{beta};
    QTest::newRow("metric name") << u"http_requests"_s << QStringList{alpha1, beta};
    QTest::newRow("metric name prefix") << u"backup_"_s << QStringList{beta, gamma};
    QTest::newRow("label name is not a value") << u"dc"_s << QStringList{};
    QTest::newRow("no match") << u"nothing-like-it"_s << QStringList{};
}

void tst_GroupTreeModel::shouldFilter()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, visible);

    Fixture f;
    QVERIFY(f.push(key({{"job", "alpha"}, {"instance", "host1"}}), {counter("http_requests_total")}));
    QVERIFY(f.push(key({{"job", "alpha"}, {"instance", "host2"}}), {counter("queue_depth")}));
    QVERIFY(f.push(key({{"job", "beta"}, {"instance", "host1"}, {"dc", "Paris"}}),
                   {counter("http_requests_total"), counter("backup_bytes")}));
    QVERIFY(f.push(key({{"job", "gamma"}}), {counter("backup_duration_seconds")}));
    f.model.applyPendingChanges();

    f.proxy.setFilterText(filter);
    QCOMPARE(f.visibleGroups(), visible);
}

void tst_GroupTreeModel::shouldRefilterWhenAGroupChanges()
{
    Fixture f;
    const GroupingKey groupKey = key({{"job", "a"}});
    QVERIFY(f.push(groupKey, {counter("first_total")}));
    QVERIFY(f.push(key({{"job", "b"}}), {counter("other_total")}));
    f.model.applyPendingChanges();
    f.proxy.setFilterText(u"second"_s);
    QCOMPARE(f.proxy.rowCount(), 0);

    QVERIFY(f.push(groupKey, {counter("second_total")}));
    f.model.applyPendingChanges();
    QCOMPARE(f.visibleGroups(), QStringList{u"a: (job only)"_s});

    QVERIFY(f.push(groupKey, {counter("first_total")}));
    f.model.applyPendingChanges();
    QCOMPARE(f.proxy.rowCount(), 0);
}

void tst_GroupTreeModel::shouldSortNumbersAsNumbers()
{
    Fixture f;
    QList<MetricFamily> many;
    for (int i = 0; i < 10; ++i)
        many.append(counter(qPrintable(u"m%1_total"_s.arg(i))));
    QVERIFY(f.push(key({{"job", "j"}, {"instance", "ten"}}), many));
    QVERIFY(f.push(key({{"job", "j"}, {"instance", "two"}}), {counter("a"), counter("b")}));
    f.model.applyPendingChanges();

    f.proxy.sort(GroupTreeModel::FamiliesColumn, Qt::AscendingOrder);
    const QModelIndex job = f.proxy.index(0, 0);
    QCOMPARE(f.proxy.index(0, GroupTreeModel::FamiliesColumn, job).data().toInt(), 2);
    QCOMPARE(f.proxy.index(1, GroupTreeModel::FamiliesColumn, job).data().toInt(), 10);
}

void tst_GroupTreeModel::shouldFollowAStoreOnAnotherThread()
{
    QThread thread;
    auto *store = new MetricStore;
    auto *observer = new StoreObserver(*store, store);
    store->moveToThread(&thread);
    thread.start();

    GroupTreeModel model;
    QAbstractItemModelTester tester(&model, Reporting);
    model.setCoalescingInterval(10ms);
    model.follow(observer);

    const auto onStoreThread = [store](auto function) {
        QMetaObject::invokeMethod(store, [store, function] { function(*store); }, Qt::BlockingQueuedConnection);
    };
    onStoreThread([](MetricStore &s) {
        for (int i = 0; i < 50; ++i)
            s.push(GroupingKey(Labels{{"instance", QByteArray::number(i)}, {"job", "remote"}}), {counter("c")}, PushMode::ReplaceAll);
    });
    QTRY_COMPARE(model.rowCount(), 1);
    QTRY_COMPARE(model.rowCount(model.index(0, 0)), 50);

    onStoreThread([](MetricStore &s) { s.remove(GroupingKey(Labels{{"instance", "7"}, {"job", "remote"}})); });
    QTRY_COMPARE(model.rowCount(model.index(0, 0)), 49);
    QVERIFY(!model.indexOf(GroupingKey(Labels{{"instance", "7"}, {"job", "remote"}})).isValid());

    onStoreThread([](MetricStore &s) {
        s.push(GroupingKey(Labels{{"instance", "0"}, {"job", "remote"}}),
               {family("c", MetricType::Counter, {scalarWithTimestamp({}, 1, 1)})}, PushMode::ReplaceAll);
    });
    const GroupingKey failing(Labels{{"instance", "0"}, {"job", "remote"}});
    QTRY_VERIFY(model.indexOf(failing, GroupTreeModel::StatusColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .endsWith(u"pushed metrics must not have timestamps"_s));

    onStoreThread([](MetricStore &s) { s.wipe(); });
    QTRY_COMPARE(model.rowCount(), 0);

    thread.quit();
    QVERIFY(thread.wait(5000));
    delete store;
}

void tst_GroupTreeModel::shouldReleaseReplacedSnapshotsOnTheStoresThread()
{
    // Snapshots that note where they are freed (declared first: the model frees the last one).
    QMutex mutex;
    QMap<int, QThread *> freedOn;
    // The store and its observer on a thread of their own, as in the console.
    QThread storeThread;
    MetricStore store;
    StoreObserver observer(store);
    store.moveToThread(&storeThread);
    observer.moveToThread(&storeThread);
    storeThread.start();
    // Also when a check fails: back to this thread (pushed from theirs) before their thread ends
    // and they are destroyed.
    const auto stopStoreThread = qScopeGuard([&] {
        QThread *here = QThread::currentThread();
        QMetaObject::invokeMethod(&observer, [&] {
            observer.moveToThread(here);
            store.moveToThread(here);
        }, Qt::BlockingQueuedConnection);
        storeThread.quit();
        storeThread.wait();
    });
    GroupTreeModel model;
    model.setAgeRefreshInterval(0ms);
    model.follow(&observer);

    // Made and announced on the store's thread; the model then holds the only reference (the
    // announcement's copy is gone once delivered).
    const GroupingKey groupKey = key({{"job", "j"}});
    const auto announce = [&](int generation) {
        QMetaObject::invokeMethod(&observer, [&, generation] {
            auto *group = new Group{groupKey, {}};
            const GroupSnapshot snapshot(group, [&mutex, &freedOn, generation](const Group *freed) {
                const QMutexLocker lock(&mutex);
                freedOn.insert(generation, QThread::currentThread());
                delete freed;
            });
            Q_EMIT observer.groupUpdated(snapshot);
        }, Qt::BlockingQueuedConnection);
    };
    const auto freed = [&](int generation) {
        const QMutexLocker lock(&mutex);
        return freedOn.value(generation);
    };

    announce(1);
    announce(2); // supersedes 1 before the batch
    QCoreApplication::processEvents(); // deliver both announcements
    model.applyPendingChanges();
    QCOMPARE(model.rowCount(), 1);
    announce(3); // replaces 2, which the tree row held
    QCoreApplication::processEvents();
    model.applyPendingChanges();

    QTRY_VERIFY(freed(1) && freed(2));
    QCOMPARE(freed(1), &storeThread);
    QCOMPARE(freed(2), &storeThread);
    QVERIFY(!freed(3)); // still shown

}

QTEST_MAIN(tst_GroupTreeModel)
#include "tst_grouptreemodel.moc"
