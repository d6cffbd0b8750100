#include "format/textparser.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QScopeGuard>
#include <QTest>

#include <clocale>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <locale>
#include <utility>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::NameValidation)
Q_DECLARE_METATYPE(qpgw::MetricFamily)
Q_DECLARE_METATYPE(QList<qpgw::MetricFamily>)

// Expected results follow the reference's parser (prometheus/common expfmt.TextParser) as the
// Pushgateway 1.11.3 uses it: behaviour spec section 2.5 and the upstream test inventory (§9).
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

Metric summary(Labels metricLabels, quint64 count, double sum, QList<Quantile> quantiles = {})
{
    return Metric{std::move(metricLabels), SummaryValue{count, sum, std::move(quantiles), {}}, std::nullopt};
}

Bucket bucket(double upperBound, quint64 count)
{
    Bucket result;
    result.upperBound = upperBound;
    result.cumulativeCount = count;
    return result;
}

Bucket floatBucket(double upperBound, double count)
{
    Bucket result;
    result.upperBound = upperBound;
    result.cumulativeCountFloat = count;
    return result;
}

Metric histogram(Labels metricLabels, quint64 count, double sum, QList<Bucket> buckets = {})
{
    HistogramValue value;
    value.sampleCount = count;
    value.sampleSum = sum;
    value.buckets = std::move(buckets);
    return Metric{std::move(metricLabels), std::move(value), std::nullopt};
}

Metric floatHistogram(Labels metricLabels, double count, double sum, QList<Bucket> buckets = {})
{
    Metric metric = histogram(std::move(metricLabels), 0, sum, std::move(buckets));
    std::get<HistogramValue>(metric.value).sampleCountFloat = count;
    return metric;
}

MetricFamily family(const QByteArray &name, MetricType type, QList<Metric> metrics,
                    std::optional<QByteArray> help = std::nullopt)
{
    return MetricFamily{name, std::move(help), type, std::move(metrics)};
}

MetricFamily untyped(const QByteArray &name, QList<Metric> metrics)
{
    return family(name, MetricType::Untyped, std::move(metrics));
}

// ---- Comparison -----------------------------------------------------------------------------

QString number(double value)
{
    return QString::number(value, 'g', 17) + (std::signbit(value) && value == 0 ? u"(neg)"_s : QString());
}

// Every field of the model, one family per line. NaN prints as "nan" on both sides, so this
// also compares values that == cannot.
QString describe(const QList<MetricFamily> &families)
{
    QString out;
    for (const MetricFamily &f : families) {
        out += QString::fromUtf8(f.name) + u' ' + QString::fromUtf8(typeEnumName(f.type).toByteArray())
            + (f.help ? u" help=["_s + QString::fromUtf8(*f.help) + u']' : u" no-help"_s) + u'\n';
        for (const Metric &m : f.metrics) {
            out += u"  {"_s;
            for (const LabelPair &pair : m.labels)
                out += QString::fromUtf8(pair.name) + u"=["_s + QString::fromUtf8(pair.value) + u"] "_s;
            out += u'}';
            if (m.timestampMs)
                out += u" ts="_s + QString::number(*m.timestampMs);
            if (const ScalarValue *s = m.scalar()) {
                out += u" value="_s + number(s->value);
                if (s->exemplar || s->createdTimestampMs)
                    out += u" (exemplar or created timestamp set)"_s;
            } else if (const SummaryValue *sv = m.summary()) {
                out += u" count="_s + QString::number(sv->sampleCount) + u" sum="_s + number(sv->sampleSum) + u" q=["_s;
                for (const Quantile &q : sv->quantiles)
                    out += number(q.quantile) + u':' + number(q.value) + u' ';
                out += u']';
            } else if (const HistogramValue *h = m.histogram()) {
                out += u" count="_s + QString::number(h->sampleCount) + u" countFloat="_s + number(h->sampleCountFloat)
                    + u" sum="_s + number(h->sampleSum) + u" buckets=["_s;
                for (const Bucket &b : h->buckets)
                    out += number(b.upperBound) + u':' + QString::number(b.cumulativeCount) + u'/' + number(b.cumulativeCountFloat) + u' ';
                out += u']';
                if (h->native)
                    out += u" (native fields set)"_s;
            }
            out += u'\n';
        }
    }
    return out;
}

bool containsNaN(const QList<MetricFamily> &families)
{
    return describe(families).contains(u"nan"_s);
}

QByteArray repeated(const QByteArray &line, int times)
{
    QByteArray out;
    out.reserve(line.size() * times);
    for (int i = 0; i < times; ++i)
        out += line;
    return out;
}

} // namespace

class TestTextParser : public QObject
{
    Q_OBJECT

private slots:
    void shouldAcceptWellFormedBodies_data();
    void shouldAcceptWellFormedBodies();
    void shouldAssembleSummaries_data();
    void shouldAssembleSummaries();
    void shouldAssembleHistograms_data();
    void shouldAssembleHistograms();
    void shouldAcceptQuotedNamesInUtf8Mode_data();
    void shouldAcceptQuotedNamesInUtf8Mode();
    void shouldParseValuesWithGoFloatSyntax_data();
    void shouldParseValuesWithGoFloatSyntax();
    void shouldRejectValuesGoDoesNotParse_data();
    void shouldRejectValuesGoDoesNotParse();
    void shouldKeepTimestamps_data();
    void shouldKeepTimestamps();
    void shouldRejectMalformedBodies_data();
    void shouldRejectMalformedBodies();
    void shouldRejectNamesByValidationMode_data();
    void shouldRejectNamesByValidationMode();
    void shouldParseNumbersIndependentlyOfTheLocale();
    void shouldStayLinearOnLargeBodies();

private:
    static void addAccepted(const char *row, const QByteArray &body, const QList<MetricFamily> &expected,
                            NameValidation validation = NameValidation::Legacy);
    static void addRejected(const char *row, const QByteArray &body, const QString &error,
                            NameValidation validation = NameValidation::Legacy);
    static void acceptedColumns();
    static void rejectedColumns();
    static void checkAccepted();
    static void checkRejected();
};

