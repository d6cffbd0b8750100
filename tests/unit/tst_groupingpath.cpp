#include "format/groupingpath.h"
#include "format/nameescaping.h"

#include <QRandomGenerator>
#include <QTest>

#include <initializer_list>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::GroupingKey)
Q_DECLARE_METATYPE(qpgw::NameValidation)

namespace qpgw {
// Lets QCOMPARE print keys: the display form plus the exact id bytes.
char *toString(const GroupingKey &key)
{
    const QByteArray text = key.toDisplayString().toUtf8() + " id=" + key.id().toPercentEncoding();
    return qstrdup(text.constData());
}

char *toString(const LabelPair &pair)
{
    const QByteArray text = pair.name.toPercentEncoding() + '=' + pair.value.toPercentEncoding();
    return qstrdup(text.constData());
}
} // namespace qpgw

namespace {

GroupingKey key(std::initializer_list<std::pair<QByteArray, QByteArray>> pairs)
{
    Labels labels;
    for (const auto &[name, value] : pairs)
        labels.append(LabelPair{name, value});
    return GroupingKey(labels);
}

} // namespace

// The spec rows (H6, H7, X*) are from the behaviour specification, section 9.
class TestGroupingPath : public QObject
{
    Q_OBJECT

private slots:
    void acceptedPathGivesKey_data();
    void acceptedPathGivesKey();
    void rejectedPathGivesReferenceError_data();
    void rejectedPathGivesReferenceError();

    void base64DecodesLikeGo_data();
    void base64DecodesLikeGo();
    void base64ReportsGoErrorOffset_data();
    void base64ReportsGoErrorOffset();
    void base64EncodesUrlAlphabetWithoutPadding();

    void keyIsWrittenAsPath_data();
    void keyIsWrittenAsPath();
    void urlPathIsGroupingKeyToPath();
    void writtenPathParsesBackInUtf8Mode();
    void writtenPathOfLegacyKeyParsesBackInBothModes();
    void legacyNameThatLooksEscapedRoundTripsInLegacyModeOnly();
};

