// PushLogModel, PushLogFilterProxyModel and PushLogView: the push log is bounded, coalesces
// bursts into one insertion, filters failures, shows a rejected push's exact reason as the
// client got it over real HTTP, and the table follows the newest row unless scrolled away.

#include "../http/testserver.h"
#include "pushlogmodel.h"
#include "pushlogview.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace qpgw;
using namespace qpgw::gui;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr auto Reporting = QAbstractItemModelTester::FailureReportingMode::QtTest;
const QDateTime T0 = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);

// Record number `n`: its grouping key and time say which it is; every `failEvery`-th is
// rejected (0: none).
http::ChangeRecord change(int n, int failEvery = 0)
{
    http::ChangeRecord record;
    record.time = T0.addMSecs(n);
    record.method = "PUT";
    record.groupingKey = u"{job=\"j%1\"}"_s.arg(n);
    record.bodyBytes = 14;
    record.status = 200;
    if (failEvery > 0 && n % failEvery == 0) {
        record.status = 400;
        record.reason = u"text format parsing error in line 1: record %1"_s.arg(n);
    }
    return record;
}

// The model and the filter over it, both checked by QAbstractItemModelTester throughout.
struct Fixture
{
    PushLogModel model;
    PushLogFilterProxyModel filter;
    QAbstractItemModelTester modelTester{&model, Reporting};
    QAbstractItemModelTester filterTester{&filter, Reporting};

    Fixture()
    {
        model.setCoalescingInterval(10ms);
        filter.setSourceModel(&model);
    }

    void appendRange(int first, int count, int failEvery = 0)
    {
        for (int n = first; n < first + count; ++n)
            model.append(change(n, failEvery));
    }

    QString keyAt(const QAbstractItemModel &m, int row) const
    {
        return m.index(row, PushLogModel::GroupingKeyColumn).data().toString();
    }
};

} // namespace

class TestPushLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldShowARecordInEveryColumn();
    void shouldAppendAtTheBottomAfterTheCoalescingInterval();
    void shouldCoalesceABurstIntoOneInsertion();
    void shouldKeepTheNewestWithinCapacity();
    void shouldTrimOldestRowsAcrossBatches();
    void shouldTrimAtOnceWhenCapacityShrinks();
    void shouldShowFailuresOnly();
    void shouldClear();
    void shouldShowTheExactReasonOfARejectedPushOverHttp();
    void viewShouldFollowTheNewestRowUnlessScrolledAway();
    void viewShouldFilterAndClearFromItsControls();
};

