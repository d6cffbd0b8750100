#include "openmetricsparser.h"

#include "utf8text.h"

#include <QString>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// The parser reads a line at a time and checks it against the ABNF of OpenMetrics 1.0; what a
// line means then depends on the family it belongs to. Families and their series ("Metrics" and
// "MetricPoints" in the specification) are assembled as the lines come, since both must be
// contiguous: a series ends when a line of another series starts, a family when a line of
// another family does. Every check is constant or logarithmic per line, so the whole parse is
// linear in the body (plus sorting within one label set).

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr qsizetype kMaxExemplarCodePoints = 128;

constexpr bool isDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// metricname-initial-char and metricname-char of the ABNF; label names have no ':'.
constexpr bool isNameStart(char c, bool metric)
{
    return isAsciiLetter(c) || c == '_' || (metric && c == ':');
}
constexpr bool isNameChar(char c, bool metric) { return isNameStart(c, metric) || isDigit(c); }

std::string toKey(QByteArrayView bytes)
{
    return {bytes.data(), size_t(bytes.size())};
}

// ----------------------------------------------------------------------------------------------
// Numbers

bool equalsIgnoringAsciiCase(QByteArrayView text, const char *lowerCaseWord)
{
    const auto length = qsizetype(std::strlen(lowerCaseWord));
    if (text.size() != length)
        return false;
    for (qsizetype i = 0; i < length; ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lowerCaseWord[i])
            return false;
    }
    return true;
}

// realnumber: [sign] (digits ["." digits] | "." digits) ["e" [sign] digits], 'e' in either case.
// std::from_chars converts it, whatever the process locale. A number beyond float64's range is
// an error ("MUST fit within the range of a 64-bit floating point value"), whether it is too
// large or too small.
std::optional<double> parseRealNumber(QByteArrayView text)
{
    const char *p = text.data();
    const char *const end = p + text.size();
    const bool negative = p != end && *p == '-';
    if (p != end && (*p == '+' || *p == '-'))
        ++p;
    const char *const unsignedBegin = p;
    qsizetype digits = 0;
    for (; p != end && isDigit(*p); ++p)
        ++digits;
    if (p != end && *p == '.') {
        for (++p; p != end && isDigit(*p); ++p)
            ++digits;
    }
    if (digits == 0)
        return std::nullopt;
    if (p != end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p != end && (*p == '+' || *p == '-'))
            ++p;
        if (p == end || !isDigit(*p))
            return std::nullopt;
        while (p != end && isDigit(*p))
            ++p;
    }
    if (p != end)
        return std::nullopt;
    double value = 0;
    const std::from_chars_result result = std::from_chars(unsignedBegin, end, value);
    if (result.ec != std::errc() || result.ptr != end)
        return std::nullopt;
    return negative ? -value : value;
}

// number: a realnumber, [sign] "inf" / "infinity", or "nan", case-insensitively.
std::optional<double> parseNumber(QByteArrayView text)
{
    if (equalsIgnoringAsciiCase(text, "nan"))
        return std::numeric_limits<double>::quiet_NaN();
    const bool signed_ = text.startsWith('+') || text.startsWith('-');
    const QByteArrayView word = signed_ ? text.sliced(1) : text;
    if (equalsIgnoringAsciiCase(word, "inf") || equalsIgnoringAsciiCase(word, "infinity"))
        return text.startsWith('-') ? -kInf : kInf;
    return parseRealNumber(text);
}

// Seconds (OpenMetrics) to milliseconds (the model), rounded to the nearest: 1.001 is a little
// less than that in binary, and truncating would lose the millisecond. NaN, infinities and
// anything beyond qint64 milliseconds are no timestamp.
std::optional<TimestampMs> secondsToMilliseconds(double seconds)
{
    const double milliseconds = std::round(seconds * 1000);
    if (!(milliseconds >= -9.2e18 && milliseconds <= 9.2e18))
        return std::nullopt;
    return static_cast<TimestampMs>(milliseconds);
}

// Counts "MUST be integers" (and are not negative): the model keeps them as quint64.
std::optional<quint64> asCount(double value)
{
    if (value >= 0 && value < 18446744073709551616.0 && std::trunc(value) == value)
        return static_cast<quint64>(value);
    return std::nullopt;
}

qsizetype codePointCount(QByteArrayView utf8)
{
    return std::count_if(utf8.begin(), utf8.end(), [](char c) { return (uchar(c) & 0xC0) != 0x80; });
}

// ----------------------------------------------------------------------------------------------
// Types and the samples each one has

enum class OmType : quint8 { Unknown, Gauge, Counter, StateSet, Info, Histogram, GaugeHistogram, Summary };

struct TypeWord
{
    const char *word;
    OmType type;
};

constexpr TypeWord kTypeWords[] = {
    {"counter", OmType::Counter},     {"gauge", OmType::Gauge},
    {"histogram", OmType::Histogram}, {"gaugehistogram", OmType::GaugeHistogram},
    {"stateset", OmType::StateSet},   {"info", OmType::Info},
    {"summary", OmType::Summary},     {"unknown", OmType::Unknown},
};

