// The metric viewer: its family and series models (checked by QAbstractItemModelTester), the
// native bucket decoding, the histogram chart, copying exposition text and the change highlight.

#include "familytablemodel.h"
#include "histogramchart.h"
#include "metricviewer.h"
#include "nativebuckets.h"
#include "seriestablemodel.h"
#include "store/metricstore.h"
#include "../unit/testbuilders.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QImage>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <cmath>
#include <limits>
#include <memory>

using namespace qpgw;
using namespace qpgw::gui;
using namespace qpgw::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr auto Reporting = QAbstractItemModelTester::FailureReportingMode::QtTest;
constexpr double Inf = std::numeric_limits<double>::infinity();

// The labels every series of the group {job="j"} carries, plus `extra` (kept sorted by name).
Labels seriesLabels(std::initializer_list<std::pair<const char *, const char *>> extra = {})
{
    Labels result = labels({{"instance", ""}, {"job", "j"}});
    for (const auto &[name, value] : extra)
        result.append(LabelPair{QByteArray(name), QByteArray(value)});
    sortByName(result);
    return result;
}

GroupSnapshot makeGroup(QList<MetricFamily> families, const GroupingKey &groupKey = key({{"job", "j"}}))
{
    auto group = std::make_shared<Group>();
    group->key = groupKey;
    for (MetricFamily &family : families) {
        const QByteArray name = family.name;
        group->families.insert(name, StoredFamily{std::make_shared<const MetricFamily>(std::move(family)), 0});
    }
    return group;
}

// The same group with one family replaced (the others keep their pointers, as in the store).
GroupSnapshot withFamily(const GroupSnapshot &group, MetricFamily family)
{
    auto copy = std::make_shared<Group>(*group);
    const QByteArray name = family.name;
    copy->families.insert(name, StoredFamily{std::make_shared<const MetricFamily>(std::move(family)), 0});
    return copy;
}

Metric nativeHistogram(Labels metricLabels, NativeHistogram native, quint64 count, double sum, double countFloat = 0)
{
    HistogramValue value;
    value.sampleCount = count;
    value.sampleCountFloat = countFloat;
    value.sampleSum = sum;
    value.native = std::make_shared<const NativeHistogram>(std::move(native));
    return Metric{std::move(metricLabels), value, std::nullopt};
}

// Integer native histogram: schema 0, zero bucket 1 below 0.001, buckets (0.5, 1]: 2 and (1, 2]: 3.
NativeHistogram integerNative()
{
    NativeHistogram native;
    native.schema = 0;
    native.zeroThreshold = 0.001;
    native.zeroCount = 1;
    native.positiveSpans = {BucketSpan{0, 2}};
    native.positiveDeltas = {2, 1};
    return native;
}

// Float native histogram: schema 3, one bucket (2^(-1/8), 1]: 4.5.
NativeHistogram floatNative()
{
    NativeHistogram native;
    native.schema = 3;
    native.positiveSpans = {BucketSpan{0, 1}};
    native.positiveCounts = {4.5};
    return native;
}

MetricFamily counterFamily(double value = 3)
{
    return family("a_total", MetricType::Counter, {scalar(seriesLabels(), value)}, QByteArray("Runs."));
}

MetricFamily gaugeFamily(double left = 1.5, double right = -2)
{
    return family("b_temperature", MetricType::Gauge,
                  {scalar(seriesLabels({{"side", "right"}}), right), scalar(seriesLabels({{"side", "left"}}), left)});
}

MetricFamily classicFamily(quint64 lowCount = 1)
{
    return family("e_latency", MetricType::Histogram,
                  {histogram(seriesLabels(), 4, 2.5, {Bucket{0.1, lowCount, 0, {}}, Bucket{1, 3, 0, {}}})});
}

// One family of every type.
GroupSnapshot everyType()
{
    return makeGroup({
        counterFamily(),
        gaugeFamily(),
        family("c_untyped", MetricType::Untyped, {scalar(seriesLabels(), std::nan(""))}, QByteArray()),
        family("d_rpc", MetricType::Summary, {summary(seriesLabels(), 10, 5.5, {Quantile{0.5, 0.1}, Quantile{0.99, 0.9}})}),
        classicFamily(),
        family("f_native", MetricType::Histogram, {nativeHistogram(seriesLabels(), integerNative(), 6, 7)}),
        family("g_float", MetricType::GaugeHistogram, {nativeHistogram(seriesLabels(), floatNative(), 0, 3, 4.5)}),
    });
}

QStringList row(const QAbstractItemModel &model, int r, int role = Qt::DisplayRole)
{
    QStringList cells;
    for (int column = 0; column < model.columnCount(); ++column)
        cells.append(model.index(r, column).data(role).toString());
    return cells;
}

QStringList headers(const QAbstractItemModel &model)
{
    QStringList result;
    for (int column = 0; column < model.columnCount(); ++column)
        result.append(model.headerData(column, Qt::Horizontal).toString());
    return result;
}

// How many pixels of `image` have exactly `color`.
int pixelsOf(const QImage &image, const QColor &color)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            count += image.pixelColor(x, y).rgb() == color.rgb() ? 1 : 0;
    }
    return count;
}

QImage render(HistogramChart &chart)
{
    chart.resize(300, 150);
    QImage image(chart.size(), QImage::Format_ARGB32);
    image.fill(Qt::magenta);
    chart.render(&image);
    return image;
}

// A viewer with testers on both of its models from the start.
struct ViewerFixture
{
    MetricViewer viewer;
    QAbstractItemModelTester familyTester{viewer.familyModel(), Reporting};
    QAbstractItemModelTester seriesTester{viewer.seriesModel(), Reporting};
};

} // namespace

