#include "format/openmetricsparser.h"
#include "format/openmetricswriter.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QScopeGuard>
#include <QTest>

#include <clocale>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <locale>
#include <random>
#include <utility>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::NameValidation)
Q_DECLARE_METATYPE(qpgw::NameEscaping)
Q_DECLARE_METATYPE(QList<qpgw::MetricFamily>)

// OpenMetrics 1.0 text: the push parser (rows follow the specification's ABNF, its MUSTs and
// its examples) and the exposition writer (rows follow prometheus/common's OpenMetrics encoder,
// with the choices written down in openmetricswriter.h).
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- Builders -------------------------------------------------------------------------------

Labels labels(std::initializer_list<std::pair<QByteArray, QByteArray>> pairs)
{
    Labels result;
    for (const auto &[name, value] : pairs)
        result.append(LabelPair{name, value});
    return result;
}

Metric scalar(double value, Labels metricLabels = {})
{
    return Metric{std::move(metricLabels), ScalarValue{value, {}, {}}, std::nullopt};
}

Metric stamped(Metric metric, TimestampMs timestamp)
{
    metric.timestampMs = timestamp;
    return metric;
}

Exemplar exemplar(Labels exemplarLabels, double value, std::optional<TimestampMs> timestamp = std::nullopt)
{
    return Exemplar{std::move(exemplarLabels), value, timestamp};
}

Metric counter(double value, Labels metricLabels = {}, std::optional<Exemplar> example = std::nullopt,
               std::optional<TimestampMs> created = std::nullopt)
{
    return Metric{std::move(metricLabels), ScalarValue{value, std::move(example), created}, std::nullopt};
}

Metric summary(Labels metricLabels, quint64 count, double sum, QList<Quantile> quantiles = {},
               std::optional<TimestampMs> created = std::nullopt)
{
    return Metric{std::move(metricLabels), SummaryValue{count, sum, std::move(quantiles), created}, std::nullopt};
}

Bucket bucket(double upperBound, quint64 count, std::optional<Exemplar> example = std::nullopt)
{
    Bucket result;
    result.upperBound = upperBound;
    result.cumulativeCount = count;
    result.exemplar = std::move(example);
    return result;
}

Metric histogram(Labels metricLabels, quint64 count, double sum, QList<Bucket> buckets,
                 std::optional<TimestampMs> created = std::nullopt)
{
    HistogramValue value;
    value.sampleCount = count;
    value.sampleSum = sum;
    value.buckets = std::move(buckets);
    value.createdTimestampMs = created;
    return Metric{std::move(metricLabels), std::move(value), std::nullopt};
}

MetricFamily family(const QByteArray &name, MetricType type, QList<Metric> metrics,
                    std::optional<QByteArray> help = std::nullopt)
{
    return MetricFamily{name, std::move(help), type, std::move(metrics)};
}

// ---- Comparison -----------------------------------------------------------------------------

QString number(double value)
{
    return QString::number(value, 'g', 17) + (std::signbit(value) && value == 0 ? u"(neg)"_s : QString());
}

QString describeLabels(const Labels &pairs)
{
    QString out = u"{"_s;
    for (const LabelPair &pair : pairs)
        out += QString::fromUtf8(pair.name) + u"=["_s + QString::fromUtf8(pair.value) + u"] "_s;
    return out + u'}';
}

QString describeExemplar(const std::optional<Exemplar> &example)
{
    if (!example)
        return QString();
    return u" ex("_s + describeLabels(example->labels) + u' ' + number(example->value)
        + (example->timestampMs ? u" ts="_s + QString::number(*example->timestampMs) : QString()) + u')';
}

QString describeCreated(const std::optional<TimestampMs> &created)
{
    return created ? u" created="_s + QString::number(*created) : QString();
}

// Every field of the model, one series per line; NaN prints as "nan" on both sides, so this
// also compares what == cannot.
QString describe(const QList<MetricFamily> &families)
{
    QString out;
    for (const MetricFamily &f : families) {
        out += QString::fromUtf8(f.name) + u' ' + QString::fromUtf8(typeEnumName(f.type).toByteArray())
            + (f.help ? u" help=["_s + QString::fromUtf8(*f.help) + u']' : u" no-help"_s) + u'\n';
        for (const Metric &m : f.metrics) {
            out += u"  "_s + describeLabels(m.labels);
            if (m.timestampMs)
                out += u" ts="_s + QString::number(*m.timestampMs);
            if (const ScalarValue *s = m.scalar()) {
                out += u" value="_s + number(s->value) + describeExemplar(s->exemplar) + describeCreated(s->createdTimestampMs);
            } else if (const SummaryValue *sv = m.summary()) {
                out += u" count="_s + QString::number(sv->sampleCount) + u" sum="_s + number(sv->sampleSum) + u" q=["_s;
                for (const Quantile &q : sv->quantiles)
                    out += number(q.quantile) + u':' + number(q.value) + u' ';
                out += u']' + describeCreated(sv->createdTimestampMs);
            } else if (const HistogramValue *h = m.histogram()) {
                out += u" count="_s + QString::number(h->sampleCount) + u" countFloat="_s + number(h->sampleCountFloat)
                    + u" sum="_s + number(h->sampleSum) + u" buckets=["_s;
                for (const Bucket &b : h->buckets) {
                    out += number(b.upperBound) + u':' + QString::number(b.cumulativeCount) + u'/'
                        + number(b.cumulativeCountFloat) + describeExemplar(b.exemplar) + u' ';
                }
                out += u']' + describeCreated(h->createdTimestampMs);
                if (h->native)
                    out += u" (native fields set)"_s;
            }
            out += u'\n';
        }
    }
    return out;
}

QByteArray repeated(const QByteArray &text, int times)
{
    QByteArray out;
    out.reserve(text.size() * times);
    for (int i = 0; i < times; ++i)
        out += text;
    return out;
}

} // namespace

class TestOpenMetrics : public QObject
{
    Q_OBJECT

private slots:
    // Parser
    void parsesValidExpositions_data();
    void parsesValidExpositions();
    void rejectsInvalidExpositions_data();
    void rejectsInvalidExpositions();
    void rejectsWhatLegacyNamesForbid();
    void staysLinearOnHugeInput_data();
    void staysLinearOnHugeInput();
    void survivesMutatedInput();

    // Writer
    void writesFamilies_data();
    void writesFamilies();
    void escapesNamesByScheme_data();
    void escapesNamesByScheme();
    void writesInTheOrderGivenAndEndsWithEof();
    void writesTheSameInAnyLocale();

    // Both
    void roundTrips_data();
    void roundTrips();
    void renamesCounterWithoutTotalSuffix();
};

// ---- Parser: valid expositions ------------------------------------------------------------------