// TYPE words are lower case: the ABNF spells them as exact code points.
std::optional<OmType> typeFromWord(QByteArrayView word)
{
    for (const TypeWord &entry : kTypeWords) {
        if (word == QByteArrayView(entry.word))
            return entry.type;
    }
    return std::nullopt;
}

QString typeName(OmType type)
{
    for (const TypeWord &entry : kTypeWords) {
        if (entry.type == type)
            return QString::fromLatin1(entry.word);
    }
    return QString();
}

// What a sample line is within its family.
enum class Role : quint8 { Value, Total, Created, State, Info, Quantile, Sum, Count, Bucket };

struct SampleKind
{
    const char *suffix;
    Role role;
};

// The sample names of a family of each type, as suffixes of the family name. One table serves
// both to tell which family a line belongs to and to claim the names a family may use.
std::span<const SampleKind> sampleKinds(OmType type)
{
    static constexpr SampleKind value[] = {{"", Role::Value}};
    static constexpr SampleKind counter[] = {{"_total", Role::Total}, {"_created", Role::Created}};
    static constexpr SampleKind stateSet[] = {{"", Role::State}};
    static constexpr SampleKind info[] = {{"_info", Role::Info}};
    static constexpr SampleKind summary[] = {
        {"", Role::Quantile}, {"_sum", Role::Sum}, {"_count", Role::Count}, {"_created", Role::Created}};
    static constexpr SampleKind histogram[] = {
        {"_bucket", Role::Bucket}, {"_sum", Role::Sum}, {"_count", Role::Count}, {"_created", Role::Created}};
    static constexpr SampleKind gaugeHistogram[] = {
        {"_bucket", Role::Bucket}, {"_gsum", Role::Sum}, {"_gcount", Role::Count}};
    switch (type) {
    case OmType::Unknown:
    case OmType::Gauge: return value;
    case OmType::Counter: return counter;
    case OmType::StateSet: return stateSet;
    case OmType::Info: return info;
    case OmType::Summary: return summary;
    case OmType::Histogram: return histogram;
    case OmType::GaugeHistogram: return gaugeHistogram;
    }
    return value;
}

// The names Prometheus stores a family under: the counter's samples are `_total`, the info's
// `_info`; all others keep the family name.
QByteArray modelName(OmType type, const QByteArray &name)
{
    if (type == OmType::Counter)
        return name + "_total";
    if (type == OmType::Info)
        return name + "_info";
    return name;
}

MetricType modelType(OmType type)
{
    switch (type) {
    case OmType::Counter: return MetricType::Counter;
    case OmType::Summary: return MetricType::Summary;
    case OmType::Histogram: return MetricType::Histogram;
    case OmType::GaugeHistogram: return MetricType::GaugeHistogram;
    case OmType::Unknown: return MetricType::Untyped;
    case OmType::Gauge:
    case OmType::StateSet:
    case OmType::Info: return MetricType::Gauge;
    }
    return MetricType::Untyped;
}

bool isHistogram(OmType type)
{
    return type == OmType::Histogram || type == OmType::GaugeHistogram;
}

// ----------------------------------------------------------------------------------------------
// Labels

std::optional<QByteArray> takeLabel(Labels &labels, QByteArrayView name)
{
    for (qsizetype i = 0; i < labels.size(); ++i) {
        if (labels.at(i).name == name)
            return labels.takeAt(i).value;
    }
    return std::nullopt;
}

// A series' identity: its label pairs sorted by name, but for `skip` (a stateset's state
// label). Names and values are UTF-8, which never contains 0xFF: an unambiguous separator.
std::string seriesKey(const Labels &labels, QByteArrayView skip = {})
{
    std::vector<const LabelPair *> sorted;
    sorted.reserve(size_t(labels.size()));
    for (const LabelPair &pair : labels) {
        if (skip.isEmpty() || pair.name != skip)
            sorted.push_back(&pair);
    }
    std::sort(sorted.begin(), sorted.end(), [](const LabelPair *a, const LabelPair *b) { return a->name < b->name; });
    std::string key;
    for (const LabelPair *pair : sorted) {
        key.append(pair->name.constData(), size_t(pair->name.size())) += '\xFF';
        key.append(pair->value.constData(), size_t(pair->value.size())) += '\xFF';
    }
    return key;
}

// `name{a="x"}` for error texts, values quoted the Go way (as the text parser quotes tokens).
QString seriesText(QByteArrayView name, const Labels &labels)
{
    QString text = QString::fromUtf8(name);
    if (labels.isEmpty())
        return text;
    QChar separator = u'{';
    for (const LabelPair &pair : labels) {
        text += separator + QString::fromUtf8(pair.name) + u'=' + goQuoted(pair.value);
        separator = u',';
    }
    return text + u'}';
}

// ----------------------------------------------------------------------------------------------
// The parser

struct Sample
{
    QByteArray name;
    Labels labels;
    double value = 0;
    std::optional<TimestampMs> timestampMs;
    std::optional<Exemplar> exemplar;
};

struct Family
{
    QByteArray name;
    OmType type = OmType::Unknown;
    bool typeSeen = false;
    bool helpSeen = false;
    bool unitSeen = false;
    QByteArray unit;
    std::optional<QByteArray> help;
    // Its names are claimed and its metadata final: it has samples, or it has ended.
    bool fixed = false;
    MetricFamily model;
    std::unordered_set<std::string> seriesKeys; // every series it has had
};