void TestGroupingPath::acceptedPathGivesKey_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<NameValidation>("validation");
    QTest::addColumn<GroupingKey>("expected");

    const NameValidation legacy = NameValidation::Legacy;
    const NameValidation utf8 = NameValidation::Utf8;
    auto row = [](const char *tag, QByteArray path, NameValidation validation, GroupingKey expected) {
        QTest::newRow(tag) << path << validation << expected;
    };

    // H6 TestSplitLabels (legacy mode), appended to /job/j.
    row("H6: two plain pairs", "/job/j/label_name1/label_value1/label_name2/label_value2"_ba, legacy,
        key({{"job", "j"}, {"label_name1", "label_value1"}, {"label_name2", "label_value2"}}));
    row("H6: base64 value holds a slash", "/job/j/label_name1@base64/bGFiZWwvdmFsdWUx/label_name2/label_value2"_ba,
        legacy, key({{"job", "j"}, {"label_name1", "label/value1"}, {"label_name2", "label_value2"}}));
    row("H6: base64 value last", "/job/j/label_name1/label_value1/label_name2@base64/bGFiZWwvdmFsdWUy"_ba, legacy,
        key({{"job", "j"}, {"label_name1", "label_value1"}, {"label_name2", "label/value2"}}));
    row("H6: padding accepted", "/job/j/label_name1/label_value1/label_name2@base64/bGFiZWwvdmFsdWUy=="_ba, legacy,
        key({{"job", "j"}, {"label_name1", "label_value1"}, {"label_name2", "label/value2"}}));
    row("H6: no un-escaping in legacy mode", "/job/j/label_name1/label_value1/U__label_2e_name2/label_value2"_ba,
        legacy, key({{"job", "j"}, {"label_name1", "label_value1"}, {"U__label_2e_name2", "label_value2"}}));

    // H7 TestSplitLabelsUTF8.
    row("H7: U__ name un-escaped", "/job/j/label_name1/label_value1/U__label_2e_name2/label_value2"_ba, utf8,
        key({{"job", "j"}, {"label_name1", "label_value1"}, {"label.name2", "label_value2"}}));
    row("H7: U__ name with base64 value",
        "/job/j/label_name1@base64/bGFiZWwvdmFsdWUx/U__label_2e_name2@base64/bGFiZWwvdmFsdWUy"_ba, utf8,
        key({{"job", "j"}, {"label_name1", "label/value1"}, {"label.name2", "label/value2"}}));

    // Push handler rows.
    row("H2.f: base64 job and label", "/job@base64/dGVzdC9qb2I=/instance@base64/dGVzdGluc3RhbmNl"_ba, legacy,
        key({{"job", "test/job"}, {"instance", "testinstance"}}));
    row("H3.a: dotted label name", "/job/testjob/instance/testinstance/U__dotted_2e_label_2e_name/mylabelvalue"_ba,
        utf8, key({{"job", "testjob"}, {"instance", "testinstance"}, {"dotted.label.name", "mylabelvalue"}}));
    row("H3.b: all base64",
        "/job@base64/dGVzdC9qb2I=/instance@base64/dGVzdGluc3RhbmNl/U__dotted_2e_label_2e_name@base64/bXlsYWJlbHZhbHVl"_ba,
        utf8, key({{"job", "test/job"}, {"instance", "testinstance"}, {"dotted.label.name", "mylabelvalue"}}));

    // Black-box rows.
    row("X2: trailing slash is an empty value", "/job/j3/a/"_ba, legacy, key({{"job", "j3"}, {"a", ""}}));
    row("X3: %2F separates segments", "/job/j4/a%2Fb"_ba, legacy, key({{"job", "j4"}, {"a", "b"}}));
    row("X24: dotted name allowed in UTF-8 mode", "/job/utf/dotted.name/v"_ba, utf8,
        key({{"job", "utf"}, {"dotted.name", "v"}}));

    // Job segment.
    row("job only", "/job/j"_ba, legacy, key({{"job", "j"}}));
    row("job with a lone trailing slash", "/job/j/"_ba, legacy, key({{"job", "j"}}));
    row("base64 job unpadded", "/job@base64/dGVzdC9qb2I"_ba, legacy, key({{"job", "test/job"}}));
    row("route name is percent-decoded too", "/job%40base64/YQ"_ba, legacy, key({{"job", "a"}}));
    row("job in label part is overridden", "/job/j/job/other"_ba, legacy, key({{"job", "j"}}));
    row("job in label part overridden, even twice", "/job/j/job/x/a/1/job/y"_ba, legacy,
        key({{"job", "j"}, {"a", "1"}}));
    row("base64 job overrides label-part job", "/job@base64/YQ/job/b"_ba, legacy, key({{"job", "a"}}));

    // Values.
    row("/var/tmp in base64url", "/job/j/path@base64/L3Zhci90bXA"_ba, legacy, key({{"job", "j"}, {"path", "/var/tmp"}}));
    row("/var/tmp in base64url with padding", "/job/j/path@base64/L3Zhci90bXA="_ba, legacy,
        key({{"job", "j"}, {"path", "/var/tmp"}}));
    row("@base64/= is the empty value", "/job/j/instance@base64/="_ba, legacy, key({{"job", "j"}, {"instance", ""}}));
    row("@base64/== is the empty value", "/job/j/instance@base64/=="_ba, legacy, key({{"job", "j"}, {"instance", ""}}));
    row("@base64 with empty segment is the empty value", "/job/j/instance@base64/"_ba, legacy,
        key({{"job", "j"}, {"instance", ""}}));
    row("base64 many padding characters", "/job/j/a@base64/YQ====="_ba, legacy, key({{"job", "j"}, {"a", "a"}}));
    row("base64 unused trailing bits ignored", "/job/j/a@base64/YR"_ba, legacy, key({{"job", "j"}, {"a", "a"}}));
    row("base64 skips an encoded line break", "/job/j/a@base64/Y%0AQ"_ba, legacy, key({{"job", "j"}, {"a", "a"}}));
    row("Unicode value percent-encoded", "/job/j/name/Bj%C3%B6rn"_ba, legacy, key({{"job", "j"}, {"name", "Björn"}}));
    row("Unicode value raw", "/job/j/name/Björn"_ba, legacy, key({{"job", "j"}, {"name", "Björn"}}));
    row("Unicode value in base64", "/job/j/name@base64/QmrDtnJu"_ba, legacy, key({{"job", "j"}, {"name", "Björn"}}));
    row("Unicode job in base64", "/job@base64/5pel5pys"_ba, legacy, key({{"job", "日本"}}));
    row("plus stays plus in a path", "/job/j/a/b+c"_ba, legacy, key({{"job", "j"}, {"a", "b+c"}}));
    row("plain '=' is a literal value", "/job/j/a/="_ba, legacy, key({{"job", "j"}, {"a", "="}}));
    row("encoded percent", "/job/j/a/100%25"_ba, legacy, key({{"job", "j"}, {"a", "100%"}}));
    row("later duplicate wins", "/job/j/a/1/b/2/a/3"_ba, legacy, key({{"job", "j"}, {"a", "3"}, {"b", "2"}}));
    row("later duplicate wins over base64", "/job/j/a@base64/eA/a/y"_ba, legacy, key({{"job", "j"}, {"a", "y"}}));
    row("invalid UTF-8 in an overridden job pair is dropped", "/job/j/job/%FF"_ba, legacy, key({{"job", "j"}}));
    row("invalid UTF-8 in an overridden duplicate is dropped", "/job/j/a/%FF/a/ok"_ba, legacy,
        key({{"job", "j"}, {"a", "ok"}}));

    // Names.
    row("name @base64 suffix stripped once", "/job/j/x@base64@base64/YQ"_ba, utf8, key({{"job", "j"}, {"x@base64", "a"}}));
    row("UTF-8 mode: reserved prefix only checked on escaped form", "/job/j/U___5f__5f_foo/v"_ba, utf8,
        key({{"job", "j"}, {"__foo", "v"}}));
    row("UTF-8 mode: malformed escape keeps the name", "/job/j/U__in_xxx_valid/v"_ba, utf8,
        key({{"job", "j"}, {"U__in_xxx_valid", "v"}}));
    row("UTF-8 mode: percent-encoded Unicode name", "/job/j/Bj%C3%B6rn/v"_ba, utf8, key({{"job", "j"}, {"Björn", "v"}}));
    row("UTF-8 mode: un-escaped name with base64 value", "/job/j/U___5f__5f_foo@base64/YQ"_ba, utf8,
        key({{"job", "j"}, {"__foo", "a"}}));
    row("UTF-8 mode: escaped and plain spellings are one name", "/job/j/a.b/1/U__a_2e_b/2"_ba, utf8,
        key({{"job", "j"}, {"a.b", "2"}}));
    row("UTF-8 mode: legacy names still fine", "/job/j/instance/i"_ba, utf8, key({{"job", "j"}, {"instance", "i"}}));
}