void TestOpenMetrics::parsesValidExpositions_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<NameValidation>("validation");
    QTest::addColumn<QList<MetricFamily>>("expected");
    const NameValidation legacy = NameValidation::Legacy;

    QTest::newRow("empty exposition") << "# EOF\n"_ba << legacy << QList<MetricFamily>{};
    QTest::newRow("EOF without its newline") << "# EOF"_ba << legacy << QList<MetricFamily>{};

    QTest::newRow("gauge with TYPE, UNIT, HELP and escapes in HELP")
        << "# TYPE temperature_celsius gauge\n"
           "# UNIT temperature_celsius celsius\n"
           "# HELP temperature_celsius Room \\\"temp\\\" \\\\ in\\nC, bare \" and \\t kept\n"
           "temperature_celsius{room=\"a\"} 21.5\n"
           "temperature_celsius{room=\"b\"} -3\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family("temperature_celsius", MetricType::Gauge,
                                      {scalar(21.5, labels({{"room", "a"}})), scalar(-3, labels({{"room", "b"}}))},
                                      "Room \"temp\" \\ in\nC, bare \" and \\t kept"_ba)};

    QTest::newRow("counter: _total, _created, exemplar with timestamp -> foo_total")
        << "# TYPE requests counter\n"
           "# HELP requests Requests served.\n"
           "requests_total{code=\"200\"} 1027 # {trace_id=\"abc\"} 0.67 1520879607.789\n"
           "requests_created{code=\"200\"} 1520430000.123\n"
           "requests_total{code=\"500\"} 3.0\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family(
               "requests_total", MetricType::Counter,
               {counter(1027, labels({{"code", "200"}}), exemplar(labels({{"trace_id", "abc"}}), 0.67, 1520879607789),
                        1520430000123),
                counter(3, labels({{"code", "500"}}))},
               "Requests served."_ba)};

    QTest::newRow("counter: exemplar without labels or timestamp, _created first")
        << "# TYPE jobs counter\n"
           "jobs_created 1.6e9\n"
           "jobs_total 5 # {} 0.5\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family("jobs_total", MetricType::Counter,
                                      {counter(5, {}, exemplar({}, 0.5), 1600000000000)})};

    QTest::newRow("counter: +Inf total, sample timestamp")
        << "# TYPE c counter\nc_total +Inf 17\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("c_total", MetricType::Counter, {stamped(counter(kInf), 17000)})};

    QTest::newRow("unknown: no TYPE line, a name with a counter-like suffix")
        << "foo_total 1\nbar 2\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("foo_total", MetricType::Untyped, {scalar(1)}),
                               family("bar", MetricType::Untyped, {scalar(2)})};

    QTest::newRow("unknown: TYPE unknown, HELP")
        << "# TYPE foo unknown\n# HELP foo Some help.\nfoo 42.23\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("foo", MetricType::Untyped, {scalar(42.23)}, "Some help."_ba)};

    QTest::newRow("number syntax: specials in any case, exponents, leading zeros, bare points")
        << "# TYPE g gauge\n"
           "g{i=\"1\"} +Inf\ng{i=\"2\"} -inf\ng{i=\"3\"} Infinity\ng{i=\"4\"} -INFINITY\n"
           "g{i=\"5\"} 1e3\ng{i=\"6\"} 1.5E-2\ng{i=\"7\"} .5\ng{i=\"8\"} 5.\ng{i=\"9\"} 0042\n"
           "g{i=\"10\"} -0\ng{i=\"11\"} +7\ng{i=\"12\"} 1e+2\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family(
               "g", MetricType::Gauge,
               {scalar(kInf, labels({{"i", "1"}})), scalar(-kInf, labels({{"i", "2"}})),
                scalar(kInf, labels({{"i", "3"}})), scalar(-kInf, labels({{"i", "4"}})),
                scalar(1000, labels({{"i", "5"}})), scalar(0.015, labels({{"i", "6"}})),
                scalar(0.5, labels({{"i", "7"}})), scalar(5, labels({{"i", "8"}})),
                scalar(42, labels({{"i", "9"}})), scalar(-0.0, labels({{"i", "10"}})),
                scalar(7, labels({{"i", "11"}})), scalar(100, labels({{"i", "12"}}))})};

    QTest::newRow("NaN values in any case")
        << "# TYPE g gauge\ng{i=\"1\"} NaN\ng{i=\"2\"} nan\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("g", MetricType::Gauge,
                                      {scalar(kNaN, labels({{"i", "1"}})), scalar(kNaN, labels({{"i", "2"}}))})};

    QTest::newRow("sample timestamps kept: seconds to milliseconds, rounded")
        << "# TYPE g gauge\n"
           "g{a=\"1\"} 1 1520879607.789\n"
           "g{a=\"2\"} 2 1.001\n"
           "g{a=\"3\"} 3 -1.5\n"
           "g{a=\"4\"} 4 0\n"
           "g{a=\"5\"} 5 1.6e9\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family(
               "g", MetricType::Gauge,
               {stamped(scalar(1, labels({{"a", "1"}})), 1520879607789), stamped(scalar(2, labels({{"a", "2"}})), 1001),
                stamped(scalar(3, labels({{"a", "3"}})), -1500), stamped(scalar(4, labels({{"a", "4"}})), 0),
                stamped(scalar(5, labels({{"a", "5"}})), 1600000000000)})};

    QTest::newRow("summary: quantiles, _sum, _count, _created, labels in any order")
        << "# TYPE rpc_seconds summary\n"
           "# UNIT rpc_seconds seconds\n"
           "rpc_seconds{service=\"a\",quantile=\"0.5\"} 0.012\n"
           "rpc_seconds{quantile=\"0.99\",service=\"a\"} NaN\n"
           "rpc_seconds_sum{service=\"a\"} 17.5\n"
           "rpc_seconds_count{service=\"a\"} 42\n"
           "rpc_seconds_created{service=\"a\"} 1600000000\n"
           "rpc_seconds_count{service=\"b\"} 0\n"
           "rpc_seconds_sum{service=\"b\"} 0\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family("rpc_seconds", MetricType::Summary,
                                      {summary(labels({{"service", "a"}}), 42, 17.5,
                                               {Quantile{0.5, 0.012}, Quantile{0.99, kNaN}}, 1600000000000),
                                       summary(labels({{"service", "b"}}), 0, 0)})};

    QTest::newRow("summary: timestamps on every line of a series")
        << "# TYPE s summary\ns{quantile=\"1\"} 3 10\ns_count 4 10\ns_sum 5 10\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("s", MetricType::Summary, {stamped(summary({}, 4, 5, {Quantile{1, 3}}), 10000)})};

    QTest::newRow("histogram: the specification's exemplar example")
        << "# TYPE foo histogram\n"
           "foo_bucket{le=\"0.01\"} 0\n"
           "foo_bucket{le=\"0.1\"} 8 # {} 0.054\n"
           "foo_bucket{le=\"1\"} 11 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n"
           "foo_bucket{le=\"10\"} 17 # {trace_id=\"oHg5SJYRHA0\"} 9.8 1520879607.789\n"
           "foo_bucket{le=\"+Inf\"} 17\n"
           "foo_count 17\n"
           "foo_sum 324789.3\n"
           "foo_created 1520430000.123\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family(
               "foo", MetricType::Histogram,
               {histogram({}, 17, 324789.3,
                          {bucket(0.01, 0), bucket(0.1, 8, exemplar({}, 0.054)),
                           bucket(1, 11, exemplar(labels({{"trace_id", "KOO5S4vxi0o"}}), 0.67)),
                           bucket(10, 17, exemplar(labels({{"trace_id", "oHg5SJYRHA0"}}), 9.8, 1520879607789)),
                           bucket(kInf, 17)},
                          1520430000123)})};

    QTest::newRow("histogram: buckets only, the count is the +Inf bucket; two series")
        << "# TYPE h histogram\n"
           "h_bucket{a=\"x\",le=\"-1\"} 1\n"
           "h_bucket{le=\"1e+06\",a=\"x\"} 2.0\n"
           "h_bucket{a=\"x\",le=\"+Inf\"} 3\n"
           "h_bucket{a=\"y\",le=\"+inf\"} 0\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family("h", MetricType::Histogram,
                                      {histogram(labels({{"a", "x"}}), 3, 0, {bucket(-1, 1), bucket(1e6, 2), bucket(kInf, 3)}),
                                       histogram(labels({{"a", "y"}}), 0, 0, {bucket(kInf, 0)})})};

    QTest::newRow("histogram: a count beyond 2^53 stays an integer")
        << "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1e19\nh_count 1e19\nh_sum 1\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("h", MetricType::Histogram,
                                      {histogram({}, 10000000000000000000ull, 1, {bucket(kInf, 10000000000000000000ull)})})};

    QTest::newRow("gaugehistogram: _gsum, _gcount, bucket exemplar, negative _gsum with negative buckets")
        << "# TYPE queue_wait gaugehistogram\n"
           "queue_wait_bucket{q=\"a\",le=\"0.01\"} 20.0\n"
           "queue_wait_bucket{q=\"a\",le=\"+Inf\"} 42.0 # {id=\"x\"} 3\n"
           "queue_wait_gcount{q=\"a\"} 42.0\n"
           "queue_wait_gsum{q=\"a\"} 3289.3\n"
           "queue_wait_bucket{q=\"b\",le=\"-5\"} 1\n"
           "queue_wait_bucket{q=\"b\",le=\"+Inf\"} 1\n"
           "queue_wait_gsum{q=\"b\"} -7\n"
           "queue_wait_gcount{q=\"b\"} 1\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family(
               "queue_wait", MetricType::GaugeHistogram,
               {histogram(labels({{"q", "a"}}), 42, 3289.3,
                          {bucket(0.01, 20), bucket(kInf, 42, exemplar(labels({{"id", "x"}}), 3))}),
                histogram(labels({{"q", "b"}}), 1, -7, {bucket(-5, 1), bucket(kInf, 1)})})};

    QTest::newRow("stateset: a gauge series per state, the state label named after the family")
        << "# TYPE foo stateset\n"
           "foo{entity=\"controller\",foo=\"a\"} 1.0\n"
           "foo{entity=\"controller\",foo=\"bb\"} 0.0\n"
           "foo{foo=\"a\",entity=\"replica\"} 0\n"
           "foo{entity=\"replica\",foo=\"bb\"} 1\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family("foo", MetricType::Gauge,
                                      {scalar(1, labels({{"entity", "controller"}, {"foo", "a"}})),
                                       scalar(0, labels({{"entity", "controller"}, {"foo", "bb"}})),
                                       scalar(0, labels({{"foo", "a"}, {"entity", "replica"}})),
                                       scalar(1, labels({{"entity", "replica"}, {"foo", "bb"}}))})};

    QTest::newRow("info: foo_info gauges of value 1")
        << "# TYPE build info\n"
           "# HELP build Build information.\n"
           "build_info{name=\"pretty name\",version=\"8.2.7\"} 1\n"
           "build_info{entity=\"replica\",version=\"8.1.9\"} 1.0\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family("build_info", MetricType::Gauge,
                                      {scalar(1, labels({{"name", "pretty name"}, {"version", "8.2.7"}})),
                                       scalar(1, labels({{"entity", "replica"}, {"version", "8.1.9"}}))},
                                      "Build information."_ba)};

    QTest::newRow("escapes in label values; an unknown escape keeps its backslash")
        << "# TYPE g gauge\ng{a=\"q\\\" b\\\\ n\\n t\\t\",b=\"# {x} 1\"} 1\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("g", MetricType::Gauge,
                                      {scalar(1, labels({{"a", "q\" b\\ n\n t\\t"}, {"b", "# {x} 1"}}))})};

    QTest::newRow("NUL and UTF-8 in label values, empty label set")
        << "# TYPE g gauge\ng{a=\"x\0y\",b=\"\xC3\xA9\"} 1\ng{} 2\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("g", MetricType::Gauge,
                                      {scalar(1, labels({{"a", QByteArray("x\0y", 3)}, {"b", "\xC3\xA9"}})),
                                       scalar(2)})};

    QTest::newRow("metadata-only families dropped; families in order of appearance; empty HELP and UNIT")
        << "# TYPE zzz gauge\n"
           "# HELP empty_help \n"
           "# UNIT empty_help \n"
           "empty_help 1\n"
           "# TYPE aaa gauge\n"
           "aaa 2\n"
           "# EOF\n"_ba
        << legacy
        << QList<MetricFamily>{family("empty_help", MetricType::Untyped, {scalar(1)}),
                               family("aaa", MetricType::Gauge, {scalar(2)})};

    QTest::newRow("exemplar of exactly 128 code points (multi-byte)")
        << "# TYPE c counter\nc_total 1 # {a=\""_ba + repeated("\xC3\xA9"_ba, 127) + "\"} 2\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("c_total", MetricType::Counter,
                                      {counter(1, {}, exemplar(labels({{"a", repeated("\xC3\xA9"_ba, 127)}}), 2))})};

    QTest::newRow("quoted legacy-valid names in legacy mode")
        << "# TYPE \"g\" gauge\n{\"g\",\"a\"=\"1\"} 1\n\"g\"{b=\"2\"} 2\n# EOF\n"_ba << legacy
        << QList<MetricFamily>{family("g", MetricType::Gauge,
                                      {scalar(1, labels({{"a", "1"}})), scalar(2, labels({{"b", "2"}}))})};

    QTest::newRow("UTF-8 names, quoted, in UTF-8 mode")
        << "# TYPE \"my.counter\" counter\n"
           "# HELP \"my.counter\" Dotted.\n"
           "{\"my.counter_total\",\"a.b\"=\"c\"} 1\n"
           "{\"my.counter_created\",\"a.b\"=\"c\"} 2\n"
           "{\"q\\\\\\\"\\n\"} 3\n"
           "# EOF\n"_ba
        << NameValidation::Utf8
        << QList<MetricFamily>{family("my.counter_total", MetricType::Counter,
                                      {counter(1, labels({{"a.b", "c"}}), std::nullopt, 2000)}, "Dotted."_ba),
                               family("q\\\"\n", MetricType::Untyped, {scalar(3)})};
}