// The series being read (one MetricPoint): what its lines have set so far.
struct Point
{
    bool open = false;
    std::string key;
    Labels labels; // without le and quantile
    std::optional<TimestampMs> timestampMs;
    qsizetype lastLine = 0;
    std::optional<double> value; // gauge, unknown, counter total
    std::optional<Exemplar> exemplar;
    std::optional<TimestampMs> createdMs;
    std::optional<double> sum;
    std::optional<quint64> count;
    QList<Bucket> buckets;
    QList<Quantile> quantiles;
    std::unordered_set<double> quantileSet;
    std::unordered_set<std::string> states;
    bool infoSeen = false;
};

class OpenMetricsParser
{
public:
    OpenMetricsParser(QByteArrayView body, NameValidation validation) : m_body(body), m_validation(validation) {}

    Expected<QList<MetricFamily>> run();

private:
    // Lines
    bool parseLine();
    bool parseMetadata();
    bool parseSample();

    // Tokens, on the current line
    bool atEnd() const { return m_p == m_end; }
    char peek() const { return m_p == m_end ? '\n' : *m_p; } // '\n' never occurs within a line
    bool consume(char c);
    QByteArrayView readToken();
    QByteArrayView rest();
    void readName(bool metric, QByteArray &name);
    bool readQuoted(QByteArray &text, const QString &what);
    bool readLabelSet(Labels &labels, QByteArray *metricName);
    bool readLabel(Labels &labels, QByteArray *metricName);
    bool readValue(const QString &what, double &value);
    bool readTimestamp(std::optional<TimestampMs> &timestamp);
    bool readExemplar(std::optional<Exemplar> &exemplar);

    // Families
    Family *currentFamily() { return m_families.empty() ? nullptr : &m_families.back(); }
    bool applyMetadata(QByteArrayView keyword, const QByteArray &name, QByteArrayView payload);
    bool startFamily(const QByteArray &name);
    bool fixFamily();
    bool closeFamily();
    std::optional<Role> roleOf(const Family &family, QByteArrayView sampleName) const;

    // Series
    bool addSample(Sample &sample);
    bool applyToPoint(Family &family, Role role, Sample &sample, double special, const QByteArray &specialText);
    bool closePoint();
    bool closeHistogramPoint(Family &family, Point &point);

    bool fail(const QString &what) { return failAt(m_lineNo, what); }
    bool failAt(qsizetype line, const QString &what);
    bool failDuplicate(const Sample &sample);

    QList<MetricFamily> takeFamilies();

    const QByteArrayView m_body;
    const NameValidation m_validation;
    qsizetype m_lineNo = 0;
    QString m_error;
    const char *m_p = nullptr; // the current line: [m_p, m_end)
    const char *m_end = nullptr;

    std::vector<Family> m_families; // in order of appearance; the last one is the current one
    std::unordered_map<std::string, size_t> m_claims; // family and sample names -> family
    Point m_point;
};

Expected<QList<MetricFamily>> OpenMetricsParser::run()
{
    const char *position = m_body.data();
    const char *const end = position + m_body.size();
    for (;;) {
        ++m_lineNo;
        if (position == end) {
            fail(u"missing \"# EOF\" at the end of the input"_s);
            return Error::badRequest(m_error);
        }
        const auto *newline = static_cast<const char *>(std::memchr(position, '\n', size_t(end - position)));
        m_p = position;
        m_end = newline ? newline : end;
        if (QByteArrayView(m_p, m_end) == "# EOF") {
            if (newline && newline + 1 != end) {
                ++m_lineNo;
                fail(u"unexpected content after \"# EOF\""_s);
                return Error::badRequest(m_error);
            }
            if (!closeFamily())
                return Error::badRequest(m_error);
            return takeFamilies();
        }
        // Only "# EOF" may end the input without a '\n'.
        if (!newline) {
            fail(u"missing \"# EOF\" at the end of the input"_s);
            return Error::badRequest(m_error);
        }
        if (!parseLine())
            return Error::badRequest(m_error);
        position = newline + 1;
    }
}

bool OpenMetricsParser::failAt(qsizetype line, const QString &what)
{
    m_error = u"openmetrics parsing error in line "_s + QString::number(line) + u": "_s + what;
    return false;
}

bool OpenMetricsParser::parseLine()
{
    if (atEnd())
        return fail(u"empty line"_s);
    if (peek() == '#')
        return parseMetadata();
    return parseSample();
}

// ----------------------------------------------------------------------------------------------
// Tokens

bool OpenMetricsParser::consume(char c)
{
    if (m_p == m_end || *m_p != c)
        return false;
    ++m_p;
    return true;
}

// Up to the next space or the end of the line.
QByteArrayView OpenMetricsParser::readToken()
{
    const char *const begin = m_p;
    while (m_p != m_end && *m_p != ' ')
        ++m_p;
    return {begin, m_p};
}

QByteArrayView OpenMetricsParser::rest()
{
    const QByteArrayView text(m_p, m_end);
    m_p = m_end;
    return text;
}

