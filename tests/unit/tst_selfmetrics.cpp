// The gateway's own metrics (behaviour spec sections 1.6 and 3.1): request counters, the two
// push summaries and their sliding window, build info, process_* families, and the order,
// types and HELP the scrape handler relies on.

#include "format/textwriter.h"
#include "http/buildinfo.h"
#include "http/selfmetrics.h"
#include "http/slidingquantiles.h"
#include "model/labels.h"
#include "store/ownfamilies.h"

#include <QSysInfo>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace qpgw;
using namespace qpgw::http;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 T0 = 1'700'000'000'000; // ms since the epoch
constexpr qint64 Minute = 60'000;

BuildInfo testBuild()
{
    BuildInfo build;
    build.version = "1.2.3"_ba;
    build.revision = "abc123"_ba;
    build.branch = "main"_ba;
    build.goVersion = "qt6.4.2"_ba;
    build.goOs = "linux"_ba;
    build.goArch = "amd64"_ba;
    return build;
}

ProcessMetrics::Sample fullProcessSample()
{
    ProcessMetrics::Sample sample;
    sample.cpuSecondsTotal = 1.5;
    sample.openFds = 12;
    sample.maxFds = 1024;
    sample.virtualMemoryBytes = 3e8;
    sample.virtualMemoryMaxBytes = 18446744073709551615.0;
    sample.residentMemoryBytes = 2e7;
    sample.startTimeSeconds = 1.7e9;
    sample.networkReceiveBytesTotal = 100;
    sample.networkTransmitBytesTotal = 200;
    return sample;
}

const MetricFamily *findFamily(const QList<MetricFamily> &families, QByteArrayView name)
{
    const auto it = std::find_if(families.cbegin(), families.cend(),
                                 [name](const MetricFamily &family) { return family.name == name; });
    return it == families.cend() ? nullptr : &*it;
}

QByteArrayList familyNames(const QList<MetricFamily> &families)
{
    QByteArrayList names;
    for (const MetricFamily &family : families)
        names.append(family.name);
    return names;
}

// The sample lines of a family, as a scrape shows them.
QByteArray sampleLines(const MetricFamily &family)
{
    QByteArray out;
    for (const Metric &metric : family.metrics)
        writeMetricSamples(out, family.name, family.type, metric);
    return out;
}

const SummaryValue *summaryOf(const QList<MetricFamily> &families, QByteArrayView name,
                              QByteArrayView method)
{
    const MetricFamily *family = findFamily(families, name);
    if (!family)
        return nullptr;
    for (const Metric &metric : family->metrics) {
        const QByteArray *value = findLabel(metric.labels, "method");
        if (value && *value == method)
            return metric.summary();
    }
    return nullptr;
}

// Quantile values in rank order, for comparing against a row.
QList<double> quantileValues(const SummaryValue &summary)
{
    QList<double> values;
    for (const Quantile &quantile : summary.quantiles)
        values.append(quantile.value);
    return values;
}

bool allNaN(const QList<double> &values)
{
    return std::all_of(values.cbegin(), values.cend(), [](double value) { return std::isnan(value); });
}

} // namespace

class TestSelfMetrics : public QObject
{
    Q_OBJECT

private slots:
    void countsRequestsByCodeHandlerMethod_data();
    void countsRequestsByCodeHandlerMethod();
    void httpFamiliesAppearWithTheirFirstSeries();
    void summaryQuantilesOverKnownSequence_data();
    void summaryQuantilesOverKnownSequence();
    void observationsLeaveTheWindowInAgeBuckets_data();
    void observationsLeaveTheWindowInAgeBuckets();
    void newObservationsReplaceExpiredOnes();
    void windowSurvivesLongIdlePeriods();
    void memoryStaysBoundedUnderAMillionObservations();
    void sortsLabelsSeriesAndFamilies();
    void typesAndHelpComeFromOwnFamilies();
    void buildInfoIsOneSeriesOfSevenLabels();
    void processFamiliesFollowTheSample();
    void countersAndSummariesCarryTheirCreationTime();
    void rendersLikeTheReference();
    void goArchName_data();
    void goArchName();
    void thisBuildDescribesThisBinary();
};