void TestOpenMetrics::parsesValidExpositions()
{
    QFETCH(QByteArray, body);
    QFETCH(NameValidation, validation);
    QFETCH(QList<MetricFamily>, expected);

    const Expected<QList<MetricFamily>> result = parseOpenMetrics(body, validation);
    QVERIFY2(result.hasValue(), qPrintable(result ? QString() : result.error().message));
    QCOMPARE(describe(*result), describe(expected));
    if (!describe(expected).contains(u"nan"_s))
        QVERIFY(*result == expected);
}

// ---- Parser: invalid expositions ----------------------------------------------------------------

void TestOpenMetrics::rejectsInvalidExpositions_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");

    const auto row = [](const char *tag, const QByteArray &body, int line, const QString &what) {
        QTest::newRow(tag) << body << u"openmetrics parsing error in line "_s + QString::number(line) + u": "_s + what;
    };
    const QString noEof = u"missing \"# EOF\" at the end of the input"_s;

    // The end of the input
    row("empty body", ""_ba, 1, noEof);
    row("# EOF missing", "# TYPE g gauge\ng 1\n"_ba, 3, noEof);
    row("last line without newline is not # EOF", "g 1\ng 2"_ba, 2, noEof);
    row("content after # EOF", "# EOF\ng 1\n"_ba, 2, u"unexpected content after \"# EOF\""_s);
    row("empty line after # EOF", "# EOF\n\n"_ba, 2, u"unexpected content after \"# EOF\""_s);
    row("# EOF with trailing space", "# EOF \n"_ba, 1, u"unexpected text after \"# EOF\""_s);
    row("lower-case eof", "# eof\n"_ba, 1,
        u"invalid line: only \"# TYPE\", \"# HELP\", \"# UNIT\" and \"# EOF\" lines may start with '#'"_s);

    // Lines
    row("empty line", "g 1\n\n# EOF\n"_ba, 2, u"empty line"_s);
    row("comment line", "# just a comment\n# EOF\n"_ba, 1,
        u"invalid line: only \"# TYPE\", \"# HELP\", \"# UNIT\" and \"# EOF\" lines may start with '#'"_s);
    row("no space after #", "#TYPE g gauge\n# EOF\n"_ba, 1,
        u"invalid line: only \"# TYPE\", \"# HELP\", \"# UNIT\" and \"# EOF\" lines may start with '#'"_s);
    row("CRLF line endings", "g 1\r\n# EOF\r\n"_ba, 1, u"invalid value \"1\\r\""_s);
    row("leading space", " g 1\n# EOF\n"_ba, 1, u"invalid metric name"_s);

    // Metadata
    row("TYPE without name", "# TYPE\n# EOF\n"_ba, 1, u"missing metric name in \"# TYPE\" line"_s);
    row("TYPE without type", "# TYPE g\n# EOF\n"_ba, 1, u"expected ' ' after the metric name in \"# TYPE\" line"_s);
    row("HELP without space after the name", "# HELP g\n# EOF\n"_ba, 1,
        u"expected ' ' after the metric name in \"# HELP\" line"_s);
    row("unknown type", "# TYPE g gauges\n# EOF\n"_ba, 1, u"unknown metric type \"gauges\""_s);
    row("types are lower case", "# TYPE g Counter\n# EOF\n"_ba, 1, u"unknown metric type \"Counter\""_s);
    row("untyped is 0.0.4 only", "# TYPE g untyped\n# EOF\n"_ba, 1, u"unknown metric type \"untyped\""_s);
    row("second TYPE", "# TYPE g gauge\n# TYPE g gauge\n# EOF\n"_ba, 2,
        u"second \"# TYPE\" line for metric family \"g\""_s);
    row("second HELP", "# HELP g a\n# HELP g b\n# EOF\n"_ba, 2, u"second \"# HELP\" line for metric family \"g\""_s);
    row("second (empty) HELP", "# HELP g \n# HELP g b\n# EOF\n"_ba, 2,
        u"second \"# HELP\" line for metric family \"g\""_s);
    row("second UNIT", "# UNIT g_s s\n# UNIT g_s s\n# EOF\n"_ba, 2,
        u"second \"# UNIT\" line for metric family \"g_s\""_s);
    row("metadata after samples", "# TYPE g gauge\ng 1\n# HELP g late\n# EOF\n"_ba, 3,
        u"\"# HELP\" line for metric family \"g\" after its samples"_s);
    row("UNIT not a suffix", "# TYPE foo counter\n# UNIT foo seconds\n# EOF\n"_ba, 2,
        u"unit \"seconds\" is not a suffix of metric family name \"foo\""_s);
    row("UNIT suffix without underscore", "# UNIT fooseconds seconds\n# EOF\n"_ba, 1,
        u"unit \"seconds\" is not a suffix of metric family name \"fooseconds\""_s);
    row("UNIT equal to the name", "# UNIT seconds seconds\n# EOF\n"_ba, 1,
        u"unit \"seconds\" is not a suffix of metric family name \"seconds\""_s);
    row("invalid UNIT", "# UNIT foo_x x-y\n# EOF\n"_ba, 1, u"invalid unit \"x-y\""_s);
    row("name followed by an invalid character", "# UNIT foo_a-b a-b\n# EOF\n"_ba, 1,
        u"expected ' ' after the metric name in \"# UNIT\" line"_s);
    row("UNIT on info", "# TYPE foo_bytes info\n# UNIT foo_bytes bytes\nfoo_bytes_info 1\n# EOF\n"_ba, 3,
        u"metric family \"foo_bytes\" of type info must not have a unit"_s);
    row("UNIT on stateset, found at the family's end", "# UNIT s_x x\n# TYPE s_x stateset\n# EOF\n"_ba, 3,
        u"metric family \"s_x\" of type stateset must not have a unit"_s);
    row("invalid UTF-8 in HELP", "# HELP g \xFF\n# EOF\n"_ba, 1, u"invalid UTF-8 in \"# HELP\" line"_s);
    row("invalid metric name in TYPE", "# TYPE 1g gauge\n# EOF\n"_ba, 1,
        u"invalid metric name \"\" in \"# TYPE\" line"_s);

    // Families
    row("interleaved families",
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n"_ba, 5,
        u"samples of metric family \"a\" are interleaved with other metric families"_s);
    row("interleaved histogram families",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\ng 1\nh_count 1\n# EOF\n"_ba, 4,
        u"samples of metric family \"h\" are interleaved with other metric families"_s);
    row("a family's metadata again later", "# TYPE a gauge\na 1\nb 1\n# TYPE a gauge\n# EOF\n"_ba, 4,
        u"second metric family \"a\" (families must not be interleaved)"_s);
    row("gauge named like a counter's _created",
        "# TYPE foo counter\nfoo_total 1\n# TYPE foo_created gauge\nfoo_created 2\n# EOF\n"_ba, 3,
        u"metric family \"foo_created\" clashes with the sample names of metric family \"foo\""_s);
    row("clash found when the later family fixes its names",
        "# TYPE foo_total gauge\nfoo_total 1\n# TYPE foo counter\nfoo_created 1\n# EOF\n"_ba, 4,
        u"metric family \"foo\" clashes with metric family \"foo_total\": both use the name \"foo_total\""_s);
    row("sample name not of the family's type", "# TYPE foo counter\nfoo 1\n# EOF\n"_ba, 2,
        u"sample name \"foo\" does not fit the counter metric family \"foo\""_s);
    row("info sample without _info", "# TYPE foo info\nfoo 1\n# EOF\n"_ba, 2,
        u"sample name \"foo\" does not fit the info metric family \"foo\""_s);

    // Series
    row("interleaved series", "# TYPE g gauge\ng{a=\"1\"} 1\ng{a=\"2\"} 1\ng{a=\"1\"} 2\n# EOF\n"_ba, 4,
        u"duplicate or interleaved series g{a=\"1\"} in metric family \"g\""_s);
    row("same series twice (a second point)", "# TYPE g gauge\ng 1\ng 2\n# EOF\n"_ba, 3,
        u"duplicate sample g (only one point per series)"_s);
    row("same series twice with timestamps", "# TYPE g gauge\ng 1 1\ng 2 2\n# EOF\n"_ba, 3,
        u"the samples of series g have different timestamps (only one point per series)"_s);
    row("interleaved histogram series",
        "# TYPE h histogram\nh_bucket{a=\"1\",le=\"+Inf\"} 1\nh_bucket{a=\"2\",le=\"+Inf\"} 1\nh_count{a=\"1\"} 1\n# EOF\n"_ba,
        4, u"duplicate or interleaved series h{a=\"1\"} in metric family \"h\""_s);
    row("mixed timestamp presence in a series", "# TYPE s summary\ns_sum 1 10\ns_count 1\n# EOF\n"_ba, 3,
        u"the samples of series s have different timestamps (only one point per series)"_s);
    row("duplicate label names", "g{a=\"1\",a=\"2\"} 1\n# EOF\n"_ba, 1, u"duplicate label name \"a\""_s);

    // Counters
    row("counter without _total", "# TYPE c counter\nc_created 1\n# EOF\n"_ba, 2,
        u"counter c has no _total sample"_s);
    row("counter NaN", "# TYPE c counter\nc_total NaN\n# EOF\n"_ba, 2,
        u"counter value of c_total must not be NaN or negative"_s);
    row("counter negative", "# TYPE c counter\nc_total{a=\"b\"} -1\n# EOF\n"_ba, 2,
        u"counter value of c_total{a=\"b\"} must not be NaN or negative"_s);
    row("two _created", "# TYPE c counter\nc_total 1\nc_created 1\nc_created 2\n# EOF\n"_ba, 4,
        u"duplicate sample c_created (only one point per series)"_s);
    row("created not a timestamp", "# TYPE c counter\nc_total 1\nc_created +Inf\n# EOF\n"_ba, 3,
        u"invalid created timestamp of c_created"_s);

    // Histograms
    row("bad bucket order", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 1\n# EOF\n"_ba,
        3, u"bucket le=\"0.5\" of h_bucket is out of order: \"le\" must ascend"_s);
    row("duplicate bucket", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"1.0\"} 1\n# EOF\n"_ba, 3,
        u"duplicate bucket le=\"1.0\" of h_bucket"_s);
    row("missing +Inf bucket", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 2\n# EOF\n"_ba, 4,
        u"histogram h has no le=\"+Inf\" bucket"_s);
    row("missing +Inf bucket, found when the next series starts",
        "# TYPE h histogram\nh_bucket{a=\"x\",le=\"1\"} 1\nh_bucket{a=\"y\",le=\"+Inf\"} 1\n# EOF\n"_ba, 2,
        u"histogram h{a=\"x\"} has no le=\"+Inf\" bucket"_s);
    row("non-cumulative buckets", "# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 3\n# EOF\n"_ba, 3,
        u"bucket le=\"+Inf\" of h_bucket counts less than the bucket before: counts must be cumulative"_s);
    row("_count differs from +Inf", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_count 4\nh_sum 1\n# EOF\n"_ba, 4,
        u"histogram h: _count differs from the +Inf bucket"_s);
    row("_sum without _count", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_sum 1\n# EOF\n"_ba, 3,
        u"histogram h has _sum but no _count"_s);
    row("_count without _sum", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_count 3\n# EOF\n"_ba, 3,
        u"histogram h has _count but no _sum"_s);
    row("_gcount without _gsum", "# TYPE h gaugehistogram\nh_bucket{le=\"+Inf\"} 3\nh_gcount 3\n# EOF\n"_ba, 3,
        u"gauge histogram h has _gcount but no _gsum"_s);
    row("negative buckets with _sum",
        "# TYPE h histogram\nh_bucket{le=\"-1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0\n# EOF\n"_ba, 5,
        u"histogram h has negative buckets and so must not have _sum"_s);
    row("negative _gsum without negative buckets",
        "# TYPE h gaugehistogram\nh_bucket{le=\"+Inf\"} 1\nh_gcount 1\nh_gsum -1\n# EOF\n"_ba, 4,
        u"gauge histogram h has a negative _gsum without negative buckets"_s);
    row("bucket without le", "# TYPE h histogram\nh_bucket 1\n# EOF\n"_ba, 2, u"histogram bucket h_bucket has no \"le\" label"_s);
    row("le on _sum", "# TYPE h histogram\nh_sum{le=\"1\"} 1\n# EOF\n"_ba, 2,
        u"sample h_sum{le=\"1\"} of a histogram must not have an \"le\" label"_s);
    row("NaN le", "# TYPE h histogram\nh_bucket{le=\"NaN\"} 1\n# EOF\n"_ba, 2, u"invalid \"le\" label value \"NaN\""_s);
    row("le not a number", "# TYPE h histogram\nh_bucket{le=\"x\"} 1\n# EOF\n"_ba, 2, u"invalid \"le\" label value \"x\""_s);
    row("fractional bucket count", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1.5\n# EOF\n"_ba, 2,
        u"bucket count of h_bucket must be a non-negative integer"_s);
    row("negative _count", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 0\nh_count -1\n# EOF\n"_ba, 3,
        u"count of h_count must be a non-negative integer"_s);
    row("NaN _sum", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 0\nh_sum NaN\n# EOF\n"_ba, 3,
        u"sum of h_sum must not be NaN or negative"_s);

    // Summaries
    row("quantile above 1", "# TYPE s summary\ns{quantile=\"1.5\"} 1\n# EOF\n"_ba, 2,
        u"invalid \"quantile\" label value \"1.5\": must be a number in [0, 1]"_s);
    row("quantile NaN", "# TYPE s summary\ns{quantile=\"NaN\"} 1\n# EOF\n"_ba, 2,
        u"invalid \"quantile\" label value \"NaN\": must be a number in [0, 1]"_s);
    row("quantile label missing", "# TYPE s summary\ns 1\n# EOF\n"_ba, 2, u"summary sample s has no \"quantile\" label"_s);
    row("negative quantile value", "# TYPE s summary\ns{quantile=\"0.5\"} -1\n# EOF\n"_ba, 2,
        u"quantile value of s must not be negative"_s);
    row("duplicate quantile", "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns{quantile=\"0.50\"} 1\n# EOF\n"_ba, 3,
        u"duplicate quantile \"0.50\" of s"_s);
    row("quantile on _count", "# TYPE s summary\ns_count{quantile=\"0.5\"} 1\n# EOF\n"_ba, 2,
        u"sample s_count{quantile=\"0.5\"} of a summary must not have a \"quantile\" label"_s);
    row("fractional summary count", "# TYPE s summary\ns_count 1.5\n# EOF\n"_ba, 2,
        u"count of s_count must be a non-negative integer"_s);
    row("negative summary sum", "# TYPE s summary\ns_sum -1\n# EOF\n"_ba, 2, u"sum of s_sum must not be NaN or negative"_s);

    // Statesets and infos
    row("stateset without its state label", "# TYPE s stateset\ns{a=\"b\"} 1\n# EOF\n"_ba, 2,
        u"stateset sample s{a=\"b\"} has no label \"s\" naming its state"_s);
    row("stateset value 2", "# TYPE s stateset\ns{s=\"a\"} 2\n# EOF\n"_ba, 2, u"stateset value of s{s=\"a\"} must be 0 or 1"_s);
    row("stateset state twice", "# TYPE s stateset\ns{s=\"a\"} 1\ns{s=\"a\"} 0\n# EOF\n"_ba, 3,
        u"duplicate sample s{s=\"a\"} (only one point per series)"_s);
    row("info value 2", "# TYPE i info\ni_info{v=\"1\"} 2\n# EOF\n"_ba, 2, u"info value of i_info{v=\"1\"} must be 1"_s);

    // Exemplars
    row("exemplar on a gauge", "# TYPE g gauge\ng 1 # {a=\"b\"} 1\n# EOF\n"_ba, 2,
        u"exemplar on sample \"g\": only counter _total and histogram _bucket samples may have one"_s);
    row("exemplar on an unknown", "u 1 # {} 1\n# EOF\n"_ba, 1,
        u"exemplar on sample \"u\": only counter _total and histogram _bucket samples may have one"_s);
    row("exemplar on _created", "# TYPE c counter\nc_total 1\nc_created 1 # {} 1\n# EOF\n"_ba, 3,
        u"exemplar on sample \"c_created\": only counter _total and histogram _bucket samples may have one"_s);
    row("exemplar on histogram _count", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1 # {} 1\n# EOF\n"_ba, 3,
        u"exemplar on sample \"h_count\": only counter _total and histogram _bucket samples may have one"_s);
    row("exemplar on summary", "# TYPE s summary\ns_sum 1 # {} 1\n# EOF\n"_ba, 2,
        u"exemplar on sample \"s_sum\": only counter _total and histogram _bucket samples may have one"_s);
    row("exemplar too long", "# TYPE c counter\nc_total 1 # {a=\""_ba + repeated("x", 128) + "\"} 1\n# EOF\n"_ba, 2,
        u"exemplar labels have 129 characters, more than the 128 allowed"_s);
    row("exemplar without space after #", "# TYPE c counter\nc_total 1 #{} 1\n# EOF\n"_ba, 2,
        u"unexpected text after the sample value: \"#{} 1\""_s);
    row("exemplar without labels", "# TYPE c counter\nc_total 1 # 1\n# EOF\n"_ba, 2,
        u"unexpected text after the sample value: \"# 1\""_s);
    row("exemplar without value", "# TYPE c counter\nc_total 1 # {}\n# EOF\n"_ba, 2,
        u"expected ' ' and a value after the exemplar's labels"_s);
    row("exemplar bad value", "# TYPE c counter\nc_total 1 # {} x\n# EOF\n"_ba, 2, u"invalid exemplar value \"x\""_s);
    row("exemplar bad timestamp", "# TYPE c counter\nc_total 1 # {} 1 NaN\n# EOF\n"_ba, 2, u"invalid timestamp \"NaN\""_s);
    row("text after exemplar", "# TYPE c counter\nc_total 1 # {} 1 2 3\n# EOF\n"_ba, 2,
        u"unexpected text after the exemplar: \" 3\""_s);

    // Sample syntax
    row("missing value", "g\n# EOF\n"_ba, 1, u"missing value"_s);
    row("double space", "g  1\n# EOF\n"_ba, 1, u"invalid value \"\""_s);
    row("trailing space", "g 1 \n# EOF\n"_ba, 1, u"invalid timestamp \"\""_s);
    row("invalid value", "g one\n# EOF\n"_ba, 1, u"invalid value \"one\""_s);
    row("hex value", "g 0x1\n# EOF\n"_ba, 1, u"invalid value \"0x1\""_s);
    row("signed NaN", "g -NaN\n# EOF\n"_ba, 1, u"invalid value \"-NaN\""_s);
    row("value out of range", "g 1e400\n# EOF\n"_ba, 1, u"invalid value \"1e400\""_s);
    row("timestamp not a real number", "g 1 Inf\n# EOF\n"_ba, 1, u"invalid timestamp \"Inf\""_s);
    row("timestamp beyond qint64 milliseconds", "g 1 1e17\n# EOF\n"_ba, 1, u"invalid timestamp \"1e17\""_s);
    row("text after timestamp", "g 1 2 3\n# EOF\n"_ba, 1, u"unexpected text after the sample value: \"3\""_s);
    row("invalid metric name", "0g 1\n# EOF\n"_ba, 1, u"invalid metric name"_s);
    row("invalid character after name", "g-x 1\n# EOF\n"_ba, 1, u"unexpected '-' after metric name \"g\""_s);
    row("labels without name", "{a=\"b\"} 1\n# EOF\n"_ba, 1, u"missing metric name"_s);
    row("quoted label name as second metric name", "g{\"h\"} 1\n# EOF\n"_ba, 1, u"expected '=' after label name \"h\""_s);
    row("label value without closing quote", "g{a=\"b} 1\n# EOF\n"_ba, 1, u"value of label \"a\" lacks its closing quote"_s);
    row("backslash at the end of a label value", "g{a=\"b\\\n# EOF\n"_ba, 1, u"value of label \"a\" lacks its closing quote"_s);
    row("label without =", "g{a} 1\n# EOF\n"_ba, 1, u"expected '=' after label name \"a\""_s);
    row("label value unquoted", "g{a=b} 1\n# EOF\n"_ba, 1, u"expected '\"' to start the value of label \"a\""_s);
    row("trailing comma", "g{a=\"b\",} 1\n# EOF\n"_ba, 1, u"a label set must not end with ','"_s);
    row("space after comma", "g{a=\"b\", c=\"d\"} 1\n# EOF\n"_ba, 1, u"expected a label name, found ' '"_s);
    row("label set not closed", "g{a=\"b\" 1\n# EOF\n"_ba, 1, u"expected ',' or '}' in label set, found ' '"_s);
    row("label name starting with a digit", "g{1a=\"b\"} 1\n# EOF\n"_ba, 1, u"expected a label name, found '1'"_s);
    row("__name__ label", "g{__name__=\"b\"} 1\n# EOF\n"_ba, 1, u"label name \"__name__\" is reserved"_s);
    row("invalid UTF-8 in a label value", "g{a=\"\xC3\"} 1\n# EOF\n"_ba, 1, u"invalid UTF-8 in the value of label \"a\""_s);
}