void TestGroupingPath::acceptedPathGivesKey()
{
    QFETCH(QByteArray, path);
    QFETCH(NameValidation, validation);
    QFETCH(GroupingKey, expected);

    const Expected<GroupingKey> parsed = parseGroupingPath(path, validation);
    QVERIFY2(parsed.hasValue(), qPrintable(parsed ? QString() : parsed.error().message));
    QCOMPARE(*parsed, expected);
    QCOMPARE(parsed->labels(), expected.labels());
}

void TestGroupingPath::rejectedPathGivesReferenceError_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<NameValidation>("validation");
    QTest::addColumn<QString>("message");

    const NameValidation legacy = NameValidation::Legacy;
    const NameValidation utf8 = NameValidation::Utf8;
    auto row = [](const char *tag, QByteArray path, NameValidation validation, const char *message) {
        QTest::newRow(tag) << path << validation << QString::fromUtf8(message);
    };

    // H6.
    row("H6: '=' in a name", "/job/j/label_name1/label_value1/a=b/label_value2"_ba, legacy,
        R"(improper label name "a=b")");
    row("H6: reserved prefix", "/job/j/label_name1/label_value1/__label_name2/label_value2"_ba, legacy,
        R"(improper label name "__label_name2")");
    row("H6: odd number of components", "/job/j/label_name1/label_value1/label_name2/label/value2"_ba, legacy,
        R"(odd number of components in label string "/label_name1/label_value1/label_name2/label/value2")");
    row("H6: invalid base64", "/job/j/label_name1@base64/foo.bar/label_name2/label_value2"_ba, legacy,
        R"(invalid base64 encoding for label label_name1="foo.bar": illegal base64 data at input byte 3)");

    // Black-box rows.
    row("X5: '=' in a name", "/job/j4/a=b/c"_ba, legacy, R"(improper label name "a=b")");
    row("X5: reserved prefix", "/job/j4/__a/c"_ba, legacy, R"(improper label name "__a")");
    row("X6: invalid base64 job quotes the partial value", "/job@base64/foo.bar"_ba, legacy,
        R"(invalid base64 encoding in job name "": illegal base64 data at input byte 3)");
    row("X6: invalid base64 label value", "/job/j5/a@base64/foo.bar"_ba, legacy,
        R"(invalid base64 encoding for label a="foo.bar": illegal base64 data at input byte 3)");
    row("X24: dotted name in legacy mode", "/job/utf/dotted.name/v"_ba, legacy, R"(improper label name "dotted.name")");
    row("H2.a: empty base64 job", "/job@base64/="_ba, legacy, "job name is required");

    // Job segment.
    row("empty plain job", "/job/"_ba, legacy, "job name is required");
    row("empty base64 job with labels", "/job@base64//a/b"_ba, legacy, "job name is required");
    row("base64 job: partial value is what decoded before the error", "/job@base64/Zm9vYmFy.x"_ba, legacy,
        R"(invalid base64 encoding in job name "foobar": illegal base64 data at input byte 8)");
    row("base64 job: '+' is not in the URL alphabet", "/job@base64/ab+c"_ba, legacy,
        R"(invalid base64 encoding in job name "": illegal base64 data at input byte 2)");
    row("base64 job: dangling character", "/job@base64/YWJjZ"_ba, legacy,
        R"(invalid base64 encoding in job name "abc": illegal base64 data at input byte 4)");
    row("base64 job: '=' inside", "/job@base64/YQ=x"_ba, legacy,
        R"(invalid base64 encoding in job name "": illegal base64 data at input byte 2)");
    row("%2F in job separates segments", "/job/a%2Fb"_ba, legacy, R"(odd number of components in label string "/b")");

    // Processing order: job base64, then labels, then empty job; first failure wins.
    row("order: job base64 error before label errors", "/job@base64/+/a/b/c"_ba, legacy,
        R"(invalid base64 encoding in job name "": illegal base64 data at input byte 0)");
    row("order: label error before empty job", "/job@base64/=/a/b/c"_ba, legacy,
        R"(odd number of components in label string "/a/b/c")");
    row("order: odd components before name checks", "/job/j/a=b/c/d"_ba, legacy,
        R"(odd number of components in label string "/a=b/c/d")");
    row("order: first bad pair wins (base64)", "/job/j/a@base64/+/b=c/d"_ba, legacy,
        R"(invalid base64 encoding for label a="+": illegal base64 data at input byte 0)");
    row("order: first bad pair wins (name)", "/job/j/b=c/d/a@base64/+"_ba, legacy, R"(improper label name "b=c")");
    row("order: reference errors before our UTF-8 check", "/job/%FF/a=b/c"_ba, legacy, R"(improper label name "a=b")");

    // Label string.
    row("odd components: trailing slash after a pair", "/job/j/a/b/"_ba, legacy,
        R"(odd number of components in label string "/a/b/")");
    row("odd components: single name", "/job/j/a"_ba, legacy, R"(odd number of components in label string "/a")");
    row("odd components: quoted like Go", "/job/j/a/b/c%0A%22"_ba, legacy,
        R"(odd number of components in label string "/a/b/c\n\"")");
    row("empty name", "/job/j/a/b//v"_ba, legacy, R"(improper label name "")");
    row("name that is only the suffix", "/job/j/@base64/YQ"_ba, legacy, R"(improper label name "")");
    row("name with leading digit", "/job/j/0a/b"_ba, legacy, R"(improper label name "0a")");
    row("name with quote is Go-quoted", "/job/j/a%22b/c"_ba, legacy, R"(improper label name "a\"b")");
    row("name with DEL is Go-quoted", "/job/j/a%7F/c"_ba, legacy, R"(improper label name "a\x7f")");
    row("printable Unicode stays as it is", "/job/j/Bj%C3%B6rn/c"_ba, legacy, R"(improper label name "Björn")");
    row("non-printable BMP rune gets a 4-digit escape", "/job/j/a%C2%85%C2%A0/c"_ba, legacy,
        R"(improper label name "a\u0085\u00a0")");
    row("non-printable supplementary rune gets an 8-digit escape", "/job/j/a%F3%A0%80%81/c"_ba, legacy,
        R"(improper label name "a\U000e0001")");
    row("name with colon", "/job/j/a:b/c"_ba, legacy, R"(improper label name "a:b")");
    row("U__ name in legacy mode is literal and invalid if not legacy", "/job/j/U__a.b/c"_ba, legacy,
        R"(improper label name "U__a.b")");
    row("base64 '+' rejected at its offset", "/job/j/a@base64/YWJj+A"_ba, legacy,
        R"(invalid base64 encoding for label a="YWJj+A": illegal base64 data at input byte 4)");
    row("base64 value dangling character", "/job/j/a@base64/YWJjZ=="_ba, legacy,
        R"(invalid base64 encoding for label a="YWJjZ==": illegal base64 data at input byte 4)");
    row("base64 '/' would split the segment", "/job/j/a@base64/YQ%2Fb"_ba, legacy,
        R"(odd number of components in label string "/a@base64/YQ/b")");

    // UTF-8 mode names.
    row("UTF-8 mode: reserved prefix", "/job/j/__a/b"_ba, utf8, R"(improper label name "__a")");
    row("UTF-8 mode: U__ alone un-escapes to the empty name", "/job/j/U__/v"_ba, utf8, R"(improper label name "U__")");
    row("UTF-8 mode: name not UTF-8, quoted like Go", "/job/j/a%FF/v"_ba, utf8, R"(improper label name "a\xff")");
    row("UTF-8 mode: base64 error names the escaped name", "/job/j/U__a_2e_b@base64/foo.bar"_ba, utf8,
        R"(invalid base64 encoding for label U__a_2e_b="foo.bar": illegal base64 data at input byte 3)");

    // Our departure from the reference: values that are not UTF-8 (X12) never make a group.
    row("X12: label value %FF", "/job/bad/a/%FF"_ba, legacy,
        R"(invalid UTF-8 in grouping label a: value "\xff" is not valid UTF-8)");
    row("job value not UTF-8", "/job/%FF"_ba, legacy, R"(invalid UTF-8 in grouping label job: value "\xff" is not valid UTF-8)");
    row("base64 job not UTF-8", "/job@base64/_w"_ba, legacy,
        R"(invalid UTF-8 in grouping label job: value "\xff" is not valid UTF-8)");
    row("base64 value not UTF-8", "/job/j/a@base64/_w"_ba, legacy,
        R"(invalid UTF-8 in grouping label a: value "\xff" is not valid UTF-8)");
    row("encoded surrogate is not UTF-8", "/job/j/a/x%ED%A0%80"_ba, legacy,
        R"(invalid UTF-8 in grouping label a: value "x\xed\xa0\x80" is not valid UTF-8)");
    row("0xFF separators cannot be smuggled into the key id", "/job/j/a/b%FFc%FFd"_ba, legacy,
        R"(invalid UTF-8 in grouping label a: value "b\xffc\xffd" is not valid UTF-8)");
    row("job is checked before other labels", "/job/%FE/a/%FF"_ba, legacy,
        R"(invalid UTF-8 in grouping label job: value "\xfe" is not valid UTF-8)");

    // Not a grouping path, malformed percent escapes.
    row("not under /job", "/foo/bar"_ba, legacy,
        R"(invalid grouping path "/foo/bar": must start with /job/<name> or /job@base64/<name>)");
    row("bare /job", "/job"_ba, legacy, R"(invalid grouping path "/job": must start with /job/<name> or /job@base64/<name>)");
    row("empty path", ""_ba, legacy, R"(invalid grouping path "": must start with /job/<name> or /job@base64/<name>)");
    row("bad percent escape", "/job/j/a/%zz"_ba, legacy, R"(invalid URL escape "%zz")");
    row("truncated percent escape", "/job/j/a/b%2"_ba, legacy, R"(invalid URL escape "%2")");
    row("lone percent", "/job/j/a/%"_ba, legacy, R"(invalid URL escape "%")");
}

