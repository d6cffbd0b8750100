#include "nameescaping.h"

#include "model/names.h"
#include "utf8text.h"

#include <QChar>
#include <QStringView>

namespace qpgw {
namespace {

// The schemes walk a name the way Go's `for i, r := range s` does (decodeUtf8Rune): a valid
// UTF-8 sequence is one rune; every byte that does not start one is a rune of its own (Go
// yields U+FFFD for it and moves on by one byte). They count and replace per rune, so "ö"
// becomes one '_', and three stray bytes become three.

// The characters a legacy metric name may hold at this position: [a-zA-Z_:], and digits
// anywhere but first. `first` is Go's "byte offset 0", i.e. the first rune.
bool isLegacyRune(char32_t c, bool first)
{
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || c == U'_' || c == U':'
        || (!first && c >= U'0' && c <= U'9');
}

void appendHex(QByteArray &out, char32_t codePoint)
{
    // Lower-case and without leading zeros, as Go's strconv.FormatInt(r, 16) writes it.
    out += QByteArray::number(static_cast<uint>(codePoint), 16);
}

QByteArray escapeUnderscores(QByteArrayView name)
{
    QByteArray out;
    out.reserve(name.size());
    for (qsizetype pos = 0; pos < name.size();) {
        const Utf8Rune rune = decodeUtf8Rune(name, pos);
        if (rune.valid && isLegacyRune(rune.codePoint, pos == 0))
            out += static_cast<char>(rune.codePoint);
        else
            out += '_';
        pos += rune.length;
    }
    return out;
}

QByteArray escapeDots(QByteArrayView name)
{
    QByteArray out;
    out.reserve(name.size() * 2);
    for (qsizetype pos = 0; pos < name.size();) {
        const Utf8Rune rune = decodeUtf8Rune(name, pos);
        if (rune.valid && rune.codePoint == U'_')
            out += "__";
        else if (rune.valid && rune.codePoint == U'.')
            out += "_dot_";
        else if (rune.valid && isLegacyRune(rune.codePoint, pos == 0))
            out += static_cast<char>(rune.codePoint);
        else
            out += "__";
        pos += rune.length;
    }
    return out;
}

QByteArray escapeValues(QByteArrayView name)
{
    QByteArray out = QByteArrayLiteral("U__");
    out.reserve(3 + name.size() * 2);
    for (qsizetype pos = 0; pos < name.size();) {
        const Utf8Rune rune = decodeUtf8Rune(name, pos);
        if (rune.valid && rune.codePoint == U'_') {
            out += "__";
        } else if (rune.valid && isLegacyRune(rune.codePoint, pos == 0)) {
            out += static_cast<char>(rune.codePoint);
        } else {
            // A byte that is not UTF-8 is written as U+FFFD (decodeUtf8Rune's code point for
            // it), the rune Go's range loop yields (Go's separate "_FFFD_" branch is
            // unreachable from that loop).
            out += '_';
            appendHex(out, rune.codePoint);
            out += '_';
        }
        pos += rune.length;
    }
    return out;
}

bool isValidCodePoint(char32_t c)
{
    return c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

std::optional<int> hexDigitValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return std::nullopt;
}

// Reads "<1-6 hex digits>_" starting at `pos` (just after an opening '_'). On success,
// returns the code point and moves `pos` past the closing '_'.
std::optional<char32_t> readEscapedCodePoint(QByteArrayView text, qsizetype &pos)
{
    constexpr int maxDigits = 6; // enough for U+10FFFF
    char32_t value = 0;
    for (int digits = 0; pos < text.size(); ++digits, ++pos) {
        if (text[pos] == '_') {
            if (digits == 0 || !isValidCodePoint(value))
                return std::nullopt;
            ++pos;
            return value;
        }
        const std::optional<int> digit = hexDigitValue(text[pos]);
        if (!digit || digits == maxDigits)
            return std::nullopt;
        value = value * 16 + char32_t(*digit);
    }
    return std::nullopt; // no closing '_'
}

} // namespace

std::optional<NameEscaping> nameEscapingFromString(QByteArrayView value)
{
    for (NameEscaping escaping : {NameEscaping::Underscores, NameEscaping::AllowUtf8,
                                  NameEscaping::Dots, NameEscaping::Values}) {
        if (value == nameEscapingToString(escaping))
            return escaping;
    }
    return std::nullopt;
}

QByteArrayView nameEscapingToString(NameEscaping escaping)
{
    switch (escaping) {
    case NameEscaping::Underscores:
        return "underscores";
    case NameEscaping::AllowUtf8:
        return "allow-utf-8";
    case NameEscaping::Dots:
        return "dots";
    case NameEscaping::Values:
        return "values";
    }
    Q_UNREACHABLE();
    return "underscores";
}

QByteArray escapeName(QByteArrayView name, NameEscaping escaping)
{
    // The reference escapes only names that need it (EscapeMetricFamily checks first), so
    // "a_b" stays "a_b" even under Dots, which would otherwise double the underscore.
    if (name.isEmpty() || isLegacyMetricName(name) || escaping == NameEscaping::AllowUtf8)
        return name.toByteArray();
    switch (escaping) {
    case NameEscaping::Underscores:
        return escapeUnderscores(name);
    case NameEscaping::Dots:
        return escapeDots(name);
    case NameEscaping::Values:
        return escapeValues(name);
    case NameEscaping::AllowUtf8:
        break;
    }
    return name.toByteArray();
}

QByteArray unescapeValuesEncoding(QByteArrayView name)
{
    if (!name.startsWith("U__"))
        return name.toByteArray();
    const QByteArrayView escaped = name.sliced(3);
    QByteArray out;
    out.reserve(escaped.size());
    for (qsizetype pos = 0; pos < escaped.size();) {
        if (escaped[pos] != '_') {
            out += escaped[pos++];
            continue;
        }
        ++pos;
        if (pos < escaped.size() && escaped[pos] == '_') {
            out += '_';
            ++pos;
            continue;
        }
        const std::optional<char32_t> codePoint = readEscapedCodePoint(escaped, pos);
        if (!codePoint)
            return name.toByteArray(); // any malformed sequence: the name is not escaped
        out += QStringView(QChar::fromUcs4(*codePoint)).toUtf8();
    }
    return out;
}

} // namespace qpgw