// A plain name: metricname or label-name of the ABNF, empty when none starts here. (Quoted
// names, the UTF-8 syntax, are read by readQuoted.)
void OpenMetricsParser::readName(bool metric, QByteArray &name)
{
    const char *const begin = m_p;
    if (m_p != m_end && isNameStart(*m_p, metric)) {
        ++m_p;
        while (m_p != m_end && isNameChar(*m_p, metric))
            ++m_p;
    }
    name = QByteArray(begin, m_p - begin);
}

// A quoted string, the cursor on its opening '"': escaped-string of the ABNF. \\, \" and \n
// are escapes; a backslash before anything else stays, with that character. One pass over the
// bytes, copying runs between escapes.
bool OpenMetricsParser::readQuoted(QByteArray &text, const QString &what)
{
    ++m_p;
    text.clear();
    const char *run = m_p;
    while (m_p != m_end) {
        const char c = *m_p;
        if (c == '"') {
            text.append(run, m_p - run);
            ++m_p;
            return true;
        }
        if (c != '\\') {
            ++m_p;
            continue;
        }
        text.append(run, m_p - run);
        if (m_p + 1 == m_end)
            break;
        switch (const char escaped = m_p[1]) {
        case '\\':
        case '"': text.append(escaped); break;
        case 'n': text.append('\n'); break;
        default:
            text.append('\\');
            text.append(escaped);
            break;
        }
        m_p += 2;
        run = m_p;
    }
    m_p = m_end;
    return fail(what + u" lacks its closing quote"_s);
}

// `{` [label *("," label)] `}`; with `metricName`, a first item that is a quoted string alone
// is the metric name (`{"a.b",l="v"}`).
bool OpenMetricsParser::readLabelSet(Labels &labels, QByteArray *metricName)
{
    ++m_p; // '{'
    if (consume('}'))
        return true;
    for (bool first = true;; first = false) {
        if (!readLabel(labels, first ? metricName : nullptr))
            return false;
        if (consume('}'))
            break;
        if (!consume(','))
            return fail(u"expected ',' or '}' in label set, found "_s + goQuotedRune(uchar(peek())));
        if (peek() == '}')
            return fail(u"a label set must not end with ','"_s);
    }
    // Duplicate names, by sorting: a quadratic search would let one huge label set stall us.
    std::vector<const QByteArray *> names;
    names.reserve(size_t(labels.size()));
    for (const LabelPair &pair : std::as_const(labels))
        names.push_back(&pair.name);
    std::sort(names.begin(), names.end(), [](const QByteArray *a, const QByteArray *b) { return *a < *b; });
    const auto duplicate = std::adjacent_find(names.begin(), names.end(),
                                              [](const QByteArray *a, const QByteArray *b) { return *a == *b; });
    if (duplicate != names.end())
        return fail(u"duplicate label name "_s + goQuoted(**duplicate));
    return true;
}

bool OpenMetricsParser::readLabel(Labels &labels, QByteArray *metricName)
{
    QByteArray name;
    const bool quoted = peek() == '"';
    if (quoted) {
        if (!readQuoted(name, u"quoted name"_s))
            return false;
        if (metricName && (peek() == ',' || peek() == '}')) {
            *metricName = std::move(name);
            return true;
        }
    } else {
        readName(false, name);
        if (name.isEmpty())
            return fail(u"expected a label name, found "_s + goQuotedRune(uchar(peek())));
    }
    if (!consume('='))
        return fail(u"expected '=' after label name "_s + goQuoted(name));
    if (peek() != '"')
        return fail(u"expected '\"' to start the value of label "_s + goQuoted(name));
    QByteArray value;
    if (!readQuoted(value, u"value of label "_s + goQuoted(name)))
        return false;
    if (name == "__name__")
        return fail(u"label name \"__name__\" is reserved"_s);
    if (!isValidLabelName(name, m_validation))
        return fail(u"invalid label name "_s + goQuoted(name));
    if (!value.isValidUtf8())
        return fail(u"invalid UTF-8 in the value of label "_s + goQuoted(name));
    labels.append(LabelPair{std::move(name), std::move(value)});
    return true;
}

bool OpenMetricsParser::readValue(const QString &what, double &value)
{
    const QByteArrayView token = readToken();
    const std::optional<double> number = parseNumber(token);
    if (!number)
        return fail(u"invalid "_s + what + u' ' + goQuoted(token));
    value = *number;
    return true;
}

// timestamp: a realnumber of seconds.
bool OpenMetricsParser::readTimestamp(std::optional<TimestampMs> &timestamp)
{
    const QByteArrayView token = readToken();
    const std::optional<double> seconds = parseRealNumber(token);
    timestamp = seconds ? secondsToMilliseconds(*seconds) : std::nullopt;
    if (!timestamp)
        return fail(u"invalid timestamp "_s + goQuoted(token));
    return true;
}