class tst_MetricViewer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    // nativebuckets.h
    void shouldComputeUpperBounds_data();
    void shouldComputeUpperBounds();
    void shouldDecodeIntegerBucketsFromDeltas();
    void shouldDecodeFloatBucketsFromCounts();
    void shouldPlaceNegativeBucketsAndTheZeroBucketInValueOrder();
    void shouldSayWhenSpansAndCountsDisagree();

    // the models
    void shouldPassTheModelTesterThroughEveryKindOfChange();
    void shouldShowOneRowPerFamily();
    void shouldShowSeriesWithColumnsForTheirType();
    void shouldUpdateInPlaceWhenOnlyValuesChange();
    void shouldResetWhenTheFamiliesChange();

    // highlights
    void shouldHighlightAChangedValueOnly();
    void shouldHighlightChangesInOtherFamiliesToo();
    void shouldNotHighlightAnotherGroup();
    void shouldExpireHighlightsOnTheTimer();

    // the viewer
    void shouldShowTheSelectedFamilysSeries();
    void shouldKeepTheSelectionAcrossSnapshots();
    void shouldClearOnNull();
    void shouldCopyTheGroupsExpositionText();
    void shouldCopyTheSelectedSeries();
    void shouldCopyWithTheKeyboard();
    void shouldShowAGroupFromTheStore();

    // the chart
    void shouldComputePerBucketCounts();
    void shouldPaintEmptyClassicAndNativeHistograms();
    void shouldFollowTheSelectedSeriesInTheChart();
};

void tst_MetricViewer::init()
{
    QGuiApplication::clipboard()->clear();
}

void tst_MetricViewer::shouldComputeUpperBounds_data()
{
    QTest::addColumn<qint64>("index");
    QTest::addColumn<int>("schema");
    QTest::addColumn<double>("expected");

    QTest::newRow("schema 0, index 0") << qint64(0) << 0 << 1.0;
    QTest::newRow("schema 0, index 1") << qint64(1) << 0 << 2.0;
    QTest::newRow("schema 0, index 3") << qint64(3) << 0 << 8.0;
    QTest::newRow("schema 0, index -1") << qint64(-1) << 0 << 0.5;
    QTest::newRow("schema 3, index 8") << qint64(8) << 3 << 2.0;
    QTest::newRow("schema 3, index -8") << qint64(-8) << 3 << 0.5;
    QTest::newRow("schema 3, index 1") << qint64(1) << 3 << std::exp2(1.0 / 8);
    QTest::newRow("schema 3, index 4") << qint64(4) << 3 << std::sqrt(2.0);
    QTest::newRow("schema 3, index -3") << qint64(-3) << 3 << std::exp2(-3.0 / 8);
    QTest::newRow("schema 3, index 17") << qint64(17) << 3 << 4 * std::exp2(1.0 / 8);
    QTest::newRow("schema -1, index 1") << qint64(1) << -1 << 4.0;
    QTest::newRow("schema -1, index -1") << qint64(-1) << -1 << 0.25;
    QTest::newRow("schema -4, index 1") << qint64(1) << -4 << 65536.0;
    QTest::newRow("schema 8, index 256") << qint64(256) << 8 << 2.0;
    QTest::newRow("beyond double: +Inf") << qint64(2000) << 0 << Inf;
    QTest::newRow("beyond double: 0") << qint64(-2000) << 0 << 0.0;
}

void tst_MetricViewer::shouldComputeUpperBounds()
{
    QFETCH(qint64, index);
    QFETCH(int, schema);
    QFETCH(double, expected);
    const double bound = nativeBucketUpperBound(index, schema);
    if (expected == 0 || std::isinf(expected) || std::exp2(std::round(std::log2(expected))) == expected)
        QCOMPARE(bound, expected); // powers of two are exact
    else
        QVERIFY2(std::abs(bound - expected) <= 1e-15 * expected, qPrintable(QString::number(bound, 'g', 17)));
}

void tst_MetricViewer::shouldDecodeIntegerBucketsFromDeltas()
{
    // Schema 0: spans {offset 0, length 2} and {offset 1, length 2} place indices 0, 1, then
    // (one skipped) 3, 4; deltas 1, +1, -1, 0 give counts 1, 2, 1, 1.
    const NativeBuckets decoded = decodeNativeSide(NativeBucket::Side::Positive, 0,
                                                   {BucketSpan{0, 2}, BucketSpan{1, 2}}, {1, 1, -1, 0}, {});
    QVERIFY(decoded.consistent);
    using S = NativeBucket::Side;
    const QList<NativeBucket> expected{
        {S::Positive, 0, 0.5, 1, 1},
        {S::Positive, 1, 1, 2, 2},
        {S::Positive, 3, 4, 8, 1},
        {S::Positive, 4, 8, 16, 1},
    };
    QCOMPARE(decoded.buckets, expected);

    // A negative first offset starts below index 0 (bounds below 1); empty buckets are kept.
    const NativeBuckets belowOne = decodeNativeSide(S::Positive, 0, {BucketSpan{-2, 3}}, {4, -4, 2}, {});
    QVERIFY(belowOne.consistent);
    const QList<NativeBucket> expectedBelowOne{
        {S::Positive, -2, 0.125, 0.25, 4},
        {S::Positive, -1, 0.25, 0.5, 0},
        {S::Positive, 0, 0.5, 1, 2},
    };
    QCOMPARE(belowOne.buckets, expectedBelowOne);
}

