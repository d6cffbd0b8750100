#include "textparser.h"

#include "model/metrictype.h"
#include "utf8text.h"

#include <QString>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// The acceptance rules, the order in which problems are found and the error texts follow the
// reference's parser (prometheus/common expfmt.TextParser). That parser reads one byte at a time
// and stops at the first problem; this one works a line at a time and slices tokens out of the
// body, but it looks at the bytes in the same order, so the first problem it reports is the one
// the reference reports. "Current byte" below means the byte the reference would hold at that
// point: the byte under the cursor, or '\n' at the end of a line. At the end of a last line that
// lacks its '\n' the reference reads past the input instead, which is always the error
// "unexpected end of input stream" (except at the very start of a line, where it is the normal
// end of the body).

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ----------------------------------------------------------------------------------------------
// Character classes of the reference's tokenizer

constexpr bool isBlank(char c) { return c == ' ' || c == '\t'; }
constexpr bool isDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A '"' may start or continue a name: it toggles quoting, even in the middle of a name.
constexpr bool isLabelNameStart(char c) { return isAsciiLetter(c) || c == '_' || c == '"'; }
constexpr bool isLabelNameContinuation(char c) { return isLabelNameStart(c) || isDigit(c); }
constexpr bool isMetricNameStart(char c) { return isLabelNameStart(c) || c == ':'; }
constexpr bool isMetricNameContinuation(char c) { return isLabelNameContinuation(c) || c == ':'; }

bool isHistogramType(MetricType type)
{
    return type == MetricType::Histogram || type == MetricType::GaugeHistogram;
}

// ----------------------------------------------------------------------------------------------
// Numbers, with the syntax of Go's strconv as the reference calls it

bool equalsIgnoringAsciiCase(QByteArrayView text, QByteArrayView lowerCaseWord)
{
    if (text.size() != lowerCaseWord.size())
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lowerCaseWord[i])
            return false;
    }
    return true;
}

// Go's special values: an optional sign with "inf" or "infinity", or an unsigned "nan",
// ASCII case-insensitively.
std::optional<double> parseSpecialFloat(QByteArrayView text)
{
    QByteArrayView rest = text;
    const bool signed_ = rest.startsWith('+') || rest.startsWith('-');
    if (signed_)
        rest = rest.sliced(1);
    if (equalsIgnoringAsciiCase(rest, "inf") || equalsIgnoringAsciiCase(rest, "infinity"))
        return text.startsWith('-') ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (!signed_ && equalsIgnoringAsciiCase(rest, "nan"))
        return kNaN;
    return std::nullopt;
}

// Whether a decimal number that std::from_chars found out of range overflows (rather than
// underflows): the decimal exponent of its first significant digit decides, since only
// magnitudes beyond 1e308 or below 1e-323 are out of range.
bool decimalOverflows(QByteArrayView mantissa, qint64 exponent)
{
    qint64 leadingExponent = -1;
    qsizetype integerDigits = 0;
    bool seenPoint = false;
    bool seenSignificant = false;
    for (const char c : mantissa) {
        if (c == '.') {
            seenPoint = true;
        } else if (!seenSignificant && c == '0') {
            if (seenPoint)
                --leadingExponent;
        } else if (!seenPoint) {
            seenSignificant = true;
            ++integerDigits;
        } else {
            break;
        }
    }
    if (integerDigits > 0)
        leadingExponent = integerDigits - 1;
    return leadingExponent + exponent >= 0;
}

// strconv.ParseFloat(text, 64) behind the reference's check that rejects 'p', 'P' and '_' (so no
// hex floats and no digit separators): [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
// or a special value. Overflow is an error, underflow gives zero, as in Go. Locale-independent.
std::optional<double> parseGoFloat(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    // Fast path for the most common value, a plain integer: below 2^53 it converts exactly.
    if (text.size() <= 15 && std::all_of(text.begin(), text.end(), isDigit)) {
        qint64 integer = 0;
        for (const char c : text)
            integer = integer * 10 + (c - '0');
        return double(integer);
    }
    if (const std::optional<double> special = parseSpecialFloat(text))
        return special;

    const char *p = text.data();
    const char *const end = p + text.size();
    const bool negative = *p == '-';
    if (*p == '+' || *p == '-')
        ++p;
    const char *const mantissaBegin = p;
    qsizetype digits = 0;
    for (; p < end && isDigit(*p); ++p)
        ++digits;
    if (p < end && *p == '.') {
        for (++p; p < end && isDigit(*p); ++p)
            ++digits;
    }
    if (digits == 0)
        return std::nullopt;
    const char *const mantissaEnd = p;
    qint64 exponent = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        ++p;
        const bool negativeExponent = p < end && *p == '-';
        if (p < end && (*p == '+' || *p == '-'))
            ++p;
        if (p == end || !isDigit(*p))
            return std::nullopt;
        for (; p < end && isDigit(*p); ++p)
            exponent = std::min<qint64>(exponent * 10 + (*p - '0'), qint64(1) << 40);
        if (negativeExponent)
            exponent = -exponent;
    }
    if (p != end)
        return std::nullopt;

    double value = 0;
    const std::from_chars_result result = std::from_chars(mantissaBegin, end, value);
    if (result.ptr != end)
        return std::nullopt;
    if (result.ec == std::errc::result_out_of_range) {
        if (decimalOverflows(QByteArrayView(mantissaBegin, mantissaEnd), exponent))
            return std::nullopt;
        value = 0;
    } else if (result.ec != std::errc()) {
        return std::nullopt;
    }
    return negative ? -value : value;
}