void TestTextParser::acceptedColumns()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<NameValidation>("validation");
    QTest::addColumn<QList<MetricFamily>>("expected");
}

void TestTextParser::rejectedColumns()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<NameValidation>("validation");
    QTest::addColumn<QString>("error");
}

void TestTextParser::addAccepted(const char *row, const QByteArray &body, const QList<MetricFamily> &expected,
                                 NameValidation validation)
{
    QTest::newRow(row) << body << validation << expected;
}

void TestTextParser::addRejected(const char *row, const QByteArray &body, const QString &error,
                                 NameValidation validation)
{
    QTest::newRow(row) << body << validation << error;
}

void TestTextParser::checkAccepted()
{
    QFETCH(QByteArray, body);
    QFETCH(NameValidation, validation);
    QFETCH(QList<MetricFamily>, expected);

    const Expected<QList<MetricFamily>> parsed = parseTextFormat(body, validation);
    QVERIFY2(parsed.hasValue(), qPrintable(parsed.hasValue() ? QString() : parsed.error().message));
    QCOMPARE(describe(*parsed), describe(expected));
    if (!containsNaN(expected))
        QVERIFY(*parsed == expected);
}

void TestTextParser::checkRejected()
{
    QFETCH(QByteArray, body);
    QFETCH(NameValidation, validation);
    QFETCH(QString, error);

    const Expected<QList<MetricFamily>> parsed = parseTextFormat(body, validation);
    QVERIFY2(!parsed.hasValue(), qPrintable(u"accepted: "_s + (parsed.hasValue() ? describe(*parsed) : QString())));
    QCOMPARE(parsed.error().kind, Error::Kind::BadRequest);
    QCOMPARE(parsed.error().message, error);
}

// ---- Accepted bodies ----------------------------------------------------------------------------

void TestTextParser::shouldAcceptWellFormedBodies_data()
{
    acceptedColumns();
    addAccepted("empty body is an empty push", {}, {});
    addAccepted("blank lines only", "\n\n  \n\t\n"_ba, {});
    addAccepted("blanks without a final newline end the body", "a 1\n \t "_ba, {untyped("a", {scalar(1)})});
    addAccepted("H2.d: untyped families, labels in parse order",
                "some_metric 3.14\nanother_metric{instance=\"testinstance\",job=\"testjob\"} 42\n"_ba,
                {untyped("some_metric", {scalar(3.14)}),
                 untyped("another_metric", {scalar(42, labels({{"instance", "testinstance"}, {"job", "testjob"}}))})});
    addAccepted("labels keep their order", "m{b=\"1\",a=\"2\"} 1\n"_ba,
                {untyped("m", {scalar(1, labels({{"b", "1"}, {"a", "2"}}))})});
    addAccepted("families in order of first appearance", "b 1\na 2\nb 3\n"_ba,
                {untyped("b", {scalar(1), scalar(3)}), untyped("a", {scalar(2)})});
    addAccepted("X8: duplicate samples are the consistency check's business", "a 1\na 2\n"_ba,
                {untyped("a", {scalar(1), scalar(2)})});
    addAccepted("families with HELP or TYPE only are dropped", "# HELP x doc\n# TYPE y counter\nz 1\n"_ba,
                {untyped("z", {scalar(1)})});
    addAccepted("comments, including OpenMetrics' # EOF, are ignored",
                "# just a comment\n#\n#   \n# HELP\n# TYPE\n# HELP only_a_name\nm 1\n# EOF\n"_ba,
                {untyped("m", {scalar(1)})});
    addAccepted("HELP and TYPE need no blank after '#'", "#HELP m doc\n#TYPE m gauge\nm 1\n"_ba,
                {family("m", MetricType::Gauge, {scalar(1)}, "doc"_ba)});
    addAccepted("HELP without text sets no HELP", "# HELP m \nm 1\n# HELP m later\n"_ba,
                {family("m", MetricType::Untyped, {scalar(1)}, "later"_ba)});
    addAccepted("HELP after samples is fine", "m 1\n# HELP m doc\n"_ba,
                {family("m", MetricType::Untyped, {scalar(1)}, "doc"_ba)});
    addAccepted("HELP keeps inner and trailing blanks", "# HELP  m \t two  words \nm 1\n"_ba,
                {family("m", MetricType::Untyped, {scalar(1)}, "two  words "_ba)});
    addAccepted("HELP escapes: backslash, newline, quote", "# HELP m a\\\\b\\nc\\\"d \"e\"\nm 1\n"_ba,
                {family("m", MetricType::Untyped, {scalar(1)}, "a\\b\nc\"d \"e\""_ba)});
    addAccepted("label value escapes: backslash, quote, newline", "m{a=\"x\\\\y\\\"z\\nw\"} 1\n"_ba,
                {untyped("m", {scalar(1, labels({{"a", "x\\y\"z\nw"}}))})});
    addAccepted("label values may hold any UTF-8 and syntax characters",
                "m{a=\"Björn ∑ #{},=\",b=\"\"} 1\n"_ba,
                {untyped("m", {scalar(1, labels({{"a", "Björn ∑ #{},="}, {"b", ""}}))})});
    addAccepted("blanks around labels, trailing comma, no blank before the value",
                "  m {  a = \"1\" ,\tb=\"2\", }7\n"_ba,
                {untyped("m", {scalar(7, labels({{"a", "1"}, {"b", "2"}}))})});
    addAccepted("empty label set", "m{} 3\nm{}4\n"_ba, {untyped("m", {scalar(3), scalar(4)})});
    addAccepted("a signed value may follow the name directly", "m-1\nn+Inf\n"_ba,
                {untyped("m", {scalar(-1)}), untyped("n", {scalar(kInf)})});
    addAccepted("types are case-insensitive",
                "# TYPE a COUNTER\na 1\n# TYPE b Gauge\nb 2\n# TYPE c uNtYpEd\nc 3\n"_ba,
                {family("a", MetricType::Counter, {scalar(1)}), family("b", MetricType::Gauge, {scalar(2)}),
                 family("c", MetricType::Untyped, {scalar(3)})});
    addAccepted("type words upper-case as in Go's ToUpper (long s)", "# TYPE a ſummary\na_count 3\n"_ba,
                {family("a", MetricType::Summary, {summary({}, 3, 0)})});
    addAccepted("x_sum without a summary x is its own untyped family", "x_sum 1\nx_count 2\nx_bucket 3\n"_ba,
                {untyped("x_sum", {scalar(1)}), untyped("x_count", {scalar(2)}), untyped("x_bucket", {scalar(3)})});
    addAccepted("x_sum of a gauge x is its own family", "# TYPE x gauge\nx 1\nx_sum 2\n"_ba,
                {family("x", MetricType::Gauge, {scalar(1)}), untyped("x_sum", {scalar(2)})});
    addAccepted("a family named like a suffix wins over the summary",
                "x_count 1\n# TYPE x summary\nx_count 2\nx{quantile=\"0.5\"} 3\n"_ba,
                {untyped("x_count", {scalar(1), scalar(2)}),
                 family("x", MetricType::Summary, {summary({}, 0, 0, {{0.5, 3}})})});
}