void tst_MetricViewer::shouldDecodeFloatBucketsFromCounts()
{
    // Schema 3 (eight buckets per power of two): offset -1 length 2 gives indices -1 and 0, then
    // offset 2 length 1 gives index 3. Counts are absolute.
    const NativeBuckets decoded = decodeNativeSide(NativeBucket::Side::Positive, 3,
                                                   {BucketSpan{-1, 2}, BucketSpan{2, 1}}, {}, {1.5, 2.5, 0.5});
    QVERIFY(decoded.consistent);
    QCOMPARE(decoded.buckets.size(), 3);
    const QList<qint64> indices{decoded.buckets[0].index, decoded.buckets[1].index, decoded.buckets[2].index};
    QCOMPARE(indices, (QList<qint64>{-1, 0, 3}));
    QCOMPARE(decoded.buckets[0].count, 1.5);
    QCOMPARE(decoded.buckets[1].count, 2.5);
    QCOMPARE(decoded.buckets[2].count, 0.5);
    QCOMPARE(decoded.buckets[0].upperBound, nativeBucketUpperBound(-1, 3));
    QCOMPARE(decoded.buckets[0].lowerBound, nativeBucketUpperBound(-2, 3));
    QCOMPARE(decoded.buckets[1].upperBound, 1.0);
    QVERIFY(std::abs(decoded.buckets[2].upperBound - std::exp2(3.0 / 8)) < 1e-15);
    QVERIFY(std::abs(decoded.buckets[2].lowerBound - std::exp2(2.0 / 8)) < 1e-15);

    // Deltas win when both are present; counts are read only when there are no deltas.
    const NativeBuckets both = decodeNativeSide(NativeBucket::Side::Positive, 0, {BucketSpan{0, 1}}, {7}, {9.5});
    QCOMPARE(both.buckets.constFirst().count, 7.0);
}

void tst_MetricViewer::shouldPlaceNegativeBucketsAndTheZeroBucketInValueOrder()
{
    using S = NativeBucket::Side;
    NativeHistogram native;
    native.schema = 0;
    native.zeroThreshold = 0.001;
    native.zeroCount = 5;
    // Negative side: index -2 ([-0.25, -0.125)) holds 3; offset 2 after it, index 1 ([-2, -1)) holds 2.
    native.negativeSpans = {BucketSpan{-2, 1}, BucketSpan{2, 1}};
    native.negativeDeltas = {3, -1};
    native.positiveSpans = {BucketSpan{0, 1}};
    native.positiveDeltas = {4};

    const NativeBuckets decoded = decodeNativeBuckets(native);
    QVERIFY(decoded.consistent);
    const QList<NativeBucket> expected{
        {S::Negative, 1, -2, -1, 2},
        {S::Negative, -2, -0.25, -0.125, 3},
        {S::Zero, 0, -0.001, 0.001, 5},
        {S::Positive, 0, 0.5, 1, 4},
    };
    QCOMPARE(decoded.buckets, expected);

    // Float histograms: absolute counts on both sides and a float zero count, schema 3.
    NativeHistogram floats;
    floats.schema = 3;
    floats.zeroCountFloat = 0.5;
    floats.negativeSpans = {BucketSpan{-1, 1}};
    floats.negativeCounts = {1.25};
    floats.positiveSpans = {BucketSpan{8, 1}};
    floats.positiveCounts = {2.75};
    const NativeBuckets decodedFloats = decodeNativeBuckets(floats);
    QVERIFY(decodedFloats.consistent);
    QCOMPARE(decodedFloats.buckets.size(), 3);
    QCOMPARE(decodedFloats.buckets[0].side, S::Negative);
    QCOMPARE(decodedFloats.buckets[0].lowerBound, -nativeBucketUpperBound(-1, 3));
    QCOMPARE(decodedFloats.buckets[0].upperBound, -nativeBucketUpperBound(-2, 3));
    QCOMPARE(decodedFloats.buckets[0].count, 1.25);
    QCOMPARE(decodedFloats.buckets[1], (NativeBucket{S::Zero, 0, 0, 0, 0.5}));
    QCOMPARE(decodedFloats.buckets[2].upperBound, 2.0);
    QCOMPARE(decodedFloats.buckets[2].count, 2.75);

    // No zero bucket when its threshold and count are both zero.
    NativeHistogram noZero;
    noZero.positiveSpans = {BucketSpan{0, 1}};
    noZero.positiveDeltas = {1};
    QCOMPARE(decodeNativeBuckets(noZero).buckets.size(), 1);
}

void tst_MetricViewer::shouldSayWhenSpansAndCountsDisagree()
{
    const auto positive = NativeBucket::Side::Positive;
    // Fewer deltas than the spans promise: decodes what there is.
    const NativeBuckets tooFew = decodeNativeSide(positive, 0, {BucketSpan{0, 3}}, {1, 1}, {});
    QVERIFY(!tooFew.consistent);
    QCOMPARE(tooFew.buckets.size(), 2);
    // More deltas than the spans place.
    const NativeBuckets tooMany = decodeNativeSide(positive, 0, {BucketSpan{0, 1}}, {1, 1}, {});
    QVERIFY(!tooMany.consistent);
    QCOMPARE(tooMany.buckets.size(), 1);
    // A delta that takes the count below zero.
    QVERIFY(!decodeNativeSide(positive, 0, {BucketSpan{0, 2}}, {1, -2}, {}).consistent);
    // A huge span length with no counts costs nothing.
    const NativeBuckets huge = decodeNativeSide(positive, 0, {BucketSpan{0, 4'000'000'000u}}, {}, {});
    QVERIFY(!huge.consistent);
    QVERIFY(huge.buckets.isEmpty());
    // Nothing at all is consistent.
    QVERIFY(decodeNativeSide(positive, 0, {}, {}, {}).consistent);
}

void tst_MetricViewer::shouldPassTheModelTesterThroughEveryKindOfChange()
{
    FamilyTableModel families;
    SeriesTableModel series;
    QAbstractItemModelTester familyTester(&families, Reporting);
    QAbstractItemModelTester seriesTester(&series, Reporting);

    const GroupSnapshot group = everyType();
    families.setGroup(group);
    series.setGroup(group);
    for (const char *name : {"a_total", "b_temperature", "c_untyped", "d_rpc", "e_latency", "f_native", "g_float", "absent"}) {
        series.setFamilyName(QByteArray(name));
        for (int r = 0; r < series.rowCount(); ++r) {
            for (int c = 0; c < series.columnCount(); ++c) {
                for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::BackgroundRole),
                                 int(SeriesTableModel::SortRole), int(SeriesTableModel::HighlightedRole)})
                    series.index(r, c).data(role);
            }
        }
    }
    series.setFamilyName("b_temperature");
    const GroupSnapshot changed = withFamily(group, gaugeFamily(9, 9)); // values only
    families.setGroup(changed);
    series.setGroup(changed);
    const GroupSnapshot moreSeries = withFamily(changed, family("b_temperature", MetricType::Gauge, {scalar(seriesLabels(), 1)}));
    families.setGroup(moreSeries);
    series.setGroup(moreSeries);
    const GroupSnapshot fewerFamilies = makeGroup({counterFamily()});
    families.setGroup(fewerFamilies);
    series.setGroup(fewerFamilies);
    families.setGroup(nullptr);
    series.setGroup(nullptr);
    QCOMPARE(families.rowCount(), 0);
    QCOMPARE(series.rowCount(), 0);
    QCOMPARE(series.columnCount(), 0);
}