void TestOpenMetrics::rejectsInvalidExpositions()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);

    for (const NameValidation validation : {NameValidation::Legacy, NameValidation::Utf8}) {
        const Expected<QList<MetricFamily>> result = parseOpenMetrics(body, validation);
        QVERIFY2(!result.hasValue(), qPrintable(result ? describe(*result) : QString()));
        QCOMPARE(result.error().kind, Error::Kind::BadRequest);
        QCOMPARE(result.error().message, error);
    }
}

void TestOpenMetrics::rejectsWhatLegacyNamesForbid()
{
    const QByteArray dottedMetric = "{\"a.b\"} 1\n# EOF\n"_ba;
    const QByteArray dottedLabel = "g{\"a.b\"=\"c\"} 1\n# EOF\n"_ba;
    const QByteArray dottedType = "# TYPE \"a.b\" gauge\n# EOF\n"_ba;
    const QByteArray dottedExemplarLabel = "# TYPE c counter\nc_total 1 # {\"a.b\"=\"c\"} 1\n# EOF\n"_ba;

    QCOMPARE(parseOpenMetrics(dottedMetric).error().message,
             u"openmetrics parsing error in line 1: invalid metric name \"a.b\""_s);
    QCOMPARE(parseOpenMetrics(dottedLabel).error().message,
             u"openmetrics parsing error in line 1: invalid label name \"a.b\""_s);
    QCOMPARE(parseOpenMetrics(dottedType).error().message,
             u"openmetrics parsing error in line 1: invalid metric name \"a.b\" in \"# TYPE\" line"_s);
    QCOMPARE(parseOpenMetrics(dottedExemplarLabel).error().message,
             u"openmetrics parsing error in line 2: invalid label name \"a.b\""_s);

    QVERIFY(parseOpenMetrics(dottedMetric, NameValidation::Utf8).hasValue());
    QVERIFY(parseOpenMetrics(dottedLabel, NameValidation::Utf8).hasValue());
    QVERIFY(parseOpenMetrics(dottedType, NameValidation::Utf8).hasValue());
    QVERIFY(parseOpenMetrics(dottedExemplarLabel, NameValidation::Utf8).hasValue());
    // An empty quoted name is never valid.
    QCOMPARE(parseOpenMetrics("{\"\"} 1\n# EOF\n"_ba, NameValidation::Utf8).error().message,
             u"openmetrics parsing error in line 1: missing metric name"_s);
}