void TestGroupingPath::rejectedPathGivesReferenceError()
{
    QFETCH(QByteArray, path);
    QFETCH(NameValidation, validation);
    QFETCH(QString, message);

    const Expected<GroupingKey> parsed = parseGroupingPath(path, validation);
    QVERIFY2(!parsed.hasValue(), qPrintable(parsed ? QString::fromUtf8(toString(*parsed)) : QString()));
    QCOMPARE(parsed.error().message, message);
    QCOMPARE(parsed.error().kind, Error::Kind::BadRequest);
}

void TestGroupingPath::base64DecodesLikeGo_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QByteArray>("decoded");
    QTest::newRow("empty") << ""_ba << ""_ba;
    QTest::newRow("one '='") << "="_ba << ""_ba;
    QTest::newRow("two '='") << "=="_ba << ""_ba;
    QTest::newRow("unpadded one byte") << "YQ"_ba << "a"_ba;
    QTest::newRow("padded one byte") << "YQ=="_ba << "a"_ba;
    QTest::newRow("short padding") << "YQ="_ba << "a"_ba;
    QTest::newRow("excess padding") << "YWI===="_ba << "ab"_ba;
    QTest::newRow("full quantum") << "YWJj"_ba << "abc"_ba;
    QTest::newRow("unused bits ignored") << "YR"_ba << "a"_ba;
    QTest::newRow("url alphabet") << "-_8"_ba << "\xfb\xff"_ba;
    QTest::newRow("line breaks skipped") << "YW\r\nJj\n"_ba << "abc"_ba;
    QTest::newRow("/var/tmp") << "L3Zhci90bXA"_ba << "/var/tmp"_ba;
    QTest::newRow("Björn") << "QmrDtnJu"_ba << "Björn"_ba;
}

