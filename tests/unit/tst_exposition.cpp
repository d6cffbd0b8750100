// The exposition the store serves: merged across groups, in the reference's order, rendered
// from cached text that must always equal a rendering from scratch.

#include "format/textwriter.h"
#include "store/metricstore.h"
#include "testbuilders.h"

#include <QRandomGenerator>
#include <QTest>

using namespace qpgw;
using namespace qpgw::test;
using namespace Qt::StringLiterals;

namespace {

constexpr UnixNanos T1 = 1583781848'025744841;

MetricStore::Options pinnedClock(bool consistencyCheck = true)
{
    MetricStore::Options options;
    options.consistencyCheck = consistencyCheck;
    options.clock = [] { return T1; };
    return options;
}

// What the exposition must be, computed the slow way from the snapshots: families of the same
// name merged (type of the lowest grouping key, HELP of the lowest one that has one; families
// without series count for nothing), then
// written by the plain writer, which sorts families by name and series by labels.
QByteArray renderFromScratch(const MetricStore &store)
{
    QMap<QByteArray, MetricFamily> merged;
    for (const GroupSnapshot &group : store.groups()) {
        for (const StoredFamily &stored : group->families) {
            const MetricFamily &family = *stored.family;
            if (family.metrics.isEmpty())
                continue; // invisible: no type, no HELP
            auto it = merged.find(family.name);
            if (it == merged.end()) {
                merged.insert(family.name, family);
                continue;
            }
            if (!it->help)
                it->help = family.help;
            it->metrics += family.metrics;
        }
    }
    return writeTextFormat(merged.values());
}

} // namespace

class TestExposition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldMergeFamiliesAcrossGroupsUnderOneHeader();
    void shouldOrderSeriesByLabelCountThenValues();
    void shouldWriteTheExactText();
    void cachedTextShouldAlwaysEqualFreshRendering();
    void shouldLeaveOutInconsistentDataWithoutConsistencyCheck();
    void shouldEscapeUtf8NamesByRequestedScheme();
    void shouldBeEmptyForEmptyStore();
    void shouldMergeOwnFamiliesByName();
};

void TestExposition::shouldMergeFamiliesAcrossGroupsUnderOneHeader()
{
    // Reference test D1: mf1 from three groups shows as one family with three series.
    MetricStore store(pinnedClock());
    QVERIFY(!store.push(key({{"job", "job1"}, {"instance", "instance2"}}), {family("mf1", MetricType::Untyped, {scalar({}, -3000)})}, PushMode::ReplaceAll));
    QVERIFY(!store.push(key({{"job", "job2"}, {"instance", "instance1"}}), {family("mf1", MetricType::Untyped, {scalar({}, 42)})}, PushMode::ReplaceAll));
    QVERIFY(!store.push(key({{"job", "job3"}, {"instance", "instance2"}}), {family("mf1", MetricType::Untyped, {scalar({}, 42)})}, PushMode::ReplaceAll));

    const QByteArray text = store.exposition();
    QCOMPARE(text.count("# TYPE mf1 untyped\n"), 1);
    QVERIFY(text.contains("# TYPE mf1 untyped\n"
                          "mf1{instance=\"instance1\",job=\"job2\"} 42\n"
                          "mf1{instance=\"instance2\",job=\"job1\"} -3000\n"
                          "mf1{instance=\"instance2\",job=\"job3\"} 42\n"));
    QCOMPARE(text.count("# TYPE push_time_seconds gauge\n"), 1);
    QCOMPARE(text.count("push_time_seconds{"), 3);
}

void TestExposition::shouldOrderSeriesByLabelCountThenValues()
{
    // Behaviour spec 3.2: {instance="",job="j1"} (2 labels) before {a="",instance="",job="j3"}.
    MetricStore store(pinnedClock());
    QVERIFY(!store.push(key({{"job", "j3"}, {"a", ""}}), {}, PushMode::ReplaceAll));
    QVERIFY(!store.push(key({{"job", "j1"}}), {}, PushMode::ReplaceAll));
    const QByteArray text = store.exposition();
    const qsizetype twoLabels = text.indexOf("push_failure_time_seconds{instance=\"\",job=\"j1\"} 0\n");
    const qsizetype threeLabels = text.indexOf("push_failure_time_seconds{a=\"\",instance=\"\",job=\"j3\"} 0\n");
    QVERIFY(twoLabels >= 0);
    QVERIFY(threeLabels > twoLabels);
}

void TestExposition::shouldWriteTheExactText()
{
    MetricStore store(pinnedClock());
    QVERIFY(!store.push(key({{"job", "testjob"}, {"instance", "testinstance"}}),
                        {family("some_metric", MetricType::Untyped, {scalar({}, 3.14)}),
                         family("another_metric", MetricType::Counter, {scalar(labels({{"instance", "x"}, {"job", "testjob"}}), 42)}, "A \\ help\nline"_ba)},
                        PushMode::ReplaceAll));
    QCOMPARE(store.exposition(),
             "# HELP another_metric A \\\\ help\\nline\n"
             "# TYPE another_metric counter\n"
             "another_metric{instance=\"testinstance\",job=\"testjob\"} 42\n"
             "# HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.\n"
             "# TYPE push_failure_time_seconds gauge\n"
             "push_failure_time_seconds{instance=\"testinstance\",job=\"testjob\"} 0\n"
             "# HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.\n"
             "# TYPE push_time_seconds gauge\n"
             "push_time_seconds{instance=\"testinstance\",job=\"testjob\"} 1.583781848025745e+09\n"
             "# TYPE some_metric untyped\n"
             "some_metric{instance=\"testinstance\",job=\"testjob\"} 3.14\n"_ba);
}

