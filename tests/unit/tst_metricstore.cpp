// MetricStore: the push, delete and wipe semantics of the reference's storage tests
// (behaviour spec sections 2.6-2.9, 2.12, 9.4 and 9.6), in this project's words.

#include "store/metricstore.h"
#include "testbuilders.h"

#include <QSignalSpy>
#include <QTest>

using namespace qpgw;
using namespace qpgw::test;
using namespace Qt::StringLiterals;

namespace {

constexpr UnixNanos Second = 1'000'000'000;
constexpr UnixNanos T1 = 1583781848'025744841;
constexpr UnixNanos T2 = T1 + 1 * Second;
constexpr UnixNanos T3 = T1 + 2 * Second;
constexpr UnixNanos T4 = T1 + 3 * Second;
constexpr UnixNanos T5 = T1 + 4 * Second;

const QString Prefix = u"pushed metrics are invalid or inconsistent with existing metrics: "_s;

// The fixtures of the reference's storage test, by the same names.
MetricFamily mf1a() { return family("mf1", MetricType::Untyped, {scalar(labels({{"instance", "instance2"}, {"job", "job1"}}), -3000)}); }
MetricFamily mf1b() { return family("mf1", MetricType::Untyped, {scalar(labels({{"instance", "instance2"}, {"job", "job1"}}), 42)}); }
MetricFamily mf1e() { return family("mf1", MetricType::Untyped, {scalar(labels({{"job", "job1"}}), 42)}); }
MetricFamily mf1ts() { return family("mf1", MetricType::Untyped, {scalarWithTimestamp(labels({{"instance", "instance2"}, {"job", "job1"}}), -3000, 103948)}); }
MetricFamily mf2()
{
    return family("mf2", MetricType::Gauge,
                  {scalar(labels({{"basename", "basevalue2"}, {"instance", "instance2"}, {"job", "job1"}, {"labelname", "val2"}}), qInf()),
                   scalar(labels({{"instance", "instance2"}, {"job", "job1"}, {"labelname", "val1"}}), -qInf())},
                  "doc string 2"_ba);
}
MetricFamily mf3() { return family("mf3", MetricType::Untyped, {scalar(labels({{"instance", "instance1"}, {"job", "job1"}}), 42)}); }
MetricFamily mf5() { return family("mf5", MetricType::Summary, {summary(labels({{"instance", "instance5"}, {"job", "job5"}}), 0, 0)}); }
MetricFamily mfh(const char *job, double value, const char *help)
{
    return family("mf_help", MetricType::Gauge, {scalar(labels({{"instance", ""}, {"job", job}}), value)}, QByteArray(help));
}

// A store whose clock the test sets.
struct Fixture
{
    UnixNanos now = T1;
    MetricStore store;

    explicit Fixture(bool consistencyCheck = true)
        : store(options(consistencyCheck))
    {
    }

    MetricStore::Options options(bool consistencyCheck)
    {
        MetricStore::Options result;
        result.consistencyCheck = consistencyCheck;
        result.clock = [this] { return now; };
        return result;
    }

    std::optional<Error> push(UnixNanos at, const GroupingKey &groupKey, QList<MetricFamily> families,
                              PushMode mode = PushMode::ReplaceSameNames)
    {
        now = at;
        return store.push(groupKey, std::move(families), mode);
    }

    const MetricFamily *familyOf(const GroupingKey &groupKey, const char *name) const
    {
        const GroupSnapshot group = store.group(groupKey);
        if (!group)
            return nullptr;
        const auto it = group->families.constFind(QByteArray(name));
        return it != group->families.cend() ? it->family.get() : nullptr;
    }

    QList<QByteArray> familyNames(const GroupingKey &groupKey) const
    {
        const GroupSnapshot group = store.group(groupKey);
        return group ? group->families.keys() : QList<QByteArray>();
    }
};

double seconds(UnixNanos nanos) { return double(nanos) / 1e9; }

QList<QByteArray> names(std::initializer_list<const char *> list)
{
    QList<QByteArray> result;
    for (const char *name : list)
        result.append(QByteArray(name));
    std::sort(result.begin(), result.end());
    return result;
}

} // namespace

class TestMetricStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldCreateGroupWithPushTimeGauges();
    void shouldRejectTimestampsAndOnlyRecordTheFailure();
    void shouldRejectTypeConflictWithOwnMetrics();
    void shouldKeepFailureTimeAfterLaterSuccess();
    void shouldRejectSeriesStoredByAnotherGroup();
    void shouldLetGroupingLabelsWinOverBodyLabels();
    void shouldAddEmptyInstanceOnlyWhenMissing();
    void putShouldReplaceWholeGroup();
    void postShouldReplaceOnlyFamiliesOfTheSameName();
    void failedPutShouldNotDeleteAnything();
    void shouldKeepFamilyWriteTimesOfUntouchedFamilies();
    void shouldListGroupsWithTheirFamilies();
    void shouldTolerateHelpConflictsBetweenGroups();
    void shouldRejectDuplicateSeriesWithinOnePush();
    void shouldRejectTypeConflictBetweenGroups();
    void shouldAllowGroupToChangeItsOwnType();
    void shouldRejectSuffixCollisions_data();
    void shouldRejectSuffixCollisions();
    void shouldRejectInvalidSeriesEvenWithoutConsistencyCheck_data();
    void shouldRejectInvalidSeriesEvenWithoutConsistencyCheck();
    void shouldReportSeveralErrorsAtOnce();
    void pushedFailureGaugeReplacesGatewaysOnlyInExistingGroup();
    void shouldRejectKeyWhoseGaugesCollideWithAnotherGroup();
    void laterFamilyOfSameNameInOnePushWins();
    void shouldAcceptInconsistentPushWithoutConsistencyCheck();
    void removeShouldDeleteExactlyThatGroup();
    void wipeShouldDeleteEverything();
    void signalsShouldFollowTheContract_data();
    void signalsShouldFollowTheContract();
    void snapshotsShouldNotChangeAfterwards();
    void pushCostShouldNotGrowWithStoreSize();
    void replacingAFamilyOfTheSameNameShouldKeepTheIndexRight();
    void shouldNotCreateAGroupWhoseGaugesWouldBeInvalid();
    void familiesWithoutSeriesShouldBeInvisible();
};

void TestMetricStore::shouldCreateGroupWithPushTimeGauges()
{
    Fixture f;
    const GroupingKey g = key({{"job", "testjob"}});
    QVERIFY(!f.push(T1, g, {}));

    const GroupSnapshot group = f.store.group(g);
    QVERIFY(group);
    QCOMPARE(group->families.keys(), names({"push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(group->pushTimeSeconds(), seconds(T1));
    QCOMPARE(group->pushFailureTimeSeconds(), 0.0);
    QVERIFY(group->lastPushSucceeded());

    const MetricFamily *pushTime = f.familyOf(g, "push_time_seconds");
    QCOMPARE(pushTime->type, MetricType::Gauge);
    QCOMPARE(pushTime->help, std::optional<QByteArray>("Last Unix time when changing this group in the Pushgateway succeeded."_ba));
    QCOMPARE(pushTime->metrics.constFirst().labels, labels({{"instance", ""}, {"job", "testjob"}}));
    QCOMPARE(f.familyOf(g, "push_failure_time_seconds")->help,
             std::optional<QByteArray>("Last Unix time when changing this group in the Pushgateway failed."_ba));
    QCOMPARE(group->families.value("push_time_seconds"_ba).lastWrite, T1);
}

void TestMetricStore::shouldRejectTimestampsAndOnlyRecordTheFailure()
{
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}, {"instance", "instance2"}});
    const std::optional<Error> error = f.push(T1, g, {mf1ts()});
    QVERIFY(error);
    QCOMPARE(error->kind, Error::Kind::Rejected);
    QCOMPARE(error->message, Prefix + u"pushed metrics must not have timestamps"_s);

    QCOMPARE(f.familyNames(g), names({"push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(f.store.group(g)->pushTimeSeconds(), 0.0);
    QCOMPARE(f.store.group(g)->pushFailureTimeSeconds(), seconds(T1));
    QVERIFY(!f.store.group(g)->lastPushSucceeded());
}

void TestMetricStore::shouldRejectTypeConflictWithOwnMetrics()
{
    // The reference's test uses go_goroutines; QPushgateway has no go_* metrics, so a process_*
    // gauge of its own plays that part.
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}});
    const std::optional<Error> error =
        f.push(T1, g, {family("process_open_fds", MetricType::Counter, {scalar({}, 5)})});
    QVERIFY(error);
    QCOMPARE(error->message, Prefix + u"gathered metric family process_open_fds has type COUNTER but should have GAUGE"_s);
    QCOMPARE(f.familyNames(g), names({"push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(f.store.group(g)->pushFailureTimeSeconds(), seconds(T1));
}

void TestMetricStore::shouldKeepFailureTimeAfterLaterSuccess()
{
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}});
    QVERIFY(f.push(T1, g, {mf1ts()}));
    QVERIFY(!f.push(T2, g, {mf1a()}));

    const GroupSnapshot group = f.store.group(g);
    QCOMPARE(group->pushTimeSeconds(), seconds(T2));
    QCOMPARE(group->pushFailureTimeSeconds(), seconds(T1));
    QVERIFY(group->lastPushSucceeded());
    // The body's instance survives: the key has none to override it.
    QCOMPARE(f.familyOf(g, "mf1")->metrics.constFirst().labels, labels({{"instance", "instance2"}, {"job", "job1"}}));
}

