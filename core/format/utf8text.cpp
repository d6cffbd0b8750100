#include "utf8text.h"

#include <QChar>
#include <QStringView>

namespace qpgw {
namespace {

bool isValidCodePoint(char32_t c)
{
    return c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

void appendHex(QByteArray &out, quint32 value, int digits)
{
    static constexpr char hexDigits[] = "0123456789abcdef"; // Go writes lower case
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        out += hexDigits[(value >> shift) & 0xF];
}

QByteArray utf8Encoded(char32_t validCodePoint)
{
    return QStringView(QChar::fromUcs4(validCodePoint)).toUtf8();
}

// strconv's appendEscapedRune for a valid rune; `encoded` is its UTF-8 form, which a quoted
// string already holds, so printable runes are copied rather than re-encoded.
void appendEscapedRune(QByteArray &out, char32_t codePoint, QByteArrayView encoded, char quote)
{
    if (codePoint == char32_t(uchar(quote)) || codePoint == U'\\') {
        out += '\\';
        out += static_cast<char>(codePoint);
        return;
    }
    if (isGoPrintable(codePoint)) {
        out += encoded;
        return;
    }
    switch (codePoint) {
    case U'\a': out += "\\a"; return;
    case U'\b': out += "\\b"; return;
    case U'\f': out += "\\f"; return;
    case U'\n': out += "\\n"; return;
    case U'\r': out += "\\r"; return;
    case U'\t': out += "\\t"; return;
    case U'\v': out += "\\v"; return;
    default: break;
    }
    if (codePoint < U' ' || codePoint == 0x7F) {
        out += "\\x";
        appendHex(out, codePoint, 2);
    } else if (codePoint < 0x10000) {
        out += "\\u";
        appendHex(out, codePoint, 4);
    } else {
        out += "\\U";
        appendHex(out, codePoint, 8);
    }
}

} // namespace

// unicode.IsPrint (strconv.IsPrint is the same set): letters, marks, numbers, punctuation,
// symbols and the ASCII space; no other space, no control, format, surrogate, private-use or
// unassigned code point.
bool isGoPrintable(char32_t c)
{
    if (c < 0x80)
        return c >= 0x20 && c < 0x7F;
    switch (QChar::category(c)) {
    case QChar::Separator_Space:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned: return false;
    default: return true;
    }
}

Utf8Rune decodeUtf8Rune(QByteArrayView text, qsizetype pos)
{
    const auto *p = reinterpret_cast<const uchar *>(text.data()) + pos;
    const qsizetype available = text.size() - pos;
    const uchar first = p[0];
    if (first < 0x80)
        return {first, 1, true};
    // The second byte's range excludes overlong forms (after E0, F0), surrogates (after ED)
    // and code points above U+10FFFF (after F4), as Go's table-driven decoder does.
    auto continuation = [&](qsizetype i, uchar low = 0x80, uchar high = 0xBF) {
        return i < available && p[i] >= low && p[i] <= high;
    };
    if (first >= 0xC2 && first <= 0xDF && continuation(1))
        return {char32_t((first & 0x1Fu) << 6 | (p[1] & 0x3Fu)), 2, true};
    if (first >= 0xE0 && first <= 0xEF
        && continuation(1, first == 0xE0 ? 0xA0 : 0x80, first == 0xED ? 0x9F : 0xBF) && continuation(2))
        return {char32_t((first & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)), 3, true};
    if (first >= 0xF0 && first <= 0xF4
        && continuation(1, first == 0xF0 ? 0x90 : 0x80, first == 0xF4 ? 0x8F : 0xBF)
        && continuation(2) && continuation(3))
        return {char32_t((first & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu)), 4, true};
    return {};
}

void appendGoQuoted(QByteArray &out, QByteArrayView bytes)
{
    out.reserve(out.size() + bytes.size() + 2);
    out += '"';
    for (qsizetype pos = 0; pos < bytes.size();) {
        const Utf8Rune rune = decodeUtf8Rune(bytes, pos);
        if (rune.valid) {
            appendEscapedRune(out, rune.codePoint, bytes.sliced(pos, rune.length), '"');
        } else {
            out += "\\x";
            appendHex(out, static_cast<uchar>(bytes[pos]), 2);
        }
        pos += rune.length;
    }
    out += '"';
}

QString goQuoted(QByteArrayView bytes)
{
    QByteArray out;
    appendGoQuoted(out, bytes);
    return QString::fromUtf8(out);
}

QString goQuotedRune(char32_t rune)
{
    const char32_t codePoint = isValidCodePoint(rune) ? rune : char32_t(0xFFFD);
    QByteArray out = QByteArrayLiteral("'");
    appendEscapedRune(out, codePoint, utf8Encoded(codePoint), '\'');
    out += '\'';
    return QString::fromUtf8(out);
}

QString goRuneText(char32_t rune)
{
    return QStringView(QChar::fromUcs4(isValidCodePoint(rune) ? rune : char32_t(0xFFFD))).toString();
}

} // namespace qpgw