// strconv.ParseInt(text, 10, 64): an optional sign and at least one decimal digit, in range.
std::optional<qint64> parseGoInt64(QByteArrayView text)
{
    const char *p = text.data();
    const char *const end = p + text.size();
    const bool negative = p < end && *p == '-';
    if (p < end && (*p == '+' || *p == '-'))
        ++p;
    if (p == end)
        return std::nullopt;
    const quint64 limit = negative ? quint64(1) << 63 : (quint64(1) << 63) - 1;
    quint64 magnitude = 0;
    for (; p < end; ++p) {
        if (!isDigit(*p))
            return std::nullopt;
        const auto digit = static_cast<quint64>(*p - '0');
        if (magnitude > (limit - digit) / 10)
            return std::nullopt;
        magnitude = magnitude * 10 + digit;
    }
    if (negative)
        return magnitude == quint64(1) << 63 ? std::numeric_limits<qint64>::min() : -static_cast<qint64>(magnitude);
    return static_cast<qint64>(magnitude);
}

// Go's uint64(f) is platform-dependent outside [0, 2^64); this saturates (as Go does on arm64).
quint64 toUint64Saturating(double value)
{
    if (!(value > 0))
        return 0;
    if (value >= 18446744073709551616.0)
        return std::numeric_limits<quint64>::max();
    return static_cast<quint64>(value);
}

// A histogram count that is a whole number in range is stored as an integer, anything else in
// the float field (a "float histogram"), as the reference does.
std::optional<quint64> asIntegerCount(double value)
{
    if (value >= 0 && value < 18446744073709551616.0 && std::trunc(value) == value)
        return static_cast<quint64>(value);
    return std::nullopt;
}

// ----------------------------------------------------------------------------------------------
// Small helpers of the parser

// Go upper-cases the TYPE word with strings.ToUpper before looking it up, and two non-ASCII
// letters upper-case to ASCII ones: dotless 'ı' to 'I' and long 'ſ' to 'S'.
std::optional<MetricType> parseTypeWord(QByteArrayView word)
{
    if (std::all_of(word.begin(), word.end(), [](char c) { return uchar(c) < 0x80; }))
        return typeFromTextFormat(word);
    QByteArray folded = word.toByteArray();
    folded.replace("\xC4\xB1", "i").replace("\xC5\xBF", "s");
    return typeFromTextFormat(folded);
}

// Label names and values repeat a lot in a push (job, instance, le...). A small direct-mapped
// cache hands out shared copies of recent ones: fewer allocations, less memory, no growth.
class ByteArrayCache
{
public:
    explicit ByteArrayCache(size_t slotCount) : m_slots(slotCount) {} // a power of two

    QByteArray get(QByteArrayView bytes)
    {
        if (bytes.size() > kMaxCachedSize)
            return bytes.toByteArray();
        QByteArray &slot = m_slots[hash(bytes) & (m_slots.size() - 1)];
        if (slot.size() != bytes.size() || std::memcmp(slot.constData(), bytes.data(), size_t(bytes.size())) != 0)
            slot = bytes.toByteArray();
        return slot;
    }

private:
    static constexpr qsizetype kMaxCachedSize = 64;

    // Eight bytes at a time; collisions only cost a cache miss.
    static size_t hash(QByteArrayView bytes)
    {
        quint64 h = quint64(bytes.size()) * 0x9E3779B97F4A7C15ull;
        qsizetype i = 0;
        for (; i + 8 <= bytes.size(); i += 8) {
            quint64 chunk;
            std::memcpy(&chunk, bytes.data() + i, 8);
            h = (h ^ chunk) * 0xFF51AFD7ED558CCDull;
            h ^= h >> 32;
        }
        for (; i < bytes.size(); ++i)
            h = (h ^ uchar(bytes[i])) * 0x100000001B3ull;
        return size_t(h ^ (h >> 29));
    }

    std::vector<QByteArray> m_slots;
};

std::string_view toStdView(QByteArrayView bytes)
{
    return {bytes.data(), size_t(bytes.size())};
}