void TestSelfMetrics::countsRequestsByCodeHandlerMethod_data()
{
    QTest::addColumn<QByteArrayList>("requests"); // "handler code method"
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("one request") << QByteArrayList{"push 200 put"}
                                 << "pushgateway_http_requests_total{code=\"200\",handler=\"push\",method=\"put\"} 1\n"_ba;
    QTest::newRow("the same series counts up")
        << QByteArrayList{"push 200 put", "push 200 put", "push 200 put"}
        << "pushgateway_http_requests_total{code=\"200\",handler=\"push\",method=\"put\"} 3\n"_ba;
    QTest::newRow("code, handler and method each make a series")
        << QByteArrayList{"push 400 put", "push 200 put", "delete 202 delete", "push 200 post", "api/v1/status 200 get", "push 200 put"}
        << "pushgateway_http_requests_total{code=\"200\",handler=\"api/v1/status\",method=\"get\"} 1\n"
           "pushgateway_http_requests_total{code=\"200\",handler=\"push\",method=\"post\"} 1\n"
           "pushgateway_http_requests_total{code=\"200\",handler=\"push\",method=\"put\"} 2\n"
           "pushgateway_http_requests_total{code=\"202\",handler=\"delete\",method=\"delete\"} 1\n"
           "pushgateway_http_requests_total{code=\"400\",handler=\"push\",method=\"put\"} 1\n"_ba;
    QTest::newRow("the method as the caller names it")
        << QByteArrayList{"healthy 200 unknown", "healthy 200 get", "api/v1/options 200 options"}
        << "pushgateway_http_requests_total{code=\"200\",handler=\"api/v1/options\",method=\"options\"} 1\n"
           "pushgateway_http_requests_total{code=\"200\",handler=\"healthy\",method=\"get\"} 1\n"
           "pushgateway_http_requests_total{code=\"200\",handler=\"healthy\",method=\"unknown\"} 1\n"_ba;
    QTest::newRow("codes compare as text")
        << QByteArrayList{"static 404 get", "static 200 get", "static 304 get"}
        << "pushgateway_http_requests_total{code=\"200\",handler=\"static\",method=\"get\"} 1\n"
           "pushgateway_http_requests_total{code=\"304\",handler=\"static\",method=\"get\"} 1\n"
           "pushgateway_http_requests_total{code=\"404\",handler=\"static\",method=\"get\"} 1\n"_ba;
}

void TestSelfMetrics::countsRequestsByCodeHandlerMethod()
{
    QFETCH(QByteArrayList, requests);
    QFETCH(QByteArray, expected);

    SelfMetrics metrics([] { return T0; });
    for (const QByteArray &request : requests) {
        const QByteArrayList parts = request.split(' ');
        QCOMPARE(parts.size(), 3);
        metrics.countRequest(parts[0], parts[1].toInt(), parts[2]);
    }
    const QList<MetricFamily> families = metrics.families(testBuild(), {});
    const MetricFamily *family = findFamily(families, "pushgateway_http_requests_total");
    QVERIFY(family);
    QCOMPARE(sampleLines(*family), expected);
    QVERIFY(!findFamily(families, "pushgateway_http_push_duration_seconds"));
}

void TestSelfMetrics::httpFamiliesAppearWithTheirFirstSeries()
{
    SelfMetrics metrics([] { return T0; });
    QCOMPARE(familyNames(metrics.families(testBuild(), {})), QByteArrayList{"pushgateway_build_info"});

    metrics.countRequest("push", 200, "put");
    QCOMPARE(familyNames(metrics.families(testBuild(), {})),
             (QByteArrayList{"pushgateway_build_info", "pushgateway_http_requests_total"}));

    // The push handler observes before the request is counted; either order gives both.
    SelfMetrics pushedOnly([] { return T0; });
    pushedOnly.observePush("post", 0.01, 300);
    QCOMPARE(familyNames(pushedOnly.families(testBuild(), {})),
             (QByteArrayList{"pushgateway_build_info", "pushgateway_http_push_duration_seconds",
                             "pushgateway_http_push_size_bytes"}));

    // Only the methods observed have a series.
    const QList<MetricFamily> families = pushedOnly.families(testBuild(), {});
    QCOMPARE(findFamily(families, "pushgateway_http_push_size_bytes")->metrics.size(), 1);
    QVERIFY(summaryOf(families, "pushgateway_http_push_size_bytes", "post"));
    QVERIFY(!summaryOf(families, "pushgateway_http_push_size_bytes", "put"));
}