void TestMetricStore::shouldRejectSeriesStoredByAnotherGroup()
{
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}});
    const GroupingKey g3 = key({{"job", "job1"}, {"instance", "instance2"}});
    QVERIFY(!f.push(T2, g, {mf1a()}));

    const std::optional<Error> error = f.push(T3, g3, {mf1b()});
    QVERIFY(error);
    QVERIFY2(error->message.startsWith(Prefix + u"collected metric \"mf1\" {"_s), qPrintable(error->message));
    QVERIFY(error->message.endsWith(u"was collected before with the same name and label values"_s));

    QCOMPARE(f.familyOf(g, "mf1")->metrics.constFirst().value, MetricValue(ScalarValue{-3000, {}, {}}));
    QCOMPARE(f.familyNames(g3), names({"push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(f.store.group(g3)->pushFailureTimeSeconds(), seconds(T3));
    QCOMPARE(f.store.group(g3)->pushTimeSeconds(), 0.0);
}

void TestMetricStore::shouldLetGroupingLabelsWinOverBodyLabels()
{
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}, {"instance", "instance2"}});
    QVERIFY(!f.push(T1, g, {family("mf1", MetricType::Untyped, {scalar(labels({{"job", "job2"}, {"instance", "instance1"}, {"extra", "e"}}), 42)})}));
    QCOMPARE(f.familyOf(g, "mf1")->metrics.constFirst().labels,
             labels({{"extra", "e"}, {"instance", "instance2"}, {"job", "job1"}}));
}

void TestMetricStore::shouldAddEmptyInstanceOnlyWhenMissing()
{
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}, {"instance", "instance2"}});
    const GroupingKey g3 = key({{"job", "job1"}});
    QVERIFY(!f.push(T1, g, {mf1e()}));
    QVERIFY(!f.push(T2, g3, {mf1e()}));
    QCOMPARE(f.familyOf(g, "mf1")->metrics.constFirst().labels, labels({{"instance", "instance2"}, {"job", "job1"}}));
    QCOMPARE(f.familyOf(g3, "mf1")->metrics.constFirst().labels, labels({{"instance", ""}, {"job", "job1"}}));
}