// ----------------------------------------------------------------------------------------------
// The parser

class TextParser
{
public:
    TextParser(QByteArrayView body, NameValidation validation)
        : m_body(body), m_validation(validation), m_names(256), m_values(1024)
    {}

    Expected<QList<MetricFamily>> run();

private:
    enum class NameKind { Metric, Label };

    struct FamilyState
    {
        MetricFamily family;
        bool typeSet = false; // the reference's "TYPE seen, or samples seen"
    };

    // Lines
    bool parseLine();
    bool parseComment();
    bool parseHelp(FamilyState &state);
    bool parseType(FamilyState &state);
    bool parseSample();
    bool parseLabelSet();
    bool parseLabel();
    bool parseValueAndTimestamp();

    // Tokens
    bool readNameToken(NameKind kind, QByteArrayView &token);
    bool readNameTokenSlowly(NameKind kind, QByteArrayView &token);
    bool readLabelValue(QByteArrayView &value);
    bool readLabelValueSlowly(const char *begin, QByteArrayView &value);
    bool readEscapedRestOfLine(QByteArrayView &text);
    QByteArrayView readUntilBlank();

    // Cursor within the current line
    bool atLineEnd() const { return m_p == m_lineEnd; }
    bool ranIntoEof() const { return m_p == m_lineEnd && !m_terminated; }
    char current() const { return m_p == m_lineEnd ? '\n' : *m_p; }
    bool consumeAndSkipBlanks();
    bool skipBlanksIfCurrentIsBlank() { return isBlank(current()) ? consumeAndSkipBlanks() : true; }

    // Families and metrics
    bool resolveFamily(QByteArrayView name);
    std::optional<qsizetype> findFamily(QByteArrayView name) const;
    bool resolveFamilyBySuffix(QByteArrayView name);
    void createFamily(QByteArrayView name);
    void markSampled();
    bool familyKnown() const { return m_family >= 0; }
    FamilyState &family() { return m_families[size_t(m_family)]; }
    QByteArrayView familyName() const;
    bool hasLabel(QByteArrayView name);
    bool checkDuplicate(QByteArrayView name);
    bool applyLabel(const QByteArray &name, QByteArrayView value);
    bool applyPendingLabels();
    Metric &targetMetric();
    bool assignValue(Metric &metric, double value);

    // Errors
    bool fail(const QString &what);
    bool failEof() { return fail(u"unexpected end of input stream"_s); }
    bool failInvalidEscape(char c) { return fail(u"invalid escape sequence '\\"_s + goRuneText(uchar(c)) + u'\''); }

    QList<MetricFamily> takeFamilies();

    const QByteArrayView m_body;
    const NameValidation m_validation;
    qsizetype m_lineNo = 0;
    std::optional<QString> m_error;

    // The current line: [m_p, m_lineEnd), and whether a '\n' follows it.
    const char *m_p = nullptr;
    const char *m_lineEnd = nullptr;
    bool m_terminated = false;

    std::vector<FamilyState> m_families; // in order of first appearance
    std::unordered_map<std::string_view, qsizetype> m_familyIndex; // views into the family names
    // Summaries and histograms: one metric per family and label set, wherever its lines are.
    std::unordered_map<std::string, qsizetype> m_aggregateIndex;

    // Per sample line, as in the reference: the family, whether the line is a _count or _sum of
    // a summary or histogram, the quantile or le value, and the labels seen so far.
    qsizetype m_family = -1;
    bool m_isCount = false;
    bool m_isSum = false;
    bool m_insideBraces = false;
    double m_quantile = kNaN;
    double m_bucket = kNaN;
    Labels m_labels;
    std::unordered_set<std::string_view> m_labelNameSet; // used for long label sets only
    // Labels read before a metric name given inside the braces is known.
    std::vector<std::pair<QByteArray, QByteArray>> m_pending;

    // Recent name resolutions: consecutive lines mostly repeat a name, and a histogram's lines
    // cycle through its _bucket, _sum and _count names.
    struct Resolution
    {
        std::string name;
        qsizetype family = -1;
        bool isCount = false;
        bool isSum = false;
    };
    std::array<Resolution, 4> m_recent;
    size_t m_nextRecent = 0;
    // The label set and metric of the previous summary or histogram line: bucket lines of one
    // series come in a row.
    std::string m_lastKey;
    qsizetype m_lastKeyMetric = -1;

    // Scratch space, reused across lines.
    std::string m_nameBuffer;
    std::string m_valueBuffer;
    std::string m_keyBuffer;
    std::vector<const LabelPair *> m_sortBuffer;
    ByteArrayCache m_names;
    ByteArrayCache m_values;
};