void TestExposition::cachedTextShouldAlwaysEqualFreshRendering()
{
    // A random walk of pushes (PUT and POST), failed pushes, removals and a wipe; after every
    // step the cached exposition must equal the one rendered from scratch.
    const QList<std::pair<const char *, MetricType>> names = {
        {"alpha", MetricType::Gauge}, {"beta", MetricType::Counter}, {"gamma", MetricType::Summary},
        {"delta", MetricType::Histogram}, {"epsilon", MetricType::Untyped},
    };
    QRandomGenerator random(20261122);
    MetricStore store(pinnedClock());

    auto randomFamily = [&](const char *job) {
        auto [name, type] = names[random.bounded(names.size())];
        // Now and then another type for the name: the store must reject it or, when the
        // group is the name's only holder, accept the change.
        if (random.bounded(6) == 0)
            type = names[random.bounded(names.size())].second;
        MetricFamily fam = family(name, type, {}, random.bounded(2) ? std::optional<QByteArray>(QByteArray("help of ") + job) : std::nullopt);
        const int series = random.bounded(4);
        for (int s = 0; s < series; ++s) {
            const Labels metricLabels = labels({{"s", QByteArray::number(s).constData()}});
            switch (type) {
            case MetricType::Summary:
                fam.metrics.append(summary(metricLabels, s, s * 1.5, {{0.5, 1.0 * s}, {0.9, 2.0 * s}}));
                break;
            case MetricType::Histogram:
                fam.metrics.append(histogram(metricLabels, s, s * 0.25, {Bucket{1, quint64(s), 0, {}}, Bucket{5, quint64(s), 0, {}}}));
                break;
            default:
                fam.metrics.append(scalar(metricLabels, random.generateDouble() * 1e7));
            }
        }
        return fam;
    };

    for (int step = 0; step < 600; ++step) {
        const QByteArray job = "job" + QByteArray::number(random.bounded(8));
        const QByteArray instance = QByteArray::number(random.bounded(3));
        const GroupingKey groupKey = random.bounded(4) ? key({{"job", job.constData()}, {"instance", instance.constData()}})
                                                       : key({{"job", job.constData()}});
        const int action = random.bounded(100);
        if (action < 70) {
            QList<MetricFamily> families;
            for (int i = random.bounded(3); i > 0; --i)
                families.append(randomFamily(job.constData()));
            if (random.bounded(10) == 0) // now and then a push the store must reject
                families.append(family("alpha", MetricType::Untyped, {scalarWithTimestamp({}, 1, 5)}));
            (void)store.push(groupKey, families, random.bounded(2) ? PushMode::ReplaceAll : PushMode::ReplaceSameNames);
        } else if (action < 98) {
            store.remove(groupKey);
        } else {
            store.wipe();
        }
        qsizetype series = 0;
        for (const GroupSnapshot &group : store.groups())
            series += group->seriesCount();
        QCOMPARE(store.seriesCount(), series);
        const QByteArray cached = store.exposition();
        const QByteArray fresh = renderFromScratch(store);
        if (cached != fresh)
            QFAIL(qPrintable(u"step %1 differs:\n--- cached\n%2\n--- fresh\n%3"_s.arg(step).arg(QString::fromUtf8(cached), QString::fromUtf8(fresh))));
        // The families the protobuf and OpenMetrics writers get hold exactly the same content.
        const QByteArray gathered = writeTextFormat(store.gatheredFamilies());
        if (gathered != cached)
            QFAIL(qPrintable(u"step %1: gathered families differ:\n--- cached\n%2\n--- gathered\n%3"_s.arg(step).arg(QString::fromUtf8(cached), QString::fromUtf8(gathered))));
    }
    QVERIFY(store.groupCount() > 0);
}

