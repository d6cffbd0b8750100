#include "format/utf8text.h"

#include <QTest>

using namespace qpgw;
using namespace Qt::StringLiterals;

// Expected values are what Go prints: strconv.Quote / %q for byte strings, strconv.QuoteRune /
// %q for a rune, %c, and utf8.DecodeRune. The reference's error texts are made of these.
class TestUtf8Text : public QObject
{
    Q_OBJECT

private slots:
    void decodeReadsOneRuneOrOneInvalidByte_data();
    void decodeReadsOneRuneOrOneInvalidByte();

    void goQuotedMatchesGoStrconvQuote_data();
    void goQuotedMatchesGoStrconvQuote();
    void appendGoQuotedKeepsWhatIsThere();

    void oneRuneMatchesGoPercentQAndPercentC_data();
    void oneRuneMatchesGoPercentQAndPercentC();
};

void TestUtf8Text::decodeReadsOneRuneOrOneInvalidByte_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qsizetype>("pos");
    QTest::addColumn<uint>("codePoint");
    QTest::addColumn<qsizetype>("length");
    QTest::addColumn<bool>("valid");

    QTest::newRow("ASCII") << "a"_ba << qsizetype(0) << uint('a') << qsizetype(1) << true;
    QTest::newRow("NUL") << "\x00"_ba << qsizetype(0) << 0u << qsizetype(1) << true;
    QTest::newRow("two bytes, mid-string") << "ab\xc3\xa9"_ba << qsizetype(2) << 0xE9u << qsizetype(2) << true;
    QTest::newRow("three bytes") << "\xe2\x82\xac"_ba << qsizetype(0) << 0x20ACu << qsizetype(3) << true;
    QTest::newRow("four bytes") << "\xf0\x9f\x98\x80"_ba << qsizetype(0) << 0x1F600u << qsizetype(4) << true;
    QTest::newRow("U+10FFFF, the last code point") << "\xf4\x8f\xbf\xbf"_ba << qsizetype(0) << 0x10FFFFu << qsizetype(4) << true;
    // A real U+FFFD is valid; only `valid` tells it from an invalid byte.
    QTest::newRow("encoded U+FFFD") << "\xef\xbf\xbd"_ba << qsizetype(0) << 0xFFFDu << qsizetype(3) << true;

    QTest::newRow("0xFF") << "\xff"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("stray continuation byte") << "\x80"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("overlong two bytes") << "\xc0\xaf"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("overlong three bytes") << "\xe0\x80\xaf"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("overlong four bytes") << "\xf0\x80\x80\xaf"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("high surrogate") << "\xed\xa0\x80"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("low surrogate") << "\xed\xbf\xbf"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("above U+10FFFF") << "\xf4\x90\x80\x80"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("lead byte 0xF5") << "\xf5\x80\x80\x80"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("cut short by the end") << "\xe2\x82"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
    QTest::newRow("cut short by ASCII") << "\xe2\x82" "a"_ba << qsizetype(0) << 0xFFFDu << qsizetype(1) << false;
}

void TestUtf8Text::decodeReadsOneRuneOrOneInvalidByte()
{
    QFETCH(QByteArray, text);
    QFETCH(qsizetype, pos);
    QFETCH(uint, codePoint);
    QFETCH(qsizetype, length);
    QFETCH(bool, valid);
    const Utf8Rune rune = decodeUtf8Rune(text, pos);
    QCOMPARE(uint(rune.codePoint), codePoint);
    QCOMPARE(rune.length, length);
    QCOMPARE(rune.valid, valid);
}