Expected<QList<MetricFamily>> TextParser::run()
{
    const char *position = m_body.data();
    const char *const end = position + m_body.size();
    for (;;) {
        ++m_lineNo;
        const auto *newline = position == end
            ? nullptr
            : static_cast<const char *>(std::memchr(position, '\n', size_t(end - position)));
        m_p = position;
        m_lineEnd = newline ? newline : end;
        m_terminated = newline != nullptr;
        if (!parseLine())
            return Error::badRequest(*m_error);
        if (!newline)
            break;
        position = newline + 1;
    }
    return takeFamilies();
}

bool TextParser::fail(const QString &what)
{
    m_error = u"text format parsing error in line "_s + QString::number(m_lineNo) + u": "_s + what;
    return false;
}

bool TextParser::consumeAndSkipBlanks()
{
    ++m_p;
    while (m_p < m_lineEnd && isBlank(*m_p))
        ++m_p;
    return ranIntoEof() ? failEof() : true;
}

QByteArrayView TextParser::readUntilBlank()
{
    const char *const begin = m_p;
    while (m_p < m_lineEnd && !isBlank(*m_p))
        ++m_p;
    return {begin, m_p};
}

bool TextParser::parseLine()
{
    while (m_p < m_lineEnd && isBlank(*m_p))
        ++m_p;
    if (atLineEnd())
        return true; // a blank line, or the end of the body
    if (*m_p == '#')
        return parseComment();
    return parseSample();
}

// ----------------------------------------------------------------------------------------------
// # HELP, # TYPE and other comments

bool TextParser::parseComment()
{
    if (!consumeAndSkipBlanks())
        return false;
    if (atLineEnd())
        return true;
    // "#HELP" is a HELP line too: the keyword starts right after the blanks.
    const QByteArrayView keyword = readUntilBlank();
    if (ranIntoEof())
        return failEof();
    if (atLineEnd())
        return true;
    if (keyword != "HELP" && keyword != "TYPE") {
        m_p = m_lineEnd;
        return m_terminated ? true : failEof();
    }
    if (!consumeAndSkipBlanks())
        return false;
    QByteArrayView name;
    if (!readNameToken(NameKind::Metric, name))
        return false;
    if (atLineEnd())
        return true; // a name and nothing else: no family is created
    if (!isBlank(current()))
        return fail(u"invalid metric name in comment"_s);
    if (!resolveFamily(name))
        return false;
    if (!consumeAndSkipBlanks())
        return false;
    if (atLineEnd())
        return true; // the family exists now, without HELP or TYPE
    FamilyState &state = family();
    return keyword == "HELP" ? parseHelp(state) : parseType(state);
}

bool TextParser::parseHelp(FamilyState &state)
{
    if (state.family.help)
        return fail(u"second HELP line for metric name "_s + goQuoted(state.family.name));
    QByteArrayView text;
    if (!readEscapedRestOfLine(text))
        return false;
    state.family.help = text.toByteArray();
    return true;
}

// The rest of the line with the HELP escapes \\, \n and \" (nothing else may follow a '\').
bool TextParser::readEscapedRestOfLine(QByteArrayView &text)
{
    const char *const begin = m_p;
    const auto *backslash = static_cast<const char *>(std::memchr(begin, '\\', size_t(m_lineEnd - begin)));
    if (!backslash) {
        m_p = m_lineEnd;
        if (!m_terminated)
            return failEof();
        text = QByteArrayView(begin, m_lineEnd);
        return true;
    }
    m_valueBuffer.assign(begin, backslash);
    for (const char *p = backslash; p < m_lineEnd; ++p) {
        if (*p != '\\') {
            m_valueBuffer += *p;
            continue;
        }
        if (++p == m_lineEnd) {
            m_p = m_lineEnd;
            return m_terminated ? failInvalidEscape('\n') : failEof();
        }
        switch (*p) {
        case '\\': m_valueBuffer += '\\'; break;
        case 'n': m_valueBuffer += '\n'; break;
        case '"': m_valueBuffer += '"'; break;
        default: return failInvalidEscape(*p);
        }
    }
    m_p = m_lineEnd;
    if (!m_terminated)
        return failEof();
    text = QByteArrayView(m_valueBuffer.data(), qsizetype(m_valueBuffer.size()));
    return true;
}

bool TextParser::parseType(FamilyState &state)
{
    if (state.typeSet) {
        return fail(u"second TYPE line for metric name "_s + goQuoted(state.family.name)
                    + u", or TYPE reported after samples"_s);
    }
    // The type is the whole rest of the line, trailing blanks included.
    const QByteArrayView word(m_p, m_lineEnd);
    m_p = m_lineEnd;
    if (!m_terminated)
        return failEof();
    const std::optional<MetricType> type = parseTypeWord(word);
    if (!type)
        return fail(u"unknown metric type "_s + goQuoted(word));
    state.family.type = *type;
    state.typeSet = true;
    return true;
}

