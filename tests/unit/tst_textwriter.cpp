#include "format/textwriter.h"

#include <QLocale>
#include <QScopeGuard>
#include <QTest>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <limits>
#include <locale>
#include <random>
#include <stdexcept>
#include <string>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::MetricFamily)
Q_DECLARE_METATYPE(qpgw::NameEscaping)

namespace {

constexpr double Inf = std::numeric_limits<double>::infinity();
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// ---- Builders: the tests state data, not plumbing. ----

Labels makeLabels(std::initializer_list<std::pair<QByteArrayView, QByteArrayView>> pairs)
{
    Labels labels;
    for (const auto &[name, value] : pairs)
        labels.append(LabelPair{name.toByteArray(), value.toByteArray()});
    return labels;
}

Metric scalarMetric(Labels labels, double value)
{
    ScalarValue scalar;
    scalar.value = value;
    Metric metric;
    metric.labels = std::move(labels);
    metric.value = scalar;
    return metric;
}

Metric summaryMetric(Labels labels, quint64 count, double sum, QList<Quantile> quantiles)
{
    SummaryValue summary;
    summary.sampleCount = count;
    summary.sampleSum = sum;
    summary.quantiles = std::move(quantiles);
    Metric metric;
    metric.labels = std::move(labels);
    metric.value = summary;
    return metric;
}

Quantile quantile(double q, double value)
{
    Quantile result;
    result.quantile = q;
    result.value = value;
    return result;
}

// Classic integer histogram: (upper bound, cumulative count) pairs.
HistogramValue intHistogram(quint64 count, double sum, QList<std::pair<double, quint64>> buckets)
{
    HistogramValue histogram;
    histogram.sampleCount = count;
    histogram.sampleSum = sum;
    for (const auto &[upperBound, cumulative] : buckets) {
        Bucket bucket;
        bucket.upperBound = upperBound;
        bucket.cumulativeCount = cumulative;
        histogram.buckets.append(bucket);
    }
    return histogram;
}

// Classic float histogram: counts only in the float fields, as a protobuf push carries them.
HistogramValue floatHistogram(double count, double sum, QList<std::pair<double, double>> buckets)
{
    HistogramValue histogram;
    histogram.sampleCountFloat = count;
    histogram.sampleSum = sum;
    for (const auto &[upperBound, cumulative] : buckets) {
        Bucket bucket;
        bucket.upperBound = upperBound;
        bucket.cumulativeCountFloat = cumulative;
        histogram.buckets.append(bucket);
    }
    return histogram;
}

// The native float histogram of the reference's TestPush (behaviour spec H2.i): count 20,
// sum 99.23, schema 1, spans [{0,2},{0,2}] on both sides, counts [2,2,-2,0].
HistogramValue nativeFloatHistogram()
{
    HistogramValue histogram;
    histogram.sampleCountFloat = 20;
    histogram.sampleSum = 99.23;
    auto native = std::make_shared<NativeHistogram>();
    native->schema = 1;
    native->negativeSpans = {BucketSpan{0, 2}, BucketSpan{0, 2}};
    native->positiveSpans = {BucketSpan{0, 2}, BucketSpan{0, 2}};
    native->negativeCounts = {2, 2, -2, 0};
    native->positiveCounts = {2, 2, -2, 0};
    histogram.native = native;
    return histogram;
}

HistogramValue nativeIntHistogram()
{
    HistogramValue histogram;
    histogram.sampleCount = 20;
    histogram.sampleSum = 99.23;
    auto native = std::make_shared<NativeHistogram>();
    native->schema = 1;
    native->zeroThreshold = 0.001;
    native->zeroCount = 4;
    native->positiveSpans = {BucketSpan{0, 2}};
    native->positiveDeltas = {8, 0};
    histogram.native = native;
    return histogram;
}

Metric histogramMetric(Labels labels, HistogramValue histogram)
{
    Metric metric;
    metric.labels = std::move(labels);
    metric.value = std::move(histogram);
    return metric;
}

MetricFamily makeFamily(QByteArray name, MetricType type, QList<Metric> metrics,
                        std::optional<QByteArray> help = std::nullopt)
{
    MetricFamily family;
    family.name = std::move(name);
    family.type = type;
    family.metrics = std::move(metrics);
    family.help = std::move(help);
    return family;
}

QByteArray familyText(const MetricFamily &family, NameEscaping escaping = NameEscaping::Underscores)
{
    QByteArray out;
    writeFamily(out, family, escaping);
    return out;
}

// The family assembled from the small pieces, the way the store caches and merges it.
QByteArray familyTextFromPieces(const MetricFamily &family, NameEscaping escaping)
{
    QByteArray out;
    writeFamilyHeader(out, family.name, family.help, family.type, escaping);
    for (const Metric &metric : family.metrics)
        writeMetricSamples(out, family.name, family.type, metric, escaping);
    return out;
}

// ---- Number checks that do not depend on the code under test. ----

int significantDigits(QByteArrayView mantissa)
{
    std::string digits;
    for (const char c : mantissa) {
        if (c >= '0' && c <= '9')
            digits += c;
    }
    const auto first = digits.find_first_not_of('0');
    if (first == std::string::npos)
        return 1;
    const auto last = digits.find_last_not_of('0');
    return int(last - first + 1);
}

bool readsBackAs(const char *begin, const char *end, double expected)
{
    double parsed = 0;
    const auto result = std::from_chars(begin, end, parsed);
    return result.ec == std::errc() && result.ptr == end
        && std::bit_cast<quint64>(parsed) == std::bit_cast<quint64>(expected);
}

bool isDigits(QByteArrayView text)
{
    return !text.isEmpty()
        && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Empty when formatGoFloat(x) is right for a finite x: it reads back as x, it has the Go %g
// layout for its magnitude, and one significant digit fewer would not read back as x.
QByteArray problemWith(double x)
{
    const QByteArray text = formatGoFloat(x);
    const QByteArray context = " for " + QByteArray::number(x, 'g', 17) + ": \"" + text + '"';
    if (!readsBackAs(text.cbegin(), text.cend(), x))
        return "does not read back" + context;

    QByteArrayView unsignedText = text;
    if (unsignedText.startsWith('-'))
        unsignedText = unsignedText.sliced(1);
    const qsizetype e = unsignedText.indexOf('e');
    const double magnitude = std::fabs(x);
    const bool wantExponent = magnitude < 1e-4 || magnitude >= 1e6;
    if ((e >= 0) != wantExponent)
        return "wrong notation" + context;

    const QByteArrayView mantissa = e >= 0 ? unsignedText.first(e) : unsignedText;
    const qsizetype point = mantissa.indexOf('.');
    const QByteArrayView integerPart = point >= 0 ? mantissa.first(point) : mantissa;
    if (!isDigits(integerPart) || (point >= 0 && !isDigits(mantissa.sliced(point + 1))))
        return "malformed mantissa" + context;
    if (point >= 0 && mantissa.endsWith('0'))
        return "trailing zero in the fraction" + context;
    if (e >= 0) {
        const QByteArrayView exponent = unsignedText.sliced(e + 1);
        if (integerPart.size() != 1 || integerPart == "0")
            return "exponent form without one leading digit" + context;
        if (exponent.size() < 3 || (exponent[0] != '+' && exponent[0] != '-')
            || !isDigits(exponent.sliced(1)))
            return "exponent without sign and two digits" + context;
    } else if (integerPart.size() > 1 && integerPart.startsWith('0')) {
        return "leading zero" + context;
    }

    const int digits = significantDigits(mantissa);
    if (digits > 1) {
        char shorter[64];
        const auto result = std::to_chars(shorter, shorter + sizeof shorter, x,
                                          std::chars_format::scientific, digits - 2);
        if (readsBackAs(shorter, result.ptr, x))
            return "not the shortest: " + QByteArray(shorter, result.ptr - shorter) + " reads back"
                + context;
    }
    return {};
}

// A sample of doubles with interesting digits: random bit patterns, short decimals at every
// scale, integers, and the neighbours of the notation boundaries.
QList<double> sampleDoubles()
{
    QList<double> values;
    std::mt19937_64 random(0x5eed'2024);
    while (values.size() < 200'000) {
        const double x = std::bit_cast<double>(random());
        if (std::isfinite(x))
            values.append(x);
    }
    std::uniform_int_distribution<int> digitCount(1, 17);
    std::uniform_int_distribution<int> exponent(-30, 30);
    for (int i = 0; i < 100'000; ++i) {
        const std::string text = std::to_string(random() % 100'000'000'000'000'000ULL)
                                     .substr(0, size_t(digitCount(random)))
            + 'e' + std::to_string(exponent(random));
        double x = 0;
        std::from_chars(text.data(), text.data() + text.size(), x);
        values.append(i % 2 ? x : -x);
    }
    std::uniform_int_distribution<qint64> integer(-3'000'000, 3'000'000);
    for (int i = 0; i < 50'000; ++i)
        values.append(double(integer(random)));
    for (const double boundary : {1e-4, 1e6, 999999.5, 1e-5, 1.0, 0.5, 1e15, 1e21, DBL_MIN, DBL_MAX}) {
        double below = boundary;
        double above = boundary;
        for (int i = 0; i < 50; ++i) {
            below = std::nextafter(below, 0.0);
            above = std::nextafter(above, Inf);
            values << below << above << -below;
        }
    }
    for (int power = -1074; power <= 1023; ++power)
        values << std::ldexp(1.0, power);
    values.removeIf([](double x) { return !std::isfinite(x); }); // nextafter(DBL_MAX) is +Inf
    return values;
}

} // namespace

class TestTextWriter : public QObject
{
    Q_OBJECT

private slots:
    void formatsNumbersLikeGo_data();
    void formatsNumbersLikeGo();
    void formatsEveryDoubleShortestAndRoundTripping();
    void appendsNumbersWithoutReallocating();
    void writesNegativeZeroSampleAsZero();

    void escapesHelp_data();
    void escapesHelp();
    void writesTypeWordForEveryType_data();
    void writesTypeWordForEveryType();
    void escapesLabelValues_data();
    void escapesLabelValues();

    void writesSampleLayout_data();
    void writesSampleLayout();
    void writesNames_data();
    void writesNames();

    void sortsFamiliesBytewise();
    void sortsSeriesAndTheirLabels();
    void sortsFamiliesByNameBeforeEscaping();
    void dropsFamiliesWithoutSeriesOrName();
    void writesSameTextForAnyInputOrder();
    void quotesUtf8NamesForAllowUtf8Scrapes();

    void ignoresProcessLocale();
};

// ---- Numbers ----

void TestTextWriter::formatsNumbersLikeGo_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("expected");

    // Expected strings are Go's strconv.FormatFloat(v, 'g', -1, 64), including the behaviour
    // spec's examples (section 3.5) and prometheus/common's text writer tests.
    const auto row = [](const char *tag, double value, const char *expected) {
        QTest::newRow(tag) << value << QByteArray(expected);
    };
    row("zero", 0.0, "0");
    row("negative zero", -0.0, "-0");
    row("one", 1.0, "1");
    row("minus one", -1.0, "-1");
    row("small integer", 42.0, "42");
    row("1e5", 1e5, "100000");
    row("999999", 999999.0, "999999");
    row("1e6", 1e6, "1e+06");
    row("-1e6", -1e6, "-1e+06");
    row("1234567", 1234567.0, "1.234567e+06");
    row("9999995", 9999995.0, "9.999995e+06");
    row("999999.5", 999999.5, "999999.5");
    row("below 1e6", 999999.9999999999, "999999.9999999999");
    row("123456.7", 123456.7, "123456.7");
    row("250000", 250000.0, "250000");
    row("0.0001", 0.0001, "0.0001");
    row("0.00012345", 0.00012345, "0.00012345");
    row("above 1e-4", 0.00010000000000000003, "0.00010000000000000003");
    row("below 1e-4", 9.999999999999999e-05, "9.999999999999999e-05");
    row("1e-5", 1e-5, "1e-05");
    row("1.5e-5", 1.5e-5, "1.5e-05");
    row("1e-7", 1e-7, "1e-07");
    row("0.0025", 0.0025, "0.0025");
    row("0.1", 0.1, "0.1");
    row("0.5", 0.5, "0.5");
    row("0.1 + 0.2", 0.1 + 0.2, "0.30000000000000004");
    row("3.14", 3.14, "3.14");
    row("-3.4567", -3.4567, "-3.4567");
    row("99.23", 99.23, "99.23");
    row("2010.1971", 2010.1971, "2010.1971");
    row("12345.678", 12345.678, "12345.678");
    row("0.2342354", 0.2342354, "0.2342354");
    row("1756047.3", 1756047.3, "1.7560473e+06");
    row("push time", 1795346231.9054031, "1.7953462319054031e+09");
    row("api example", 1.583781848025745e+09, "1.583781848025745e+09");
    row("1e15", 1e15, "1e+15");
    row("123456789012", 123456789012.0, "1.23456789012e+11");
    row("2^53", 9007199254740992.0, "9.007199254740992e+15");
    row("2^63", 9223372036854775808.0, "9.223372036854776e+18");
    row("2^64", 18446744073709551616.0, "1.8446744073709552e+19");
    row("1e21", 1e21, "1e+21");
    row("8.41e21", 8.41e21, "8.41e+21");
    row("1e23", 1e23, "1e+23");
    row("3.14e42", 3.14e42, "3.14e+42");
    row("1e100", 1e100, "1e+100");
    row("1e-100", 1e-100, "1e-100");
    row("-1.23e-45", -1.23e-45, "-1.23e-45");
    row("DBL_MAX", DBL_MAX, "1.7976931348623157e+308");
    row("-DBL_MAX", -DBL_MAX, "-1.7976931348623157e+308");
    row("DBL_MIN", DBL_MIN, "2.2250738585072014e-308");
    row("largest denormal", std::nextafter(DBL_MIN, 0.0), "2.225073858507201e-308");
    row("denormal", 5e-310, "5e-310");
    row("smallest denormal", std::numeric_limits<double>::denorm_min(), "5e-324");
    row("-smallest denormal", -std::numeric_limits<double>::denorm_min(), "-5e-324");
    row("+Inf", Inf, "+Inf");
    row("-Inf", -Inf, "-Inf");
    row("NaN", NaN, "NaN");
    row("negative NaN", -NaN, "NaN");
}

void TestTextWriter::formatsNumbersLikeGo()
{
    QFETCH(double, value);
    QFETCH(QByteArray, expected);

    QCOMPARE(formatGoFloat(value), expected);

    QByteArray appended = "x="_ba;
    appendGoFloat(appended, value);
    QCOMPARE(appended, QByteArray("x="_ba + expected));
}

void TestTextWriter::formatsEveryDoubleShortestAndRoundTripping()
{
    const QList<double> values = sampleDoubles();
    for (const double x : values) {
        const QByteArray problem = problemWith(x);
        QVERIFY2(problem.isEmpty(), problem.constData());
    }
}

void TestTextWriter::appendsNumbersWithoutReallocating()
{
    // Hot path: appending into a buffer with room must not allocate.
    QByteArray out;
    out.reserve(4096);
    const char *const data = out.constData();
    for (const double x : {3.14, 1e6, 1.7953462319054031e+09, -0.0, 5e-324, DBL_MAX, 42.0, NaN}) {
        appendGoFloat(out, x);
        out.append(' ');
    }
    QCOMPARE(out.constData(), data);
    QCOMPARE(out, "3.14 1e+06 1.7953462319054031e+09 -0 5e-324 1.7976931348623157e+308 42 NaN "_ba);
}

void TestTextWriter::writesNegativeZeroSampleAsZero()
{
    // The reference's text writer tests `f == 0` before formatting, so a sample, bucket bound
    // or quantile of -0 prints as "0" while strconv alone prints "-0".
    QCOMPARE(formatGoFloat(-0.0), "-0"_ba);
    const MetricFamily family = makeFamily("m", MetricType::Summary,
                                           {summaryMetric({}, 1, -0.0, {quantile(-0.0, -0.0)})});
    QCOMPARE(familyText(family), "# TYPE m summary\nm{quantile=\"0\"} 0\nm_sum 0\nm_count 1\n"_ba);
    const MetricFamily gauge = makeFamily("g", MetricType::Gauge, {scalarMetric({}, -0.0)});
    QCOMPARE(familyText(gauge), "# TYPE g gauge\ng 0\n"_ba);
}

// ---- Header and escaping ----

void TestTextWriter::escapesHelp_data()
{
    QTest::addColumn<bool>("hasHelp");
    QTest::addColumn<QByteArray>("help");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("no help: no HELP line") << false << QByteArray() << "# TYPE name gauge\n"_ba;
    QTest::newRow("empty help still prints the line")
        << true << QByteArray("") << "# HELP name \n# TYPE name gauge\n"_ba;
    QTest::newRow("plain") << true << "Some help."_ba << "# HELP name Some help.\n# TYPE name gauge\n"_ba;
    QTest::newRow("backslash and newline (Go test 0)")
        << true << "two-line\n doc  str\\ing"_ba
        << "# HELP name two-line\\n doc  str\\\\ing\n# TYPE name gauge\n"_ba;
    QTest::newRow("double quote stays (Go test 1)")
        << true << "gauge\ndoc\nstr\"ing"_ba << "# HELP name gauge\\ndoc\\nstr\"ing\n# TYPE name gauge\n"_ba;
    QTest::newRow("trailing backslash") << true << "C:\\"_ba << "# HELP name C:\\\\\n# TYPE name gauge\n"_ba;
    QTest::newRow("tab, CR and UTF-8 untouched")
        << true << "a\tb\rc Björn 佖佥"_ba << "# HELP name a\tb\rc Björn 佖佥\n# TYPE name gauge\n"_ba;
    QTest::newRow("only escapes") << true << "\\\n\\"_ba << "# HELP name \\\\\\n\\\\\n# TYPE name gauge\n"_ba;
}

void TestTextWriter::escapesHelp()
{
    QFETCH(bool, hasHelp);
    QFETCH(QByteArray, help);
    QFETCH(QByteArray, expected);

    QByteArray out;
    writeFamilyHeader(out, "name", hasHelp ? std::optional(help) : std::nullopt, MetricType::Gauge);
    QCOMPARE(out, expected);
}

void TestTextWriter::writesTypeWordForEveryType_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("counter") << int(MetricType::Counter) << "# TYPE m counter\n"_ba;
    QTest::newRow("gauge") << int(MetricType::Gauge) << "# TYPE m gauge\n"_ba;
    QTest::newRow("summary") << int(MetricType::Summary) << "# TYPE m summary\n"_ba;
    QTest::newRow("untyped") << int(MetricType::Untyped) << "# TYPE m untyped\n"_ba;
    QTest::newRow("histogram") << int(MetricType::Histogram) << "# TYPE m histogram\n"_ba;
    QTest::newRow("gauge histogram prints as histogram")
        << int(MetricType::GaugeHistogram) << "# TYPE m histogram\n"_ba;
}

void TestTextWriter::writesTypeWordForEveryType()
{
    QFETCH(int, type);
    QFETCH(QByteArray, expected);

    QByteArray out;
    writeFamilyHeader(out, "m", std::nullopt, MetricType(type));
    QCOMPARE(out, expected);
}

void TestTextWriter::escapesLabelValues_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("plain") << "v"_ba << "v"_ba;
    QTest::newRow("empty") << ""_ba << ""_ba;
    QTest::newRow("newline") << "val with\nnew line"_ba << "val with\\nnew line"_ba;
    QTest::newRow("backslash and quotes")
        << "val with \\backslash and \"quotes\""_ba << "val with \\\\backslash and \\\"quotes\\\""_ba;
    QTest::newRow("trailing backslash") << "C:\\"_ba << "C:\\\\"_ba;
    QTest::newRow("only specials") << "\"\\\n"_ba << "\\\"\\\\\\n"_ba;
    QTest::newRow("UTF-8 untouched") << "Björn 佖佥"_ba << "Björn 佖佥"_ba;
    QTest::newRow("tab and CR untouched") << "a\tb\r"_ba << "a\tb\r"_ba;
    QTest::newRow("invalid UTF-8 passes through") << "\xff\xfe"_ba << "\xff\xfe"_ba;
    QTest::newRow("braces and equals") << "{a=\"b\"}"_ba << "{a=\\\"b\\\"}"_ba;
}

void TestTextWriter::escapesLabelValues()
{
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, expected);