// "# " labels " " number [" " timestamp], the cursor on the '#'.
bool OpenMetricsParser::readExemplar(std::optional<Exemplar> &exemplar)
{
    const char *const start = m_p;
    if (!consume('#') || !consume(' ') || peek() != '{') {
        m_p = start;
        return fail(u"unexpected text after the sample value: "_s + goQuoted(rest()));
    }
    Exemplar result;
    if (!readLabelSet(result.labels, nullptr))
        return false;
    qsizetype codePoints = 0;
    for (const LabelPair &pair : std::as_const(result.labels))
        codePoints += codePointCount(pair.name) + codePointCount(pair.value);
    if (codePoints > kMaxExemplarCodePoints) {
        return fail(u"exemplar labels have "_s + QString::number(codePoints)
                    + u" characters, more than the 128 allowed"_s);
    }
    if (!consume(' '))
        return fail(u"expected ' ' and a value after the exemplar's labels"_s);
    if (!readValue(u"exemplar value"_s, result.value))
        return false;
    if (consume(' ')) {
        if (!readTimestamp(result.timestampMs))
            return false;
        if (!atEnd())
            return fail(u"unexpected text after the exemplar: "_s + goQuoted(rest()));
    }
    exemplar = std::move(result);
    return true;
}

// ----------------------------------------------------------------------------------------------
// Lines

// "# " keyword " " name " " payload, where keyword is TYPE, HELP or UNIT.
bool OpenMetricsParser::parseMetadata()
{
    if (!consume('#') || !consume(' '))
        return fail(u"invalid line: only \"# TYPE\", \"# HELP\", \"# UNIT\" and \"# EOF\" lines may start with '#'"_s);
    const QByteArrayView keyword = readToken();
    if (keyword == "EOF")
        return fail(u"unexpected text after \"# EOF\""_s);
    if (keyword != "TYPE" && keyword != "HELP" && keyword != "UNIT")
        return fail(u"invalid line: only \"# TYPE\", \"# HELP\", \"# UNIT\" and \"# EOF\" lines may start with '#'"_s);
    const QString line = u"\"# "_s + QString::fromLatin1(keyword) + u"\" line"_s;
    if (!consume(' '))
        return fail(u"missing metric name in "_s + line);
    QByteArray name;
    if (peek() == '"') {
        if (!readQuoted(name, u"quoted name"_s))
            return false;
    } else {
        readName(true, name);
    }
    if (!isValidMetricName(name, m_validation))
        return fail(u"invalid metric name "_s + goQuoted(name) + u" in "_s + line);
    if (!consume(' '))
        return fail(u"expected ' ' after the metric name in "_s + line);
    return applyMetadata(keyword, name, rest());
}

// name [labels] " " value [" " timestamp] [" # " exemplar]
bool OpenMetricsParser::parseSample()
{
    Sample sample;
    if (peek() != '{') {
        if (peek() == '"') {
            if (!readQuoted(sample.name, u"quoted name"_s))
                return false;
        } else {
            readName(true, sample.name);
        }
        if (sample.name.isEmpty())
            return fail(u"invalid metric name"_s);
    }
    if (peek() == '{' && !readLabelSet(sample.labels, sample.name.isEmpty() ? &sample.name : nullptr))
        return false;
    if (sample.name.isEmpty())
        return fail(u"missing metric name"_s);
    if (!isValidMetricName(sample.name, m_validation))
        return fail(u"invalid metric name "_s + goQuoted(sample.name));
    if (!consume(' ')) {
        return fail(atEnd() ? u"missing value"_s
                            : u"unexpected "_s + goQuotedRune(uchar(peek())) + u" after metric name "_s + goQuoted(sample.name));
    }
    if (!readValue(u"value"_s, sample.value))
        return false;
    if (consume(' ')) {
        if (peek() != '#') {
            if (!readTimestamp(sample.timestampMs))
                return false;
            if (consume(' ') && !readExemplar(sample.exemplar))
                return false;
        } else if (!readExemplar(sample.exemplar)) {
            return false;
        }
    }
    return addSample(sample);
}

// ----------------------------------------------------------------------------------------------
// Families

bool OpenMetricsParser::applyMetadata(QByteArrayView keyword, const QByteArray &name, QByteArrayView payload)
{
    Family *family = currentFamily();
    if (!family || family->name != name) {
        if (!startFamily(name))
            return false;
        family = currentFamily();
    } else if (family->fixed) {
        return fail(u"\"# "_s + QString::fromLatin1(keyword) + u"\" line for metric family "_s + goQuoted(name)
                    + u" after its samples"_s);
    }
    const auto second = [&] {
        return fail(u"second \"# "_s + QString::fromLatin1(keyword) + u"\" line for metric family "_s + goQuoted(name));
    };
    if (keyword == "TYPE") {
        if (family->typeSeen)
            return second();
        const std::optional<OmType> type = typeFromWord(payload);
        if (!type)
            return fail(u"unknown metric type "_s + goQuoted(payload));
        family->type = *type;
        family->typeSeen = true;
        return true;
    }
    if (keyword == "UNIT") {
        if (family->unitSeen)
            return second();
        if (!std::all_of(payload.begin(), payload.end(), [](char c) { return isNameChar(c, true); }))
            return fail(u"invalid unit "_s + goQuoted(payload));
        if (!payload.isEmpty() && !(name.endsWith(payload) && name.size() > payload.size()
                                    && name.at(name.size() - payload.size() - 1) == '_')) {
            return fail(u"unit "_s + goQuoted(payload) + u" is not a suffix of metric family name "_s + goQuoted(name));
        }
        family->unit = payload.toByteArray();
        family->unitSeen = true;
        return true;
    }
    // HELP: the rest of the line, with the escapes of label values; an empty one counts as none.
    if (family->helpSeen)
        return second();
    QByteArray help;
    const char *const end = payload.data() + payload.size();
    for (const char *p = payload.data(); p != end; ++p) {
        if (*p != '\\' || p + 1 == end) {
            help.append(*p);
            continue;
        }
        switch (*++p) {
        case '\\': help.append('\\'); break;
        case '"': help.append('"'); break;
        case 'n': help.append('\n'); break;
        default:
            help.append('\\');
            help.append(*p);
            break;
        }
    }
    if (!help.isValidUtf8())
        return fail(u"invalid UTF-8 in \"# HELP\" line"_s);
    family->helpSeen = true;
    if (!help.isEmpty())
        family->help = std::move(help);
    return true;
}