void TestPushLog::shouldShowARecordInEveryColumn()
{
    Fixture f;
    http::ChangeRecord rejected = change(1);
    rejected.status = 400;
    rejected.reason = u"pushed metrics are invalid or inconsistent with existing metrics: collected metric \"x\"\nwith two lines"_s;
    http::ChangeRecord deleted = change(2);
    deleted.method = "DELETE";
    deleted.bodyBytes = 0;
    deleted.status = 202;
    f.model.append(change(0));
    f.model.append(rejected);
    f.model.append(deleted);
    f.model.applyPendingChanges();
    QCOMPARE(f.model.rowCount(), 3);
    QCOMPARE(f.model.columnCount(), int(PushLogModel::ColumnCount));

    auto text = [&](int row, int column) { return f.model.index(row, column).data().toString(); };
    QCOMPARE(text(0, PushLogModel::TimeColumn), QLocale::c().toString(T0.toLocalTime(), u"HH:mm:ss.zzz"_s));
    QCOMPARE(text(0, PushLogModel::MethodColumn), u"PUT"_s);
    QCOMPARE(text(0, PushLogModel::GroupingKeyColumn), u"{job=\"j0\"}"_s);
    QCOMPARE(text(0, PushLogModel::SizeColumn), QLocale().formattedDataSize(14));
    QCOMPARE(text(0, PushLogModel::ResultColumn), u"200"_s);
    QVERIFY(!f.model.index(0, 0).data(PushLogModel::FailedRole).toBool());
    QVERIFY(!f.model.index(0, PushLogModel::ResultColumn).data(Qt::ForegroundRole).isValid());

    // Rejected: marked, the reason whole in the tooltip and ReasonRole, on one line in the cell.
    for (int column = 0; column < PushLogModel::ColumnCount; ++column) {
        const QModelIndex index = f.model.index(1, column);
        QCOMPARE(index.data(Qt::ToolTipRole).toString(), rejected.reason);
        QVERIFY(index.data(Qt::ForegroundRole).isValid());
        QVERIFY(index.data(PushLogModel::FailedRole).toBool());
        QCOMPARE(index.data(PushLogModel::ReasonRole).toString(), rejected.reason);
    }
    QCOMPARE(text(1, PushLogModel::ResultColumn), u"400: "_s + QString(rejected.reason).replace(u'\n', u' '));
    QCOMPARE(f.model.index(1, 0).data(PushLogModel::RecordRole).value<http::ChangeRecord>(), rejected);

    QCOMPARE(text(2, PushLogModel::MethodColumn), u"DELETE"_s);
    QCOMPARE(text(2, PushLogModel::SizeColumn), QString());
    QCOMPARE(text(2, PushLogModel::ResultColumn), u"202"_s);

    QCOMPARE(f.model.headerData(PushLogModel::GroupingKeyColumn, Qt::Horizontal).toString(), u"Grouping key"_s);
    QCOMPARE(f.model.headerData(PushLogModel::ResultColumn, Qt::Horizontal).toString(), u"Result"_s);
}

void TestPushLog::shouldAppendAtTheBottomAfterTheCoalescingInterval()
{
    Fixture f;
    f.model.setCoalescingInterval(50ms);
    f.appendRange(0, 3);
    QCOMPARE(f.model.rowCount(), 0); // not before the interval
    QTRY_COMPARE(f.model.rowCount(), 3);
    f.appendRange(3, 2);
    QTRY_COMPARE(f.model.rowCount(), 5);
    for (int row = 0; row < 5; ++row)
        QCOMPARE(f.keyAt(f.model, row), change(row).groupingKey); // oldest first, newest last
}

void TestPushLog::shouldCoalesceABurstIntoOneInsertion()
{
    Fixture f;
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    f.appendRange(0, 1000); // one event-loop pass
    QTRY_COMPARE(f.model.rowCount(), 1000);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 999);
    QCOMPARE(removed.count(), 0);

    // A full log and another burst: one removal from the top, one insertion at the bottom.
    inserted.clear();
    f.appendRange(1000, 1000);
    QTRY_COMPARE(inserted.count(), 1);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(removed.at(0).at(2).toInt(), 999);
    QCOMPARE(f.model.rowCount(), 1000);
    QCOMPARE(f.keyAt(f.model, 0), change(1000).groupingKey);
}

void TestPushLog::shouldKeepTheNewestWithinCapacity()
{
    Fixture f;
    QCOMPARE(f.model.capacity(), PushLogModel::DefaultCapacity);
    QCOMPARE(PushLogModel::DefaultCapacity, 1000);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    f.appendRange(0, 5000);
    f.model.applyPendingChanges();
    QCOMPARE(f.model.rowCount(), 1000);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(f.keyAt(f.model, 0), change(4000).groupingKey);
    QCOMPARE(f.keyAt(f.model, 999), change(4999).groupingKey);

    // In many passes as well.
    for (int batch = 0; batch < 50; ++batch) {
        f.appendRange(5000 + batch * 100, 100);
        f.model.applyPendingChanges();
        QCOMPARE(f.model.rowCount(), 1000);
    }
    QCOMPARE(f.keyAt(f.model, 0), change(9000).groupingKey);
    QCOMPARE(f.keyAt(f.model, 999), change(9999).groupingKey);
}