// ----------------------------------------------------------------------------------------------
// Samples: name{labels} value [timestamp]

bool TextParser::parseSample()
{
    m_family = -1;
    m_isCount = m_isSum = false;
    m_quantile = m_bucket = kNaN;
    m_labels.clear();
    m_labelNameSet.clear();
    m_pending.clear();
    // A line starting with '{' names its metric inside the braces (UTF-8 syntax).
    m_insideBraces = *m_p == '{';
    if (!m_insideBraces) {
        QByteArrayView name;
        if (!readNameToken(NameKind::Metric, name))
            return false;
        if (name.isEmpty())
            return fail(u"invalid metric name"_s);
        if (!resolveFamily(name))
            return false;
        markSampled();
        if (!skipBlanksIfCurrentIsBlank())
            return false;
    }
    if (current() == '{' && !parseLabelSet())
        return false;
    return parseValueAndTimestamp();
}

// From the '{' to the first byte of the value.
bool TextParser::parseLabelSet()
{
    for (;;) {
        if (!consumeAndSkipBlanks()) // the '{' or the ',' before
            return false;
        if (current() == '}')
            break;
        if (!parseLabel())
            return false;
        if (current() == '}') // else it is the ',' before the next label
            break;
    }
    // The reference appends a braces line without a metric name to whatever family the
    // previous line used (or crashes on a first line); it is an error here.
    if (!familyKnown())
        return fail(u"invalid metric name"_s);
    return consumeAndSkipBlanks();
}

// One `name="value"`, or inside braces the metric name; leaves the cursor on the ',' or '}'
// that follows.
bool TextParser::parseLabel()
{
    QByteArrayView token;
    if (!readNameToken(NameKind::Label, token))
        return false;
    if (token.isEmpty())
        return fail(u"invalid label name for metric "_s + goQuoted(familyName()));
    if (!skipBlanksIfCurrentIsBlank())
        return false;
    if (current() != '=') {
        if (!m_insideBraces)
            return fail(u"expected '=' after label name, found "_s + goQuotedRune(uchar(current())));
        if (familyKnown())
            return fail(u"multiple metric names for metric "_s + goQuoted(familyName()));
        if (current() != ',' && current() != '}')
            return fail(u"unexpected end of metric name "_s + goQuotedRune(uchar(current())));
        if (!resolveFamily(token))
            return false;
        markSampled();
        return applyPendingLabels();
    }
    if (token == "__name__")
        return fail(u"label name \"__name__\" is reserved"_s);
    if (!isValidLabelName(token, m_validation))
        return fail(u"invalid label name "_s + goQuoted(token));
    const QByteArray name = m_names.get(token);
    if (familyKnown() && !checkDuplicate(name))
        return false;
    if (!consumeAndSkipBlanks()) // the '='
        return false;
    if (current() != '"')
        return fail(u"expected '\"' at start of label value, found "_s + goQuotedRune(uchar(current())));
    QByteArrayView value;
    if (!readLabelValue(value))
        return false;
    if (!value.isValidUtf8())
        return fail(u"invalid label value "_s + goQuoted(value));
    if (familyKnown()) {
        if (!applyLabel(name, value))
            return false;
    } else {
        m_pending.emplace_back(name, value.toByteArray());
    }
    if (!consumeAndSkipBlanks()) // the closing '"'
        return false;
    if (current() != ',' && current() != '}')
        return fail(u"unexpected end of label value "_s + goQuoted(value));
    return true;
}

bool TextParser::parseValueAndTimestamp()
{
    Metric &metric = targetMetric();
    const QByteArrayView valueText = readUntilBlank();
    if (ranIntoEof())
        return failEof();
    const std::optional<double> value = parseGoFloat(valueText);
    if (!value)
        return fail(u"expected float as value, got "_s + goQuoted(valueText));
    if (!assignValue(metric, *value))
        return false;
    if (atLineEnd())
        return true;

    if (!consumeAndSkipBlanks())
        return false;
    const QByteArrayView timestampText = readUntilBlank();
    if (ranIntoEof())
        return failEof();
    const std::optional<qint64> timestamp = parseGoInt64(timestampText);
    if (!timestamp)
        return fail(u"expected integer as timestamp, got "_s + goQuoted(timestampText));
    // Summaries and histograms: the last timestamp of their lines wins.
    metric.timestampMs = *timestamp;
    const QByteArrayView rest(m_p, m_lineEnd);
    m_p = m_lineEnd;
    if (!m_terminated)
        return failEof();
    if (!rest.isEmpty()) // an exemplar (`# {...} v`) ends up here too
        return fail(u"spurious string after timestamp: "_s + goQuoted(rest));
    return true;
}

// ----------------------------------------------------------------------------------------------
// Tokens

