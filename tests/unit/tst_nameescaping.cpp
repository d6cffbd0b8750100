#include "format/nameescaping.h"

#include <QRandomGenerator>
#include <QTest>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::NameEscaping)

// Expected values follow Go's prometheus/common model.EscapeName / UnescapeName as the
// reference applies them (EscapeMetricFamily: legacy-valid metric names are never escaped).
class TestNameEscaping : public QObject
{
    Q_OBJECT

private slots:
    void schemeNamesMatchTheEscapingParameter_data();
    void schemeNamesMatchTheEscapingParameter();
    void unknownSchemeNamesAreRejected_data();
    void unknownSchemeNamesAreRejected();

    void legacyMetricNamesAreNeverEscaped_data();
    void legacyMetricNamesAreNeverEscaped();
    void escapeNameWritesTheScheme_data();
    void escapeNameWritesTheScheme();

    void unescapeValuesEncodingDecodes_data();
    void unescapeValuesEncodingDecodes();
    void malformedValuesEncodingIsLeftUnchanged_data();
    void malformedValuesEncodingIsLeftUnchanged();

    void valuesEscapingRoundTripsUnicodeNames_data();
    void valuesEscapingRoundTripsUnicodeNames();
    void valuesEscapingRoundTripsRandomNames();
};

void TestNameEscaping::schemeNamesMatchTheEscapingParameter_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<NameEscaping>("escaping");
    QTest::newRow("underscores") << "underscores"_ba << NameEscaping::Underscores;
    QTest::newRow("allow-utf-8") << "allow-utf-8"_ba << NameEscaping::AllowUtf8;
    QTest::newRow("dots") << "dots"_ba << NameEscaping::Dots;
    QTest::newRow("values") << "values"_ba << NameEscaping::Values;
}

void TestNameEscaping::schemeNamesMatchTheEscapingParameter()
{
    QFETCH(QByteArray, text);
    QFETCH(NameEscaping, escaping);
    const std::optional<NameEscaping> parsed = nameEscapingFromString(text);
    QVERIFY(parsed.has_value());
    QCOMPARE(*parsed, escaping);
    QCOMPARE(nameEscapingToString(escaping).toByteArray(), text);
}

void TestNameEscaping::unknownSchemeNamesAreRejected_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("names are case-sensitive") << "Values"_ba;
    QTest::newRow("old 'none' spelling") << "none"_ba;
    QTest::newRow("allow-utf8 without dash") << "allow-utf8"_ba;
    QTest::newRow("surrounding space") << " dots"_ba;
}

void TestNameEscaping::unknownSchemeNamesAreRejected()
{
    QFETCH(QByteArray, text);
    QVERIFY(!nameEscapingFromString(text).has_value());
}

void TestNameEscaping::legacyMetricNamesAreNeverEscaped_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::newRow("plain") << "http_requests_total"_ba;
    QTest::newRow("colon is legal in metric names") << "job:rate5m"_ba;
    QTest::newRow("leading underscore") << "_x"_ba;
    QTest::newRow("looks value-escaped") << "U__dotted_2e_name"_ba;
    QTest::newRow("empty") << QByteArray();
}

void TestNameEscaping::legacyMetricNamesAreNeverEscaped()
{
    QFETCH(QByteArray, name);
    for (NameEscaping escaping : {NameEscaping::Underscores, NameEscaping::AllowUtf8, NameEscaping::Dots,
                                  NameEscaping::Values}) {
        QCOMPARE(escapeName(name, escaping), name);
    }
}