void TestGroupingPath::base64DecodesLikeGo()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QByteArray, decoded);
    const Expected<QByteArray> result = decodeBase64Url(encoded);
    QVERIFY2(result.hasValue(), qPrintable(result ? QString() : result.error().message));
    QCOMPARE(*result, decoded);
}

void TestGroupingPath::base64ReportsGoErrorOffset_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<int>("offset");
    QTest::newRow("'.'") << "foo.bar"_ba << 3;
    QTest::newRow("'+' first") << "+abc"_ba << 0;
    QTest::newRow("'+' in second quantum") << "YWJj+A"_ba << 4;
    QTest::newRow("'/' from the standard alphabet") << "YW/j"_ba << 2;
    QTest::newRow("leading '='") << "=YQ"_ba << 0;
    QTest::newRow("'=' inside") << "YQ=x"_ba << 2;
    QTest::newRow("dangling single character") << "Y"_ba << 0;
    QTest::newRow("dangling single character, padded") << "Y==="_ba << 0;
    QTest::newRow("dangling after a quantum") << "YWJjZ"_ba << 4;
    QTest::newRow("dangling after two quanta") << "YWJjZGVmZ"_ba << 8;
    // Go counts the line breaks it skipped inside the incomplete group.
    QTest::newRow("dangling then line break") << "YWJjZ\n"_ba << 5;
    QTest::newRow("space") << "YW Jj"_ba << 2;
    QTest::newRow("non-ASCII byte") << "YWJj\xC3\xB6"_ba << 4;
}