    QByteArray out;
    writeMetricSamples(out, "m", MetricType::Gauge,
                       scalarMetric(makeLabels({{"a", value}, {"b", "x"}}), 1));
    QCOMPARE(out, QByteArray("m{a=\"" + expected + "\",b=\"x\"} 1\n"));
}

// ---- Sample layout per type ----

void TestTextWriter::writesSampleLayout_data()
{
    QTest::addColumn<MetricFamily>("family");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("counter")
        << makeFamily("http_requests_total", MetricType::Counter,
                      {scalarMetric(makeLabels({{"code", "200"}, {"method", "get"}}), 1027),
                       scalarMetric(makeLabels({{"code", "400"}, {"method", "post"}}), 3)},
                      "Total requests."_ba)
        << "# HELP http_requests_total Total requests.\n"
           "# TYPE http_requests_total counter\n"
           "http_requests_total{code=\"200\",method=\"get\"} 1027\n"
           "http_requests_total{code=\"400\",method=\"post\"} 3\n"_ba;

    QTest::newRow("gauge, special values")
        << makeFamily("temperature", MetricType::Gauge,
                      {scalarMetric({}, NaN), scalarMetric(makeLabels({{"a", "x"}}), Inf),
                       scalarMetric(makeLabels({{"a", "y"}}), -Inf),
                       scalarMetric(makeLabels({{"a", "w"}}), 1e-5)})
        << "# TYPE temperature gauge\n"
           "temperature NaN\n"
           "temperature{a=\"x\"} +Inf\n"
           "temperature{a=\"y\"} -Inf\n"
           "temperature{a=\"w\"} 1e-05\n"_ba;

    Metric stamped = scalarMetric(makeLabels({{"job", "j"}}), 42);
    stamped.timestampMs = 1000;
    QTest::newRow("untyped, timestamp never written")
        << makeFamily("x", MetricType::Untyped, {stamped})
        << "# TYPE x untyped\nx{job=\"j\"} 42\n"_ba;

    QTest::newRow("summary")
        << makeFamily("rpc_duration_seconds", MetricType::Summary,
                      {summaryMetric(makeLabels({{"service", "a"}}), 1234567, 17.5,
                                     {quantile(0.5, 0.012), quantile(0.9, 0.05), quantile(0.99, 0.1)})},
                      "RPC latency."_ba)
        << "# HELP rpc_duration_seconds RPC latency.\n"
           "# TYPE rpc_duration_seconds summary\n"
           "rpc_duration_seconds{service=\"a\",quantile=\"0.5\"} 0.012\n"
           "rpc_duration_seconds{service=\"a\",quantile=\"0.9\"} 0.05\n"
           "rpc_duration_seconds{service=\"a\",quantile=\"0.99\"} 0.1\n"
           "rpc_duration_seconds_sum{service=\"a\"} 17.5\n"
           "rpc_duration_seconds_count{service=\"a\"} 1.234567e+06\n"_ba;

    // prometheus/common's TestCreate scenario 4.
    QTest::newRow("summary (Go test 4)")
        << makeFamily("summary_name", MetricType::Summary,
                      {summaryMetric({}, 42, -3.4567,
                                     {quantile(0.5, -1.23), quantile(0.9, .2342354), quantile(0.99, 0)}),
                       summaryMetric(makeLabels({{"name_1", "value 1"}, {"name_2", "value 2"}}), 4711,
                                     2010.1971, {quantile(0.5, 1), quantile(0.9, 2), quantile(0.99, 3)})},
                      "summary docstring"_ba)
        << "# HELP summary_name summary docstring\n"
           "# TYPE summary_name summary\n"
           "summary_name{quantile=\"0.5\"} -1.23\n"
           "summary_name{quantile=\"0.9\"} 0.2342354\n"
           "summary_name{quantile=\"0.99\"} 0\n"
           "summary_name_sum -3.4567\n"
           "summary_name_count 42\n"
           "summary_name{name_1=\"value 1\",name_2=\"value 2\",quantile=\"0.5\"} 1\n"
           "summary_name{name_1=\"value 1\",name_2=\"value 2\",quantile=\"0.9\"} 2\n"
           "summary_name{name_1=\"value 1\",name_2=\"value 2\",quantile=\"0.99\"} 3\n"
           "summary_name_sum{name_1=\"value 1\",name_2=\"value 2\"} 2010.1971\n"
           "summary_name_count{name_1=\"value 1\",name_2=\"value 2\"} 4711\n"_ba;

    QTest::newRow("summary without quantiles")
        << makeFamily("s", MetricType::Summary, {summaryMetric({}, 0, 0, {})})
        << "# TYPE s summary\ns_sum 0\ns_count 0\n"_ba;

    // prometheus/common's TestCreate scenarios 5 and 6.
    const QByteArray goHistogramText =
        "# HELP request_duration_microseconds The response latency.\n"
        "# TYPE request_duration_microseconds histogram\n"
        "request_duration_microseconds_bucket{le=\"100\"} 123\n"
        "request_duration_microseconds_bucket{le=\"120\"} 412\n"
        "request_duration_microseconds_bucket{le=\"144\"} 592\n"
        "request_duration_microseconds_bucket{le=\"172.8\"} 1524\n"
        "request_duration_microseconds_bucket{le=\"+Inf\"} 2693\n"
        "request_duration_microseconds_sum 1.7560473e+06\n"
        "request_duration_microseconds_count 2693\n"_ba;
    QTest::newRow("histogram with +Inf bucket (Go test 5)")
        << makeFamily("request_duration_microseconds", MetricType::Histogram,
                      {histogramMetric({}, intHistogram(2693, 1756047.3,
                                                        {{100, 123}, {120, 412}, {144, 592},
                                                         {172.8, 1524}, {Inf, 2693}}))},
                      "The response latency."_ba)
        << goHistogramText;
    QTest::newRow("histogram, +Inf bucket synthesised (Go test 6)")
        << makeFamily("request_duration_microseconds", MetricType::Histogram,
                      {histogramMetric({}, intHistogram(2693, 1756047.3,
                                                        {{100, 123}, {120, 412}, {144, 592},
                                                         {172.8, 1524}}))},
                      "The response latency."_ba)
        << goHistogramText;

    QTest::newRow("histogram without buckets")
        << makeFamily("h", MetricType::Histogram,
                      {histogramMetric(makeLabels({{"job", "j"}}), intHistogram(5, 2.5, {}))})
        << "# TYPE h histogram\n"
           "h_bucket{job=\"j\",le=\"+Inf\"} 5\n"
           "h_sum{job=\"j\"} 2.5\n"
           "h_count{job=\"j\"} 5\n"_ba;

    QTest::newRow("histogram, -Inf bucket does not count as +Inf")
        << makeFamily("h", MetricType::Histogram, {histogramMetric({}, intHistogram(2, 1, {{-Inf, 0}}))})
        << "# TYPE h histogram\n"
           "h_bucket{le=\"-Inf\"} 0\n"
           "h_bucket{le=\"+Inf\"} 2\n"
           "h_sum 1\n"
           "h_count 2\n"_ba;

    QTest::newRow("float classic histogram (API test A2)")
        << makeFamily("mfh", MetricType::Histogram,
                      {histogramMetric({}, floatHistogram(20, 99.23, {{250000, 3}, {500000, 17}}))})
        << "# TYPE mfh histogram\n"
           "mfh_bucket{le=\"250000\"} 3\n"
           "mfh_bucket{le=\"500000\"} 17\n"
           "mfh_bucket{le=\"+Inf\"} 20\n"
           "mfh_sum 99.23\n"
           "mfh_count 20\n"_ba;

    QTest::newRow("float histogram keeps fractional counts")
        << makeFamily("f", MetricType::Histogram,
                      {histogramMetric({}, floatHistogram(10.5, 3, {{0.5, 2.5}, {1, 7.25}, {Inf, 10.5}}))})
        << "# TYPE f histogram\n"
           "f_bucket{le=\"0.5\"} 2.5\n"
           "f_bucket{le=\"1\"} 7.25\n"
           "f_bucket{le=\"+Inf\"} 10.5\n"
           "f_sum 3\n"
           "f_count 10.5\n"_ba;

    const Labels testLabels = makeLabels({{"instance", "testinstance"}, {"job", "testjob"}});
    const QByteArray nativeText =
        "# TYPE histogram_metric histogram\n"
        "histogram_metric_bucket{instance=\"testinstance\",job=\"testjob\",le=\"+Inf\"} 20\n"
        "histogram_metric_sum{instance=\"testinstance\",job=\"testjob\"} 99.23\n"
        "histogram_metric_count{instance=\"testinstance\",job=\"testjob\"} 20\n"_ba;
    QTest::newRow("native-only float histogram (H2.i)")
        << makeFamily("histogram_metric", MetricType::Histogram,
                      {histogramMetric(testLabels, nativeFloatHistogram())})
        << nativeText;
    QTest::newRow("native-only integer histogram")
        << makeFamily("histogram_metric", MetricType::Histogram,
                      {histogramMetric(testLabels, nativeIntHistogram())})
        << nativeText;

    HistogramValue mixed = nativeIntHistogram();
    mixed.buckets = intHistogram(0, 0, {{1, 7}, {Inf, 20}}).buckets;
    QTest::newRow("native and classic buckets: classic only")
        << makeFamily("m", MetricType::Histogram, {histogramMetric({}, mixed)})
        << "# TYPE m histogram\n"
           "m_bucket{le=\"1\"} 7\n"
           "m_bucket{le=\"+Inf\"} 20\n"
           "m_sum 99.23\n"
           "m_count 20\n"_ba;

    QTest::newRow("gauge histogram prints as histogram")
        << makeFamily("queue_size", MetricType::GaugeHistogram,
                      {histogramMetric({}, intHistogram(4, 25, {{10, 3}}))}, "Queue."_ba)
        << "# HELP queue_size Queue.\n"
           "# TYPE queue_size histogram\n"
           "queue_size_bucket{le=\"10\"} 3\n"
           "queue_size_bucket{le=\"+Inf\"} 4\n"
           "queue_size_sum 25\n"
           "queue_size_count 4\n"_ba;

    QTest::newRow("integer counts print as Go floats")
        << makeFamily("big", MetricType::Histogram,
                      {histogramMetric({}, intHistogram(std::numeric_limits<quint64>::max(), 1e6,
                                                        {{1e6, 999999}, {1e7, 1000000}}))})
        << "# TYPE big histogram\n"
           "big_bucket{le=\"1e+06\"} 999999\n"
           "big_bucket{le=\"1e+07\"} 1e+06\n"
           "big_bucket{le=\"+Inf\"} 1.8446744073709552e+19\n"
           "big_sum 1e+06\n"
           "big_count 1.8446744073709552e+19\n"_ba;

    QTest::newRow("value of the wrong shape is left out")
        << makeFamily("c", MetricType::Counter,
                      {histogramMetric(makeLabels({{"a", "1"}}), intHistogram(1, 1, {})),
                       scalarMetric(makeLabels({{"a", "2"}}), 2)})
        << "# TYPE c counter\nc{a=\"2\"} 2\n"_ba;

    QTest::newRow("family without series: header only")
        << makeFamily("e", MetricType::Gauge, {}, "Empty."_ba)
        << "# HELP e Empty.\n# TYPE e gauge\n"_ba;
}