void TestNameEscaping::escapeNameWritesTheScheme_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<NameEscaping>("escaping");
    QTest::addColumn<QByteArray>("expected");

    auto row = [](const char *tag, QByteArray name, NameEscaping escaping, QByteArray expected) {
        QTest::newRow(tag) << name << escaping << expected;
    };
    using enum NameEscaping;

    row("underscores: dot", "dotted.name"_ba, Underscores, "dotted_name"_ba);
    row("underscores: leading digit", "0abc"_ba, Underscores, "_abc"_ba);
    row("underscores: one per multi-byte rune", "Björn"_ba, Underscores, "Bj_rn"_ba);
    row("underscores: CJK", "日本"_ba, Underscores, "__"_ba);
    row("underscores: emoji", "😀x"_ba, Underscores, "_x"_ba);
    row("underscores: one per invalid byte", "a\xFF\xFE"_ba, Underscores, "a__"_ba);
    row("underscores: punctuation", "a-b/c d"_ba, Underscores, "a_b_c_d"_ba);

    row("allow-utf-8: unchanged", "dotted.name"_ba, AllowUtf8, "dotted.name"_ba);
    row("allow-utf-8: unicode unchanged", "Björn"_ba, AllowUtf8, "Björn"_ba);

    row("dots: dot and underscore", "foo.bar_baz"_ba, Dots, "foo_dot_bar__baz"_ba);
    row("dots: other invalid characters become two underscores", "a-b"_ba, Dots, "a__b"_ba);
    row("dots: leading digit", "0a.b"_ba, Dots, "__a_dot_b"_ba);
    row("dots: unicode", "ö.x"_ba, Dots, "___dot_x"_ba);

    row("values: dots", "dotted.label.name"_ba, Values, "U__dotted_2e_label_2e_name"_ba);
    row("values: underscore doubled", "a_b.c"_ba, Values, "U__a__b_2e_c"_ba);
    row("values: colon kept", "a:b.c"_ba, Values, "U__a:b_2e_c"_ba);
    row("values: leading digit", "0a.b"_ba, Values, "U___30_a_2e_b"_ba);
    row("values: hex without leading zeros", "Björn!"_ba, Values, "U__Bj_f6_rn_21_"_ba);
    row("values: control character", "a\nb"_ba, Values, "U__a_a_b"_ba);
    row("values: space", "a b"_ba, Values, "U__a_20_b"_ba);
    row("values: BMP character", "€"_ba, Values, "U___20ac_"_ba);
    row("values: supplementary character", "😀"_ba, Values, "U___1f600_"_ba);
    row("values: highest code point", "\xF4\x8F\xBF\xBF"_ba, Values, "U___10ffff_"_ba);
    row("values: Go vector f.ö.o", "f.ö.o"_ba, Values, "U__f_2e__f6__2e_o"_ba);
    // Go's range loop yields U+FFFD for each byte that is not UTF-8.
    row("values: invalid byte", "a\xFF"_ba, Values, "U__a_fffd_"_ba);
    row("values: encoded surrogate is three invalid bytes", "\xED\xA0\x80"_ba, Values,
        "U___fffd__fffd__fffd_"_ba);
    row("values: truncated sequence", "x\xC3"_ba, Values, "U__x_fffd_"_ba);
}

void TestNameEscaping::escapeNameWritesTheScheme()
{
    QFETCH(QByteArray, name);
    QFETCH(NameEscaping, escaping);
    QFETCH(QByteArray, expected);
    QCOMPARE(escapeName(name, escaping), expected);
}

void TestNameEscaping::unescapeValuesEncodingDecodes_data()
{
    QTest::addColumn<QByteArray>("escaped");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("spec: dotted name") << "U__dotted_2e_label_2e_name"_ba << "dotted.label.name"_ba;
    QTest::newRow("spec: escaped U and underscores") << "U___55_____foo"_ba << "U__foo"_ba;
    QTest::newRow("double underscore") << "U__a__b"_ba << "a_b"_ba;
    QTest::newRow("upper-case hex") << "U__a_2E_b"_ba << "a.b"_ba;
    QTest::newRow("leading zeros") << "U___000041_"_ba << "A"_ba;
    QTest::newRow("two-byte rune") << "U__Bj_f6_rn"_ba << "Björn"_ba;
    QTest::newRow("supplementary rune") << "U___1f600_"_ba << "😀"_ba;
    QTest::newRow("six hex digits") << "U___10ffff_"_ba << "\xF4\x8F\xBF\xBF"_ba;
    QTest::newRow("NUL is a valid code point") << "U__a_0_"_ba << QByteArray("a\0", 2);
    QTest::newRow("reserved prefix") << "U___5f__5f_foo"_ba << "__foo"_ba;
    QTest::newRow("prefix alone is the empty name") << "U__"_ba << QByteArray();
    QTest::newRow("other bytes copied as they are") << "U__a\xFF_2e_"_ba << "a\xFF."_ba;
}