void TestGroupingPath::base64ReportsGoErrorOffset()
{
    QFETCH(QByteArray, encoded);
    QFETCH(int, offset);
    const Expected<QByteArray> result = decodeBase64Url(encoded);
    QVERIFY(!result.hasValue());
    QCOMPARE(result.error().message, u"illegal base64 data at input byte " + QString::number(offset));
}

void TestGroupingPath::base64EncodesUrlAlphabetWithoutPadding()
{
    QCOMPARE(encodeBase64Url("/var/tmp"), "L3Zhci90bXA"_ba);
    QCOMPARE(encodeBase64Url("a"), "YQ"_ba);
    QCOMPARE(encodeBase64Url("\xfb\xff"), "-_8"_ba);
    QCOMPARE(encodeBase64Url(""), ""_ba);
    QCOMPARE(encodeBase64Url("Björn"), "QmrDtnJu"_ba);
}

void TestGroupingPath::keyIsWrittenAsPath_data()
{
    QTest::addColumn<GroupingKey>("groupingKey");
    QTest::addColumn<QByteArray>("path");
    QTest::newRow("job only") << key({{"job", "j"}}) << "/job/j"_ba;
    QTest::newRow("job first, then names in order")
        << key({{"zone", "z1"}, {"instance", "host1"}, {"job", "batch"}}) << "/job/batch/instance/host1/zone/z1"_ba;
    QTest::newRow("unreserved characters travel plain") << key({{"job", "a-b.c_d~E9"}}) << "/job/a-b.c_d~E9"_ba;
    QTest::newRow("job with slash in base64") << key({{"job", "test/job"}}) << "/job@base64/dGVzdC9qb2I"_ba;
    QTest::newRow("empty value") << key({{"job", "j"}, {"instance", ""}}) << "/job/j/instance@base64/="_ba;
    QTest::newRow("/var/tmp") << key({{"job", "j"}, {"path", "/var/tmp"}}) << "/job/j/path@base64/L3Zhci90bXA"_ba;
    QTest::newRow("Unicode value") << key({{"job", "j"}, {"name", "Björn"}}) << "/job/j/name@base64/QmrDtnJu"_ba;
    QTest::newRow("space") << key({{"job", "a b"}}) << "/job@base64/YSBi"_ba;
    QTest::newRow("'=' value") << key({{"job", "j"}, {"a", "="}}) << "/job/j/a@base64/PQ"_ba;
    QTest::newRow("'.' would be removed by path cleaning") << key({{"job", "j"}, {"a", "."}}) << "/job/j/a@base64/Lg"_ba;
    QTest::newRow("'..' would be removed by path cleaning") << key({{"job", ".."}}) << "/job@base64/Li4"_ba;
    QTest::newRow("dotted name value-escaped") << key({{"job", "j"}, {"dotted.name", "v"}})
                                               << "/job/j/U__dotted_2e_name/v"_ba;
    QTest::newRow("colon name value-escaped") << key({{"job", "j"}, {"a:b", "v"}}) << "/job/j/U__a:b/v"_ba;
    QTest::newRow("reserved-prefix name value-escaped") << key({{"job", "j"}, {"__foo", "v"}})
                                                        << "/job/j/U______foo/v"_ba;
    QTest::newRow("Unicode name and value") << key({{"job", "j"}, {"Björn", "ö"}}) << "/job/j/U__Bj_f6_rn@base64/w7Y"_ba;
    QTest::newRow("no job: nearest form") << key({{"a", "b"}}) << "/job@base64/=/a/b"_ba;
    QTest::newRow("empty key") << GroupingKey() << "/job@base64/="_ba;
}