void TestTextWriter::writesSampleLayout()
{
    QFETCH(MetricFamily, family);
    QFETCH(QByteArray, expected);

    QCOMPARE(familyText(family), expected);
    QCOMPARE(familyTextFromPieces(family, NameEscaping::Underscores), expected);
}

// ---- Names under each escaping scheme ----

void TestTextWriter::writesNames_data()
{
    QTest::addColumn<MetricFamily>("family");
    QTest::addColumn<NameEscaping>("escaping");
    QTest::addColumn<QByteArray>("expected");

    // prometheus/common's TestCreate scenario 2 (UTF-8 names, no escaping).
    const MetricFamily dotted = makeFamily(
        "gauge.name", MetricType::Gauge,
        {scalarMetric(makeLabels({{"name.1", "val with\nnew line"},
                                  {"name*2", "val with \\backslash and \"quotes\""}}),
                      Inf),
         scalarMetric(makeLabels({{"name.1", "Björn"}, {"name*2", "佖佥"}}), 3.14e42)},
        "gauge\ndoc\nstr\"ing"_ba);
    QTest::newRow("allow-utf-8 (Go test 2)")
        << dotted << NameEscaping::AllowUtf8
        << "# HELP \"gauge.name\" gauge\\ndoc\\nstr\"ing\n"
           "# TYPE \"gauge.name\" gauge\n"
           "{\"gauge.name\",\"name.1\"=\"val with\\nnew line\",\"name*2\"=\"val with \\\\backslash and \\\"quotes\\\"\"} +Inf\n"
           "{\"gauge.name\",\"name.1\"=\"Björn\",\"name*2\"=\"佖佥\"} 3.14e+42\n"_ba;
    QTest::newRow("underscores")
        << dotted << NameEscaping::Underscores
        << "# HELP gauge_name gauge\\ndoc\\nstr\"ing\n"
           "# TYPE gauge_name gauge\n"
           "gauge_name{name_1=\"val with\\nnew line\",name_2=\"val with \\\\backslash and \\\"quotes\\\"\"} +Inf\n"
           "gauge_name{name_1=\"Björn\",name_2=\"佖佥\"} 3.14e+42\n"_ba;
    QTest::newRow("dots")
        << dotted << NameEscaping::Dots
        << "# HELP gauge_dot_name gauge\\ndoc\\nstr\"ing\n"
           "# TYPE gauge_dot_name gauge\n"
           "gauge_dot_name{name_dot_1=\"val with\\nnew line\",name__2=\"val with \\\\backslash and \\\"quotes\\\"\"} +Inf\n"
           "gauge_dot_name{name_dot_1=\"Björn\",name__2=\"佖佥\"} 3.14e+42\n"_ba;
    QTest::newRow("values")
        << dotted << NameEscaping::Values
        << "# HELP U__gauge_2e_name gauge\\ndoc\\nstr\"ing\n"
           "# TYPE U__gauge_2e_name gauge\n"
           "U__gauge_2e_name{U__name_2e_1=\"val with\\nnew line\",U__name_2a_2=\"val with \\\\backslash and \\\"quotes\\\"\"} +Inf\n"
           "U__gauge_2e_name{U__name_2e_1=\"Björn\",U__name_2a_2=\"佖佥\"} 3.14e+42\n"_ba;

    // Legacy-valid names are never escaped, by any scheme (dots would double the '_').
    const MetricFamily legacy = makeFamily("my_metric", MetricType::Gauge,
                                           {scalarMetric(makeLabels({{"my_label", "v"}}), 1)});
    for (const auto &[tag, escaping] : {std::pair{"legacy, allow-utf-8", NameEscaping::AllowUtf8},
                                        std::pair{"legacy, underscores", NameEscaping::Underscores},
                                        std::pair{"legacy, dots", NameEscaping::Dots},
                                        std::pair{"legacy, values", NameEscaping::Values}}) {
        QTest::newRow(tag) << legacy << escaping
                           << "# TYPE my_metric gauge\nmy_metric{my_label=\"v\"} 1\n"_ba;
    }

    QTest::newRow("allow-utf-8: legacy name, quoted label name")
        << makeFamily("name", MetricType::Gauge, {scalarMetric(makeLabels({{"label.name", "v"}}), 1)})
        << NameEscaping::AllowUtf8 << "# TYPE name gauge\nname{\"label.name\"=\"v\"} 1\n"_ba;
    QTest::newRow("allow-utf-8: quoted name without labels")
        << makeFamily("metric.name", MetricType::Counter, {scalarMetric({}, 1)})
        << NameEscaping::AllowUtf8 << "# TYPE \"metric.name\" counter\n{\"metric.name\"} 1\n"_ba;
    QTest::newRow("allow-utf-8: quote and backslash in a name")
        << makeFamily("a\"b\\c", MetricType::Gauge, {scalarMetric(makeLabels({{"x\"y", "v"}}), 1)})
        << NameEscaping::AllowUtf8
        << "# TYPE \"a\\\"b\\\\c\" gauge\n{\"a\\\"b\\\\c\",\"x\\\"y\"=\"v\"} 1\n"_ba;
    QTest::newRow("allow-utf-8: summary suffixes inside the quotes")
        << makeFamily("rpc.latency", MetricType::Summary,
                      {summaryMetric({}, 3, 2, {quantile(0.5, 1)})})
        << NameEscaping::AllowUtf8
        << "# TYPE \"rpc.latency\" summary\n"
           "{\"rpc.latency\",quantile=\"0.5\"} 1\n"
           "{\"rpc.latency_sum\"} 2\n"
           "{\"rpc.latency_count\"} 3\n"_ba;
    QTest::newRow("allow-utf-8: histogram suffixes inside the quotes")
        << makeFamily("h.x", MetricType::Histogram,
                      {histogramMetric(makeLabels({{"job", "j"}}), intHistogram(2, 1.5, {{1, 1}}))})
        << NameEscaping::AllowUtf8
        << "# TYPE \"h.x\" histogram\n"
           "{\"h.x_bucket\",job=\"j\",le=\"1\"} 1\n"
           "{\"h.x_bucket\",job=\"j\",le=\"+Inf\"} 2\n"
           "{\"h.x_sum\",job=\"j\"} 1.5\n"
           "{\"h.x_count\",job=\"j\"} 2\n"_ba;

    // The reference tests label names with the metric-name rule, which allows ':'.
    const MetricFamily colon = makeFamily("m", MetricType::Gauge,
                                          {scalarMetric(makeLabels({{"a:b", "v"}}), 1)});
    QTest::newRow("allow-utf-8: ':' in a label name is not quoted")
        << colon << NameEscaping::AllowUtf8 << "# TYPE m gauge\nm{a:b=\"v\"} 1\n"_ba;
    QTest::newRow("underscores: ':' in a label name is not escaped")
        << colon << NameEscaping::Underscores << "# TYPE m gauge\nm{a:b=\"v\"} 1\n"_ba;

    QTest::newRow("underscores: leading digit and UTF-8")
        << makeFamily("1größe", MetricType::Gauge, {scalarMetric(makeLabels({{"ö", "v"}}), 1)})
        << NameEscaping::Underscores << "# TYPE _gr__e gauge\n_gr__e{_=\"v\"} 1\n"_ba;
}