void TestTextParser::shouldAcceptWellFormedBodies()
{
    checkAccepted();
}

void TestTextParser::shouldAssembleSummaries_data()
{
    acceptedColumns();
    addAccepted("one summary from quantile, _sum and _count lines",
                "# HELP rpc Latency.\n# TYPE rpc summary\nrpc{quantile=\"0.5\"} 4.5\nrpc{quantile=\"0.99\"} 9\n"
                "rpc_sum 100.5\nrpc_count 20\n"_ba,
                {family("rpc", MetricType::Summary, {summary({}, 20, 100.5, {{0.5, 4.5}, {0.99, 9}})}, "Latency."_ba)});

    // Lines join the metric of their label set wherever they are (order of labels aside), and the
    // latest timestamp wins; a _count is truncated to an integer.
    Metric first = summary(labels({{"n1", "val1"}}), 42, 4711, {{0.5, 110}, {0.9, 140}});
    first.timestampMs = 2;
    Metric second = summary(labels({{"n2", "val2"}, {"n1", "val1"}}), 5, 0, {{-12.34, kNaN}});
    second.timestampMs = 5;
    Metric third = summary(labels({{"n1", "val2"}}), 0, 8);
    third.timestampMs = 15;
    addAccepted("interleaved summaries join by label set",
                "# TYPE my_summary summary\n"
                "my_summary{n1=\"val1\",quantile=\"0.5\"} 110\n"
                "decoy -1 -2\n"
                "my_summary{n1=\"val1\",quantile=\"0.9\"} 140 1\n"
                "my_summary_count{n1=\"val1\"} 42.9\n"
                "my_summary_sum{n1=\"val1\"} 4711 2\n"
                "fake_sum{n1=\"val1\"} 2001\n"
                "# TYPE another_summary summary\n"
                "another_summary_count{n2=\"val2\",n1=\"val1\"} 20\n"
                "my_summary_count{n2=\"val2\",n1=\"val1\"} 5 5\n"
                "another_summary{n1=\"val1\",n2=\"val2\",quantile=\".3\"} -1.2\n"
                "my_summary_sum{n1=\"val2\"} 08 15\n"
                "my_summary{n1=\"val3\", quantile=\"0.2\"} 4711\n"
                "  my_summary{n1=\"val1\",n2=\"val2\",quantile=\"-12.34\",} NaN\n"
                "# HELP my_summary\n# HELP my_summary \n"_ba,
                {family("my_summary", MetricType::Summary,
                        {first, second, third, summary(labels({{"n1", "val3"}}), 0, 0, {{0.2, 4711}})}),
                 untyped("decoy", {stamped(scalar(-1), -2)}),
                 untyped("fake_sum", {scalar(2001, labels({{"n1", "val1"}}))}),
                 family("another_summary", MetricType::Summary,
                        {summary(labels({{"n2", "val2"}, {"n1", "val1"}}), 20, 0, {{0.3, -1.2}})})});
    addAccepted("a summary line without quantile creates an empty summary", "# TYPE s summary\ns{a=\"b\"} 7\n"_ba,
                {family("s", MetricType::Summary, {summary(labels({{"a", "b"}}), 0, 0)})});
    addAccepted("a NaN quantile is dropped", "# TYPE s summary\ns{quantile=\"NaN\"} 7\ns_sum 1\n"_ba,
                {family("s", MetricType::Summary, {summary({}, 0, 1)})});
    addAccepted("a repeated quantile label is no duplicate: the last one counts",
                "# TYPE s summary\ns{quantile=\"0.1\",quantile=\"0.2\"} 7\n"_ba,
                {family("s", MetricType::Summary, {summary({}, 0, 0, {{0.2, 7}})})});
    addAccepted("le is an ordinary label of a summary", "# TYPE s summary\ns_sum{le=\"1\"} 7\n"_ba,
                {family("s", MetricType::Summary, {summary(labels({{"le", "1"}}), 0, 7)})});
    addAccepted("_count saturates into the integer range", "# TYPE s summary\ns_count -3\ns_count{a=\"b\"} 1e30\n"_ba,
                {family("s", MetricType::Summary,
                        {summary({}, 0, 0), summary(labels({{"a", "b"}}), std::numeric_limits<quint64>::max(), 0)})});
    addAccepted("HELP and TYPE through a suffix name reach the summary", "# TYPE s summary\n# HELP s_sum doc\ns_sum 1\n"_ba,
                {family("s", MetricType::Summary, {summary({}, 0, 1)}, "doc"_ba)});
}

void TestTextParser::shouldAssembleSummaries()
{
    checkAccepted();
}