// Ends the current family and starts one named `name`, which no earlier family may have used.
bool OpenMetricsParser::startFamily(const QByteArray &name)
{
    if (!closeFamily())
        return false;
    if (const auto claim = m_claims.find(toKey(name)); claim != m_claims.end()) {
        const QByteArray &owner = m_families[claim->second].name;
        if (owner == name)
            return fail(u"second metric family "_s + goQuoted(name) + u" (families must not be interleaved)"_s);
        return fail(u"metric family "_s + goQuoted(name) + u" clashes with the sample names of metric family "_s
                    + goQuoted(owner));
    }
    m_families.emplace_back().name = name;
    return true;
}

// Freezes the current family's metadata, with its first sample or at its end: checks what
// depends on the type, and claims its name, its sample names and its model name, which no other
// family may then use ("foo_created" is taken by a counter "foo", even without such a line).
bool OpenMetricsParser::fixFamily()
{
    Family &family = m_families.back();
    if ((family.type == OmType::Info || family.type == OmType::StateSet) && !family.unit.isEmpty()) {
        return fail(u"metric family "_s + goQuoted(family.name) + u" of type "_s + typeName(family.type)
                    + u" must not have a unit"_s);
    }
    std::vector<QByteArray> names{family.name, modelName(family.type, family.name)};
    for (const SampleKind &kind : sampleKinds(family.type))
        names.push_back(family.name + kind.suffix);
    const size_t index = m_families.size() - 1;
    for (const QByteArray &name : names) {
        const auto [claim, inserted] = m_claims.emplace(toKey(name), index);
        if (!inserted && claim->second != index) {
            return fail(u"metric family "_s + goQuoted(family.name) + u" clashes with metric family "_s
                        + goQuoted(m_families[claim->second].name) + u": both use the name "_s + goQuoted(name));
        }
    }
    family.model.name = modelName(family.type, family.name);
    family.model.type = modelType(family.type);
    family.model.help = family.help;
    family.fixed = true;
    return true;
}

bool OpenMetricsParser::closeFamily()
{
    if (m_families.empty())
        return true;
    if (!closePoint())
        return false;
    return m_families.back().fixed || fixFamily();
}

std::optional<Role> OpenMetricsParser::roleOf(const Family &family, QByteArrayView sampleName) const
{
    if (!sampleName.startsWith(family.name))
        return std::nullopt;
    const QByteArrayView suffix = sampleName.sliced(family.name.size());
    for (const SampleKind &kind : sampleKinds(family.type)) {
        if (suffix == QByteArrayView(kind.suffix))
            return kind.role;
    }
    return std::nullopt;
}

// ----------------------------------------------------------------------------------------------
// Series