void TestSelfMetrics::summaryQuantilesOverKnownSequence_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<QList<double>>("expected"); // at 0.1, 0.5, 0.9

    // Go's stream, while it holds every observation, answers the ceil(φ·n)-th smallest.
    QList<double> oneToTen;
    for (int i = 1; i <= 10; ++i)
        oneToTen.append(i);
    QList<double> tenToOne(oneToTen.crbegin(), oneToTen.crend());
    QList<double> hundredShuffled;
    for (int i = 1; i <= 100; ++i)
        hundredShuffled.append(i);
    std::shuffle(hundredShuffled.begin(), hundredShuffled.end(), std::mt19937(7));
    QList<double> thousand;
    for (int i = 1; i <= 1000; ++i)
        thousand.append(i / 1000.0);

    QTest::newRow("one observation") << QList<double>{7} << QList<double>{7, 7, 7};
    QTest::newRow("two observations") << QList<double>{2, 1} << QList<double>{1, 1, 2};
    QTest::newRow("1 to 10") << oneToTen << QList<double>{1, 5, 9};
    QTest::newRow("10 to 1") << tenToOne << QList<double>{1, 5, 9};
    QTest::newRow("1 to 100 shuffled") << hundredShuffled << QList<double>{10, 50, 90};
    QTest::newRow("repeated values") << QList<double>{5, 5, 1, 5} << QList<double>{1, 5, 5};
    QTest::newRow("1000 observations, exact") << thousand << QList<double>{0.1, 0.5, 0.9};
    QTest::newRow("infinities have ranks too") << QList<double>{qInf(), 1, 2, -qInf()} << QList<double>{-qInf(), 1, qInf()};
}

void TestSelfMetrics::summaryQuantilesOverKnownSequence()
{
    QFETCH(QList<double>, values);
    QFETCH(QList<double>, expected);

    qint64 now = T0;
    SelfMetrics metrics([&now] { return now; });
    double sum = 0;
    for (const double value : values) {
        metrics.observePush("put", value, value * 10);
        sum += value;
        now += 100; // all within the first age bucket
    }
    const QList<MetricFamily> families = metrics.families(testBuild(), {});

    const SummaryValue *duration = summaryOf(families, "pushgateway_http_push_duration_seconds", "put");
    QVERIFY(duration);
    QCOMPARE(duration->sampleCount, quint64(values.size()));
    QCOMPARE(duration->sampleSum, sum);
    QCOMPARE(duration->quantiles.size(), 3);
    QCOMPARE(duration->quantiles[0].quantile, 0.1);
    QCOMPARE(duration->quantiles[1].quantile, 0.5);
    QCOMPARE(duration->quantiles[2].quantile, 0.9);
    QCOMPARE(quantileValues(*duration), expected);

    const SummaryValue *size = summaryOf(families, "pushgateway_http_push_size_bytes", "put");
    QVERIFY(size);
    QCOMPARE(size->sampleCount, quint64(values.size()));
    QList<double> expectedSizes;
    for (const double value : expected)
        expectedSizes.append(value * 10);
    QCOMPARE(quantileValues(*size), expectedSizes);
}

void TestSelfMetrics::observationsLeaveTheWindowInAgeBuckets_data()
{
    QTest::addColumn<qint64>("observedAt"); // ms after the summary's creation
    QTest::addColumn<qint64>("checkedAt");
    QTest::addColumn<bool>("inWindow");

    // Buckets of 2 minutes from the creation time; the window is the current one and the 4
    // before it, as Go's head stream: an observation counts for 8 to 10 minutes.
    QTest::newRow("just observed") << qint64(0) << qint64(0) << true;
    QTest::newRow("9:59.999 old") << qint64(0) << 10 * Minute - 1 << true;
    QTest::newRow("10 minutes old") << qint64(0) << 10 * Minute << false;
    QTest::newRow("an hour old") << qint64(0) << 60 * Minute << false;
    QTest::newRow("late in its bucket, 8:29.999 old") << 90'000LL << 10 * Minute - 1 << true;
    QTest::newRow("late in its bucket, 8:30 old") << 90'000LL << 10 * Minute << false;
    QTest::newRow("second bucket, 9:59.999 old") << 2 * Minute << 12 * Minute - 1 << true;
    QTest::newRow("second bucket, 10 minutes old") << 2 * Minute << 12 * Minute << false;
}