void TestTextWriter::writesNames()
{
    QFETCH(MetricFamily, family);
    QFETCH(NameEscaping, escaping);
    QFETCH(QByteArray, expected);

    QCOMPARE(familyText(family, escaping), expected);
    QCOMPARE(familyTextFromPieces(family, escaping), expected);
}

// ---- Whole expositions ----

void TestTextWriter::sortsFamiliesBytewise()
{
    // '_' (0x5F) sorts before 'g': push_failure... < push_time... < pushgateway_build_info.
    const QByteArray text = writeTextFormat(
        {makeFamily("pushgateway_build_info", MetricType::Gauge, {scalarMetric({}, 1)}),
         makeFamily("push_time_seconds", MetricType::Gauge, {scalarMetric({}, 1.5e9)}),
         makeFamily("Zeta", MetricType::Gauge, {scalarMetric({}, 2)}),
         makeFamily("push_failure_time_seconds", MetricType::Gauge, {scalarMetric({}, 0)})});
    QCOMPARE(text, "# TYPE Zeta gauge\nZeta 2\n"
                   "# TYPE push_failure_time_seconds gauge\npush_failure_time_seconds 0\n"
                   "# TYPE push_time_seconds gauge\npush_time_seconds 1.5e+09\n"
                   "# TYPE pushgateway_build_info gauge\npushgateway_build_info 1\n"_ba);
}