void TestGroupingPath::keyIsWrittenAsPath()
{
    QFETCH(GroupingKey, groupingKey);
    QFETCH(QByteArray, path);
    QCOMPARE(groupingKeyToPath(groupingKey), path);
}

void TestGroupingPath::urlPathIsGroupingKeyToPath()
{
    const GroupingKey k = key({{"job", "test/job"}, {"instance", ""}, {"a.b", "c"}});
    QCOMPARE(k.urlPath(), groupingKeyToPath(k));
    QCOMPARE(k.urlPath(), "/job@base64/dGVzdC9qb2I/U__a_2e_b/c/instance@base64/="_ba);
}

namespace {

// Random keys built from the awkward pieces: separators, padding, percent signs, dots, the
// base64 suffix, control characters and Unicode from every UTF-8 length.
class KeyGenerator
{
public:
    explicit KeyGenerator(quint32 seed) : m_random(seed) {}

    QByteArray value()
    {
        static const QList<QByteArray> specials = {""_ba, "."_ba, ".."_ba, "="_ba, "/"_ba, "%2F"_ba};
        if (m_random.bounded(8) == 0)
            return specials[m_random.bounded(specials.size())];
        static const QList<QByteArray> pieces = {"a"_ba, "Z"_ba, "0"_ba, "-"_ba, "_"_ba, "~"_ba, "."_ba, "/"_ba,
                                                 "="_ba, "%"_ba, "@base64"_ba, "+"_ba, " "_ba, "?"_ba, "#"_ba,
                                                 "\n"_ba, "\x7f"_ba, "ö"_ba, "€"_ba, "日"_ba, "😀"_ba, "\""_ba};
        return join(pieces, m_random.bounded(1, 8));
    }

    QByteArray utf8Name()
    {
        static const QList<QByteArray> pieces = {"a"_ba, "Z"_ba, "0"_ba, "_"_ba, ":"_ba, "."_ba, "-"_ba, "/"_ba,
                                                 "@base64"_ba, "U__"_ba, "__"_ba, "_2e_"_ba, " "_ba, "ö"_ba,
                                                 "日"_ba, "😀"_ba, "%"_ba, "="_ba};
        return join(pieces, m_random.bounded(1, 6));
    }

    QByteArray legacyName()
    {
        static const QByteArray first = "abcxyzABCXYZ_"_ba;
        static const QByteArray rest = "abcxyzABCXYZ_0189"_ba;
        QByteArray name(1, first[m_random.bounded(first.size())]);
        const int length = m_random.bounded(0, 8);
        for (int i = 0; i < length; ++i)
            name += rest[m_random.bounded(rest.size())];
        return name;
    }