void TestNameEscaping::unescapeValuesEncodingDecodes()
{
    QFETCH(QByteArray, escaped);
    QFETCH(QByteArray, expected);
    QCOMPARE(unescapeValuesEncoding(escaped), expected);
}

void TestNameEscaping::malformedValuesEncodingIsLeftUnchanged_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::newRow("spec: non-hex in escape") << "U__in_xxx_valid"_ba;
    QTest::newRow("no prefix") << "dotted_2e_name"_ba;
    QTest::newRow("prefix is case-sensitive") << "u__a_2e_b"_ba;
    QTest::newRow("single underscore prefix") << "U_a_2e_b"_ba;
    QTest::newRow("dangling underscore") << "U__a_"_ba;
    QTest::newRow("no closing underscore") << "U__a_2e"_ba;
    QTest::newRow("seven hex digits") << "U___0000041_"_ba;
    QTest::newRow("high surrogate") << "U___d800_"_ba;
    QTest::newRow("low surrogate") << "U___dfff_"_ba;
    QTest::newRow("beyond U+10FFFF") << "U___110000_"_ba;
    QTest::newRow("malformed after a good escape") << "U__a_2e_b_g_"_ba;
}

void TestNameEscaping::malformedValuesEncodingIsLeftUnchanged()
{
    QFETCH(QByteArray, name);
    QCOMPARE(unescapeValuesEncoding(name), name);
}

void TestNameEscaping::valuesEscapingRoundTripsUnicodeNames_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::newRow("dots") << "dotted.label.name"_ba;
    QTest::newRow("latin") << "Björn"_ba;
    QTest::newRow("cjk") << "日本語のラベル"_ba;
    QTest::newRow("emoji and space") << "😀 smile"_ba;
    QTest::newRow("underscores and dots") << "a_b.c__d"_ba;
    QTest::newRow("leading digit") << "0start.x"_ba;
    QTest::newRow("slash and at") << "with/slash@base64"_ba;
    QTest::newRow("reserved-looking") << "__reserved.x"_ba;
    QTest::newRow("escaped-looking unicode") << "U__ö"_ba;
    QTest::newRow("highest code point") << "x\xF4\x8F\xBF\xBF"_ba;
}

void TestNameEscaping::valuesEscapingRoundTripsUnicodeNames()
{
    QFETCH(QByteArray, name);
    const QByteArray escaped = escapeName(name, NameEscaping::Values);
    QVERIFY(escaped.startsWith("U__"));
    QCOMPARE(unescapeValuesEncoding(escaped), name);
}

void TestNameEscaping::valuesEscapingRoundTripsRandomNames()
{
    const QList<QByteArray> pieces = {"a"_ba, "Z"_ba, "_"_ba, ":"_ba, "0"_ba, "9"_ba, "."_ba, "-"_ba,
                                      " "_ba, "/"_ba, "ö"_ba, "€"_ba, "日"_ba, "😀"_ba, "\x7f"_ba,
                                      "\n"_ba, "U__"_ba, "_2e_"_ba};
    QRandomGenerator random(20240611);
    for (int i = 0; i < 2000; ++i) {
        QByteArray name;
        const int length = random.bounded(1, 10);
        for (int j = 0; j < length; ++j)
            name += pieces[random.bounded(pieces.size())];
        const QByteArray escaped = escapeName(name, NameEscaping::Values);
        if (escaped == name)
            continue; // a legacy metric name: never escaped, so nothing to reverse
        QVERIFY2(unescapeValuesEncoding(escaped) == name, escaped.constData());
    }
}

QTEST_GUILESS_MAIN(TestNameEscaping)
#include "tst_nameescaping.moc"