void TestTextParser::shouldAssembleHistograms_data()
{
    acceptedColumns();
    addAccepted("integer classic histogram",
                "# HELP request_duration_microseconds The response latency.\n"
                "# TYPE request_duration_microseconds histogram\n"
                "request_duration_microseconds_bucket{le=\"100\"} 123\n"
                "request_duration_microseconds_bucket{le=\"172.8\"} 1524\n"
                "request_duration_microseconds_bucket{le=\"+Inf\"} 2693\n"
                "request_duration_microseconds_sum 1.7560473e+06\n"
                "request_duration_microseconds_count 2693\n"_ba,
                {family("request_duration_microseconds", MetricType::Histogram,
                        {histogram({}, 2693, 1756047.3, {bucket(100, 123), bucket(172.8, 1524), bucket(kInf, 2693)})},
                        "The response latency."_ba)});
    addAccepted("non-integer counts make a float histogram",
                "# TYPE h histogram\nh_bucket{le=\"0.5\"} 2.5\nh_bucket{le=\"+Inf\"} 10\nh_sum 15.5\nh_count 10.5\n"_ba,
                {family("h", MetricType::Histogram,
                        {floatHistogram({}, 10.5, 15.5, {floatBucket(0.5, 2.5), bucket(kInf, 10)})})});
    addAccepted("counts beyond 2^64, infinite or NaN are float counts",
                "# TYPE h histogram\nh_count 1e20\nh_bucket{le=\"1\"} +Inf\nh_bucket{le=\"2\"} NaN\n"_ba,
                {family("h", MetricType::Histogram,
                        {floatHistogram({}, 1e20, 0, {floatBucket(1, kInf), floatBucket(2, kNaN)})})});
    addAccepted("negative zero is an integer count", "# TYPE h histogram\nh_count -0\n"_ba,
                {family("h", MetricType::Histogram, {histogram({}, 0, 0)})});
    addAccepted("le is removed from labels, series split by the other labels",
                "# TYPE h histogram\nh_bucket{a=\"1\",le=\"1\"} 1\nh_bucket{le=\"1\",a=\"2\"} 2\n"
                "h_count{a=\"1\"} 1\nh_sum{a=\"2\"} 0.5\n"_ba,
                {family("h", MetricType::Histogram,
                        {histogram(labels({{"a", "1"}}), 1, 0, {bucket(1, 1)}),
                         histogram(labels({{"a", "2"}}), 0, 0.5, {bucket(1, 2)})})});
    addAccepted("lines without le, or with le NaN, only create the series",
                "# TYPE h histogram\nh_bucket 1\nh_bucket{le=\"NaN\"} 2\nh{b=\"c\"} 3\n"_ba,
                {family("h", MetricType::Histogram, {histogram({}, 0, 0), histogram(labels({{"b", "c"}}), 0, 0)})});
    addAccepted("an le on the bare name still adds a bucket", "# TYPE h histogram\nh{le=\"1\"} 5\n"_ba,
                {family("h", MetricType::Histogram, {histogram({}, 0, 0, {bucket(1, 5)})})});
    addAccepted("quantile is an ordinary label of a histogram", "# TYPE h histogram\nh_count{quantile=\"1\"} 5\n"_ba,
                {family("h", MetricType::Histogram, {histogram(labels({{"quantile", "1"}}), 5, 0)})});
    addAccepted("gauge histograms assemble like histograms (both spellings)",
                "# TYPE g gaugehistogram\ng_bucket{le=\"1\"} 2\ng_sum 1\ng_count 3\n"
                "# TYPE h GAUGE_HISTOGRAM\nh_count 1.5\n"_ba,
                {family("g", MetricType::GaugeHistogram, {histogram({}, 3, 1, {bucket(1, 2)})}),
                 family("h", MetricType::GaugeHistogram, {floatHistogram({}, 1.5, 0)})});
    addAccepted("histogram type word with a dotless i, as Go's ToUpper reads it",
                "# TYPE h hıstogram\nh_count 1\n"_ba, {family("h", MetricType::Histogram, {histogram({}, 1, 0)})});
}

void TestTextParser::shouldAssembleHistograms()
{
    checkAccepted();
}

void TestTextParser::shouldAcceptQuotedNamesInUtf8Mode_data()
{
    acceptedColumns();
    constexpr NameValidation utf8 = NameValidation::Utf8;
    addAccepted("H3.a: metric name inside the braces",
                "some_metric 3.14\n{\"another.metric\",instance=\"testinstance\",job=\"testjob\","
                "\"dotted.label.name\"=\"mylabelvalue\"} 42\n"_ba,
                {untyped("some_metric", {scalar(3.14)}),
                 untyped("another.metric", {scalar(42, labels({{"instance", "testinstance"}, {"job", "testjob"},
                                                               {"dotted.label.name", "mylabelvalue"}}))})},
                utf8);
    addAccepted("quoted name before the braces", "\"my.metric\"{\"a.b\"=\"c\"} 1\n\"my.metric\" 2\n"_ba,
                {untyped("my.metric", {scalar(1, labels({{"a.b", "c"}})), scalar(2)})}, utf8);
    addAccepted("metric name alone in braces, with or without comma", "{\"m.x\"} 1\n{ \"m.x\" , } 2\n"_ba,
                {untyped("m.x", {scalar(1), scalar(2)})}, utf8);
    addAccepted("metric name after labels inside the braces", "{a=\"b\",\"m.x\"} 1\n"_ba,
                {untyped("m.x", {scalar(1, labels({{"a", "b"}}))})}, utf8);
    addAccepted("HELP and TYPE with quoted names", "# HELP \"m.x\" doc\n# TYPE \"m.x\" counter\n{\"m.x\"} 1\n"_ba,
                {family("m.x", MetricType::Counter, {scalar(1)}, "doc"_ba)}, utf8);
    addAccepted("escapes in quoted names (\\\" keeps its backslash, as in Go)",
                "{\"a\\\\b\\nc\"} 1\n{\"q\\\"\"} 2\n"_ba,
                {untyped("a\\b\nc", {scalar(1)}), untyped("q\\\"", {scalar(2)})}, utf8);
    addAccepted("any UTF-8 in names", "{\"Grüße 👋\",\"ラベル\"=\"値\"} 1\n"_ba,
                {untyped("Grüße 👋", {scalar(1, labels({{"ラベル", "値"}}))})}, utf8);
    addAccepted("a quote inside a name toggles quoting", "ab\"c.d\" 1\n"_ba, {untyped("abc.d", {scalar(1)})}, utf8);
    addAccepted("summaries through braces names",
                "# TYPE \"s.x\" summary\n{\"s.x\",quantile=\"0.5\"} 1\n{\"s.x_count\"} 3\n"_ba,
                {family("s.x", MetricType::Summary, {summary({}, 3, 0, {{0.5, 1}})})}, utf8);
    addAccepted("histograms through braces names, le before the name",
                "# TYPE h histogram\n{le=\"1\",\"h_bucket\"} 2\n{\"h_bucket\",le=\"+Inf\"} 3\n"_ba,
                {family("h", MetricType::Histogram, {histogram({}, 0, 0, {bucket(1, 2), bucket(kInf, 3)})})}, utf8);
    addAccepted("legacy mode accepts quoted names that are legacy-valid, as Go does",
                "{\"m\",\"a\"=\"b\"} 1\n\"n\" 2\n"_ba,
                {untyped("m", {scalar(1, labels({{"a", "b"}}))}), untyped("n", {scalar(2)})});
}