void TestTextWriter::sortsSeriesAndTheirLabels()
{
    // Labels arrive in push order; output has them by name, and series by label count, then
    // by values in name order (names not compared), as behaviour spec 3.2 observes.
    const QByteArray text = writeTextFormat({makeFamily(
        "push_failure_time_seconds", MetricType::Gauge,
        {scalarMetric(makeLabels({{"job", "j3"}, {"instance", ""}, {"a", ""}}), 0),
         scalarMetric(makeLabels({{"job", "j2"}, {"instance", "i"}}), 0),
         scalarMetric(makeLabels({{"job", "j1"}, {"instance", ""}}), 0),
         scalarMetric(makeLabels({{"zzz", "b"}}), 0),
         scalarMetric(makeLabels({{"yyy", "a"}}), 0)})});
    QCOMPARE(text, "# TYPE push_failure_time_seconds gauge\n"
                   "push_failure_time_seconds{yyy=\"a\"} 0\n"
                   "push_failure_time_seconds{zzz=\"b\"} 0\n"
                   "push_failure_time_seconds{instance=\"\",job=\"j1\"} 0\n"
                   "push_failure_time_seconds{instance=\"i\",job=\"j2\"} 0\n"
                   "push_failure_time_seconds{a=\"\",instance=\"\",job=\"j3\"} 0\n"_ba);
}