void TestMetricStore::putShouldReplaceWholeGroup()
{
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}});
    QVERIFY(!f.push(T1, g, {mf1a()}, PushMode::ReplaceAll));
    QVERIFY(!f.push(T2, g, {mf2()}, PushMode::ReplaceAll));
    QCOMPARE(f.familyNames(g), names({"mf2", "push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(f.store.group(g)->pushTimeSeconds(), seconds(T2));

    // An empty PUT empties the group but keeps it.
    QVERIFY(!f.push(T3, g, {}, PushMode::ReplaceAll));
    QCOMPARE(f.familyNames(g), names({"push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(f.store.group(g)->pushTimeSeconds(), seconds(T3));
}

void TestMetricStore::postShouldReplaceOnlyFamiliesOfTheSameName()
{
    // Behaviour spec X9: PUT a,b; POST a; PUT a; POST nothing; PUT nothing.
    Fixture f;
    const GroupingKey g = key({{"job", "j"}});
    auto a = [](double v) { return family("a", MetricType::Untyped, {scalar({}, v)}); };
    auto valueOf = [&](const char *name) { return f.familyOf(g, name)->metrics.constFirst().scalar()->value; };

    QVERIFY(!f.push(T1, g, {a(1), family("b", MetricType::Untyped, {scalar({}, 2)})}, PushMode::ReplaceAll));
    QVERIFY(!f.push(T2, g, {a(3)}, PushMode::ReplaceSameNames));
    QCOMPARE(valueOf("a"), 3.0);
    QCOMPARE(valueOf("b"), 2.0);
    QVERIFY(!f.push(T3, g, {a(4)}, PushMode::ReplaceAll));
    QCOMPARE(f.familyNames(g), names({"a", "push_failure_time_seconds", "push_time_seconds"}));
    QVERIFY(!f.push(T4, g, {}, PushMode::ReplaceSameNames));
    QCOMPARE(valueOf("a"), 4.0);
    QCOMPARE(f.store.group(g)->pushTimeSeconds(), seconds(T4));
    QVERIFY(!f.push(T5, g, {}, PushMode::ReplaceAll));
    QCOMPARE(f.familyNames(g), names({"push_failure_time_seconds", "push_time_seconds"}));
}

void TestMetricStore::failedPutShouldNotDeleteAnything()
{
    // Reference test D7: POST with timestamp fails, PUT mf1a, PUT mf2, PUT with timestamp fails.
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}});
    QVERIFY(f.push(T1, g, {mf1ts()}, PushMode::ReplaceSameNames));
    QVERIFY(!f.push(T2, g, {mf1a()}, PushMode::ReplaceAll));
    QVERIFY(!f.push(T3, g, {mf2()}, PushMode::ReplaceAll));
    QVERIFY(f.push(T4, g, {mf1ts()}, PushMode::ReplaceAll));

    QCOMPARE(f.familyNames(g), names({"mf2", "push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(f.store.group(g)->pushTimeSeconds(), seconds(T3));
    QCOMPARE(f.store.group(g)->pushFailureTimeSeconds(), seconds(T4));
}

void TestMetricStore::shouldKeepFamilyWriteTimesOfUntouchedFamilies()
{
    Fixture f;
    const GroupingKey g1 = key({{"job", "job1"}, {"instance", "instance1"}});
    QVERIFY(!f.push(T1, g1, {mf3()}));
    QVERIFY(!f.push(T3, g1, {family("mf_hist", MetricType::Histogram, {histogram({}, 20, 99.23)})}));
    const GroupSnapshot group = f.store.group(g1);
    QCOMPARE(group->families.value("mf3"_ba).lastWrite, T1);
    QCOMPARE(group->families.value("mf_hist"_ba).lastWrite, T3);
    QCOMPARE(group->families.value("push_time_seconds"_ba).lastWrite, T3);
    // The failure gauge was created by the first push and not written since.
    QCOMPARE(group->families.value("push_failure_time_seconds"_ba).lastWrite, T1);
}

void TestMetricStore::shouldListGroupsWithTheirFamilies()
{
    Fixture f;
    const GroupingKey g1 = key({{"job", "job1"}, {"instance", "instance1"}});
    const GroupingKey g2 = key({{"job", "job1"}, {"instance", "instance2"}});
    QVERIFY(!f.push(T1, g2, {mf1b(), mf2()}));
    QVERIFY(!f.push(T2, g1, {mf3()}));

    const QList<GroupSnapshot> groups = f.store.groups();
    QCOMPARE(groups.size(), 2);
    QCOMPARE(groups[0]->key, g1); // ordered by grouping key
    QCOMPARE(groups[1]->key, g2);
    QCOMPARE(groups[0]->families.keys(), names({"mf3", "push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(groups[1]->families.keys(), names({"mf1", "mf2", "push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(*groups[1]->families.value("mf2"_ba).family, mf2());
    QCOMPARE(f.store.groupCount(), 2);
    QCOMPARE(f.store.seriesCount(), 1 + 2 + 2 + 1 + 2);
}

void TestMetricStore::shouldTolerateHelpConflictsBetweenGroups()
{
    Fixture f;
    QVERIFY(!f.push(T1, key({{"job", "job2"}}), {mfh("job2", 83, "Help string for mfh2.")}));
    QVERIFY(!f.push(T2, key({{"job", "job1"}}), {mfh("job1", 3948.838, "Help string for mfh1."),
                                                 family("process_open_fds", MetricType::Gauge, {scalar({}, 5)}, "Inconsistent doc string"_ba)}));
    const QByteArray text = f.store.exposition();
    // The lowest grouping key's HELP wins, whatever the push order; the gateway's own HELP wins
    // over a pushed one.
    QVERIFY2(text.contains("# HELP mf_help Help string for mfh1.\n"), text.constData());
    QVERIFY(!text.contains("Help string for mfh2."));
    QVERIFY(text.contains("# HELP process_open_fds Number of open file descriptors.\n"));
    QVERIFY(text.contains("process_open_fds{instance=\"\",job=\"job1\"} 5\n"));
}

void TestMetricStore::shouldRejectDuplicateSeriesWithinOnePush()
{
    Fixture f;
    const std::optional<Error> error = f.push(T1, key({{"job", "j"}}),
                                              {family("a", MetricType::Untyped, {scalar({}, 1), scalar({}, 2)})});
    QVERIFY(error);
    QVERIFY2(error->message.startsWith(Prefix + u"collected metric \"a\" { label:{name:\"instance\" value:\"\"} label:{name:\"job\" value:\"j\"} untyped:{value:2} }"_s),
             qPrintable(error->message));
    QVERIFY(error->message.endsWith(u"was collected before with the same name and label values"_s));
}

void TestMetricStore::shouldRejectTypeConflictBetweenGroups()
{
    Fixture f;
    QVERIFY(!f.push(T1, key({{"job", "a"}}), {family("m", MetricType::Gauge, {scalar({}, 1)})}));
    const std::optional<Error> error = f.push(T2, key({{"job", "b"}}), {family("m", MetricType::Untyped, {scalar({}, 1)})});
    QVERIFY(error);
    QVERIFY2(error->message.startsWith(Prefix + u"collected metric \"m\" {"_s), qPrintable(error->message));
    QVERIFY(error->message.endsWith(u"is not a GAUGE"_s));
    QVERIFY(!f.familyOf(key({{"job", "b"}}), "m"));
}

void TestMetricStore::shouldAllowGroupToChangeItsOwnType()
{
    Fixture f;
    const GroupingKey g = key({{"job", "a"}});
    QVERIFY(!f.push(T1, g, {family("m", MetricType::Gauge, {scalar({}, 1)})}));
    QVERIFY(!f.push(T2, g, {family("m", MetricType::Counter, {scalar({}, 1)})}, PushMode::ReplaceAll));
    QCOMPARE(f.familyOf(g, "m")->type, MetricType::Counter);
    // ... and then another group follows the new type.
    QVERIFY(!f.push(T3, key({{"job", "b"}}), {family("m", MetricType::Counter, {scalar({}, 2)})}));
    QVERIFY(f.push(T4, key({{"job", "c"}}), {family("m", MetricType::Gauge, {scalar({}, 2)})}));
}

void TestMetricStore::shouldRejectSuffixCollisions_data()
{
    QTest::addColumn<QList<MetricFamily>>("stored");
    QTest::addColumn<QList<MetricFamily>>("pushed");
    QTest::addColumn<QString>("expectedError"); // empty: accepted

    const MetricFamily summaryX = family("x", MetricType::Summary, {summary({}, 1, 1)});
    const MetricFamily histogramX = family("x", MetricType::Histogram, {histogram({}, 1, 1)});
    auto plain = [](const char *name) { return family(name, MetricType::Untyped, {scalar({}, 1)}); };

    QTest::newRow("count after summary") << QList{summaryX} << QList{plain("x_count")}
                                         << u"collected metric named \"x_count\" collides with previously collected summary named \"x\""_s;
    QTest::newRow("sum after summary") << QList{summaryX} << QList{plain("x_sum")}
                                       << u"collected metric named \"x_sum\" collides with previously collected summary named \"x\""_s;
    QTest::newRow("bucket after summary is fine") << QList{summaryX} << QList{plain("x_bucket")} << QString();
    QTest::newRow("bucket after histogram") << QList{histogramX} << QList{plain("x_bucket")}
                                            << u"collected metric named \"x_bucket\" collides with previously collected histogram named \"x\""_s;
    QTest::newRow("summary after sum") << QList{plain("x_sum")} << QList{summaryX}
                                       << u"collected histogram or summary named \"x\" collides with previously collected metric named \"x_sum\""_s;
    QTest::newRow("histogram after bucket") << QList{plain("x_bucket")} << QList{histogramX}
                                            << u"collected histogram named \"x\" collides with previously collected metric named \"x_bucket\""_s;
    QTest::newRow("summary after bucket is fine") << QList{plain("x_bucket")} << QList{summaryX} << QString();
    QTest::newRow("both in one push") << QList<MetricFamily>{} << QList{summaryX, plain("x_count")}
                                      << u"collected metric named \"x_count\" collides with previously collected summary named \"x\""_s;
    QTest::newRow("own summary") << QList<MetricFamily>{} << QList{plain("pushgateway_http_push_size_bytes_count")}
                                 << u"collected metric named \"pushgateway_http_push_size_bytes_count\" collides with previously collected summary named \"pushgateway_http_push_size_bytes\""_s;
    QTest::newRow("unrelated name") << QList{summaryX} << QList{plain("x_total")} << QString();
}

void TestMetricStore::shouldRejectSuffixCollisions()
{
    QFETCH(QList<MetricFamily>, stored);
    QFETCH(QList<MetricFamily>, pushed);
    QFETCH(QString, expectedError);

    Fixture f;
    QVERIFY(!f.push(T1, key({{"job", "first"}}), stored));
    const std::optional<Error> error = f.push(T2, key({{"job", "second"}}), pushed);
    if (expectedError.isEmpty()) {
        QVERIFY2(!error, error ? qPrintable(error->message) : "");
    } else {
        QVERIFY(error);
        QVERIFY2(error->message.contains(expectedError), qPrintable(error->message));
    }
}

void TestMetricStore::shouldRejectInvalidSeriesEvenWithoutConsistencyCheck_data()
{
    QTest::addColumn<MetricFamily>("pushed");
    QTest::addColumn<QString>("expectedEnd");

    QTest::newRow("quantile label on a summary")
        << family("s", MetricType::Summary, {summary(labels({{"quantile", "0.5"}}), 1, 1)})
        << u"must not have an explicit \"quantile\" label"_s;
    QTest::newRow("reserved label name")
        << family("g", MetricType::Gauge, {scalar(labels({{"__x", "v"}}), 1)})
        << u"has a label with an invalid name: __x"_s;
    QTest::newRow("empty label name")
        << family("g", MetricType::Gauge, {scalar(labels({{"", "v"}}), 1)})
        << u"has a label with an invalid name: "_s;
    QTest::newRow("label value not UTF-8")
        << family("g", MetricType::Gauge, {scalar(labels({{"l", "\xff"}}), 1)})
        << u"has a label named \"l\" whose value is not utf8: \"\\xff\""_s;
    QTest::newRow("label name twice")
        << family("g", MetricType::Gauge, {scalar(labels({{"l", "1"}, {"l", "2"}}), 1)})
        << u"has two or more labels with the same name: l"_s;
    QTest::newRow("value does not match type")
        << family("g", MetricType::Gauge, {summary({}, 1, 1)})
        << u"is not a GAUGE"_s;
}

void TestMetricStore::shouldRejectInvalidSeriesEvenWithoutConsistencyCheck()
{
    QFETCH(MetricFamily, pushed);
    QFETCH(QString, expectedEnd);

    for (const bool consistencyCheck : {true, false}) {
        Fixture f(consistencyCheck);
        const GroupingKey g = key({{"job", "j"}});
        const std::optional<Error> error = f.push(T1, g, {pushed});
        QVERIFY(error);
        QVERIFY2(error->message.startsWith(Prefix + u"collected metric \""_s), qPrintable(error->message));
        QVERIFY2(error->message.endsWith(expectedEnd), qPrintable(error->message));
        QCOMPARE(f.familyNames(g), names({"push_failure_time_seconds", "push_time_seconds"}));
    }
}

void TestMetricStore::shouldReportSeveralErrorsAtOnce()
{
    Fixture f;
    const std::optional<Error> error = f.push(T1, key({{"job", "j"}}),
                                              {family("a", MetricType::Untyped, {scalar({}, 1), scalar({}, 2)}),
                                               family("process_open_fds", MetricType::Counter, {scalar({}, 1)})});
    QVERIFY(error);
    QVERIFY2(error->message.startsWith(Prefix + u"2 error(s) occurred:\n* "_s), qPrintable(error->message));
    QCOMPARE(error->message.count(u"\n* "_s), 2);
}

void TestMetricStore::pushedFailureGaugeReplacesGatewaysOnlyInExistingGroup()
{
    // Behaviour spec X11.
    Fixture f;
    const GroupingKey g = key({{"job", "override"}});
    const MetricFamily pushedGauge = family("push_failure_time_seconds", MetricType::Gauge, {scalar({}, 5)});
    QVERIFY(!f.push(T1, key({{"job", "other"}}), {}));

    QVERIFY(!f.push(T2, g, {pushedGauge}, PushMode::ReplaceAll));
    QCOMPARE(f.store.group(g)->pushFailureTimeSeconds(), 0.0);
    QVERIFY(!f.push(T3, g, {pushedGauge}, PushMode::ReplaceAll));
    QCOMPARE(f.store.group(g)->pushFailureTimeSeconds(), 5.0);
    QCOMPARE(f.familyOf(g, "push_failure_time_seconds")->help, std::nullopt);

    const std::optional<Error> error =
        f.push(T4, g, {family("push_failure_time_seconds", MetricType::Untyped, {scalar({}, 5)})}, PushMode::ReplaceAll);
    QVERIFY(error);
    QVERIFY2(error->message.endsWith(u"is not a GAUGE"_s), qPrintable(error->message));
    QCOMPARE(f.store.group(g)->pushFailureTimeSeconds(), seconds(T4));
    QVERIFY(f.familyOf(g, "push_failure_time_seconds")->help);
}

void TestMetricStore::shouldRejectKeyWhoseGaugesCollideWithAnotherGroup()
{
    // Behaviour spec X23: {job=j} and {job=j, instance=""} are different groups with the same
    // series labels. The reference then stores the failed group anyway and fails every scrape;
    // QPushgateway does not create a group whose own gauges would collide.
    Fixture f;
    const GroupingKey first = key({{"job", "j"}});
    const GroupingKey second = key({{"job", "j"}, {"instance", ""}});
    QVERIFY(!f.push(T1, first, {}, PushMode::ReplaceAll));
    const std::optional<Error> error = f.push(T2, second, {}, PushMode::ReplaceAll);
    QVERIFY(error);
    QVERIFY2(error->message.startsWith(Prefix + u"2 error(s) occurred:\n* collected metric \"push_failure_time_seconds\""_s),
             qPrintable(error->message));
    QVERIFY(error->message.contains(u"* collected metric \"push_time_seconds\""_s));
    QVERIFY(!f.store.group(second));
    QCOMPARE(f.store.group(first)->pushTimeSeconds(), seconds(T1));
}

void TestMetricStore::laterFamilyOfSameNameInOnePushWins()
{
    Fixture f;
    const GroupingKey g = key({{"job", "j"}});
    QVERIFY(!f.push(T1, g, {family("a", MetricType::Gauge, {scalar({}, 1)}), family("a", MetricType::Counter, {scalar({}, 2)})}));
    QCOMPARE(f.familyOf(g, "a")->type, MetricType::Counter);
    QCOMPARE(f.familyOf(g, "a")->metrics.constFirst().scalar()->value, 2.0);
}

void TestMetricStore::shouldAcceptInconsistentPushWithoutConsistencyCheck()
{
    Fixture f(false);
    QVERIFY(!f.store.consistencyCheck());
    QVERIFY(!f.push(T1, key({{"job", "b"}}), {family("m", MetricType::Untyped, {scalar(labels({{"instance", "x"}}), 2)})}));
    QVERIFY(!f.push(T2, key({{"job", "a"}}), {family("m", MetricType::Gauge, {scalar(labels({{"instance", "x"}}), 1)})}));
    QVERIFY(!f.push(T3, key({{"job", "c"}, {"instance", "x"}}), {family("dup", MetricType::Gauge, {scalar({}, 3)})}));
    QVERIFY(!f.push(T3, key({{"job", "c"}}), {family("dup", MetricType::Gauge, {scalar(labels({{"instance", "x"}}), 4)})}));
    // Timestamps are still refused.
    QVERIFY(f.push(T4, key({{"job", "d"}}), {mf1ts()}));
    QVERIFY(!f.familyOf(key({{"job", "d"}}), "mf1"));
    QCOMPARE(f.store.groupCount(), 5);
}

void TestMetricStore::removeShouldDeleteExactlyThatGroup()
{
    Fixture f;
    const GroupingKey g2 = key({{"job", "job1"}, {"instance", "instance2"}});
    QVERIFY(!f.push(T1, g2, {mf1a(), mf2()}));
    f.store.remove(key({{"job", "job1"}})); // no prefix deletion
    QVERIFY(f.store.group(g2));
    f.store.remove(g2);
    QVERIFY(!f.store.group(g2));
    QCOMPARE(f.store.groupCount(), 0);
    QCOMPARE(f.store.seriesCount(), 0);
    // Nothing of the group is left behind to collide with a new push of the same series.
    QVERIFY(!f.push(T2, key({{"job", "job1"}, {"instance", "instance2"}, {"x", "y"}}), {}));
    QVERIFY(!f.push(T3, key({{"job", "job1"}}), {mf1a()}));
}

void TestMetricStore::wipeShouldDeleteEverything()
{
    Fixture f;
    for (int i = 0; i < 5; ++i)
        QVERIFY(!f.push(T1, key({{"job", "j"}, {"instance", QByteArray::number(i).constData()}}), {mf5()}));
    QCOMPARE(f.store.groupCount(), 5);
    f.store.wipe();
    QCOMPARE(f.store.groupCount(), 0);
    QCOMPARE(f.store.seriesCount(), 0);
    QVERIFY(f.store.exposition().isEmpty());
    QVERIFY(!f.push(T2, key({{"job", "j"}, {"instance", "0"}}), {mf5()}));
}

void TestMetricStore::signalsShouldFollowTheContract_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("push") << u"push"_s << QStringList{u"changed job=\"a\""_s};
    QTest::newRow("failed push") << u"failed push"_s << QStringList{u"changed job=\"a\""_s, u"failed job=\"a\""_s};
    QTest::newRow("remove") << u"remove"_s << QStringList{u"aboutToBeRemoved job=\"a\""_s, u"removed job=\"a\""_s};
    QTest::newRow("remove missing") << u"remove missing"_s << QStringList{};
    QTest::newRow("wipe") << u"wipe"_s << QStringList{u"wiped"_s};
}

void TestMetricStore::signalsShouldFollowTheContract()
{
    QFETCH(QString, operation);
    QFETCH(QStringList, expected);

    Fixture f;
    const GroupingKey a = key({{"job", "a"}});
    QVERIFY(!f.push(T1, a, {mf3()}));

    QStringList seen;
    auto record = [&seen](const char *what) {
        return [&seen, what](const GroupingKey &groupKey) {
            seen.append(QString::fromLatin1(what) + u' ' + groupKey.toDisplayString().mid(1).chopped(1));
        };
    };
    connect(&f.store, &MetricStore::groupChanged, this, record("changed"));
    connect(&f.store, &MetricStore::groupAboutToBeRemoved, this, [&](const GroupingKey &k) {
        // Still readable while about to be removed.
        QVERIFY(f.store.group(k));
        record("aboutToBeRemoved")(k);
    });
    connect(&f.store, &MetricStore::groupRemoved, this, [&](const GroupingKey &k) {
        QVERIFY(!f.store.group(k));
        record("removed")(k);
    });
    connect(&f.store, &MetricStore::pushFailed, this, [&](const GroupingKey &k, const QString &reason) {
        QVERIFY(reason.startsWith(Prefix));
        record("failed")(k);
    });
    connect(&f.store, &MetricStore::wiped, this, [&] { seen.append(u"wiped"_s); });
    QSignalSpy changedSpy(&f.store, &MetricStore::groupChanged);

    if (operation == u"push")
        QVERIFY(!f.push(T2, a, {mf3()}));
    else if (operation == u"failed push")
        QVERIFY(f.push(T2, a, {mf1ts()}));
    else if (operation == u"remove")
        f.store.remove(a);
    else if (operation == u"remove missing")
        f.store.remove(key({{"job", "b"}}));
    else if (operation == u"wipe")
        f.store.wipe();

    QCOMPARE(seen, expected);
    QCOMPARE(changedSpy.count(), int(expected.count(u"changed job=\"a\""_s)));
}

void TestMetricStore::snapshotsShouldNotChangeAfterwards()
{
    Fixture f;
    const GroupingKey g = key({{"job", "job1"}, {"instance", "instance2"}});
    QVERIFY(!f.push(T1, g, {mf1a()}));
    const GroupSnapshot before = f.store.group(g);
    const QList<GroupSnapshot> allBefore = f.store.groups();

    QVERIFY(!f.push(T2, g, {mf1b(), mf2()}));
    f.store.remove(g);

    QCOMPARE(before->families.keys(), names({"mf1", "push_failure_time_seconds", "push_time_seconds"}));
    QCOMPARE(before->families.value("mf1"_ba).family->metrics.constFirst().scalar()->value, -3000.0);
    QCOMPARE(before->pushTimeSeconds(), seconds(T1));
    QCOMPARE(allBefore.size(), 1);
    QCOMPARE(allBefore.constFirst().get(), before.get());
}

void TestMetricStore::pushCostShouldNotGrowWithStoreSize()
{
    // The reference re-checks its whole store on every push. Here a push is checked against an
    // index, so the work it does must be the same in an empty store and in one holding 100,000
    // series. workDone() counts every group, family and series the store looks at.
    auto payload = [](const char *job) {
        QList<MetricFamily> families;
        for (int f = 0; f < 5; ++f) {
            MetricFamily fam = family(QByteArray("probe_metric_" + QByteArray::number(f)).constData(), MetricType::Gauge, {});
            for (int s = 0; s < 20; ++s)
                fam.metrics.append(scalar(labels({{"series", QByteArray::number(s).constData()}}), s));
            families.append(fam);
        }
        Q_UNUSED(job);
        return families;
    };
    auto costOfPush = [&](MetricStore &store) {
        const quint64 before = store.workDone();
        const std::optional<Error> error = store.push(key({{"job", "probe"}}), payload("probe"), PushMode::ReplaceAll);
        if (error)
            qWarning() << error->message;
        return store.workDone() - before;
    };

    MetricStore empty;
    const quint64 costEmpty = costOfPush(empty);

    MetricStore full;
    // 1,000 groups of 98 series each (96 pushed + the two gauges): 98,000 series, in families
    // that share names with the probe's, so the index holds long series lists for them.
    for (int g = 0; g < 1000; ++g) {
        QList<MetricFamily> families;
        for (int f = 0; f < 4; ++f) {
            MetricFamily fam = family(QByteArray("probe_metric_" + QByteArray::number(f)).constData(), MetricType::Gauge, {});
            for (int s = 0; s < 24; ++s)
                fam.metrics.append(scalar(labels({{"series", QByteArray::number(s).constData()}}), s));
            families.append(fam);
        }
        QVERIFY(!full.push(key({{"job", "load"}, {"instance", QByteArray::number(g).constData()}}), families, PushMode::ReplaceAll));
    }
    QVERIFY(full.seriesCount() >= 98'000);
    const QByteArray rendered = full.exposition(); // the render cache is full too
    QVERIFY(!rendered.isEmpty());

    const quint64 costFull = costOfPush(full);
    QVERIFY(costEmpty > 100); // the counter really counts the push's own series
    QCOMPARE(costFull, costEmpty);

    // A second push into the now-existing group replaces what it had: twice the work, still
    // independent of the other groups.
    const quint64 costRepushFull = costOfPush(full);
    const quint64 costRepushEmpty = costOfPush(empty);
    QCOMPARE(costRepushFull, costRepushEmpty);
}

void TestMetricStore::replacingAFamilyOfTheSameNameShouldKeepTheIndexRight()
{
    // A PUT that drops `foo` and pushes `foo` again, with another type and series count.
    Fixture f;
    const GroupingKey a = key({{"job", "A"}});
    const GroupingKey b = key({{"job", "B"}});
    QVERIFY(!f.push(T1, a, {family("foo", MetricType::Gauge, {scalar(labels({{"s", "1"}}), 1), scalar(labels({{"s", "2"}}), 2)})},
                    PushMode::ReplaceAll));
    QVERIFY(!f.push(T2, a, {family("foo", MetricType::Counter, {scalar({}, 1)})}, PushMode::ReplaceAll));
    QCOMPARE(f.store.seriesCount(), 3);
    QVERIFY(!f.push(T3, b, {family("foo", MetricType::Counter, {scalar({}, 1)})}, PushMode::ReplaceAll));
    f.store.remove(a);
    QCOMPARE(f.store.seriesCount(), 3);
    // B is now the only holder of foo, so it may change its type.
    const std::optional<Error> error = f.push(T4, b, {family("foo", MetricType::Gauge, {scalar({}, 1)})}, PushMode::ReplaceAll);
    QVERIFY2(!error, error ? qPrintable(error->message) : "");
}

void TestMetricStore::shouldNotCreateAGroupWhoseGaugesWouldBeInvalid()
{
    // With UTF-8 names, "U___5f__5f_foo" un-escapes to the reserved "__foo"; the push fails its
    // series checks, and a group whose own gauges carried that label would be invalid too.
    Fixture f;
    const GroupingKey reserved = key({{"job", "j"}, {"__foo", "v"}});
    QSignalSpy failed(&f.store, &MetricStore::pushFailed);
    QSignalSpy changed(&f.store, &MetricStore::groupChanged);
    const std::optional<Error> error = f.push(T1, reserved, {family("m", MetricType::Gauge, {scalar({}, 1)})});
    QVERIFY(error);
    QVERIFY2(error->message.endsWith(u"has a label with an invalid name: __foo"_s), qPrintable(error->message));
    QVERIFY(!f.store.group(reserved));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(changed.count(), 0);
    QVERIFY(!f.store.exposition().contains("__foo"));
}

void TestMetricStore::familiesWithoutSeriesShouldBeInvisible()
{
    // As in the reference's scrape, a family with no series gives its name no type.
    Fixture f;
    QVERIFY(!f.push(T1, key({{"job", "b"}}), {family("foo", MetricType::Gauge, {scalar({}, 1)})}));
    QVERIFY(!f.push(T2, key({{"job", "a"}}), {family("foo", MetricType::Counter, {})}));
    QVERIFY(!f.push(T3, key({{"job", "c"}}), {family("foo", MetricType::Gauge, {scalar({}, 3)})}));
    const QByteArray text = f.store.exposition();
    QVERIFY(text.contains("# TYPE foo gauge\nfoo{instance=\"\",job=\"b\"} 1\nfoo{instance=\"\",job=\"c\"} 3\n"));
}

QTEST_GUILESS_MAIN(TestMetricStore)
#include "tst_metricstore.moc"