void tst_MetricViewer::shouldShowOneRowPerFamily()
{
    FamilyTableModel model;
    QAbstractItemModelTester tester(&model, Reporting);
    model.setGroup(everyType());

    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(headers(model), (QStringList{u"Family"_s, u"Type"_s, u"Help"_s, u"Series"_s}));
    QCOMPARE(row(model, 0), (QStringList{u"a_total"_s, u"counter"_s, u"Runs."_s, u"1"_s}));
    QCOMPARE(row(model, 1), (QStringList{u"b_temperature"_s, u"gauge"_s, QString(), u"2"_s}));
    QCOMPARE(row(model, 2), (QStringList{u"c_untyped"_s, u"untyped"_s, QString(), u"1"_s}));
    QCOMPARE(row(model, 3), (QStringList{u"d_rpc"_s, u"summary"_s, QString(), u"1"_s}));
    QCOMPARE(row(model, 4), (QStringList{u"e_latency"_s, u"histogram"_s, QString(), u"1"_s}));
    QCOMPARE(row(model, 5), (QStringList{u"f_native"_s, u"histogram"_s, QString(), u"1"_s}));
    QCOMPARE(row(model, 6), (QStringList{u"g_float"_s, u"gauge histogram"_s, QString(), u"1"_s}));
    // An absent HELP says so in the tooltip; an empty one is just empty.
    QCOMPARE(model.index(1, FamilyTableModel::HelpColumn).data(Qt::ToolTipRole).toString(), u"No HELP line"_s);
    QCOMPARE(model.index(2, FamilyTableModel::HelpColumn).data(Qt::ToolTipRole).toString(), QString());
    QCOMPARE(model.index(4, 0).data(FamilyTableModel::FamilyNameRole).toByteArray(), "e_latency");
    QCOMPARE(model.rowOf("f_native"), 5);
    QCOMPARE(model.rowOf("nothing"), -1);
    QCOMPARE(model.family(1)->name, "b_temperature");
}

void tst_MetricViewer::shouldShowSeriesWithColumnsForTheirType()
{
    SeriesTableModel model;
    QAbstractItemModelTester tester(&model, Reporting);
    model.setGroup(everyType());

    model.setFamilyName("a_total");
    QCOMPARE(headers(model), (QStringList{u"Labels"_s, u"Value"_s}));
    QCOMPARE(row(model, 0), (QStringList{u"(no labels but the group's)"_s, u"3"_s}));
    QCOMPARE(model.index(0, 0).data(Qt::ToolTipRole).toString(), uR"({instance="", job="j"})"_s);

    model.setFamilyName("b_temperature"); // series in exposition order, not push order
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(row(model, 0), (QStringList{uR"(side="left")"_s, u"1.5"_s}));
    QCOMPARE(row(model, 1), (QStringList{uR"(side="right")"_s, u"-2"_s}));
    QCOMPARE(model.index(1, 1).data(SeriesTableModel::SortRole).toDouble(), -2.0);

    model.setFamilyName("c_untyped");
    QCOMPARE(row(model, 0).at(1), u"NaN"_s);

    model.setFamilyName("d_rpc");
    QCOMPARE(headers(model), (QStringList{u"Labels"_s, u"Count"_s, u"Sum"_s, u"q 0.5"_s, u"q 0.99"_s}));
    QCOMPARE(row(model, 0).mid(1), (QStringList{u"10"_s, u"5.5"_s, u"0.1"_s, u"0.9"_s}));
    QCOMPARE(model.columnKind(3), SeriesTableModel::ColumnKind::Quantile);

    model.setFamilyName("e_latency");
    QCOMPARE(headers(model), (QStringList{u"Labels"_s, u"Count"_s, u"Sum"_s, u"le 0.1"_s, u"le 1"_s}));
    QCOMPARE(row(model, 0).mid(1), (QStringList{u"4"_s, u"2.5"_s, u"1"_s, u"3"_s}));

    model.setFamilyName("f_native");
    QCOMPARE(headers(model), (QStringList{u"Labels"_s, u"Count"_s, u"Sum"_s, u"Schema"_s, u"Zero threshold"_s,
                                          u"Zero count"_s, u"Native buckets"_s}));
    QCOMPARE(row(model, 0).mid(1), (QStringList{u"6"_s, u"7"_s, u"0"_s, u"0.001"_s, u"1"_s, u"(0.5, 1]: 2  (1, 2]: 3"_s}));
    QCOMPARE(model.index(0, 6).data(Qt::ToolTipRole).toString(), u"(0.5, 1]: 2\n(1, 2]: 3"_s);

    model.setFamilyName("g_float");
    QCOMPARE(row(model, 0).mid(1, 5), (QStringList{u"4.5"_s, u"3"_s, u"3"_s, u"0"_s, u"0"_s}));
    QVERIFY(row(model, 0).at(6).endsWith(u", 1]: 4.5"_s));

    // A histogram with classic and native buckets has both kinds of columns.
    HistogramValue both;
    both.sampleCount = 3;
    both.buckets = {Bucket{1, 3, 0, {}}};
    both.native = std::make_shared<const NativeHistogram>(integerNative());
    model.setGroup(makeGroup({family("h_both", MetricType::Histogram, {Metric{seriesLabels(), both, std::nullopt}})}));
    model.setFamilyName("h_both");
    QCOMPARE(model.columnCount(), 8);
    QCOMPARE(model.columnKind(3), SeriesTableModel::ColumnKind::Bucket);
    QCOMPARE(model.columnKind(7), SeriesTableModel::ColumnKind::NativeBuckets);
}