void TestTextWriter::sortsFamiliesByNameBeforeEscaping()
{
    // The reference sorts while gathering and escapes while encoding: "a.b" (0x2E) comes
    // before "a_a" although it is written as "a_b".
    const QByteArray text = writeTextFormat(
        {makeFamily("a_a", MetricType::Gauge, {scalarMetric({}, 1)}),
         makeFamily("a.b", MetricType::Gauge, {scalarMetric({}, 2)})});
    QCOMPARE(text, "# TYPE a_b gauge\na_b 2\n# TYPE a_a gauge\na_a 1\n"_ba);
}

void TestTextWriter::dropsFamiliesWithoutSeriesOrName()
{
    const QByteArray text = writeTextFormat(
        {makeFamily("empty", MetricType::Gauge, {}, "No series."_ba),
         makeFamily("", MetricType::Gauge, {scalarMetric({}, 1)}),
         makeFamily("kept", MetricType::Gauge, {scalarMetric({}, 1)})});
    QCOMPARE(text, "# TYPE kept gauge\nkept 1\n"_ba);
    QCOMPARE(writeTextFormat({}), QByteArray());
}

void TestTextWriter::writesSameTextForAnyInputOrder()
{
    QList<MetricFamily> families = {
        makeFamily("c_total", MetricType::Counter,
                   {scalarMetric(makeLabels({{"job", "b"}, {"instance", "1"}}), 1),
                    scalarMetric(makeLabels({{"job", "a"}, {"instance", "2"}}), 2),
                    scalarMetric(makeLabels({{"job", "a"}, {"instance", "1"}}), 3),
                    scalarMetric(makeLabels({{"job", "a"}}), 4)}),
        makeFamily("h", MetricType::Histogram,
                   {histogramMetric(makeLabels({{"x", "2"}}), intHistogram(1, 1, {{1, 1}})),
                    histogramMetric(makeLabels({{"x", "1"}}), intHistogram(2, 2, {{1, 2}}))}),
        makeFamily("s", MetricType::Summary,
                   {summaryMetric(makeLabels({{"q", "z"}, {"p", "y"}}), 1, 1, {quantile(0.5, 1)}),
                    summaryMetric(makeLabels({{"p", "y"}, {"q", "a"}}), 1, 1, {quantile(0.5, 1)})}),
        makeFamily("a", MetricType::Untyped, {scalarMetric({}, 7)}),
    };
    const QByteArray reference = writeTextFormat(families);
    QVERIFY(reference.startsWith("# TYPE a untyped\na 7\n# TYPE c_total counter\nc_total{job=\"a\"} 4\n"
                                 "c_total{instance=\"1\",job=\"a\"} 3\n"));

    std::mt19937 random(7);
    for (int round = 0; round < 50; ++round) {
        std::shuffle(families.begin(), families.end(), random);
        for (MetricFamily &family : families) {
            std::shuffle(family.metrics.begin(), family.metrics.end(), random);
            for (Metric &metric : family.metrics)
                std::shuffle(metric.labels.begin(), metric.labels.end(), random);
        }
        QCOMPARE(writeTextFormat(families), reference);
    }
}