// A metric or label name: unquoted ([a-zA-Z_:][a-zA-Z0-9_:]*, no ':' in label names), or quoted
// with the escapes \\, \n and \". Leaves the cursor on the first byte after the name; an empty
// token means the current byte cannot start a name.
bool TextParser::readNameToken(NameKind kind, QByteArrayView &token)
{
    const bool metric = kind == NameKind::Metric;
    const char first = current();
    if (!(metric ? isMetricNameStart(first) : isLabelNameStart(first))) {
        token = {};
        return true;
    }
    // Fast paths: a plain name, or a quoted one without escapes, is a slice of the line.
    const char *const begin = m_p;
    if (first != '"') {
        const char *p = begin;
        while (p < m_lineEnd && *p != '"' && (metric ? isMetricNameContinuation(*p) : isLabelNameContinuation(*p)))
            ++p;
        if (p == m_lineEnd || *p != '"') {
            m_p = p;
            if (ranIntoEof())
                return failEof();
            token = QByteArrayView(begin, p);
            return true;
        }
    } else {
        const char *p = begin + 1;
        while (p < m_lineEnd && *p != '"' && *p != '\\')
            ++p;
        if (p < m_lineEnd && *p == '"') {
            token = QByteArrayView(begin + 1, p);
            m_p = p + 1;
            return ranIntoEof() ? failEof() : true;
        }
    }
    return readNameTokenSlowly(kind, token);
}

// The reference's state machine, for names with escapes or quotes in odd places (`a"b.c"`
// reads as `ab.c`). Note: like the reference, \" in a quoted name keeps its backslash.
bool TextParser::readNameTokenSlowly(NameKind kind, QByteArrayView &token)
{
    const bool metric = kind == NameKind::Metric;
    m_nameBuffer.clear();
    bool quoted = false;
    bool escaped = false;
    auto finish = [&] {
        token = QByteArrayView(m_nameBuffer.data(), qsizetype(m_nameBuffer.size()));
        return true;
    };
    for (;;) {
        const char c = current();
        if (escaped) {
            switch (c) {
            case '\\': m_nameBuffer += '\\'; break;
            case 'n': m_nameBuffer += '\n'; break;
            case '"': m_nameBuffer += "\\\""; break;
            default: return failInvalidEscape(c);
            }
            escaped = false;
        } else if (c == '"') {
            quoted = !quoted;
            if (!quoted) {
                ++m_p;
                return ranIntoEof() ? failEof() : finish();
            }
        } else if (atLineEnd()) {
            const QString what = metric ? u"metric name "_s : u"label name "_s;
            return fail(what + goQuoted(QByteArrayView(m_nameBuffer.data(), qsizetype(m_nameBuffer.size())))
                        + u" contains unescaped new-line"_s);
        } else if (c == '\\') {
            escaped = true;
        } else {
            m_nameBuffer += c;
        }
        ++m_p;
        if (ranIntoEof())
            return failEof();
        const char next = current();
        if (!quoted && !(metric ? isMetricNameContinuation(next) : isLabelNameContinuation(next)))
            return finish();
    }
}

// A quoted label value with the escapes \\, \" and \n. The cursor starts on the opening quote
// and ends on the closing one.
bool TextParser::readLabelValue(QByteArrayView &value)
{
    const char *const begin = m_p + 1;
    const auto *quote = static_cast<const char *>(std::memchr(begin, '"', size_t(m_lineEnd - begin)));
    const char *const stop = quote ? quote : m_lineEnd;
    if (std::memchr(begin, '\\', size_t(stop - begin)))
        return readLabelValueSlowly(begin, value);
    if (quote) {
        value = QByteArrayView(begin, quote);
        m_p = quote;
        return true;
    }
    m_p = m_lineEnd;
    if (!m_terminated)
        return failEof();
    return fail(u"label value "_s + goQuoted(QByteArrayView(begin, m_lineEnd)) + u" contains unescaped new-line"_s);
}