void TestTextParser::shouldAcceptQuotedNamesInUtf8Mode()
{
    checkAccepted();
}

// ---- Values and timestamps ----------------------------------------------------------------------

void TestTextParser::shouldParseValuesWithGoFloatSyntax_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<double>("value");
    QTest::newRow("integer") << "42"_ba << 42.0;
    QTest::newRow("negative") << "-3e3"_ba << -3000.0;
    QTest::newRow("explicit plus") << "+1.5"_ba << 1.5;
    QTest::newRow("leading zeros") << "0008"_ba << 8.0;
    QTest::newRow("no integer part") << ".25"_ba << 0.25;
    QTest::newRow("no fraction digits") << "5."_ba << 5.0;
    QTest::newRow("exponent with sign") << "1.7560473e+06"_ba << 1756047.3;
    QTest::newRow("upper-case exponent") << "2E-3"_ba << 0.002;
    QTest::newRow("negative zero") << "-0"_ba << -0.0;
    QTest::newRow("many digits round correctly") << "0.1000000000000000055511151231257827"_ba << 0.1;
    QTest::newRow("largest double") << "1.7976931348623157e308"_ba << std::numeric_limits<double>::max();
    QTest::newRow("smallest denormal") << "4.9e-324"_ba << std::numeric_limits<double>::denorm_min();
    QTest::newRow("underflow gives zero") << "1e-400"_ba << 0.0;
    QTest::newRow("negative underflow gives negative zero") << "-1e-400"_ba << -0.0;
    QTest::newRow("zero with a huge exponent") << "0e999999"_ba << 0.0;
    QTest::newRow("+Inf") << "+Inf"_ba << kInf;
    QTest::newRow("-Inf") << "-Inf"_ba << -kInf;
    QTest::newRow("Inf") << "Inf"_ba << kInf;
    QTest::newRow("inf any case") << "iNF"_ba << kInf;
    QTest::newRow("infinity") << "Infinity"_ba << kInf;
    QTest::newRow("-INFINITY") << "-INFINITY"_ba << -kInf;
    QTest::newRow("NaN") << "NaN"_ba << kNaN;
    QTest::newRow("nan any case") << "nAn"_ba << kNaN;
}

void TestTextParser::shouldParseValuesWithGoFloatSyntax()
{
    QFETCH(QByteArray, text);
    QFETCH(double, value);
    const Expected<QList<MetricFamily>> parsed = parseTextFormat(QByteArray("m " + text + '\n'));
    QVERIFY2(parsed.hasValue(), qPrintable(parsed.hasValue() ? QString() : parsed.error().message));
    QCOMPARE(parsed->size(), 1);
    const double actual = parsed->constFirst().metrics.constFirst().scalar()->value;
    if (std::isnan(value)) {
        QVERIFY(std::isnan(actual));
    } else {
        QCOMPARE(actual, value);
        QCOMPARE(std::signbit(actual), std::signbit(value));
    }
}

void TestTextParser::shouldRejectValuesGoDoesNotParse_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("word") << "blubb"_ba;
    QTest::newRow("digit separator") << "1_000"_ba;
    QTest::newRow("hex float") << "0x1p-3"_ba;
    QTest::newRow("hex float upper case") << "0X1P-3"_ba;
    QTest::newRow("hex integer") << "0x10"_ba;
    QTest::newRow("binary") << "0b1"_ba;
    QTest::newRow("octal") << "0o7"_ba;
    QTest::newRow("lone point") << "."_ba;
    QTest::newRow("exponent without digits") << "1e"_ba;
    QTest::newRow("exponent sign without digits") << "1e+"_ba;
    QTest::newRow("two points") << "1.2.3"_ba;
    QTest::newRow("decimal comma") << "1,5"_ba;
    QTest::newRow("signed NaN") << "+NaN"_ba;
    QTest::newRow("negative NaN") << "-nan"_ba;
    QTest::newRow("partial infinity") << "infin"_ba;
    QTest::newRow("double sign") << "--1"_ba;
    QTest::newRow("overflow") << "1e309"_ba;
    QTest::newRow("negative overflow") << "-1.8e308"_ba;
    QTest::newRow("carriage return") << "1\r"_ba;
    QTest::newRow("trailing garbage") << "1x"_ba;
}

void TestTextParser::shouldRejectValuesGoDoesNotParse()
{
    QFETCH(QByteArray, text);
    const Expected<QList<MetricFamily>> parsed = parseTextFormat(QByteArray("m " + text + '\n'));
    QVERIFY(!parsed.hasValue());
    QString quoted = QString::fromUtf8(text);
    quoted.replace(u"\r"_s, u"\\r"_s);
    QCOMPARE(parsed.error().message, u"text format parsing error in line 1: expected float as value, got \""_s + quoted + u'"');
}