bool OpenMetricsParser::addSample(Sample &sample)
{
    // Which family: the current one if the name is one of its sample names, else a new family
    // of type unknown named after the sample.
    Family *family = currentFamily();
    std::optional<Role> role = family ? roleOf(*family, sample.name) : std::nullopt;
    if (!role) {
        if (family && family->name == sample.name) {
            return fail(u"sample name "_s + goQuoted(sample.name) + u" does not fit the "_s + typeName(family->type)
                        + u" metric family "_s + goQuoted(family->name));
        }
        if (!closeFamily())
            return false;
        if (const auto claim = m_claims.find(toKey(sample.name)); claim != m_claims.end()) {
            return fail(u"samples of metric family "_s + goQuoted(m_families[claim->second].name)
                        + u" are interleaved with other metric families"_s);
        }
        if (!startFamily(sample.name))
            return false;
        family = currentFamily();
        role = Role::Value;
    }
    if (!family->fixed && !fixFamily())
        return false;

    if (sample.exemplar && *role != Role::Total && *role != Role::Bucket) {
        return fail(u"exemplar on sample "_s + goQuoted(sample.name)
                    + u": only counter _total and histogram _bucket samples may have one"_s);
    }

    // The label a line of this kind carries beyond its series' labels, and that no other may:
    // le, quantile, or the state of a stateset (which stays in the labels).
    double special = 0;
    QByteArray specialText;
    if (*role == Role::Bucket) {
        std::optional<QByteArray> le = takeLabel(sample.labels, "le");
        if (!le)
            return fail(u"histogram bucket "_s + seriesText(sample.name, sample.labels) + u" has no \"le\" label"_s);
        const std::optional<double> bound = parseNumber(*le);
        if (!bound || std::isnan(*bound))
            return fail(u"invalid \"le\" label value "_s + goQuoted(*le));
        special = *bound;
        specialText = std::move(*le);
    } else if (isHistogram(family->type) && findLabel(sample.labels, "le")) {
        return fail(u"sample "_s + seriesText(sample.name, sample.labels) + u" of a histogram must not have an \"le\" label"_s);
    }
    if (*role == Role::Quantile) {
        std::optional<QByteArray> quantile = takeLabel(sample.labels, "quantile");
        if (!quantile)
            return fail(u"summary sample "_s + seriesText(sample.name, sample.labels) + u" has no \"quantile\" label"_s);
        const std::optional<double> value = parseNumber(*quantile);
        if (!value || !(*value >= 0 && *value <= 1))
            return fail(u"invalid \"quantile\" label value "_s + goQuoted(*quantile) + u": must be a number in [0, 1]"_s);
        special = *value;
        specialText = std::move(*quantile);
    } else if (family->type == OmType::Summary && findLabel(sample.labels, "quantile")) {
        return fail(u"sample "_s + seriesText(sample.name, sample.labels) + u" of a summary must not have a \"quantile\" label"_s);
    }
    if (*role == Role::State) {
        const QByteArray *value = findLabel(sample.labels, family->name);
        if (!value) {
            return fail(u"stateset sample "_s + seriesText(sample.name, sample.labels) + u" has no label "_s
                        + goQuoted(family->name) + u" naming its state"_s);
        }
        specialText = *value;
    }

    // Which series: the open one if the labels match, else a new one, never seen before.
    std::string key = seriesKey(sample.labels, *role == Role::State ? QByteArrayView(family->name) : QByteArrayView());
    if (!m_point.open || m_point.key != key) {
        if (!closePoint())
            return false;
        if (!family->seriesKeys.insert(key).second) {
            return fail(u"duplicate or interleaved series "_s + seriesText(family->name, sample.labels)
                        + u" in metric family "_s + goQuoted(family->name));
        }
        m_point.open = true;
        m_point.key = std::move(key);
        m_point.labels = sample.labels;
        m_point.timestampMs = sample.timestampMs;
    } else if (m_point.timestampMs != sample.timestampMs) {
        return fail(u"the samples of series "_s + seriesText(family->name, m_point.labels)
                    + u" have different timestamps (only one point per series)"_s);
    }
    m_point.lastLine = m_lineNo;
    return applyToPoint(*family, *role, sample, special, specialText);
}

bool OpenMetricsParser::failDuplicate(const Sample &sample)
{
    return fail(u"duplicate sample "_s + seriesText(sample.name, sample.labels) + u" (only one point per series)"_s);
}

bool OpenMetricsParser::applyToPoint(Family &family, Role role, Sample &sample, double special,
                                     const QByteArray &specialText)
{
    Point &point = m_point;
    const double value = sample.value;
    // QString, not auto: a QStringBuilder would refer to the temporary seriesText().
    const auto of = [&]() -> QString { return u" of "_s + seriesText(sample.name, sample.labels); };
    switch (role) {
    case Role::Value:
        if (point.value)
            return failDuplicate(sample);
        point.value = value;
        return true;
    case Role::Total:
        if (point.value)
            return failDuplicate(sample);
        if (std::isnan(value) || value < 0)
            return fail(u"counter value"_s + of() + u" must not be NaN or negative"_s);
        point.value = value;
        point.exemplar = std::move(sample.exemplar);
        return true;
    case Role::Created:
        if (point.createdMs)
            return failDuplicate(sample);
        point.createdMs = secondsToMilliseconds(value);
        if (!point.createdMs)
            return fail(u"invalid created timestamp"_s + of());
        return true;
    case Role::State:
        if (value != 0 && value != 1)
            return fail(u"stateset value"_s + of() + u" must be 0 or 1"_s);
        if (!point.states.insert(toKey(specialText)).second)
            return failDuplicate(sample);
        family.model.metrics.append(Metric{std::move(sample.labels), ScalarValue{value, {}, {}}, sample.timestampMs});
        return true;
    case Role::Info:
        if (point.infoSeen)
            return failDuplicate(sample);
        if (value != 1)
            return fail(u"info value"_s + of() + u" must be 1"_s);
        point.infoSeen = true;
        family.model.metrics.append(Metric{std::move(sample.labels), ScalarValue{value, {}, {}}, sample.timestampMs});
        return true;
    case Role::Quantile:
        if (value < 0) // NaN is fine: a quantile without recent observations
            return fail(u"quantile value"_s + of() + u" must not be negative"_s);
        if (!point.quantileSet.insert(special + 0.0).second) // + 0.0: -0 is 0
            return fail(u"duplicate quantile "_s + goQuoted(specialText) + of());
        point.quantiles.append(Quantile{special, value});
        return true;
    case Role::Sum:
        if (point.sum)
            return failDuplicate(sample);
        // A gauge histogram's _gsum may be negative (with negative buckets, checked at its end).
        if (family.type == OmType::GaugeHistogram ? std::isnan(value) : (std::isnan(value) || value < 0))
            return fail(u"sum"_s + of() + u" must not be NaN or negative"_s);
        point.sum = value;
        return true;
    case Role::Count:
        if (point.count)
            return failDuplicate(sample);
        point.count = asCount(value);
        if (!point.count)
            return fail(u"count"_s + of() + u" must be a non-negative integer"_s);
        return true;
    case Role::Bucket: {
        const std::optional<quint64> count = asCount(value);
        if (!count)
            return fail(u"bucket count"_s + of() + u" must be a non-negative integer"_s);
        if (!point.buckets.isEmpty()) {
            const Bucket &previous = point.buckets.constLast();
            if (special == previous.upperBound)
                return fail(u"duplicate bucket le="_s + goQuoted(specialText) + of());
            if (special < previous.upperBound)
                return fail(u"bucket le="_s + goQuoted(specialText) + of() + u" is out of order: \"le\" must ascend"_s);
            if (*count < previous.cumulativeCount)
                return fail(u"bucket le="_s + goQuoted(specialText) + of() + u" counts less than the bucket before: counts must be cumulative"_s);
        }
        Bucket &bucket = point.buckets.emplaceBack();
        bucket.upperBound = special;
        bucket.cumulativeCount = *count;
        bucket.exemplar = std::move(sample.exemplar);
        return true;
    }
    }
    return true;
}