void TestTextWriter::quotesUtf8NamesForAllowUtf8Scrapes()
{
    // Behaviour spec H3.a: the text push with a dotted metric and a dotted grouping label,
    // labels in parse order.
    const Labels labels = makeLabels(
        {{"instance", "testinstance"}, {"job", "testjob"}, {"dotted.label.name", "mylabelvalue"}});
    const QList<MetricFamily> families = {
        makeFamily("some_metric", MetricType::Untyped, {scalarMetric(labels, 3.14)}),
        makeFamily("another.metric", MetricType::Untyped, {scalarMetric(labels, 42)})};

    QCOMPARE(writeTextFormat(families, NameEscaping::AllowUtf8),
             "# TYPE \"another.metric\" untyped\n"
             "{\"another.metric\",\"dotted.label.name\"=\"mylabelvalue\",instance=\"testinstance\",job=\"testjob\"} 42\n"
             "# TYPE some_metric untyped\n"
             "some_metric{\"dotted.label.name\"=\"mylabelvalue\",instance=\"testinstance\",job=\"testjob\"} 3.14\n"_ba);
    QCOMPARE(writeTextFormat(families),
             "# TYPE another_metric untyped\n"
             "another_metric{dotted_label_name=\"mylabelvalue\",instance=\"testinstance\",job=\"testjob\"} 42\n"
             "# TYPE some_metric untyped\n"
             "some_metric{dotted_label_name=\"mylabelvalue\",instance=\"testinstance\",job=\"testjob\"} 3.14\n"_ba);
}