void TestTextParser::shouldKeepTimestamps_data()
{
    acceptedColumns();
    addAccepted("H2.h: timestamps are recognised (the store rejects them)", "a 1\nb 1 1000\n"_ba,
                {untyped("a", {scalar(1)}), untyped("b", {stamped(scalar(1), 1000)})});
    addAccepted("negative and signed timestamps", "a 1 -2\nb 1 +5\n"_ba,
                {untyped("a", {stamped(scalar(1), -2)}), untyped("b", {stamped(scalar(1), 5)})});
    addAccepted("int64 limits", "a 1 9223372036854775807\nb 1 -9223372036854775808\n"_ba,
                {untyped("a", {stamped(scalar(1), std::numeric_limits<qint64>::max())}),
                 untyped("b", {stamped(scalar(1), std::numeric_limits<qint64>::min())})});
    addAccepted("blanks between value and timestamp", "a 1 \t 7\n"_ba, {untyped("a", {stamped(scalar(1), 7)})});
}

void TestTextParser::shouldKeepTimestamps()
{
    checkAccepted();
}

// ---- Rejected bodies ----------------------------------------------------------------------------

void TestTextParser::shouldRejectMalformedBodies_data()
{
    rejectedColumns();
    const QString line1 = u"text format parsing error in line 1: "_s;
    const QString line2 = u"text format parsing error in line 2: "_s;
    const QString line3 = u"text format parsing error in line 3: "_s;

    // Line ends
    addRejected("X1: no final newline", "some_metric 3.14"_ba, line1 + u"unexpected end of input stream"_s);
    addRejected("no final newline on a later line", "bla 3.14\nblubber 42"_ba, line2 + u"unexpected end of input stream"_s);
    addRejected("comment without final newline", "m 1\n# EOF"_ba, line2 + u"unexpected end of input stream"_s);
    addRejected("an error before the end of an unterminated line wins", "metric{@=\"bla\"} 3.14"_ba,
                line1 + u"invalid label name for metric \"metric\""_s);
    addRejected("TYPE after samples is found before the missing newline", "m 1\n# TYPE m gauge"_ba,
                line2 + u"second TYPE line for metric name \"m\", or TYPE reported after samples"_s);
    addRejected("CRLF line ends are not blanks", "a 1\r\n"_ba, line1 + u"expected float as value, got \"1\\r\""_s);
    addRejected("line numbers count blank and comment lines", "\n# comment\nm\n"_ba,
                line3 + u"expected float as value, got \"\""_s);

    // Samples
    addRejected("H2.c: no value", "blablabla\n"_ba, line1 + u"expected float as value, got \"\""_s);
    addRejected("trailing blank after the value", "m 1 \n"_ba, line1 + u"expected integer as timestamp, got \"\""_s);
    addRejected("timestamp not an integer", "m{label=\"bla\"} 3.14 2.72\n"_ba,
                line1 + u"expected integer as timestamp, got \"2.72\""_s);
    addRejected("timestamp out of int64 range", "m 1 9223372036854775808\n"_ba,
                line1 + u"expected integer as timestamp, got \"9223372036854775808\""_s);
    addRejected("junk after the timestamp", "m 3.14 2 3\n"_ba, line1 + u"spurious string after timestamp: \" 3\""_s);
    addRejected("blank after the timestamp", "m 3.14 2 \n"_ba, line1 + u"spurious string after timestamp: \" \""_s);
    addRejected("exemplar after the value", "m 1 # {trace_id=\"a\"} 1\n"_ba,
                line1 + u"expected integer as timestamp, got \"#\""_s);
    addRejected("exemplar after the timestamp", "m 1 2 # {trace_id=\"a\"} 1\n"_ba,
                line1 + u"spurious string after timestamp: \" # {trace_id=\\\"a\\\"} 1\""_s);
    addRejected("name starts with a bad character", "@invalidmetric{label=\"bla\"} 3.14 2\n"_ba,
                line1 + u"invalid metric name"_s);
    addRejected("braces without a metric name", "{label=\"bla\"} 3.14\n"_ba, line1 + u"invalid metric name"_s);
    addRejected("empty braces without a metric name", "{} 1\n"_ba, line1 + u"invalid metric name"_s);
    addRejected("a braces line never joins the previous line's family", "a 1\n{b=\"c\"} 2\n"_ba,
                line2 + u"invalid metric name"_s);

    // Labels
    addRejected("duplicate label names", "m{a=\"1\",a=\"2\"} 1\n"_ba, line1 + u"duplicate label names for metric \"m\""_s);
    addRejected("duplicate found before the value is read", "m{a=\"1\",a=\"\\q\"} 1\n"_ba,
                line1 + u"duplicate label names for metric \"m\""_s);
    addRejected("__name__ is reserved", "m{__name__=\"bla\"} 3.14\n"_ba, line1 + u"label name \"__name__\" is reserved"_s);
    addRejected("bad label name start", "m{@=\"bla\"} 3.14\n"_ba, line1 + u"invalid label name for metric \"m\""_s);
    addRejected("empty label name after a comma", "m{a=\"b\",,} 1\n"_ba, line1 + u"invalid label name for metric \"m\""_s);
    addRejected("no '=' after the label name", "m{label+=\"bla\"} 3.14\n"_ba,
                line1 + u"expected '=' after label name, found '+'"_s);
    addRejected("bare name inside the braces of a named metric", "m{\"x\"} 1\n"_ba,
                line1 + u"expected '=' after label name, found '}'"_s);
    addRejected("bytes are quoted the Go way", "m{a\x01=\"b\"} 1\n"_ba,
                line1 + u"expected '=' after label name, found '\\x01'"_s);
    addRejected("non-ASCII bytes are quoted as Latin-1 runes", "m{a\xc3\xa9=\"b\"} 1\n"_ba,
                line1 + u"expected '=' after label name, found 'Ã'"_s);
    addRejected("unquoted label value", "m{label=bla} 3.14\n"_ba,
                line1 + u"expected '\"' at start of label value, found 'b'"_s);
    addRejected("junk after a label value", "m{label=\"bla\"+} 3.14\n"_ba,
                line1 + u"unexpected end of label value \"bla\""_s);
    addRejected("label value not valid UTF-8", "m{l=\"\xbd\"} 3.14\n"_ba, line1 + u"invalid label value \"\\xbd\""_s);
    addRejected("label value with a truncated sequence", "m{l=\"\xe2\x82 ok ä\"} 1\n"_ba,
                line1 + u"invalid label value \"\\xe2\\x82 ok ä\""_s);
    addRejected("label value with an encoded surrogate", "m{l=\"\xed\xa0\x80\"} 1\n"_ba,
                line1 + u"invalid label value \"\\xed\\xa0\\x80\""_s);
    addRejected("invalid escape in a label value", "metric{label=\"\\t\"} 3.14\n"_ba,
                line1 + u"invalid escape sequence '\\t'"_s);
    addRejected("raw newline in a label value", "\nmetric{label=\"new\nline\"} 3.14\n"_ba,
                line2 + u"label value \"new\" contains unescaped new-line"_s);
    addRejected("raw newline in an escaped label value", "m{l=\"a\\\\b\n\"} 1\n"_ba,
                line1 + u"label value \"a\\\\b\" contains unescaped new-line"_s);
    addRejected("label value ending in a backslash", "m{l=\"a\\\n"_ba, line1 + u"invalid escape sequence '\\\n'"_s);

    // HELP and TYPE
    addRejected("second HELP", "\n# HELP metric one\n# HELP metric two\n"_ba,
                line3 + u"second HELP line for metric name \"metric\""_s);
    addRejected("second TYPE", "# TYPE metric counter\n# TYPE metric untyped\n"_ba,
                line2 + u"second TYPE line for metric name \"metric\", or TYPE reported after samples"_s);
    addRejected("TYPE after samples", "metric 4.12\n# TYPE metric counter\n"_ba,
                line2 + u"second TYPE line for metric name \"metric\", or TYPE reported after samples"_s);
    addRejected("TYPE through a suffix reaches the summary", "# TYPE s summary\n# TYPE s_count gauge\n"_ba,
                line2 + u"second TYPE line for metric name \"s\", or TYPE reported after samples"_s);
    addRejected("unknown type", "# TYPE metric bla\n"_ba, line1 + u"unknown metric type \"bla\""_s);
    addRejected("type with a trailing blank", "# TYPE metric counter \n"_ba, line1 + u"unknown metric type \"counter \""_s);
    addRejected("type with a carriage return", "# TYPE metric counter\r\n"_ba,
                line1 + u"unknown metric type \"counter\\r\""_s);
    addRejected("OpenMetrics-only type", "# TYPE metric info\n"_ba, line1 + u"unknown metric type \"info\""_s);
    addRejected("invalid name in a comment", "# TYPE met-ric counter\n"_ba, line1 + u"invalid metric name in comment"_s);
    addRejected("invalid escape in HELP", "# HELP m a\\qb\n"_ba, line1 + u"invalid escape sequence '\\q'"_s);
    addRejected("HELP ending in a backslash", "# HELP m doc\\\n"_ba, line1 + u"invalid escape sequence '\\\n'"_s);

    // Summaries and histograms
    addRejected("quantile not a float", "# TYPE metric summary\nmetric{quantile=\"bla\"} 3.14\n"_ba,
                line2 + u"expected float as value for 'quantile' label, got \"bla\""_s);
    addRejected("quantile as a hex float", "# TYPE metric summary\nmetric{quantile=\"0x1p-3\"} 3.14\n"_ba,
                line2 + u"expected float as value for 'quantile' label, got \"0x1p-3\""_s);
    addRejected("le not a float", "# TYPE metric histogram\nmetric_bucket{le=\"bla\"} 3.14\n"_ba,
                line2 + u"expected float as value for 'le' label, got \"bla\""_s);
    addRejected("negative float histogram count", "# TYPE h histogram\nh_count -1\n"_ba,
                line2 + u"negative count for histogram \"h\""_s);
    addRejected("negative float bucket count", "# TYPE h histogram\nh_bucket{le=\"1\"} -0.5\n"_ba,
                line2 + u"negative bucket count for histogram \"h\""_s);
    addRejected("negative gauge histogram count", "# TYPE h gauge_histogram\nh_count -Inf\n"_ba,
                line2 + u"negative count for histogram \"h\""_s);

    // Quoted names
    constexpr NameValidation utf8 = NameValidation::Utf8;
    addRejected("two metric names in braces", "{\"a\",\"b\"} 1\n"_ba, line1 + u"multiple metric names for metric \"a\""_s, utf8);
    addRejected("junk after a metric name in braces", "{\"a\" x} 1\n"_ba, line1 + u"unexpected end of metric name 'x'"_s, utf8);
    addRejected("invalid escape in a quoted name", "{\"a\\q\"} 1\n"_ba, line1 + u"invalid escape sequence '\\q'"_s, utf8);
    addRejected("raw newline in a quoted metric name", "\"ab\n"_ba,
                line1 + u"metric name \"ab\" contains unescaped new-line"_s, utf8);
    addRejected("raw newline in a quoted label name", "{\"ab\n"_ba,
                line1 + u"label name \"ab\" contains unescaped new-line"_s, utf8);
    addRejected("empty quoted metric name", "\"\" 1\n"_ba, line1 + u"invalid metric name"_s, utf8);
    addRejected("empty quoted name in HELP", "# HELP \"\" doc\n"_ba, line1 + u"invalid metric name \"\""_s, utf8);
    addRejected("quoted name not valid UTF-8", "{\"\xff\"} 1\n"_ba, line1 + u"invalid metric name \"\\xff\""_s, utf8);
    addRejected("quoted label name not valid UTF-8", "{\"m\",\"\xc0\xaf\"=\"v\"} 1\n"_ba,
                line1 + u"invalid label name \"\\xc0\\xaf\""_s, utf8);
}