void TestUtf8Text::goQuotedMatchesGoStrconvQuote_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("quoted");

    QTest::newRow("empty") << QByteArray() << uR"("")"_s;
    QTest::newRow("ASCII") << "job_1 a-b.c"_ba << uR"("job_1 a-b.c")"_s;
    QTest::newRow("quote and backslash") << R"(a"b\c)"_ba << uR"("a\"b\\c")"_s;
    QTest::newRow("single quote is not escaped") << "it's"_ba << uR"("it's")"_s;
    QTest::newRow("named escapes") << "\a\b\f\n\r\t\v"_ba << uR"("\a\b\f\n\r\t\v")"_s;
    QTest::newRow("other controls") << "\x00\x01\x1b\x1f"_ba << uR"("\x00\x01\x1b\x1f")"_s;
    QTest::newRow("DEL") << "\x7f"_ba << uR"("\x7f")"_s;

    QTest::newRow("0xFF") << "\xff"_ba << uR"("\xff")"_s;
    QTest::newRow("invalid byte before ASCII") << "\xff" "a"_ba << uR"("\xffa")"_s;
    QTest::newRow("stray continuation bytes") << "\x80\xbf"_ba << uR"("\x80\xbf")"_s;
    QTest::newRow("overlong slash") << "\xc0\xaf"_ba << uR"("\xc0\xaf")"_s;
    QTest::newRow("sequence cut short") << "\xe2\x82"_ba << uR"("\xe2\x82")"_s;
    QTest::newRow("above U+10FFFF") << "\xf4\x90\x80\x80"_ba << uR"("\xf4\x90\x80\x80")"_s;
    QTest::newRow("valid rune, then invalid byte") << "\xc3\xb6\xff"_ba << u"\"ö\\xff\""_s;

    QTest::newRow("encoded surrogate") << "\xed\xa0\x80"_ba << uR"("\xed\xa0\x80")"_s;
    QTest::newRow("CESU-8 surrogate pair") << "\xed\xa0\xbd\xed\xb8\x80"_ba << uR"("\xed\xa0\xbd\xed\xb8\x80")"_s;

    QTest::newRow("C1 control U+0085") << "\xc2\x85"_ba << uR"("\u0085")"_s;
    QTest::newRow("no-break space U+00A0") << "\xc2\xa0"_ba << uR"("\u00a0")"_s;
    QTest::newRow("zero-width space U+200B") << "\xe2\x80\x8b"_ba << uR"("\u200b")"_s;
    QTest::newRow("line separator U+2028") << "\xe2\x80\xa8"_ba << uR"("\u2028")"_s;
    QTest::newRow("byte order mark U+FEFF") << "\xef\xbb\xbf"_ba << uR"("\ufeff")"_s;
    QTest::newRow("private use U+E000") << "\xee\x80\x80"_ba << uR"("\ue000")"_s;
    QTest::newRow("language tag U+E0001") << "\xf3\xa0\x80\x81"_ba << uR"("\U000e0001")"_s;
    QTest::newRow("unassigned U+10FFFF") << "\xf4\x8f\xbf\xbf"_ba << uR"("\U0010ffff")"_s;

    QTest::newRow("Björn") << "Bj\xc3\xb6rn"_ba << u"\"Björn\""_s;
    QTest::newRow("CJK") << "\xe6\x97\xa5\xe6\x9c\xac"_ba << u"\"日本\""_s;
    QTest::newRow("emoji outside the BMP") << "\xf0\x9f\x98\x80"_ba << u"\"😀\""_s;
    QTest::newRow("encoded U+FFFD is printable") << "\xef\xbf\xbd"_ba << u"\"\uFFFD\""_s;
}

void TestUtf8Text::goQuotedMatchesGoStrconvQuote()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, quoted);
    QCOMPARE(goQuoted(bytes), quoted);

    QByteArray appended;
    appendGoQuoted(appended, bytes);
    QVERIFY(appended.isValidUtf8());
    QCOMPARE(QString::fromUtf8(appended), quoted);
}

void TestUtf8Text::appendGoQuotedKeepsWhatIsThere()
{
    QByteArray out = "label="_ba;
    appendGoQuoted(out, "v\n"_ba);
    QCOMPARE(out, R"(label="v\n")"_ba);
}

// Go's %q and %c of one rune. The parser prints single bytes this way: a byte above 0x7F is
// the code point of that value.
void TestUtf8Text::oneRuneMatchesGoPercentQAndPercentC_data()
{
    QTest::addColumn<uint>("rune");
    QTest::addColumn<QString>("quoted");
    QTest::addColumn<QString>("text");

    QTest::newRow("letter") << uint('a') << uR"('a')"_s << u"a"_s;
    QTest::newRow("single quote is escaped") << uint('\'') << uR"('\'')"_s << u"'"_s;
    QTest::newRow("double quote is not") << uint('"') << uR"('"')"_s << u"\""_s;
    QTest::newRow("backslash") << uint('\\') << uR"('\\')"_s << u"\\"_s;
    QTest::newRow("newline") << uint('\n') << uR"('\n')"_s << u"\n"_s;
    QTest::newRow("NUL") << 0u << uR"('\x00')"_s << QString(QChar(u'\0'));
    QTest::newRow("DEL") << 0x7Fu << uR"('\x7f')"_s << u"\x7f"_s;
    QTest::newRow("byte 0xFF is U+00FF") << 0xFFu << u"'ÿ'"_s << u"ÿ"_s;
    QTest::newRow("byte 0x85 is a C1 control") << 0x85u << uR"('\u0085')"_s << u"\u0085"_s;
    QTest::newRow("emoji") << 0x1F600u << u"'😀'"_s << u"😀"_s;
    QTest::newRow("surrogate becomes U+FFFD") << 0xD800u << u"'\uFFFD'"_s << u"\uFFFD"_s;
    QTest::newRow("above U+10FFFF becomes U+FFFD") << 0x110000u << u"'\uFFFD'"_s << u"\uFFFD"_s;
}

void TestUtf8Text::oneRuneMatchesGoPercentQAndPercentC()
{
    QFETCH(uint, rune);
    QFETCH(QString, quoted);
    QFETCH(QString, text);
    QCOMPARE(goQuotedRune(char32_t(rune)), quoted);
    QCOMPARE(goRuneText(char32_t(rune)), text);
}

QTEST_GUILESS_MAIN(TestUtf8Text)
#include "tst_utf8text.moc"