bool TextParser::readLabelValueSlowly(const char *begin, QByteArrayView &value)
{
    m_valueBuffer.clear();
    for (const char *p = begin;; ++p) {
        if (p == m_lineEnd) {
            m_p = p;
            if (!m_terminated)
                return failEof();
            return fail(u"label value "_s
                        + goQuoted(QByteArrayView(m_valueBuffer.data(), qsizetype(m_valueBuffer.size())))
                        + u" contains unescaped new-line"_s);
        }
        if (*p == '"') {
            m_p = p;
            value = QByteArrayView(m_valueBuffer.data(), qsizetype(m_valueBuffer.size()));
            return true;
        }
        if (*p != '\\') {
            m_valueBuffer += *p;
            continue;
        }
        if (++p == m_lineEnd) {
            m_p = p;
            return m_terminated ? failInvalidEscape('\n') : failEof();
        }
        switch (*p) {
        case '"':
        case '\\': m_valueBuffer += *p; break;
        case 'n': m_valueBuffer += '\n'; break;
        default: return failInvalidEscape(*p);
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Families, labels and metrics

std::optional<qsizetype> TextParser::findFamily(QByteArrayView name) const
{
    const auto it = m_familyIndex.find(toStdView(name));
    if (it == m_familyIndex.end())
        return std::nullopt;
    return it->second;
}

QByteArrayView TextParser::familyName() const
{
    return familyKnown() ? QByteArrayView(m_families[size_t(m_family)].family.name) : QByteArrayView();
}

// Finds the family a name belongs to, creating it if needed: the family of that exact name;
// else, for x_count and x_sum, the summary x; else, for x_count, x_sum and x_bucket, the
// histogram x; else a new family. Also records whether the name is a _count or _sum line.
bool TextParser::resolveFamily(QByteArrayView name)
{
    for (const Resolution &recent : m_recent) {
        if (recent.family >= 0 && toStdView(name) == recent.name) {
            m_family = recent.family;
            m_isCount = recent.isCount;
            m_isSum = recent.isSum;
            return true;
        }
    }
    m_isCount = m_isSum = false;
    if (!isValidMetricName(name, m_validation))
        return fail(u"invalid metric name "_s + goQuoted(name));
    if (const std::optional<qsizetype> exact = findFamily(name))
        m_family = *exact;
    else if (!resolveFamilyBySuffix(name))
        createFamily(name);
    // The resolution of a name never changes: a family, once created, is found first.
    Resolution &recent = m_recent[m_nextRecent++ % m_recent.size()];
    recent.name.assign(name.data(), size_t(name.size()));
    recent.family = m_family;
    recent.isCount = m_isCount;
    recent.isSum = m_isSum;
    return true;
}

bool TextParser::resolveFamilyBySuffix(QByteArrayView name)
{
    const bool isCount = name.size() > 6 && name.endsWith("_count");
    const bool isSum = name.size() > 4 && name.endsWith("_sum");
    const bool isBucket = name.size() > 7 && name.endsWith("_bucket");
    const qsizetype suffix = isCount ? 6 : isSum ? 4 : isBucket ? 7 : 0;
    if (suffix == 0)
        return false;
    const std::optional<qsizetype> base = findFamily(name.chopped(suffix));
    if (!base)
        return false;
    const MetricType type = m_families[size_t(*base)].family.type;
    const bool belongs = isBucket ? isHistogramType(type) : (type == MetricType::Summary || isHistogramType(type));
    if (!belongs)
        return false;
    m_family = *base;
    m_isCount = isCount;
    m_isSum = isSum;
    return true;
}

void TextParser::createFamily(QByteArrayView name)
{
    m_family = qsizetype(m_families.size());
    FamilyState &state = m_families.emplace_back();
    state.family.name = name.toByteArray();
    m_familyIndex.emplace(toStdView(state.family.name), m_family);
}

// A family without a TYPE line becomes untyped with its first sample; a TYPE line after that
// is an error.
void TextParser::markSampled()
{
    FamilyState &state = family();
    if (!state.typeSet) {
        state.family.type = MetricType::Untyped;
        state.typeSet = true;
    }
}

bool TextParser::hasLabel(QByteArrayView name)
{
    // Linear for the usual handful of labels; a set keeps huge label sets linear overall.
    constexpr qsizetype kLinearLimit = 16;
    if (m_labels.size() <= kLinearLimit) {
        return std::any_of(m_labels.cbegin(), m_labels.cend(),
                           [name](const LabelPair &pair) { return pair.name == name; });
    }
    if (m_labelNameSet.empty()) {
        for (const LabelPair &pair : std::as_const(m_labels))
            m_labelNameSet.insert(toStdView(pair.name));
    }
    return m_labelNameSet.count(toStdView(name)) != 0;
}

// quantile and le never enter m_labels, so repeating them is no error (the last one counts).
bool TextParser::checkDuplicate(QByteArrayView name)
{
    if (hasLabel(name))
        return fail(u"duplicate label names for metric "_s + goQuoted(familyName()));
    return true;
}

bool TextParser::applyLabel(const QByteArray &name, QByteArrayView value)
{
    const MetricType type = family().family.type;
    if (type == MetricType::Summary && name == "quantile") {
        const std::optional<double> quantile = parseGoFloat(value);
        if (!quantile)
            return fail(u"expected float as value for 'quantile' label, got "_s + goQuoted(value));
        m_quantile = *quantile;
        return true;
    }
    if (isHistogramType(type) && name == "le") {
        const std::optional<double> bound = parseGoFloat(value);
        if (!bound)
            return fail(u"expected float as value for 'le' label, got "_s + goQuoted(value));
        m_bucket = *bound;
        return true;
    }
    m_labels.append(LabelPair{name, m_values.get(value)});
    if (!m_labelNameSet.empty())
        m_labelNameSet.insert(toStdView(m_labels.constLast().name));
    return true;
}

// Labels that came before the metric name inside braces, now that the family is known.
bool TextParser::applyPendingLabels()
{
    for (const auto &[name, value] : m_pending) {
        if (!checkDuplicate(name) || !applyLabel(name, value))
            return false;
    }
    m_pending.clear();
    return true;
}

// The metric a sample line writes to: a new one for counters, gauges and untyped metrics; for
// summaries and histograms the one with the same family and label set (quantile and le aside),
// created by the first of its lines.
Metric &TextParser::targetMetric()
{
    FamilyState &state = family();
    QList<Metric> &metrics = state.family.metrics;
    const MetricType type = state.family.type;
    const bool aggregate = type == MetricType::Summary || isHistogramType(type);
    if (aggregate) {
        m_sortBuffer.clear();
        for (const LabelPair &pair : std::as_const(m_labels))
            m_sortBuffer.push_back(&pair);
        std::sort(m_sortBuffer.begin(), m_sortBuffer.end(),
                  [](const LabelPair *a, const LabelPair *b) { return a->name < b->name; });
        // Names and values are valid UTF-8, which never contains 0xFF: an unambiguous separator.
        m_keyBuffer.assign(reinterpret_cast<const char *>(&m_family), sizeof m_family);
        for (const LabelPair *pair : m_sortBuffer) {
            m_keyBuffer.append(pair->name.constData(), size_t(pair->name.size())) += '\xFF';
            m_keyBuffer.append(pair->value.constData(), size_t(pair->value.size())) += '\xFF';
        }
        if (m_keyBuffer != m_lastKey) {
            const auto it = m_aggregateIndex.find(m_keyBuffer);
            m_lastKey = m_keyBuffer;
            m_lastKeyMetric = it != m_aggregateIndex.end() ? it->second : -1;
        }
        if (m_lastKeyMetric >= 0)
            return metrics[m_lastKeyMetric];
        m_lastKeyMetric = metrics.size();
        m_aggregateIndex.emplace(m_keyBuffer, m_lastKeyMetric);
    }
    Metric &metric = metrics.emplaceBack();
    // Hand the scratch list over whole (no per-label reference counting) and start a new one
    // of the same size, which the next line most likely needs.
    const qsizetype labelCount = m_labels.size();
    metric.labels = std::move(m_labels);
    m_labels = Labels();
    m_labels.reserve(labelCount);
    if (type == MetricType::Summary)
        metric.value = SummaryValue{};
    else if (aggregate)
        metric.value = HistogramValue{};
    return metric;
}

bool TextParser::assignValue(Metric &metric, double value)
{
    if (ScalarValue *scalar = std::get_if<ScalarValue>(&metric.value)) {
        scalar->value = value;
        return true;
    }
    if (SummaryValue *summary = std::get_if<SummaryValue>(&metric.value)) {
        if (m_isCount)
            summary->sampleCount = toUint64Saturating(value);
        else if (m_isSum)
            summary->sampleSum = value;
        else if (!std::isnan(m_quantile)) // a line without (or with a NaN) quantile sets nothing
            summary->quantiles.append(Quantile{m_quantile, value});
        return true;
    }
    HistogramValue &histogram = std::get<HistogramValue>(metric.value);
    if (m_isSum) {
        histogram.sampleSum = value;
    } else if (m_isCount) {
        if (const std::optional<quint64> count = asIntegerCount(value))
            histogram.sampleCount = *count;
        else if (value < 0)
            return fail(u"negative count for histogram "_s + goQuoted(familyName()));
        else
            histogram.sampleCountFloat = value;
    } else if (!std::isnan(m_bucket)) { // a line without (or with a NaN) le sets nothing
        Bucket &bucket = histogram.buckets.emplaceBack();
        bucket.upperBound = m_bucket;
        if (const std::optional<quint64> count = asIntegerCount(value))
            bucket.cumulativeCount = *count;
        else if (value < 0)
            return fail(u"negative bucket count for histogram "_s + goQuoted(familyName()));
        else
            bucket.cumulativeCountFloat = value;
    }
    return true;
}

// Families in order of first appearance, without those that got no sample.
QList<MetricFamily> TextParser::takeFamilies()
{
    QList<MetricFamily> families;
    families.reserve(qsizetype(m_families.size()));
    for (FamilyState &state : m_families) {
        if (!state.family.metrics.isEmpty())
            families.append(std::move(state.family));
    }
    return families;
}

} // namespace

Expected<QList<MetricFamily>> parseTextFormat(QByteArrayView body, NameValidation validation)
{
    return TextParser(body, validation).run();
}

} // namespace qpgw