// ---- Locale ----

void TestTextWriter::ignoresProcessLocale()
{
    // A German locale writes 1.234.567,5 where the exposition needs 1.2345675e+06.
    const QList<MetricFamily> families = {
        makeFamily("g", MetricType::Gauge, {scalarMetric(makeLabels({{"a", "b"}}), 3.14)}),
        makeFamily("s", MetricType::Summary, {summaryMetric({}, 1234567, 123456.5, {quantile(0.25, 1234567.5)})}),
        makeFamily("h", MetricType::Histogram, {histogramMetric({}, intHistogram(10, 0.001, {{0.25, 4}}))})};
    const QByteArray expected =
        "# TYPE g gauge\ng{a=\"b\"} 3.14\n"
        "# TYPE h histogram\nh_bucket{le=\"0.25\"} 4\nh_bucket{le=\"+Inf\"} 10\nh_sum 0.001\nh_count 10\n"
        "# TYPE s summary\ns{quantile=\"0.25\"} 1.2345675e+06\ns_sum 123456.5\ns_count 1.234567e+06\n"_ba;
    QList<double> values = sampleDoubles();
    values.resize(20'000);
    QList<QByteArray> formattedInC;
    for (const double x : values)
        formattedInC.append(formatGoFloat(x));

    const QLocale previousQLocale;
    const std::string previousCLocale = std::setlocale(LC_ALL, nullptr);
    const auto restore = qScopeGuard([&] {
        QLocale::setDefault(previousQLocale);
        std::setlocale(LC_ALL, previousCLocale.c_str());
        std::locale::global(std::locale::classic());
    });

    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(QLocale().toString(3.14), QStringLiteral("3,14")); // the Qt default really changed
    QCOMPARE(writeTextFormat(families), expected);

    // The C and C++ locales are what std::to_chars and printf-style code would follow.
    const char *const german = std::setlocale(LC_ALL, "de_DE.UTF-8");
    if (!german) {
        QSKIP("No de_DE.UTF-8 C locale on this machine (install `locales` and run "
              "`localedef -i de_DE -f UTF-8 de_DE.UTF-8`); only the QLocale part ran.");
    }
    try {
        std::locale::global(std::locale("de_DE.UTF-8"));
    } catch (const std::runtime_error &) {
        QSKIP("The C locale de_DE.UTF-8 exists but the C++ library cannot load it.");
    }
    char printed[16];
    std::snprintf(printed, sizeof printed, "%.2f", 3.14);
    QCOMPARE(QByteArray(printed), "3,14"_ba); // the C locale really changed

    QCOMPARE(writeTextFormat(families), expected);
    for (qsizetype i = 0; i < values.size(); ++i)
        QCOMPARE(formatGoFloat(values.at(i)), formattedInC.at(i));
}

QTEST_APPLESS_MAIN(TestTextWriter)

#include "tst_textwriter.moc"