// ---- Parser: robustness -----------------------------------------------------------------------

void TestOpenMetrics::staysLinearOnHugeInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("valid");

    QByteArray hugeLabelSet = "g{";
    for (int i = 0; i < 100000; ++i)
        hugeLabelSet += "l" + QByteArray::number(i) + "=\"v\",";
    hugeLabelSet += "last=\"v\"} 1\n# EOF\n";
    QTest::newRow("100k labels on one line") << hugeLabelSet << true;
    QByteArray duplicateAtEnd = hugeLabelSet;
    duplicateAtEnd.replace("last=", "l0=");
    QTest::newRow("100k labels, the last a duplicate") << duplicateAtEnd << false;

    QByteArray quantiles = "# TYPE s summary\n";
    for (int i = 0; i < 100000; ++i)
        quantiles += "s{quantile=\"" + QByteArray::number(i / 100000.0, 'g', 17) + "\"} 1\n";
    QTest::newRow("100k quantiles in one series") << quantiles + "# EOF\n" << true;

    QByteArray buckets = "# TYPE h histogram\n";
    for (int i = 0; i < 100000; ++i)
        buckets += "h_bucket{le=\"" + QByteArray::number(i) + "\"} " + QByteArray::number(i) + "\n";
    QTest::newRow("100k buckets in one series") << buckets + "h_bucket{le=\"+Inf\"} 100000\n# EOF\n" << true;

    QByteArray series = "# TYPE g gauge\n";
    for (int i = 0; i < 100000; ++i)
        series += "g{i=\"" + QByteArray::number(i) + "\"} 1\n";
    QTest::newRow("100k series") << series + "# EOF\n" << true;

    QByteArray families;
    for (int i = 0; i < 20000; ++i)
        families += "# TYPE f" + QByteArray::number(i) + " counter\nf" + QByteArray::number(i) + "_total 1\n";
    QTest::newRow("20k families") << families + "# EOF\n" << true;

    QTest::newRow("10 MB label value") << "g{a=\"" + QByteArray(10 << 20, 'x') + "\"} 1\n# EOF\n" << true;
    QTest::newRow("10 MB of backslashes") << "g{a=\"" + repeated("\\\\", 5 << 20) + "\"} 1\n# EOF\n" << true;
    QTest::newRow("10 MB of digits") << "g 1" + QByteArray(10 << 20, '0') + "\n# EOF\n" << false;
}