void TestPushLog::shouldTrimOldestRowsAcrossBatches()
{
    Fixture f;
    f.model.setCapacity(10);
    f.appendRange(0, 6);
    f.model.applyPendingChanges();
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    f.appendRange(6, 7);
    f.model.applyPendingChanges();
    QCOMPARE(f.model.rowCount(), 10);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(2).toInt(), 2); // rows 0..2: the three oldest
    QCOMPARE(f.keyAt(f.model, 0), change(3).groupingKey);
    QCOMPARE(f.keyAt(f.model, 9), change(12).groupingKey);
}

void TestPushLog::shouldTrimAtOnceWhenCapacityShrinks()
{
    Fixture f;
    f.appendRange(0, 100);
    f.model.applyPendingChanges();
    f.model.setCapacity(10);
    QCOMPARE(f.model.rowCount(), 10);
    QCOMPARE(f.keyAt(f.model, 0), change(90).groupingKey);
    f.model.setCapacity(0); // at least one row
    QCOMPARE(f.model.capacity(), 1);
    QCOMPARE(f.model.rowCount(), 1);
    QCOMPARE(f.keyAt(f.model, 0), change(99).groupingKey);
}

void TestPushLog::shouldShowFailuresOnly()
{
    Fixture f;
    f.appendRange(0, 30, 3); // 0, 3, ..., 27 rejected
    f.model.applyPendingChanges();
    QCOMPARE(f.filter.rowCount(), 30);

    f.filter.setFailuresOnly(true);
    QVERIFY(f.filter.failuresOnly());
    QCOMPARE(f.filter.rowCount(), 10);
    for (int row = 0; row < f.filter.rowCount(); ++row) {
        QCOMPARE(f.keyAt(f.filter, row), change(row * 3).groupingKey);
        QVERIFY(f.filter.index(row, 0).data(PushLogModel::FailedRole).toBool());
    }

    // New rows are filtered as they come; trimmed ones leave the filter too.
    f.model.setCapacity(30);
    f.appendRange(30, 6, 3); // 30, 33 rejected; 0 and 3 trimmed
    f.model.applyPendingChanges();
    QCOMPARE(f.filter.rowCount(), 10);
    QCOMPARE(f.keyAt(f.filter, 0), change(6).groupingKey);
    QCOMPARE(f.keyAt(f.filter, 9), change(33).groupingKey);

    f.filter.setFailuresOnly(false);
    QCOMPARE(f.filter.rowCount(), 30);
}

void TestPushLog::shouldClear()
{
    Fixture f;
    f.appendRange(0, 10);
    f.model.applyPendingChanges();
    f.appendRange(10, 5); // pending, dropped as well
    f.model.clear();
    QCOMPARE(f.model.rowCount(), 0);
    QTest::qWait(30);
    QCOMPARE(f.model.rowCount(), 0);
    f.model.clear(); // empty: nothing to do
    QCOMPARE(f.model.rowCount(), 0);
}

void TestPushLog::shouldShowTheExactReasonOfARejectedPushOverHttp()
{
    Fixture f;
    test::Server server;
    f.model.follow(server.gateway.get());

    QCOMPARE(server.send("PUT", "/metrics/job/a", "# TYPE shared counter\nshared 1\n").status, 200);
    const test::Reply rejected = server.send("POST", "/metrics/job/b/instance/x", "# TYPE shared gauge\nshared 2\n");
    QCOMPARE(rejected.status, 400);
    QCOMPARE(server.send("DELETE", "/metrics/job/a").status, 202);
    const QString reason = QString::fromUtf8(rejected.body).trimmed();
    QVERIFY2(reason.startsWith(u"pushed metrics are invalid or inconsistent with existing metrics"_s), qPrintable(reason));

    QTRY_COMPARE(f.model.rowCount(), 3);
    const QModelIndex row = f.model.index(1, PushLogModel::ResultColumn);
    QCOMPARE(row.data(PushLogModel::ReasonRole).toString(), reason);
    QCOMPARE(row.data(Qt::ToolTipRole).toString(), reason);
    QCOMPARE(row.data().toString(), u"400: "_s + reason);
    QVERIFY(row.data(PushLogModel::FailedRole).toBool());
    QCOMPARE(f.model.index(1, PushLogModel::MethodColumn).data().toString(), u"POST"_s);
    QCOMPARE(f.model.index(1, PushLogModel::GroupingKeyColumn).data().toString(), uR"({job="b", instance="x"})"_s);
    QCOMPARE(f.model.record(0).status, 200);
    QCOMPARE(f.model.record(2).method, "DELETE"_ba);

    f.filter.setFailuresOnly(true);
    QCOMPARE(f.filter.rowCount(), 1);
    QCOMPARE(f.filter.index(0, 0).data(PushLogModel::ReasonRole).toString(), reason);
}