void tst_MetricViewer::shouldUpdateInPlaceWhenOnlyValuesChange()
{
    FamilyTableModel families;
    SeriesTableModel series;
    QAbstractItemModelTester familyTester(&families, Reporting);
    QAbstractItemModelTester seriesTester(&series, Reporting);
    const GroupSnapshot before = everyType();
    families.setGroup(before);
    series.setGroup(before);
    series.setFamilyName("b_temperature");

    QSignalSpy familyResets(&families, &QAbstractItemModel::modelReset);
    QSignalSpy familyChanges(&families, &QAbstractItemModel::dataChanged);
    QSignalSpy seriesResets(&series, &QAbstractItemModel::modelReset);
    QSignalSpy seriesChanges(&series, &QAbstractItemModel::dataChanged);

    const GroupSnapshot after = withFamily(before, gaugeFamily(1.5, 5)); // only the right side changes
    families.setGroup(after);
    series.setGroup(after);

    QCOMPARE(familyResets.count(), 0);
    QCOMPARE(familyChanges.count(), 1);
    QCOMPARE(familyChanges.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(familyChanges.at(0).at(1).toModelIndex().row(), 1);
    QCOMPARE(seriesResets.count(), 0);
    QCOMPARE(seriesChanges.count(), 1);
    QCOMPARE(seriesChanges.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(seriesChanges.at(0).at(1).toModelIndex().row(), 1);
    QCOMPARE(series.index(1, 1).data().toString(), u"5"_s);

    // An identical snapshot announces nothing.
    families.setGroup(withFamily(after, gaugeFamily(1.5, 5)));
    series.setGroup(withFamily(after, gaugeFamily(1.5, 5)));
    QCOMPARE(familyChanges.count(), 1);
    QCOMPARE(seriesChanges.count(), 1);
}

void tst_MetricViewer::shouldResetWhenTheFamiliesChange()
{
    FamilyTableModel families;
    SeriesTableModel series;
    QAbstractItemModelTester familyTester(&families, Reporting);
    QAbstractItemModelTester seriesTester(&series, Reporting);
    families.setGroup(everyType());
    series.setGroup(everyType());
    series.setFamilyName("d_rpc");

    QSignalSpy familyResets(&families, &QAbstractItemModel::modelReset);
    QSignalSpy seriesResets(&series, &QAbstractItemModel::modelReset);
    // A new quantile is a new column: the series model resets, the family model does not.
    const GroupSnapshot newQuantile = withFamily(
        everyType(), family("d_rpc", MetricType::Summary, {summary(seriesLabels(), 10, 5.5, {Quantile{0.9, 1}})}));
    families.setGroup(newQuantile);
    series.setGroup(newQuantile);
    QCOMPARE(familyResets.count(), 0);
    QCOMPARE(seriesResets.count(), 1);
    QCOMPARE(headers(series), (QStringList{u"Labels"_s, u"Count"_s, u"Sum"_s, u"q 0.9"_s}));

    // A family less: the family model resets.
    families.setGroup(makeGroup({counterFamily()}));
    QCOMPARE(familyResets.count(), 1);
    QCOMPARE(families.rowCount(), 1);
}

void tst_MetricViewer::shouldHighlightAChangedValueOnly()
{
    SeriesTableModel model;
    QAbstractItemModelTester tester(&model, Reporting);
    std::chrono::steady_clock::time_point now{std::chrono::seconds(100)};
    model.setClock([&now] { return now; });
    QCOMPARE(model.highlightDuration(), 2000ms);

    const GroupSnapshot before = everyType();
    model.setGroup(before);
    model.setFamilyName("b_temperature");
    QVERIFY(!model.isHighlighted(0)); // nothing to compare the first snapshot with
    QVERIFY(!model.isHighlighted(1));

    model.setGroup(withFamily(before, gaugeFamily(1.5, 5))); // right changed, left did not
    QVERIFY(!model.isHighlighted(0));
    QVERIFY(model.isHighlighted(1));
    QCOMPARE(model.index(0, 1).data(SeriesTableModel::HighlightedRole).toBool(), false);
    QCOMPARE(model.index(1, 1).data(SeriesTableModel::HighlightedRole).toBool(), true);
    QVERIFY(!model.index(0, 1).data(Qt::BackgroundRole).isValid());
    QVERIFY(model.index(1, 1).data(Qt::BackgroundRole).isValid());
    QVERIFY(!model.index(1, 0).data(Qt::BackgroundRole).isValid()); // the labels cell stays plain

    // Still there just before the duration is up, gone (and announced) after it.
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    now += 1999ms;
    model.expireHighlights();
    QVERIFY(model.isHighlighted(1));
    QCOMPARE(changes.count(), 0);
    now += 1ms;
    model.expireHighlights();
    QVERIFY(!model.isHighlighted(1));
    QCOMPARE(changes.count(), 1);
    QVERIFY(!model.index(1, 1).data(Qt::BackgroundRole).isValid());
    const auto roles = changes.at(0).at(2).value<QList<int>>();
    QVERIFY(roles.contains(Qt::BackgroundRole));

    // A new series counts as changed; a duration of zero turns highlighting off.
    const GroupSnapshot third = withFamily(before, family("b_temperature", MetricType::Gauge,
                                                         {scalar(seriesLabels({{"side", "left"}}), 1.5),
                                                          scalar(seriesLabels({{"side", "right"}}), 5),
                                                          scalar(seriesLabels({{"side", "top"}}), 1)}));
    model.setGroup(third);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(!model.isHighlighted(0));
    QVERIFY(!model.isHighlighted(1));
    QVERIFY(model.isHighlighted(2));
    model.setHighlightDuration(0ms);
    model.setGroup(withFamily(third, gaugeFamily(0, 0)));
    QVERIFY(!model.isHighlighted(0));
}

void tst_MetricViewer::shouldHighlightChangesInOtherFamiliesToo()
{
    SeriesTableModel model;
    QAbstractItemModelTester tester(&model, Reporting);
    std::chrono::steady_clock::time_point now{};
    model.setClock([&now] { return now; });
    const GroupSnapshot before = everyType();
    model.setGroup(before);
    model.setFamilyName("a_total");

    model.setGroup(withFamily(before, classicFamily(2))); // the histogram changes while the counter is shown
    QVERIFY(!model.isHighlighted(0));
    model.setFamilyName("e_latency");
    QVERIFY(model.isHighlighted(0));
    now += 2s;
    model.expireHighlights();
    QVERIFY(!model.isHighlighted(0));
}

void tst_MetricViewer::shouldNotHighlightAnotherGroup()
{
    SeriesTableModel model;
    QAbstractItemModelTester tester(&model, Reporting);
    model.setGroup(makeGroup({counterFamily(1)}, key({{"job", "j"}})));
    model.setFamilyName("a_total");
    model.setGroup(makeGroup({counterFamily(2)}, key({{"job", "other"}})));
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(!model.isHighlighted(0));
}

void tst_MetricViewer::shouldExpireHighlightsOnTheTimer()
{
    SeriesTableModel model;
    QAbstractItemModelTester tester(&model, Reporting);
    model.setHighlightDuration(30ms); // the real clock and the model's own timer
    const GroupSnapshot before = makeGroup({counterFamily(1)});
    model.setGroup(before);
    model.setFamilyName("a_total");
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.setGroup(makeGroup({counterFamily(2)}));
    QVERIFY(model.isHighlighted(0));
    QTRY_VERIFY_WITH_TIMEOUT(!model.isHighlighted(0), 2000);
    QCOMPARE(changes.count(), 2); // the value, then the highlight's end
}

void tst_MetricViewer::shouldShowTheSelectedFamilysSeries()
{
    ViewerFixture f;
    f.viewer.setGroup(everyType());
    // The first family is selected at first.
    QCOMPARE(f.viewer.currentFamilyName(), "a_total");
    QCOMPARE(f.viewer.seriesModel()->rowCount(), 1);
    QVERIFY(f.viewer.chart()->isHidden());

    // Selecting in the family view shows that family's series, the first one current.
    QTableView *families = f.viewer.familyView();
    families->selectionModel()->setCurrentIndex(f.viewer.familyModel()->index(1, 0),
                                                QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(f.viewer.currentFamilyName(), "b_temperature");
    QCOMPARE(f.viewer.seriesModel()->rowCount(), 2);
    QCOMPARE(f.viewer.seriesView()->selectionModel()->currentIndex().row(), 0);
    QCOMPARE(f.viewer.selectedSeries().size(), 1);

    QVERIFY(f.viewer.selectFamily("f_native"));
    QCOMPARE(f.viewer.seriesModel()->index(0, 1).data().toString(), u"6"_s);
    QVERIFY(!f.viewer.chart()->isHidden());
    QCOMPARE(f.viewer.chart()->bars().size(), 3);
    QVERIFY(!f.viewer.selectFamily("absent"));
    QCOMPARE(f.viewer.currentFamilyName(), "f_native");
}

void tst_MetricViewer::shouldKeepTheSelectionAcrossSnapshots()
{
    ViewerFixture f;
    const GroupSnapshot before = everyType();
    f.viewer.setGroup(before);
    QVERIFY(f.viewer.selectFamily("b_temperature"));
    QVERIFY(f.viewer.selectSeries(seriesLabels({{"side", "right"}})));

    // Values only.
    f.viewer.setGroup(withFamily(before, gaugeFamily(7, 8)));
    QCOMPARE(f.viewer.currentFamilyName(), "b_temperature");
    QCOMPARE(f.viewer.selectedSeries().size(), 1);
    QCOMPARE(f.viewer.selectedSeries().constFirst()->scalar()->value, 8.0);

    // A family less (a reset of the family model): the family and series are found again.
    GroupSnapshot smaller = makeGroup({gaugeFamily(7, 9), counterFamily()});
    f.viewer.setGroup(smaller);
    QCOMPARE(f.viewer.currentFamilyName(), "b_temperature");
    QCOMPARE(f.viewer.familyView()->selectionModel()->currentIndex().row(), 1);
    QCOMPARE(f.viewer.selectedSeries().size(), 1);
    QCOMPARE(f.viewer.selectedSeries().constFirst()->scalar()->value, 9.0);

    // The family is gone: the first one is shown.
    f.viewer.setGroup(makeGroup({counterFamily()}));
    QCOMPARE(f.viewer.currentFamilyName(), "a_total");
    QCOMPARE(f.viewer.selectedSeries().size(), 1);
}

void tst_MetricViewer::shouldClearOnNull()
{
    ViewerFixture f;
    f.viewer.setGroup(everyType());
    QVERIFY(f.viewer.selectFamily("e_latency"));
    f.viewer.setGroup(nullptr);
    QCOMPARE(f.viewer.familyModel()->rowCount(), 0);
    QCOMPARE(f.viewer.seriesModel()->rowCount(), 0);
    QCOMPARE(f.viewer.currentFamilyName(), QByteArray());
    QVERIFY(f.viewer.chart()->bars().isEmpty());
    QVERIFY(!f.viewer.copySeriesAction()->isEnabled());
    QVERIFY(!f.viewer.copyGroupAction()->isEnabled());
    f.viewer.copyGroup(); // nothing to copy, and no crash
    f.viewer.copySelectedSeries();
    QCOMPARE(QGuiApplication::clipboard()->text(), QString());
}

void tst_MetricViewer::shouldCopyTheGroupsExpositionText()
{
    ViewerFixture f;
    f.viewer.setGroup(makeGroup({classicFamily(), counterFamily(), gaugeFamily()}));
    QVERIFY(f.viewer.copyGroupAction()->isEnabled());
    f.viewer.copyGroupAction()->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(),
             uR"(# HELP a_total Runs.
# TYPE a_total counter
a_total{instance="",job="j"} 3
# TYPE b_temperature gauge
b_temperature{instance="",job="j",side="left"} 1.5
b_temperature{instance="",job="j",side="right"} -2
# TYPE e_latency histogram
e_latency_bucket{instance="",job="j",le="0.1"} 1
e_latency_bucket{instance="",job="j",le="1"} 3
e_latency_bucket{instance="",job="j",le="+Inf"} 4
e_latency_sum{instance="",job="j"} 2.5
e_latency_count{instance="",job="j"} 4
)"_s);
}

void tst_MetricViewer::shouldCopyTheSelectedSeries()
{
    ViewerFixture f;
    f.viewer.setGroup(everyType());
    QVERIFY(f.viewer.selectFamily("b_temperature"));
    QVERIFY(f.viewer.selectSeries(seriesLabels({{"side", "right"}})));
    f.viewer.copySeriesAction()->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), uR"(b_temperature{instance="",job="j",side="right"} -2
)"_s);

    // Several rows: in row order.
    f.viewer.seriesView()->selectAll();
    f.viewer.copySelectedSeries();
    QCOMPARE(QGuiApplication::clipboard()->text(), uR"(b_temperature{instance="",job="j",side="left"} 1.5
b_temperature{instance="",job="j",side="right"} -2
)"_s);

    // A summary's series is all its lines.
    QVERIFY(f.viewer.selectFamily("d_rpc"));
    f.viewer.copySelectedSeries();
    QCOMPARE(QGuiApplication::clipboard()->text(), uR"(d_rpc{instance="",job="j",quantile="0.5"} 0.1
d_rpc{instance="",job="j",quantile="0.99"} 0.9
d_rpc_sum{instance="",job="j"} 5.5
d_rpc_count{instance="",job="j"} 10
)"_s);
}