void TestOpenMetrics::staysLinearOnHugeInput()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, valid);

    QElapsedTimer timer;
    timer.start();
    const Expected<QList<MetricFamily>> result = parseOpenMetrics(body);
    QCOMPARE(result.hasValue(), valid);
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed()) + u" ms"_s));
}

// Bytes flipped, inserted, deleted and lines cut out of valid expositions: never a crash (the
// sanitizer builds and the fuzz target go further), errors always name a line of the body.
void TestOpenMetrics::survivesMutatedInput()
{
    const QList<QByteArray> seeds{
        "# TYPE foo histogram\nfoo_bucket{le=\"0.1\"} 8 # {} 0.054\nfoo_bucket{le=\"+Inf\"} 17\n"
        "foo_count 17\nfoo_sum 324789.3\nfoo_created 1520430000.123\n# EOF\n"_ba,
        "# TYPE c counter\n# HELP c h\\n\nc_total{a=\"b\\\"\"} 1 1.5 # {t=\"x\"} 2 3\nc_created{a=\"b\\\"\"} 4\n# EOF\n"_ba,
        "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\n# TYPE st stateset\nst{st=\"a\"} 1\n"
        "# TYPE i info\ni_info{v=\"1\"} 1\n{\"u.x\",\"l.y\"=\"z\"} 1\n# EOF\n"_ba,
    };
    const QByteArray alphabet = "#{}\"\\=, \n_eE.+-0123456789InfNaT"_ba;
    std::mt19937 random(12345);
    const auto pick = [&](qsizetype bound) { return qsizetype(random() % quint64(bound)); };
    for (int round = 0; round < 20000; ++round) {
        QByteArray body = seeds.at(pick(seeds.size()));
        for (int edit = 0, edits = 1 + int(pick(4)); edit < edits && !body.isEmpty(); ++edit) {
            const qsizetype at = pick(body.size());
            switch (pick(4)) {
            case 0: body[at] = alphabet.at(pick(alphabet.size())); break;
            case 1: body.insert(at, alphabet.at(pick(alphabet.size()))); break;
            case 2: body.remove(at, 1 + pick(4)); break;
            default: body.truncate(at); break;
            }
        }
        for (const NameValidation validation : {NameValidation::Legacy, NameValidation::Utf8}) {
            const Expected<QList<MetricFamily>> result = parseOpenMetrics(body, validation);
            if (result)
                continue;
            const QString &message = result.error().message;
            const QString prefix = u"openmetrics parsing error in line "_s;
            QVERIFY2(message.startsWith(prefix), qPrintable(message));
            const qsizetype colon = message.indexOf(u':', prefix.size());
            const qint64 line = message.mid(prefix.size(), colon - prefix.size()).toLongLong();
            QVERIFY2(line >= 1 && line <= body.count('\n') + 1, qPrintable(message));
        }
    }
}

// ---- Writer -------------------------------------------------------------------------------------