void TestTextParser::shouldRejectMalformedBodies()
{
    checkRejected();
}

void TestTextParser::shouldRejectNamesByValidationMode_data()
{
    rejectedColumns();
    const QString line1 = u"text format parsing error in line 1: "_s;
    addRejected("H3.a body in legacy mode", "some_metric 3.14\n{\"another.metric\",job=\"testjob\"} 42\n"_ba,
                u"text format parsing error in line 2: invalid metric name \"another.metric\""_s);
    addRejected("quoted metric name in legacy mode", "\"my.metric\" 1\n"_ba, line1 + u"invalid metric name \"my.metric\""_s);
    addRejected("quoted label name in legacy mode", "m{\"a.b\"=\"c\"} 1\n"_ba, line1 + u"invalid label name \"a.b\""_s);
    addRejected("quoted name in HELP in legacy mode", "# HELP \"m.x\" doc\n"_ba, line1 + u"invalid metric name \"m.x\""_s);
    addRejected("quote toggling in legacy mode", "ab\"c.d\" 1\n"_ba, line1 + u"invalid metric name \"abc.d\""_s);
    addRejected("digit-first quoted label name", "m{\"1a\"=\"c\"} 1\n"_ba, line1 + u"invalid label name \"1a\""_s);
}

void TestTextParser::shouldRejectNamesByValidationMode()
{
    checkRejected();
}