    template<typename NameSource>
    GroupingKey key(NameSource nextName)
    {
        Labels labels{LabelPair{"job"_ba, nonEmpty(value())}};
        const int count = m_random.bounded(0, 5);
        for (int i = 0; i < count; ++i)
            labels.append(LabelPair{nextName(), value()});
        return GroupingKey(labels);
    }

private:
    QByteArray join(const QList<QByteArray> &pieces, int count)
    {
        QByteArray text;
        for (int i = 0; i < count; ++i)
            text += pieces[m_random.bounded(pieces.size())];
        return text;
    }
    static QByteArray nonEmpty(QByteArray value) { return value.isEmpty() ? "j"_ba : value; }

    QRandomGenerator m_random;
};

// Names the path can carry back: not `job` (the job segment owns it), not reserved in its
// plain form, and not a legacy name that Utf8 mode would read as U__-escaped.
bool survivesUtf8Mode(const QByteArray &name)
{
    if (name == "job")
        return false;
    if (isLegacyLabelName(name) && name.startsWith("U__"))
        return unescapeValuesEncoding(name) == name;
    return true;
}

bool isPlainLegacyName(const QByteArray &name)
{
    return name != "job" && isLegacyLabelName(name) && !isReservedLabelName(name);
}

template<typename Predicate>
Labels filtered(const Labels &labels, Predicate keep)
{
    Labels result;
    for (const LabelPair &pair : labels) {
        if (pair.name == "job" || keep(pair.name))
            result.append(pair);
    }
    return result;
}

} // namespace

void TestGroupingPath::writtenPathParsesBackInUtf8Mode()
{
    KeyGenerator generator(0x5eed0001);
    for (int i = 0; i < 3000; ++i) {
        const GroupingKey generated = generator.key([&] { return generator.utf8Name(); });
        const GroupingKey original(filtered(generated.labels(), survivesUtf8Mode));
        const QByteArray path = groupingKeyToPath(original);
        const Expected<GroupingKey> parsed = parseGroupingPath(path, NameValidation::Utf8);
        QVERIFY2(parsed.hasValue(), qPrintable(QString::fromUtf8(path) + u": "
                                               + (parsed ? QString() : parsed.error().message)));
        QVERIFY2(*parsed == original, qPrintable(QString::fromUtf8(path)));
    }
}

void TestGroupingPath::writtenPathOfLegacyKeyParsesBackInBothModes()
{
    KeyGenerator generator(0x5eed0002);
    for (int i = 0; i < 3000; ++i) {
        const GroupingKey generated = generator.key([&] { return generator.legacyName(); });
        const GroupingKey original(filtered(generated.labels(), [](const QByteArray &name) {
            return isPlainLegacyName(name) && survivesUtf8Mode(name);
        }));
        const QByteArray path = groupingKeyToPath(original);
        for (NameValidation validation : {NameValidation::Legacy, NameValidation::Utf8}) {
            const Expected<GroupingKey> parsed = parseGroupingPath(path, validation);
            QVERIFY2(parsed.hasValue(), qPrintable(QString::fromUtf8(path) + u": "
                                                   + (parsed ? QString() : parsed.error().message)));
            QVERIFY2(*parsed == original, qPrintable(QString::fromUtf8(path)));
        }
    }
}

// The one documented limit of the round trip: Legacy mode takes "U__x_2e_y" literally, so the
// path writes it plain; Utf8 mode would read that as "x.y". No spelling serves both modes.
void TestGroupingPath::legacyNameThatLooksEscapedRoundTripsInLegacyModeOnly()
{
    const GroupingKey original = key({{"job", "j"}, {"U__x_2e_y", "v"}});
    const QByteArray path = groupingKeyToPath(original);
    QCOMPARE(path, "/job/j/U__x_2e_y/v"_ba);

    const Expected<GroupingKey> legacy = parseGroupingPath(path, NameValidation::Legacy);
    QVERIFY(legacy.hasValue());
    QCOMPARE(*legacy, original);

    const Expected<GroupingKey> utf8 = parseGroupingPath(path, NameValidation::Utf8);
    QVERIFY(utf8.hasValue());
    QCOMPARE(*utf8, key({{"job", "j"}, {"x.y", "v"}}));
}

QTEST_GUILESS_MAIN(TestGroupingPath)
#include "tst_groupingpath.moc"
