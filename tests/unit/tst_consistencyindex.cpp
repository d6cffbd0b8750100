// The consistency index on its own: the look-up-free path of a re-push (a group repeating the
// series it holds) must find the same duplicates as a full look-up, and stay right as groups
// change shape, leave and come back. The store never lets two groups hold one series while
// its check is on, so these states are built with update() directly, as a store without the
// check (or a restored file) would leave them.

#include "store/consistencyindex.h"

#include "testbuilders.h"

#include <QTest>

using namespace qpgw;
using namespace qpgw::test;

namespace {

using Families = QMap<QByteArray, StoredFamily>;

std::shared_ptr<const MetricFamily> gauge(std::initializer_list<Metric> metrics)
{
    return std::make_shared<const MetricFamily>(family("x", MetricType::Gauge, metrics));
}

Families familiesOf(const std::shared_ptr<const MetricFamily> &f)
{
    return Families{{f->name, StoredFamily{f, 0}}};
}

bool reportsDuplicate(const QStringList &errors)
{
    return errors.size() == 1 && errors.constFirst().contains(QLatin1String("was collected before with the same name and label values"));
}

} // namespace

class TestConsistencyIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldFindAnotherOwnerOfARepushedSeries();
    void shouldFindNoOwnerOnceTheOtherGroupLeft();
    void shouldFollowAGroupThatChangedItsSeries();
    void shouldDoTheSameWorkForARepushWhateverTheStoreHolds();
};

void TestConsistencyIndex::shouldFindAnotherOwnerOfARepushedSeries()
{
    ConsistencyIndex index({});
    const auto a = gauge({scalar(labels({{"job", "a"}}), 1)});
    const auto b = gauge({scalar(labels({{"job", "a"}}), 2), scalar(labels({{"job", "b"}}), 3)});
    index.update("A", "x", nullptr, a);
    index.update("B", "x", nullptr, b);

    // B repeats its own series: the shared one is found as a neighbour of B's entry.
    const auto again = gauge({scalar(labels({{"job", "a"}}), 5), scalar(labels({{"job", "b"}}), 6)});
    QVERIFY(reportsDuplicate(index.check("B", familiesOf(b), familiesOf(again), {"x"})));
    // A repeats its own: B's entry is the neighbour on the other side.
    QVERIFY(reportsDuplicate(index.check("A", familiesOf(a), familiesOf(gauge({scalar(labels({{"job", "a"}}), 9)})), {"x"})));
}

void TestConsistencyIndex::shouldFindNoOwnerOnceTheOtherGroupLeft()
{
    ConsistencyIndex index({});
    const auto a = gauge({scalar(labels({{"job", "a"}}), 1)});
    const auto b = gauge({scalar(labels({{"job", "a"}}), 2)});
    index.update("A", "x", nullptr, a);
    index.update("B", "x", nullptr, b);
    index.update("A", "x", a.get(), nullptr);

    QVERIFY(index.check("B", familiesOf(b), familiesOf(gauge({scalar(labels({{"job", "a"}}), 3)})), {"x"}).isEmpty());
    // A comes back with the same series: now it collides again.
    index.update("A", "x", nullptr, a);
    QVERIFY(reportsDuplicate(index.check("B", familiesOf(b), familiesOf(gauge({scalar(labels({{"job", "a"}}), 4)})), {"x"})));
}

void TestConsistencyIndex::shouldFollowAGroupThatChangedItsSeries()
{
    ConsistencyIndex index({});
    const auto one = gauge({scalar(labels({{"job", "b"}}), 1)});
    const auto two = gauge({scalar(labels({{"job", "a"}}), 1), scalar(labels({{"job", "b"}}), 2)});
    index.update("B", "x", nullptr, one);
    index.update("B", "x", one.get(), two); // a new shape: entries added and removed
    const auto same = gauge({scalar(labels({{"job", "a"}}), 7), scalar(labels({{"job", "b"}}), 8)});
    index.update("B", "x", two.get(), same); // in place, through the group's entries

    QCOMPARE(index.render(NameEscaping::Underscores),
             QByteArray("# TYPE x gauge\nx{job=\"a\"} 7\nx{job=\"b\"} 8\n"));
    QVERIFY(index.check("B", familiesOf(same), familiesOf(two), {"x"}).isEmpty());

    index.update("A", "x", nullptr, gauge({scalar(labels({{"job", "b"}}), 0)}));
    QVERIFY(reportsDuplicate(index.check("B", familiesOf(same), familiesOf(two), {"x"})));
}

void TestConsistencyIndex::shouldDoTheSameWorkForARepushWhateverTheStoreHolds()
{
    auto workOfRepush = [](int otherGroups) {
        ConsistencyIndex index({});
        for (int i = 0; i < otherGroups; ++i) {
            const QByteArray id = QByteArray::number(i);
            index.update(id, "x", nullptr, gauge({scalar(labels({{"job", id.constData()}}), i)}));
        }
        const auto mine = gauge({scalar(labels({{"job", "mine"}}), 1), scalar(labels({{"job", "mine2"}}), 2)});
        index.update("M", "x", nullptr, mine);
        const auto next = gauge({scalar(labels({{"job", "mine"}}), 3), scalar(labels({{"job", "mine2"}}), 4)});
        const quint64 start = index.workDone();
        if (!index.check("M", familiesOf(mine), familiesOf(next), {"x"}).isEmpty())
            return quint64(0);
        index.update("M", "x", mine.get(), next);
        return index.workDone() - start;
    };
    const quint64 small = workOfRepush(1);
    QVERIFY(small > 0);
    QCOMPARE(workOfRepush(10000), small);
}

QTEST_GUILESS_MAIN(TestConsistencyIndex)
#include "tst_consistencyindex.moc"