void TestPushLog::viewShouldFollowTheNewestRowUnlessScrolledAway()
{
    PushLogModel model;
    model.setCoalescingInterval(0ms);
    model.setCapacity(200);
    PushLogView view(&model);
    QAbstractItemModelTester filterTester(view.filterModel(), Reporting);
    view.resize(600, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollBar *scrollBar = view.table()->verticalScrollBar();

    for (int n = 0; n < 100; ++n)
        model.append(change(n));
    QTRY_VERIFY(scrollBar->maximum() > 0);
    QTRY_COMPARE(scrollBar->value(), scrollBar->maximum());
    QVERIFY(view.followsNewest());

    // Scrolled up: new rows do not move the table.
    scrollBar->setValue(50);
    QVERIFY(!view.followsNewest());
    const int maximum = scrollBar->maximum();
    for (int n = 100; n < 150; ++n)
        model.append(change(n));
    QTRY_VERIFY(scrollBar->maximum() > maximum);
    QCOMPARE(scrollBar->value(), 50);
    QVERIFY(!view.followsNewest());

    // The log is full: the rows being read stay in place while the oldest go.
    const int top = view.table()->rowAt(0);
    const QString read = view.table()->model()->index(top, PushLogModel::GroupingKeyColumn).data().toString();
    for (int n = 150; n < 230; ++n) // 30 trimmed
        model.append(change(n));
    QTRY_COMPARE(model.rowCount(), 200);
    QTRY_COMPARE(view.table()->model()->index(view.table()->rowAt(0), PushLogModel::GroupingKeyColumn).data().toString(), read);

    // Back at the bottom: following again.
    scrollBar->setValue(scrollBar->maximum());
    QVERIFY(view.followsNewest());
    for (int n = 230; n < 260; ++n)
        model.append(change(n));
    QTRY_COMPARE(model.record(model.rowCount() - 1).groupingKey, change(259).groupingKey);
    QTRY_COMPARE(scrollBar->value(), scrollBar->maximum());
    const int last = view.table()->rowAt(view.table()->viewport()->height() - 1);
    QCOMPARE(last < 0 ? model.rowCount() - 1 : last, model.rowCount() - 1);
}

void TestPushLog::viewShouldFilterAndClearFromItsControls()
{
    PushLogModel model;
    PushLogView view(&model);
    for (int n = 0; n < 20; ++n)
        model.append(change(n, 4));
    model.applyPendingChanges();
    QCOMPARE(view.table()->model()->rowCount(), 20);

    view.failuresOnlyBox()->setChecked(true);
    QCOMPARE(view.table()->model()->rowCount(), 5);
    view.failuresOnlyBox()->setChecked(false);
    QCOMPARE(view.table()->model()->rowCount(), 20);

    QVERIFY(!view.failuresOnlyBox()->text().isEmpty());
    view.clearButton()->click();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(view.table()->model()->rowCount(), 0);
}

QTEST_MAIN(TestPushLog)
#include "tst_pushlog.moc"