void tst_MetricViewer::shouldCopyWithTheKeyboard()
{
    ViewerFixture f;
    f.viewer.setGroup(everyType());
    f.viewer.resize(800, 600);
    f.viewer.show();
    QApplication::setActiveWindow(&f.viewer);
    QVERIFY(QTest::qWaitForWindowActive(&f.viewer));
    QVERIFY(f.viewer.selectFamily("b_temperature"));
    QVERIFY(f.viewer.selectSeries(seriesLabels({{"side", "left"}})));

    f.viewer.seriesView()->setFocus();
    QTest::keySequence(f.viewer.seriesView(), QKeySequence::Copy);
    QCOMPARE(QGuiApplication::clipboard()->text(), uR"(b_temperature{instance="",job="j",side="left"} 1.5
)"_s);

    f.viewer.familyView()->setFocus();
    QTest::keySequence(f.viewer.familyView(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    QVERIFY(QGuiApplication::clipboard()->text().startsWith(u"# HELP a_total Runs.\n"_s));
}

void tst_MetricViewer::shouldShowAGroupFromTheStore()
{
    MetricStore::Options options;
    options.clock = [] { return UnixNanos(1'700'000'000) * 1'000'000'000; };
    MetricStore store(options);
    const GroupingKey groupKey = key({{"job", "batch"}, {"instance", "host1"}});
    QVERIFY(!store.push(groupKey, {family("runs_total", MetricType::Counter, {scalar({}, 4)})}, PushMode::ReplaceAll));

    ViewerFixture f;
    f.viewer.setGroup(store.group(groupKey));
    QCOMPARE(f.viewer.familyModel()->rowCount(), 3); // with push_time_seconds, push_failure_time_seconds
    QVERIFY(f.viewer.selectFamily("runs_total"));
    QCOMPARE(f.viewer.seriesModel()->index(0, 0).data().toString(), u"(no labels but the group's)"_s);
    f.viewer.copySeriesAction()->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), uR"(runs_total{instance="host1",job="batch"} 4
)"_s);
    f.viewer.copyGroup();
    const QString text = QGuiApplication::clipboard()->text();
    QVERIFY2(text.contains(uR"(push_time_seconds{instance="host1",job="batch"} 1.7e+09)"_s), qPrintable(text));
    QVERIFY(text.contains(uR"(runs_total{instance="host1",job="batch"} 4)"_s));
}

void tst_MetricViewer::shouldComputePerBucketCounts()
{
    // Classic: cumulative 1, 3 and a count of 4 become 1, 2 and 1 (the last up to +Inf).
    const HistogramValue classic = *classicFamily().metrics.constFirst().histogram();
    const QList<HistogramBar> bars = histogramBars(classic);
    const QList<HistogramBar> expected{{-Inf, 0.1, 1, false}, {0.1, 1, 2, false}, {1, Inf, 1, false}};
    QCOMPARE(bars, expected);
    QCOMPARE(bucketRangeText(bars.at(1)), u"(0.1, 1]"_s);

    // An explicit +Inf bucket gets no second one; a count that drops gives an empty bar.
    HistogramValue explicitInf;
    explicitInf.sampleCount = 5;
    explicitInf.buckets = {Bucket{1, 3, 0, {}}, Bucket{2, 2, 0, {}}, Bucket{Inf, 5, 0, {}}};
    const QList<HistogramBar> withInf{{-Inf, 1, 3, false}, {1, 2, 0, false}, {2, Inf, 2, false}};
    QCOMPARE(histogramBars(explicitInf), withInf);

    // Native: the zero bucket and the decoded buckets, negative ones with their closed end below.
    const HistogramValue native = *family("n", MetricType::Histogram, {nativeHistogram({}, integerNative(), 6, 7)})
                                       .metrics.constFirst().histogram();
    const QList<HistogramBar> nativeBars{{-0.001, 0.001, 1, false}, {0.5, 1, 2, false}, {1, 2, 3, false}};
    QCOMPARE(histogramBars(native), nativeBars);
    QCOMPARE(bucketRangeText(HistogramBar{-2, -1, 1, true}), u"[-2, -1)"_s);
    QVERIFY(histogramBars(HistogramValue{}).isEmpty());
}

void tst_MetricViewer::shouldPaintEmptyClassicAndNativeHistograms()
{
    HistogramChart chart;
    QVERIFY(!chart.accessibleName().isEmpty());
    QVERIFY(chart.sizeHint().isValid());
    QVERIFY(chart.sizeHint().width() >= chart.minimumSizeHint().width());
    const QColor base = chart.palette().color(QPalette::Base);
    const QColor bar = chart.palette().color(QPalette::Highlight);

    // Empty: the background and a line of text, no bars.
    const QImage empty = render(chart);
    QCOMPARE(pixelsOf(empty, Qt::magenta), 0); // every pixel painted
    QVERIFY(pixelsOf(empty, base) < empty.width() * empty.height()); // the text
    QCOMPARE(pixelsOf(empty, bar), 0);

    chart.setHistogram(*classicFamily().metrics.constFirst().histogram());
    QCOMPARE(chart.bars().size(), 3);
    const QImage classic = render(chart);
    const int classicBars = pixelsOf(classic, bar);
    QVERIFY(classicBars > 100);
    // The tallest bar (the middle one, 2 of 4) reaches higher than the others.
    const int columnOf = classic.width() / 2;
    int middleHeight = 0;
    int firstHeight = 0;
    for (int y = 0; y < classic.height(); ++y) {
        middleHeight += classic.pixelColor(columnOf, y).rgb() == bar.rgb() ? 1 : 0;
        firstHeight += classic.pixelColor(classic.width() / 6, y).rgb() == bar.rgb() ? 1 : 0;
    }
    QVERIFY(middleHeight > firstHeight);
    QVERIFY(firstHeight > 0);

    HistogramValue native;
    native.native = std::make_shared<const NativeHistogram>(integerNative());
    chart.setHistogram(native);
    QCOMPARE(chart.bars().size(), 3);
    QVERIFY(pixelsOf(render(chart), bar) > 100);
    QVERIFY(chart.accessibleDescription().contains(u"3 bucket"_s));

    // All buckets empty, and a chart too small for its plot: no bars, no crash.
    chart.setBars({HistogramBar{0, 1, 0, false}});
    QCOMPARE(pixelsOf(render(chart), bar), 0);
    chart.setHistogram(*classicFamily().metrics.constFirst().histogram());
    chart.resize(4, 4);
    QImage tiny(chart.size(), QImage::Format_ARGB32);
    chart.render(&tiny);

    chart.clear();
    QVERIFY(chart.bars().isEmpty());
}

void tst_MetricViewer::shouldFollowTheSelectedSeriesInTheChart()
{
    ViewerFixture f;
    const GroupSnapshot group = makeGroup({family("e_latency", MetricType::Histogram,
                                                  {histogram(seriesLabels({{"path", "/a"}}), 1, 1, {Bucket{1, 1, 0, {}}}),
                                                   histogram(seriesLabels({{"path", "/b"}}), 4, 1, {Bucket{1, 2, 0, {}}, Bucket{2, 3, 0, {}}})})});
    f.viewer.setGroup(group);
    QCOMPARE(f.viewer.chart()->bars().size(), 1); // /a: one bucket, nothing above it
    QVERIFY(f.viewer.selectSeries(seriesLabels({{"path", "/b"}})));
    QCOMPARE(f.viewer.chart()->bars().size(), 3);
    // A new snapshot of the selected series redraws it.
    f.viewer.setGroup(withFamily(group, family("e_latency", MetricType::Histogram,
                                               {histogram(seriesLabels({{"path", "/a"}}), 1, 1, {Bucket{1, 1, 0, {}}}),
                                                histogram(seriesLabels({{"path", "/b"}}), 9, 1, {Bucket{1, 2, 0, {}}, Bucket{2, 3, 0, {}}})})));
    QCOMPARE(f.viewer.chart()->bars().constLast().count, 6.0);
}

QTEST_MAIN(tst_MetricViewer)
#include "tst_metricviewer.moc"