void TestSelfMetrics::observationsLeaveTheWindowInAgeBuckets()
{
    QFETCH(qint64, observedAt);
    QFETCH(qint64, checkedAt);
    QFETCH(bool, inWindow);

    SlidingQuantiles window(T0); // created at T0: the buckets start there
    window.observe(0.25, T0 + observedAt);
    const double ranks[] = {0.1, 0.5, 0.9};
    const QList<Quantile> quantiles = window.quantiles(ranks, T0 + checkedAt);
    QCOMPARE(quantiles.size(), 3);
    QCOMPARE(window.windowCount(T0 + checkedAt), quint64(inWindow ? 1 : 0));
    for (const Quantile &quantile : quantiles) {
        if (inWindow)
            QCOMPARE(quantile.value, 0.25);
        else
            QVERIFY2(std::isnan(quantile.value), "an empty window: NaN, as Go writes it");
    }
}

void TestSelfMetrics::newObservationsReplaceExpiredOnes()
{
    qint64 now = T0;
    SelfMetrics metrics([&now] { return now; });
    metrics.observePush("put", 1000, 1000); // an old, slow push
    now = T0 + 5 * Minute;
    metrics.observePush("put", 1, 1);
    now = T0 + 9 * Minute;
    metrics.observePush("put", 2, 2);

    const auto durations = [&metrics] {
        const QList<MetricFamily> families = metrics.families(testBuild(), {});
        return quantileValues(*summaryOf(families, "pushgateway_http_push_duration_seconds", "put"));
    };
    QCOMPARE(durations(), (QList<double>{1, 2, 1000}));
    now = T0 + 10 * Minute; // the bucket of minutes 0-2 leaves
    QCOMPARE(durations(), (QList<double>{1, 1, 2}));
    now = T0 + 14 * Minute - 1;
    QCOMPARE(durations(), (QList<double>{1, 1, 2}));
    now = T0 + 14 * Minute; // the bucket of minutes 4-6 leaves
    QCOMPARE(durations(), (QList<double>{2, 2, 2}));
    now = T0 + 18 * Minute; // the bucket of minutes 8-10 leaves: nothing is left
    QVERIFY(allNaN(durations()));

    const QList<MetricFamily> families = metrics.families(testBuild(), {});
    const SummaryValue *duration = summaryOf(families, "pushgateway_http_push_duration_seconds", "put");
    QCOMPARE(duration->sampleCount, quint64(3));
    QCOMPARE(duration->sampleSum, 1003.0);
}

void TestSelfMetrics::windowSurvivesLongIdlePeriods()
{
    SlidingQuantiles window(T0);
    const double ranks[] = {0.5};
    window.observe(5, T0 + 3 * Minute); // bucket 1, ring slot 1
    // An hour later, bucket 30 lands in slot 0; slot 1 still holds bucket 1, long expired.
    window.observe(7, T0 + 60 * Minute);
    QCOMPARE(window.windowCount(T0 + 60 * Minute), quint64(1));
    QCOMPARE(window.quantiles(ranks, T0 + 60 * Minute).at(0).value, 7.0);
    // A clock that steps back is read as no time passing.
    QCOMPARE(window.quantiles(ranks, T0).at(0).value, 7.0);
    window.observe(9, T0);
    QCOMPARE(window.windowCount(T0 + 60 * Minute), quint64(2));
}