// Ends the open series: checks what needs all its lines, and adds it to its family's model.
bool OpenMetricsParser::closePoint()
{
    if (!m_point.open)
        return true;
    Point point = std::move(m_point);
    m_point = Point();
    Family &family = m_families.back();
    switch (family.type) {
    case OmType::Unknown:
    case OmType::Gauge:
        family.model.metrics.append(Metric{std::move(point.labels), ScalarValue{*point.value, {}, {}}, point.timestampMs});
        return true;
    case OmType::Counter:
        if (!point.value) {
            return failAt(point.lastLine, u"counter "_s + seriesText(family.name, point.labels)
                                              + u" has no _total sample"_s);
        }
        family.model.metrics.append(Metric{std::move(point.labels),
                                           ScalarValue{*point.value, std::move(point.exemplar), point.createdMs},
                                           point.timestampMs});
        return true;
    case OmType::StateSet:
    case OmType::Info:
        return true; // each line was a series of its own
    case OmType::Summary:
        family.model.metrics.append(Metric{std::move(point.labels),
                                           SummaryValue{point.count.value_or(0), point.sum.value_or(0),
                                                        std::move(point.quantiles), point.createdMs},
                                           point.timestampMs});
        return true;
    case OmType::Histogram:
    case OmType::GaugeHistogram:
        return closeHistogramPoint(family, point);
    }
    return true;
}

bool OpenMetricsParser::closeHistogramPoint(Family &family, Point &point)
{
    const bool gauge = family.type == OmType::GaugeHistogram;
    const QString what = (gauge ? u"gauge histogram "_s : u"histogram "_s) + seriesText(family.name, point.labels);
    const QString sum = gauge ? u"_gsum"_s : u"_sum"_s;
    const QString count = gauge ? u"_gcount"_s : u"_count"_s;
    if (point.buckets.isEmpty() || point.buckets.constLast().upperBound != kInf)
        return failAt(point.lastLine, what + u" has no le=\"+Inf\" bucket"_s);
    const quint64 total = point.buckets.constLast().cumulativeCount;
    if (point.sum && !point.count)
        return failAt(point.lastLine, what + u" has "_s + sum + u" but no "_s + count);
    if (point.count && !point.sum)
        return failAt(point.lastLine, what + u" has "_s + count + u" but no "_s + sum);
    if (point.count && *point.count != total)
        return failAt(point.lastLine, what + u": "_s + count + u" differs from the +Inf bucket"_s);
    const bool negativeBuckets = point.buckets.constFirst().upperBound < 0;
    if (!gauge && point.sum && negativeBuckets)
        return failAt(point.lastLine, what + u" has negative buckets and so must not have _sum"_s);
    if (gauge && point.sum && *point.sum < 0 && !negativeBuckets)
        return failAt(point.lastLine, what + u" has a negative _gsum without negative buckets"_s);

    HistogramValue histogram;
    histogram.sampleCount = total;
    histogram.sampleSum = point.sum.value_or(0);
    histogram.buckets = std::move(point.buckets);
    histogram.createdTimestampMs = point.createdMs;
    family.model.metrics.append(Metric{std::move(point.labels), std::move(histogram), point.timestampMs});
    return true;
}

// Families in order of appearance, without those that got no sample.
QList<MetricFamily> OpenMetricsParser::takeFamilies()
{
    QList<MetricFamily> families;
    families.reserve(qsizetype(m_families.size()));
    for (Family &family : m_families) {
        if (!family.model.metrics.isEmpty())
            families.append(std::move(family.model));
    }
    return families;
}

} // namespace

Expected<QList<MetricFamily>> parseOpenMetrics(QByteArrayView body, NameValidation validation)
{
    return OpenMetricsParser(body, validation).run();
}

} // namespace qpgw