void TestOpenMetrics::writesFamilies_data()
{
    QTest::addColumn<QList<MetricFamily>>("families");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("counter ending in _total: announced without it, _created, exemplar with timestamp")
        << QList<MetricFamily>{family(
               "requests_total", MetricType::Counter,
               {counter(1027, labels({{"code", "200"}}), exemplar(labels({{"trace_id", "abc"}}), 0.67, 1520879607789),
                        1520430000123),
                counter(3, labels({{"code", "500"}}))},
               "Requests served."_ba)}
        << "# HELP requests Requests served.\n"
           "# TYPE requests counter\n"
           "requests_total{code=\"200\"} 1027.0 # {trace_id=\"abc\"} 0.67 1.520879607789e+09\n"
           "requests_created{code=\"200\"} 1.520430000123e+09\n"
           "requests_total{code=\"500\"} 3.0\n"
           "# EOF\n"_ba;

    QTest::newRow("counter without _total: its samples gain the suffix")
        << QList<MetricFamily>{family("jobs", MetricType::Counter, {counter(5, {}, std::nullopt, 1000)})}
        << "# TYPE jobs counter\njobs_total 5.0\njobs_created 1.0\n# EOF\n"_ba;

    QTest::newRow("counter exemplar without labels or timestamp")
        << QList<MetricFamily>{family("c_total", MetricType::Counter, {counter(1.5, {}, exemplar({}, 0))})}
        << "# TYPE c counter\nc_total 1.5 # {} 0.0\n# EOF\n"_ba;

    QTest::newRow("gauge: numbers in Go's %g with .0 for whole numbers")
        << QList<MetricFamily>{family(
               "g", MetricType::Gauge,
               {scalar(0, labels({{"v", "0"}})), scalar(-0.0, labels({{"v", "-0"}})), scalar(1, labels({{"v", "1"}})),
                scalar(-1, labels({{"v", "-1"}})), scalar(123456, labels({{"v", "123456"}})),
                scalar(1e6, labels({{"v", "1e6"}})), scalar(0.5, labels({{"v", "0.5"}})),
                scalar(1e-5, labels({{"v", "1e-5"}})), scalar(kNaN, labels({{"v", "nan"}})),
                scalar(kInf, labels({{"v", "inf"}})), scalar(-kInf, labels({{"v", "-inf"}}))})}
        << "# TYPE g gauge\n"
           "g{v=\"0\"} 0.0\ng{v=\"-0\"} 0.0\ng{v=\"1\"} 1.0\ng{v=\"-1\"} -1.0\ng{v=\"123456\"} 123456.0\n"
           "g{v=\"1e6\"} 1e+06\ng{v=\"0.5\"} 0.5\ng{v=\"1e-5\"} 1e-05\ng{v=\"nan\"} NaN\ng{v=\"inf\"} +Inf\n"
           "g{v=\"-inf\"} -Inf\n"
           "# EOF\n"_ba;

    QTest::newRow("untyped is unknown; never a sample timestamp")
        << QList<MetricFamily>{family("u", MetricType::Untyped, {stamped(scalar(42, labels({{"job", "j"}})), 1000)})}
        << "# TYPE u unknown\nu{job=\"j\"} 42.0\n# EOF\n"_ba;

    QTest::newRow("summary with _created")
        << QList<MetricFamily>{family("rpc_seconds", MetricType::Summary,
                                      {summary(labels({{"service", "a"}}), 42, 17.5,
                                               {Quantile{0.5, 0.012}, Quantile{0.99, kNaN}, Quantile{1, 3}}, 1600000000000)},
                                      "RPC latency."_ba)}
        << "# HELP rpc_seconds RPC latency.\n"
           "# TYPE rpc_seconds summary\n"
           "rpc_seconds{service=\"a\",quantile=\"0.5\"} 0.012\n"
           "rpc_seconds{service=\"a\",quantile=\"0.99\"} NaN\n"
           "rpc_seconds{service=\"a\",quantile=\"1.0\"} 3.0\n"
           "rpc_seconds_sum{service=\"a\"} 17.5\n"
           "rpc_seconds_count{service=\"a\"} 42\n"
           "rpc_seconds_created{service=\"a\"} 1.6e+09\n"
           "# EOF\n"_ba;

    QTest::newRow("histogram: integer counts, le as floats, bucket exemplars, _created")
        << QList<MetricFamily>{family(
               "latency_seconds", MetricType::Histogram,
               {histogram(labels({{"path", "/"}}), 17, 324789.3,
                          {bucket(0.1, 8, exemplar({}, 0.054)),
                           bucket(1, 11, exemplar(labels({{"trace_id", "KOO5S4vxi0o"}}), 0.67, 1520879607789)),
                           bucket(kInf, 17)},
                          1520430000123)})}
        << "# TYPE latency_seconds histogram\n"
           "latency_seconds_bucket{path=\"/\",le=\"0.1\"} 8 # {} 0.054\n"
           "latency_seconds_bucket{path=\"/\",le=\"1.0\"} 11 # {trace_id=\"KOO5S4vxi0o\"} 0.67 1.520879607789e+09\n"
           "latency_seconds_bucket{path=\"/\",le=\"+Inf\"} 17\n"
           "latency_seconds_sum{path=\"/\"} 324789.3\n"
           "latency_seconds_count{path=\"/\"} 17\n"
           "latency_seconds_created{path=\"/\"} 1.520430000123e+09\n"
           "# EOF\n"_ba;

    QTest::newRow("histogram without +Inf bucket: one is added, equal to the count")
        << QList<MetricFamily>{family("h", MetricType::Histogram, {histogram({}, 5, 2.5, {bucket(1, 3)})})}
        << "# TYPE h histogram\nh_bucket{le=\"1.0\"} 3\nh_bucket{le=\"+Inf\"} 5\nh_sum 2.5\nh_count 5\n# EOF\n"_ba;

    Metric nativeOnly = histogram({}, 3, 1.5, {});
    {
        auto native = std::make_shared<NativeHistogram>();
        native->schema = 3;
        native->zeroCount = 1;
        native->positiveSpans = {BucketSpan{0, 2}};
        native->positiveDeltas = {1, 0};
        std::get<HistogramValue>(nativeOnly.value).native = native;
    }
    QTest::newRow("native-only histogram: its classic view")
        << QList<MetricFamily>{family("n", MetricType::Histogram, {nativeOnly})}
        << "# TYPE n histogram\nn_bucket{le=\"+Inf\"} 3\nn_sum 1.5\nn_count 3\n# EOF\n"_ba;

    Metric floatCounts = histogram({}, 0, 4, {});
    {
        HistogramValue &value = std::get<HistogramValue>(floatCounts.value);
        value.sampleCountFloat = 3.5;
        Bucket half;
        half.upperBound = 1;
        half.cumulativeCountFloat = 2.5;
        value.buckets = {half};
    }
    QTest::newRow("float histogram: float counts")
        << QList<MetricFamily>{family("f", MetricType::Histogram, {floatCounts})}
        << "# TYPE f histogram\nf_bucket{le=\"1.0\"} 2.5\nf_bucket{le=\"+Inf\"} 3.5\nf_sum 4.0\nf_count 3.5\n# EOF\n"_ba;

    QTest::newRow("gauge histogram: _gsum, _gcount, no _created")
        << QList<MetricFamily>{family("q", MetricType::GaugeHistogram,
                                      {histogram({}, 4, -3, {bucket(-1, 2, exemplar(labels({{"id", "x"}}), -2))}, 1000)})}
        << "# TYPE q gaugehistogram\n"
           "q_bucket{le=\"-1.0\"} 2 # {id=\"x\"} -2.0\n"
           "q_bucket{le=\"+Inf\"} 4\n"
           "q_gsum -3.0\n"
           "q_gcount 4\n"
           "# EOF\n"_ba;

    QTest::newRow("HELP escapes backslash, newline and quote; label values too; empty HELP kept")
        << QList<MetricFamily>{family("g", MetricType::Gauge, {scalar(1, labels({{"a", "x\\y\n\"z\""}}))},
                                      "a\\b\n\"q\""_ba),
                               family("e", MetricType::Gauge, {scalar(2)}, ""_ba)}
        << "# HELP g a\\\\b\\n\\\"q\\\"\n"
           "# TYPE g gauge\n"
           "g{a=\"x\\\\y\\n\\\"z\\\"\"} 1.0\n"
           "# HELP e \n"
           "# TYPE e gauge\n"
           "e 2.0\n"
           "# EOF\n"_ba;

    QTest::newRow("families without series or name are left out; a value of the wrong shape writes nothing")
        << QList<MetricFamily>{family("empty", MetricType::Gauge, {}), family("", MetricType::Gauge, {scalar(1)}),
                               family("s", MetricType::Summary, {scalar(1)})}
        << "# TYPE s summary\n# EOF\n"_ba;

    QTest::newRow("nothing at all") << QList<MetricFamily>{} << "# EOF\n"_ba;
}

void TestOpenMetrics::writesFamilies()
{
    QFETCH(QList<MetricFamily>, families);
    QFETCH(QByteArray, expected);
    QCOMPARE(writeOpenMetrics(families), expected);
}

void TestOpenMetrics::escapesNamesByScheme_data()
{
    QTest::addColumn<QList<MetricFamily>>("families");
    QTest::addColumn<NameEscaping>("escaping");
    QTest::addColumn<QByteArray>("expected");

    const QList<MetricFamily> dotted{
        family("my.metric", MetricType::Gauge, {scalar(1, labels({{"a.b", "x"}, {"c", "y"}}))}, "Help."_ba),
        family("my.requests_total", MetricType::Counter,
               {counter(2, {}, exemplar(labels({{"t.id", "1"}}), 1), 3000)}),
        family("my.latency", MetricType::Histogram, {histogram(labels({{"a.b", "x"}}), 1, 2, {bucket(kInf, 1)})})};

    QTest::newRow("underscores") << dotted << NameEscaping::Underscores
                                 << "# HELP my_metric Help.\n"
                                    "# TYPE my_metric gauge\n"
                                    "my_metric{a_b=\"x\",c=\"y\"} 1.0\n"
                                    "# TYPE my_requests counter\n"
                                    "my_requests_total 2.0 # {t_id=\"1\"} 1.0\n"
                                    "my_requests_created 3.0\n"
                                    "# TYPE my_latency histogram\n"
                                    "my_latency_bucket{a_b=\"x\",le=\"+Inf\"} 1\n"
                                    "my_latency_sum{a_b=\"x\"} 2.0\n"
                                    "my_latency_count{a_b=\"x\"} 1\n"
                                    "# EOF\n"_ba;
    QTest::newRow("allow-utf-8: quoted, the metric name inside the braces")
        << dotted << NameEscaping::AllowUtf8
        << "# HELP \"my.metric\" Help.\n"
           "# TYPE \"my.metric\" gauge\n"
           "{\"my.metric\",\"a.b\"=\"x\",c=\"y\"} 1.0\n"
           "# TYPE \"my.requests\" counter\n"
           "{\"my.requests_total\"} 2.0 # {\"t.id\"=\"1\"} 1.0\n"
           "{\"my.requests_created\"} 3.0\n"
           "# TYPE \"my.latency\" histogram\n"
           "{\"my.latency_bucket\",\"a.b\"=\"x\",le=\"+Inf\"} 1\n"
           "{\"my.latency_sum\",\"a.b\"=\"x\"} 2.0\n"
           "{\"my.latency_count\",\"a.b\"=\"x\"} 1\n"
           "# EOF\n"_ba;
    QTest::newRow("dots") << dotted << NameEscaping::Dots
                          << "# HELP my_dot_metric Help.\n"
                             "# TYPE my_dot_metric gauge\n"
                             "my_dot_metric{a_dot_b=\"x\",c=\"y\"} 1.0\n"
                             "# TYPE my_dot_requests_ counter\n"
                             "my_dot_requests__total 2.0 # {t_dot_id=\"1\"} 1.0\n"
                             "my_dot_requests__created 3.0\n"
                             "# TYPE my_dot_latency histogram\n"
                             "my_dot_latency_bucket{a_dot_b=\"x\",le=\"+Inf\"} 1\n"
                             "my_dot_latency_sum{a_dot_b=\"x\"} 2.0\n"
                             "my_dot_latency_count{a_dot_b=\"x\"} 1\n"
                             "# EOF\n"_ba;
    QTest::newRow("values") << dotted << NameEscaping::Values
                            << "# HELP U__my_2e_metric Help.\n"
                               "# TYPE U__my_2e_metric gauge\n"
                               "U__my_2e_metric{U__a_2e_b=\"x\",c=\"y\"} 1.0\n"
                               "# TYPE U__my_2e_requests_ counter\n"
                               "U__my_2e_requests__total 2.0 # {U__t_2e_id=\"1\"} 1.0\n"
                               "U__my_2e_requests__created 3.0\n"
                               "# TYPE U__my_2e_latency histogram\n"
                               "U__my_2e_latency_bucket{U__a_2e_b=\"x\",le=\"+Inf\"} 1\n"
                               "U__my_2e_latency_sum{U__a_2e_b=\"x\"} 2.0\n"
                               "U__my_2e_latency_count{U__a_2e_b=\"x\"} 1\n"
                               "# EOF\n"_ba;

    const QList<MetricFamily> legacy{family("plain_total", MetricType::Counter, {counter(1, labels({{"a", "b"}}))})};
    for (const NameEscaping escaping : {NameEscaping::Underscores, NameEscaping::AllowUtf8, NameEscaping::Dots,
                                        NameEscaping::Values}) {
        QTest::addRow("legacy names unchanged by %s", nameEscapingToString(escaping).toByteArray().constData())
            << legacy << escaping << "# TYPE plain counter\nplain_total{a=\"b\"} 1.0\n# EOF\n"_ba;
    }
}