void TestSelfMetrics::memoryStaysBoundedUnderAMillionObservations()
{
    constexpr int Observations = 1'000'000;
    constexpr SlidingWindow Window; // Go's: 10 minutes, 5 buckets; 1024 samples per bucket
    const qsizetype bound = qsizetype(Window.ageBuckets) * Window.samplesPerBucket;
    const double ranks[] = {0.1, 0.5, 0.9};

    // Uniform values on [0, 1): the true φ-quantile is φ.
    std::mt19937_64 generator(42);
    std::uniform_real_distribution<double> uniform(0, 1);

    // All at one instant: one bucket, sampled 1024 out of a million.
    SlidingQuantiles burst(T0, Window);
    for (int i = 0; i < Observations; ++i)
        burst.observe(uniform(generator), T0);
    QCOMPARE(burst.retainedSamples(), qsizetype(Window.samplesPerBucket));
    QCOMPARE(burst.windowCount(T0), quint64(Observations));
    for (const Quantile &quantile : burst.quantiles(ranks, T0))
        QVERIFY2(std::abs(quantile.value - quantile.quantile) < 0.05, qPrintable(QString::number(quantile.value)));

    // Spread over 20 minutes: every bucket fills, old ones are recycled, the bound holds.
    SlidingQuantiles spread(T0, Window);
    qint64 now = T0;
    for (int i = 0; i < Observations; ++i) {
        now = T0 + qint64(i) * 20 * Minute / Observations;
        spread.observe(uniform(generator), now);
        if (i % 100'000 == 0)
            QVERIFY(spread.retainedSamples() <= bound);
    }
    QVERIFY(spread.retainedSamples() <= bound);
    QVERIFY(spread.windowCount(now) > quint64(Observations) * 4 / 10);
    for (const Quantile &quantile : spread.quantiles(ranks, now))
        QVERIFY2(std::abs(quantile.value - quantile.quantile) < 0.03, qPrintable(QString::number(quantile.value)));

    // Through SelfMetrics: a million pushes cost O(1) each and keep all-time totals.
    qint64 clock = T0;
    SelfMetrics metrics([&clock] { return clock; });
    for (int i = 0; i < Observations; ++i) {
        clock = T0 + i;
        metrics.observePush("put", 0.001, 100);
    }
    const QList<MetricFamily> families = metrics.families(testBuild(), {});
    const SummaryValue *size = summaryOf(families, "pushgateway_http_push_size_bytes", "put");
    QCOMPARE(size->sampleCount, quint64(Observations));
    QCOMPARE(size->sampleSum, 100.0 * Observations);
    QCOMPARE(quantileValues(*size), (QList<double>{100, 100, 100}));
}

void TestSelfMetrics::sortsLabelsSeriesAndFamilies()
{
    SelfMetrics metrics([] { return T0; });
    const char *const handlers[] = {"push", "delete", "status", "api/v1/metrics", "healthy"};
    const int codes[] = {500, 200, 400, 202};
    const char *const methods[] = {"put", "get", "post", "delete"};
    std::mt19937 generator(3);
    for (int i = 0; i < 200; ++i)
        metrics.countRequest(handlers[generator() % 5], codes[generator() % 4], methods[generator() % 4]);
    metrics.observePush("put", 1, 1);
    metrics.observePush("post", 1, 1);

    const QList<MetricFamily> families = metrics.families(testBuild(), fullProcessSample());
    QVERIFY(std::is_sorted(families.cbegin(), families.cend(),
                           [](const MetricFamily &a, const MetricFamily &b) { return a.name < b.name; }));
    for (const MetricFamily &family : families) {
        QVERIFY2(std::is_sorted(family.metrics.cbegin(), family.metrics.cend(),
                                [](const Metric &a, const Metric &b) { return seriesLess(a.labels, b.labels); }),
                 family.name.constData());
        for (const Metric &metric : family.metrics) {
            QVERIFY2(std::is_sorted(metric.labels.cbegin(), metric.labels.cend(),
                                    [](const LabelPair &a, const LabelPair &b) { return a.name < b.name; }),
                     family.name.constData());
        }
    }
    const MetricFamily *duration = findFamily(families, "pushgateway_http_push_duration_seconds");
    QCOMPARE(duration->metrics.size(), 2);
    QCOMPARE(*findLabel(duration->metrics[0].labels, "method"), "post"_ba);
    QCOMPARE(*findLabel(duration->metrics[1].labels, "method"), "put"_ba);
}

void TestSelfMetrics::typesAndHelpComeFromOwnFamilies()
{
    SelfMetrics metrics([] { return T0; });
    metrics.countRequest("push", 200, "put");
    metrics.observePush("put", 1, 1);
    const QList<MetricFamily> families = metrics.families(testBuild(), fullProcessSample());

    const QList<OwnFamily> own = gatewayOwnFamilies();
    QByteArrayList ownNames;
    for (const OwnFamily &family : own)
        ownNames.append(family.name);
    std::sort(ownNames.begin(), ownNames.end());
    // Everything is there: every own family, and nothing else.
    QCOMPARE(familyNames(families), ownNames);

    for (const OwnFamily &expected : own) {
        const MetricFamily *family = findFamily(families, expected.name);
        QVERIFY2(family, expected.name.constData());
        QCOMPARE(family->type, expected.type);
        QCOMPARE(family->help, std::optional<QByteArray>(expected.help));
        for (const Metric &metric : family->metrics)
            QVERIFY2(valueMatchesType(metric.value, family->type), expected.name.constData());
    }
}

void TestSelfMetrics::buildInfoIsOneSeriesOfSevenLabels()
{
    SelfMetrics metrics([] { return T0; });
    const QList<MetricFamily> families = metrics.families(testBuild(), {});
    const MetricFamily *family = findFamily(families, "pushgateway_build_info");
    QVERIFY(family);
    QCOMPARE(sampleLines(*family),
             "pushgateway_build_info{branch=\"main\",goarch=\"amd64\",goos=\"linux\",goversion=\"qt6.4.2\","
             "revision=\"abc123\",tags=\"\",version=\"1.2.3\"} 1\n"_ba);
}

void TestSelfMetrics::processFamiliesFollowTheSample()
{
    SelfMetrics metrics([] { return T0; });
    ProcessMetrics::Sample sample;
    sample.openFds = 9;
    sample.virtualMemoryMaxBytes = 18446744073709551615.0;
    const QList<MetricFamily> families = metrics.families(testBuild(), sample);
    QCOMPARE(familyNames(families),
             (QByteArrayList{"process_open_fds", "process_virtual_memory_max_bytes", "pushgateway_build_info"}));
    QCOMPARE(sampleLines(*findFamily(families, "process_open_fds")), "process_open_fds 9\n"_ba);
    QCOMPARE(sampleLines(*findFamily(families, "process_virtual_memory_max_bytes")),
             "process_virtual_memory_max_bytes 1.8446744073709552e+19\n"_ba);
}

void TestSelfMetrics::countersAndSummariesCarryTheirCreationTime()
{
    qint64 now = T0;
    SelfMetrics metrics([&now] { return now; });
    metrics.countRequest("push", 200, "put");
    now += 5000;
    metrics.countRequest("push", 200, "put");
    metrics.countRequest("push", 400, "put");
    metrics.observePush("put", 1, 1);
    now += 5000;
    metrics.observePush("put", 1, 1);

    const QList<MetricFamily> families = metrics.families(testBuild(), {});
    const MetricFamily *requests = findFamily(families, "pushgateway_http_requests_total");
    QCOMPARE(requests->metrics[0].scalar()->createdTimestampMs, std::optional<qint64>(T0));
    QCOMPARE(requests->metrics[1].scalar()->createdTimestampMs, std::optional<qint64>(T0 + 5000));
    QCOMPARE(summaryOf(families, "pushgateway_http_push_duration_seconds", "put")->createdTimestampMs,
             std::optional<qint64>(T0 + 5000));
    QCOMPARE(summaryOf(families, "pushgateway_http_push_size_bytes", "put")->createdTimestampMs,
             std::optional<qint64>(T0 + 5000));
    // Gauges have none.
    QVERIFY(!findFamily(families, "pushgateway_build_info")->metrics[0].scalar()->createdTimestampMs);
}

void TestSelfMetrics::rendersLikeTheReference()
{
    qint64 now = T0;
    SelfMetrics metrics([&now] { return now; });
    metrics.observePush("put", 0.004, 171);
    metrics.countRequest("push", 200, "put");
    now += 11 * Minute; // the summary's window is empty again

    ProcessMetrics::Sample process;
    process.openFds = 10;
    QCOMPARE(writeTextFormat(metrics.families(testBuild(), process)),
             "# HELP process_open_fds Number of open file descriptors.\n"
             "# TYPE process_open_fds gauge\n"
             "process_open_fds 10\n"
             "# HELP pushgateway_build_info A metric with a constant '1' value labeled by version, revision, branch, "
             "goversion from which pushgateway was built, and the goos and goarch for the build.\n"
             "# TYPE pushgateway_build_info gauge\n"
             "pushgateway_build_info{branch=\"main\",goarch=\"amd64\",goos=\"linux\",goversion=\"qt6.4.2\","
             "revision=\"abc123\",tags=\"\",version=\"1.2.3\"} 1\n"
             "# HELP pushgateway_http_push_duration_seconds HTTP request duration for pushes to the Pushgateway.\n"
             "# TYPE pushgateway_http_push_duration_seconds summary\n"
             "pushgateway_http_push_duration_seconds{method=\"put\",quantile=\"0.1\"} NaN\n"
             "pushgateway_http_push_duration_seconds{method=\"put\",quantile=\"0.5\"} NaN\n"
             "pushgateway_http_push_duration_seconds{method=\"put\",quantile=\"0.9\"} NaN\n"
             "pushgateway_http_push_duration_seconds_sum{method=\"put\"} 0.004\n"
             "pushgateway_http_push_duration_seconds_count{method=\"put\"} 1\n"
             "# HELP pushgateway_http_push_size_bytes HTTP request size for pushes to the Pushgateway.\n"
             "# TYPE pushgateway_http_push_size_bytes summary\n"
             "pushgateway_http_push_size_bytes{method=\"put\",quantile=\"0.1\"} NaN\n"
             "pushgateway_http_push_size_bytes{method=\"put\",quantile=\"0.5\"} NaN\n"
             "pushgateway_http_push_size_bytes{method=\"put\",quantile=\"0.9\"} NaN\n"
             "pushgateway_http_push_size_bytes_sum{method=\"put\"} 171\n"
             "pushgateway_http_push_size_bytes_count{method=\"put\"} 1\n"
             "# HELP pushgateway_http_requests_total Total HTTP requests processed by the Pushgateway, excluding scrapes.\n"
             "# TYPE pushgateway_http_requests_total counter\n"
             "pushgateway_http_requests_total{code=\"200\",handler=\"push\",method=\"put\"} 1\n"_ba);
}

void TestSelfMetrics::goArchName_data()
{
    QTest::addColumn<QByteArray>("qtArchitecture");
    QTest::addColumn<bool>("littleEndian");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("x86_64") << "x86_64"_ba << true << "amd64"_ba;
    QTest::newRow("i386") << "i386"_ba << true << "386"_ba;
    QTest::newRow("arm64") << "arm64"_ba << true << "arm64"_ba;
    QTest::newRow("arm") << "arm"_ba << true << "arm"_ba;
    QTest::newRow("power64 little-endian") << "power64"_ba << true << "ppc64le"_ba;
    QTest::newRow("power64 big-endian") << "power64"_ba << false << "ppc64"_ba;
    QTest::newRow("mips little-endian") << "mips"_ba << true << "mipsle"_ba;
    QTest::newRow("mips64 big-endian") << "mips64"_ba << false << "mips64"_ba;
    QTest::newRow("mips64 little-endian") << "mips64"_ba << true << "mips64le"_ba;
    QTest::newRow("riscv64") << "riscv64"_ba << true << "riscv64"_ba;
    QTest::newRow("s390x") << "s390x"_ba << false << "s390x"_ba;
    QTest::newRow("loongarch64") << "loongarch64"_ba << true << "loong64"_ba;
}

void TestSelfMetrics::goArchName()
{
    QFETCH(QByteArray, qtArchitecture);
    QFETCH(bool, littleEndian);
    QFETCH(QByteArray, expected);
    QCOMPARE(qpgw::goArchName(qtArchitecture, littleEndian), expected);
}

void TestSelfMetrics::thisBuildDescribesThisBinary()
{
    const BuildInfo build = BuildInfo::thisBuild();
    QVERIFY(!build.version.isEmpty());
    QVERIFY(!build.revision.isEmpty()); // "unknown" unless a release build stamps it
    QCOMPARE(build.goVersion, "qt"_ba + QByteArray(qVersion()));
    QCOMPARE(build.goOs, "linux"_ba);
    QCOMPARE(build.goArch, qpgw::goArchName(QSysInfo::buildCpuArchitecture().toLatin1(),
                                            QSysInfo::ByteOrder == QSysInfo::LittleEndian));
    QCOMPARE(build.tags, QByteArray());
    QCOMPARE(goOsName("winnt"), "windows"_ba);
    QCOMPARE(goOsName("darwin"), "darwin"_ba);
}

QTEST_APPLESS_MAIN(TestSelfMetrics)
#include "tst_selfmetrics.moc"