// ---- Robustness ---------------------------------------------------------------------------------

// A German locale writes 1,5: the parser must neither accept that nor misread 1.5.
void TestTextParser::shouldParseNumbersIndependentlyOfTheLocale()
{
    const QByteArray previousCLocale = std::setlocale(LC_ALL, nullptr);
    const std::locale previousLocale;
    const QLocale previousQLocale;
    const bool haveGermanCLocale = std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
    if (haveGermanCLocale)
        std::locale::global(std::locale("de_DE.UTF-8"));
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    auto restore = qScopeGuard([&] {
        std::setlocale(LC_ALL, previousCLocale.constData());
        std::locale::global(previousLocale);
        QLocale::setDefault(previousQLocale);
    });
    if (haveGermanCLocale)
        QCOMPARE(std::localeconv()->decimal_point, ",");

    const Expected<QList<MetricFamily>> parsed =
        parseTextFormat("# TYPE s summary\ns{quantile=\"0.25\"} 1.5e3\ns_sum 2.75\n"_ba);
    QVERIFY(parsed.hasValue());
    QVERIFY(*parsed == QList<MetricFamily>{family("s", MetricType::Summary, {summary({}, 0, 2.75, {{0.25, 1500}})})});

    const Expected<QList<MetricFamily>> comma = parseTextFormat("m 1,5\n"_ba);
    QVERIFY(!comma.hasValue());
    QCOMPARE(comma.error().message, u"text format parsing error in line 1: expected float as value, got \"1,5\""_s);
}

// Long label sets, long values, many series and many families cost time in proportion to their
// size (the reference itself checks duplicate labels quadratically; a quadratic step here would
// take minutes on these inputs).
void TestTextParser::shouldStayLinearOnLargeBodies()
{
    constexpr int kLabels = 100'000;
    QByteArray wideLine = "m{";
    for (int i = 0; i < kLabels; ++i)
        wideLine += "l" + QByteArray::number(i) + "=\"v\",";
    wideLine += "} 1\n";

    const QByteArray longValue = "m{a=\"" + QByteArray(8 << 20, 'x') + "\\\\\"} 1\n";

    QByteArray histogramBody = "# TYPE h histogram\n";
    constexpr int kSeries = 20'000;
    for (int i = 0; i < kSeries; ++i) {
        const QByteArray series = "instance=\"host" + QByteArray::number(i) + "\"";
        histogramBody += "h_bucket{" + series + ",le=\"1\"} 1\nh_bucket{" + series + ",le=\"+Inf\"} 2\n";
        histogramBody += "h_sum{" + series + "} 3\nh_count{" + series + "} 2\n";
    }
    QByteArray manyFamilies;
    for (int i = 0; i < kSeries; ++i)
        manyFamilies += "# HELP f" + QByteArray::number(i) + " doc\nf" + QByteArray::number(i) + " 1\n";

    QElapsedTimer timer;
    timer.start();

    const Expected<QList<MetricFamily>> wide = parseTextFormat(wideLine);
    QVERIFY(wide.hasValue());
    QCOMPARE(wide->constFirst().metrics.constFirst().labels.size(), kLabels);
    QCOMPARE(wide->constFirst().metrics.constFirst().labels.constLast().name, QByteArray("l" + QByteArray::number(kLabels - 1)));

    QByteArray duplicateAtTheEnd = wideLine;
    duplicateAtTheEnd.insert(duplicateAtTheEnd.size() - 4, "l0=\"v\"");
    const Expected<QList<MetricFamily>> duplicate = parseTextFormat(duplicateAtTheEnd);
    QVERIFY(!duplicate.hasValue());
    QCOMPARE(duplicate.error().message, u"text format parsing error in line 1: duplicate label names for metric \"m\""_s);

    const Expected<QList<MetricFamily>> longParsed = parseTextFormat(longValue);
    QVERIFY(longParsed.hasValue());
    QCOMPARE(longParsed->constFirst().metrics.constFirst().labels.constFirst().value.size(), (8 << 20) + 1);

    const Expected<QList<MetricFamily>> histograms = parseTextFormat(histogramBody);
    QVERIFY(histograms.hasValue());
    QCOMPARE(histograms->constFirst().metrics.size(), kSeries);
    QVERIFY(histograms->constFirst().metrics.constLast()
            == histogram(labels({{"instance", QByteArray("host" + QByteArray::number(kSeries - 1))}}), 2, 3,
                         {bucket(1, 1), bucket(kInf, 2)}));

    const Expected<QList<MetricFamily>> families = parseTextFormat(manyFamilies);
    QVERIFY(families.hasValue());
    QCOMPARE(families->size(), kSeries);

    const Expected<QList<MetricFamily>> blankLines = parseTextFormat(QByteArray(repeated("\n", 1 << 20) + "m 1\n"));
    QVERIFY(blankLines.hasValue());
    const Expected<QList<MetricFamily>> lateError = parseTextFormat(QByteArray(repeated("\n", 1 << 20) + "m"));
    QVERIFY(!lateError.hasValue());
    QCOMPARE(lateError.error().message,
             u"text format parsing error in line 1048577: unexpected end of input stream"_s);

    // Generous: all of the above takes well under a second in an optimised build.
    QVERIFY2(timer.elapsed() < 20'000, qPrintable(QString::number(timer.elapsed()) + u" ms"_s));
}

QTEST_APPLESS_MAIN(TestTextParser)

#include "tst_textparser.moc"