void TestExposition::shouldLeaveOutInconsistentDataWithoutConsistencyCheck()
{
    MetricStore store(pinnedClock(false));
    // Type conflict: the lowest grouping key's type wins, whatever the push order.
    QVERIFY(!store.push(key({{"job", "b"}}), {family("m", MetricType::Untyped, {scalar({}, 2)})}, PushMode::ReplaceAll));
    QVERIFY(!store.push(key({{"job", "a"}}), {family("m", MetricType::Gauge, {scalar({}, 1)})}, PushMode::ReplaceAll));
    // The same series from two groups: the lowest grouping key's is shown.
    QVERIFY(!store.push(key({{"job", "c"}}), {family("dup", MetricType::Gauge, {scalar(labels({{"instance", "x"}}), 4)})}, PushMode::ReplaceAll));
    QVERIFY(!store.push(key({{"job", "c"}, {"instance", "x"}}), {family("dup", MetricType::Gauge, {scalar({}, 3)})}, PushMode::ReplaceAll));
    // x_count next to a summary x: the summary stays, x_count goes.
    QVERIFY(!store.push(key({{"job", "d"}}), {family("x_count", MetricType::Untyped, {scalar({}, 7)})}, PushMode::ReplaceAll));
    QVERIFY(!store.push(key({{"job", "e"}}), {family("x", MetricType::Summary, {summary({}, 1, 2)})}, PushMode::ReplaceAll));

    const QByteArray text = store.exposition();
    QVERIFY(text.contains("# TYPE m gauge\nm{instance=\"\",job=\"a\"} 1\n# HELP"));
    QVERIFY(!text.contains("job=\"b\"} 2"));
    QCOMPARE(text.count("dup{instance=\"x\",job=\"c\"}"), 1);
    QVERIFY(text.contains("dup{instance=\"x\",job=\"c\"} 3\n")); // {instance=x,job=c} < {job=c}
    QVERIFY(!text.contains("# TYPE x_count"));
    QVERIFY(text.contains("x_count{instance=\"\",job=\"e\"} 1\n"));

    // Removing the winner brings the other group's data back.
    store.remove(key({{"job", "a"}}));
    store.remove(key({{"job", "e"}}));
    const QByteArray after = store.exposition();
    QVERIFY(after.contains("# TYPE m untyped\nm{instance=\"\",job=\"b\"} 2\n"));
    QVERIFY(after.contains("# TYPE x_count untyped\nx_count{instance=\"\",job=\"d\"} 7\n"));
}

void TestExposition::shouldEscapeUtf8NamesByRequestedScheme()
{
    // Behaviour spec H3.a: what a UTF-8 push looks like with and without escaping=allow-utf-8.
    MetricStore store(pinnedClock());
    QVERIFY(!store.push(key({{"job", "testjob"}, {"instance", "testinstance"}, {"dotted.label.name", "mylabelvalue"}}),
                        {family("another.metric", MetricType::Untyped, {scalar({}, 42)})}, PushMode::ReplaceAll));
    QVERIFY(store.exposition().contains(
        "another_metric{dotted_label_name=\"mylabelvalue\",instance=\"testinstance\",job=\"testjob\"} 42\n"));
    QVERIFY(store.exposition(NameEscaping::AllowUtf8).contains(
        "{\"another.metric\",\"dotted.label.name\"=\"mylabelvalue\",instance=\"testinstance\",job=\"testjob\"} 42\n"));
    // The default rendering is still served from the cache afterwards, unchanged.
    QVERIFY(store.exposition().contains("another_metric{dotted_label_name="));
}

void TestExposition::shouldBeEmptyForEmptyStore()
{
    MetricStore store(pinnedClock());
    QVERIFY(store.exposition().isEmpty());
}

void TestExposition::shouldMergeOwnFamiliesByName()
{
    MetricStore store(pinnedClock());
    QVERIFY(!store.push(key({{"job", "a"}}), {family("process_open_fds", MetricType::Gauge, {scalar({}, 5)}, "pushed help"_ba)},
                        PushMode::ReplaceAll));
    const QList<MetricFamily> own = {
        family("pushgateway_build_info", MetricType::Gauge, {scalar(labels({{"version", "1"}}), 1)}, "build"_ba),
        family("process_open_fds", MetricType::Gauge, {scalar({}, 7)}, "Number of open file descriptors."_ba),
        family("process_max_fds", MetricType::Gauge, {scalar({}, 1024)}, "Maximum number of open file descriptors."_ba),
    };
    const QByteArray expected =
        "# HELP process_max_fds Maximum number of open file descriptors.\n"
        "# TYPE process_max_fds gauge\n"
        "process_max_fds 1024\n"
        "# HELP process_open_fds Number of open file descriptors.\n"
        "# TYPE process_open_fds gauge\n"
        "process_open_fds 7\n"
        "process_open_fds{instance=\"\",job=\"a\"} 5\n"
        "# HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.\n"
        "# TYPE push_failure_time_seconds gauge\n"
        "push_failure_time_seconds{instance=\"\",job=\"a\"} 0\n"
        "# HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.\n"
        "# TYPE push_time_seconds gauge\n"
        "push_time_seconds{instance=\"\",job=\"a\"} 1.583781848025745e+09\n"
        "# HELP pushgateway_build_info build\n"
        "# TYPE pushgateway_build_info gauge\n"
        "pushgateway_build_info{version=\"1\"} 1\n"_ba;
    QCOMPARE(store.exposition(own), expected);
    // The stored part alone is unchanged, and asking twice gives the same text.
    QVERIFY(!store.exposition().contains("process_max_fds"));
    QCOMPARE(store.exposition(own), expected);
    // Gathered as families, the same merge.
    QCOMPARE(writeTextFormat(store.gatheredFamilies(own)), expected);
}

QTEST_GUILESS_MAIN(TestExposition)
#include "tst_exposition.moc"
