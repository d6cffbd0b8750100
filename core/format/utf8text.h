#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace qpgw {

// Byte strings the way the reference's Go code sees them: walked rune by rune with Go's UTF-8
// decoder, and quoted in error texts with Go's %q. Clients match the reference's error texts,
// and names, values and tokens are untrusted bytes, so the rules are Go's to the byte.

// One step of Go's utf8.DecodeRune at `pos` (0 <= pos < text.size()): a valid sequence is
// one rune; anything else (a stray continuation byte, an overlong form, a surrogate, a code
// point above U+10FFFF, a sequence cut short) is one invalid byte, which Go reads as U+FFFD.
struct Utf8Rune
{
    char32_t codePoint = 0xFFFD;
    qsizetype length = 1;
    bool valid = false;
};

Utf8Rune decodeUtf8Rune(QByteArrayView text, qsizetype pos);

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
bool isGoPrintable(char32_t codePoint);

// Go's strconv.Quote of arbitrary bytes (what %q prints for a string or []byte): `"` and `\`
// escaped, printable runes (unicode.IsPrint) as they are, \a \b \f \n \r \t \v, other
// control characters as \xNN, other non-printable runes as \uXXXX or \UXXXXXXXX, and every
// byte that is not UTF-8 as \xNN. The result is always valid UTF-8.
void appendGoQuoted(QByteArray &out, QByteArrayView bytes);
QString goQuoted(QByteArrayView bytes);

// Go's %q of a single rune or byte (strconv.QuoteRune): the same escapes between single
// quotes, where `'` is escaped and `"` is not. An invalid code point prints as U+FFFD.
QString goQuotedRune(char32_t rune);

// Go's %c: the rune itself (a byte is the code point of that value, 0xFF is 'ÿ'). An invalid
// code point prints as U+FFFD.
QString goRuneText(char32_t rune);

} // namespace qpgw