void TestOpenMetrics::escapesNamesByScheme()
{
    QFETCH(QList<MetricFamily>, families);
    QFETCH(NameEscaping, escaping);
    QFETCH(QByteArray, expected);
    QCOMPARE(writeOpenMetrics(families, escaping), expected);
}

void TestOpenMetrics::writesInTheOrderGivenAndEndsWithEof()
{
    const QList<MetricFamily> families{family("zz", MetricType::Gauge, {scalar(2, labels({{"b", "2"}})), scalar(1, labels({{"a", "1"}}))}),
                                       family("aa", MetricType::Gauge, {scalar(3)})};
    QCOMPARE(writeOpenMetrics(families),
             "# TYPE zz gauge\nzz{b=\"2\"} 2.0\nzz{a=\"1\"} 1.0\n# TYPE aa gauge\naa 3.0\n# EOF\n"_ba);

    QByteArray out = "prefix\n"_ba;
    writeOpenMetricsFamily(out, families.at(1));
    QCOMPARE(out, "prefix\n# TYPE aa gauge\naa 3.0\n"_ba);
}

// prometheus-cpp's test idea: a locale with a decimal comma must not leak into the output.
void TestOpenMetrics::writesTheSameInAnyLocale()
{
    const QList<MetricFamily> families{
        family("g", MetricType::Gauge, {scalar(1234.5, labels({{"a", "b"}}))}),
        family("h", MetricType::Histogram, {histogram({}, 1, 0.25, {bucket(0.5, 1, exemplar({}, 0.75, 1500))})})};
    const QByteArray expected = writeOpenMetrics(families);

    const std::string previousC = std::setlocale(LC_ALL, nullptr);
    const std::locale previousCpp;
    const QLocale previousQt;
    const auto restore = qScopeGuard([&] {
        std::setlocale(LC_ALL, previousC.c_str());
        std::locale::global(previousCpp);
        QLocale::setDefault(previousQt);
    });
    for (const char *name : {"de_DE.UTF-8", "de_DE", "fr_FR.UTF-8"}) {
        if (std::setlocale(LC_ALL, name)) {
            try {
                std::locale::global(std::locale(name));
            } catch (const std::exception &) {
            }
            break;
        }
    }
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));

    QCOMPARE(writeOpenMetrics(families), expected);
    QVERIFY(expected.contains("1234.5"));
    QVERIFY(expected.contains("le=\"0.5\""));
    QVERIFY(expected.contains("# {} 0.75 1.5\n"));
}

// ---- Both ways ----------------------------------------------------------------------------------

void TestOpenMetrics::roundTrips_data()
{
    QTest::addColumn<QList<MetricFamily>>("families");
    QTest::addColumn<NameEscaping>("escaping");
    QTest::addColumn<NameValidation>("validation");

    QTest::newRow("every type, exemplars, created timestamps, escapes")
        << QList<MetricFamily>{
               family("requests_total", MetricType::Counter,
                      {counter(1027, labels({{"code", "200"}, {"path", "/a\"b\\c\nd"}}),
                               exemplar(labels({{"trace_id", "abc"}}), 0.67, 1520879607789), 1520430000123),
                       counter(0.1, labels({{"code", "500"}, {"path", "/"}}), exemplar({}, 1e-9)),
                       counter(kInf, labels({{"code", "503"}, {"path", "/"}}))},
                      "Requests \"served\", with \\ and\nnewline."_ba),
               family("temperature", MetricType::Gauge,
                      {scalar(-3.25, labels({{"room", "a"}})), scalar(1e300), scalar(-kInf, labels({{"room", "c"}}))},
                      "Temperature."_ba),
               family("mystery", MetricType::Untyped, {scalar(123456789012.5)}),
               family("rpc_seconds", MetricType::Summary,
                      {summary(labels({{"service", "a"}}), 42, 17.5,
                               {Quantile{0.5, 0.012}, Quantile{0.99, 0.1}, Quantile{0, 0}}, 1600000000001),
                       summary(labels({{"service", "b"}}), 0, 0)}),
               family("latency_seconds", MetricType::Histogram,
                      {histogram(labels({{"path", "/"}}), 17, 324789.3,
                                 {bucket(0.005, 0), bucket(0.1, 8, exemplar({}, 0.054)),
                                  bucket(1, 11, exemplar(labels({{"trace_id", "KOO5S4vxi0o"}}), 0.67, 1520879607789)),
                                  bucket(1e23, 16), bucket(kInf, 17)},
                                 1520430000123),
                       histogram(labels({{"path", "/x"}}), 0, 0, {bucket(kInf, 0)})}),
               family("queue_wait", MetricType::GaugeHistogram,
                      {histogram({}, 42, -3289.3, {bucket(-0.01, 20, exemplar(labels({{"id", "q"}}), -1)),
                                                   bucket(kInf, 42)})})}
        << NameEscaping::Underscores << NameValidation::Legacy;

    QTest::newRow("UTF-8 names with allow-utf-8 and UTF-8 validation")
        << QList<MetricFamily>{family("my.requests_total", MetricType::Counter,
                                      {counter(2, labels({{"a.b", "\xC3\xA9"}}), exemplar(labels({{"t.id", "1"}}), 1), 3000)},
                                      "Dotted."_ba),
                               family("my.gauge", MetricType::Gauge, {scalar(1, labels({{"a.b", "x"}}))}),
                               family("my.hist", MetricType::Histogram,
                                      {histogram(labels({{"a.b", "x"}}), 1, 2, {bucket(1, 1), bucket(kInf, 1)})})}
        << NameEscaping::AllowUtf8 << NameValidation::Utf8;
}

void TestOpenMetrics::roundTrips()
{
    QFETCH(QList<MetricFamily>, families);
    QFETCH(NameEscaping, escaping);
    QFETCH(NameValidation, validation);

    const QByteArray written = writeOpenMetrics(families, escaping);
    const Expected<QList<MetricFamily>> parsed = parseOpenMetrics(written, validation);
    QVERIFY2(parsed.hasValue(), qPrintable(parsed ? QString() : parsed.error().message + u"\n"_s + QString::fromUtf8(written)));
    QCOMPARE(describe(*parsed), describe(families));
    QVERIFY(*parsed == families);
    // And the parsed families write the same exposition again.
    QCOMPARE(writeOpenMetrics(*parsed, escaping), written);
}

// The renaming that keeps the OpenMetrics flag off by default: a counter pushed without the
// _total suffix comes back, through the exposition, under the suffixed name.
void TestOpenMetrics::renamesCounterWithoutTotalSuffix()
{
    const QList<MetricFamily> pushed{family("jobs", MetricType::Counter, {counter(5, labels({{"a", "b"}}))})};
    const Expected<QList<MetricFamily>> scraped = parseOpenMetrics(writeOpenMetrics(pushed));
    QVERIFY(scraped.hasValue());
    QCOMPARE(*scraped,
             (QList<MetricFamily>{family("jobs_total", MetricType::Counter, {counter(5, labels({{"a", "b"}}))})}));
}

QTEST_GUILESS_MAIN(TestOpenMetrics)
#include "tst_openmetrics.moc"
