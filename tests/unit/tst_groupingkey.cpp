#include "model/groupingkey.h"

#include <QHash>
#include <QTest>

#include <algorithm>
#include <initializer_list>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::GroupingKey)

namespace qpgw {
char *toString(const GroupingKey &key)
{
    const QByteArray text = key.toDisplayString().toUtf8() + " id=" + key.id().toPercentEncoding();
    return qstrdup(text.constData());
}

char *toString(const LabelPair &pair)
{
    const QByteArray text = pair.name + '=' + pair.value;
    return qstrdup(text.constData());
}
} // namespace qpgw

namespace {

Labels labels(std::initializer_list<std::pair<QByteArray, QByteArray>> pairs)
{
    Labels result;
    for (const auto &[name, value] : pairs)
        result.append(LabelPair{name, value});
    return result;
}

GroupingKey key(std::initializer_list<std::pair<QByteArray, QByteArray>> pairs)
{
    return GroupingKey(labels(pairs));
}

} // namespace

class TestGroupingKey : public QObject
{
    Q_OBJECT

private slots:
    void labelsAreSortedByName();
    void laterDuplicateWins();
    void defaultKeyIsEmpty();
    void accessorsFindValues();

    void idIsTheReferenceKeyString_data();
    void idIsTheReferenceKeyString();

    void keysWithSamePairsAreEqualWhateverTheOrder();
    void keysDifferingInOneValueOrNameDiffer_data();
    void keysDifferingInOneValueOrNameDiffer();
    void equalKeysHashEqually();
    void keysWorkAsHashKeys();
    void orderIsTheBytewiseOrderOfIds();

    void displayStringPutsJobFirstAndEscapesValues_data();
    void displayStringPutsJobFirstAndEscapesValues();
};

void TestGroupingKey::labelsAreSortedByName()
{
    const GroupingKey k = key({{"zone", "z"}, {"job", "j"}, {"instance", "i"}, {"Zeta", "Z"}, {"a_b", "x"}});
    // Bytewise: upper case before lower case, '_' (0x5F) before lower-case letters.
    QCOMPARE(k.labels(), labels({{"Zeta", "Z"}, {"a_b", "x"}, {"instance", "i"}, {"job", "j"}, {"zone", "z"}}));
}

void TestGroupingKey::laterDuplicateWins()
{
    const GroupingKey k = key({{"a", "1"}, {"job", "j"}, {"a", "2"}, {"b", "x"}, {"a", "3"}});
    QCOMPARE(k.labels(), labels({{"a", "3"}, {"b", "x"}, {"job", "j"}}));
    QCOMPARE(k, key({{"a", "3"}, {"b", "x"}, {"job", "j"}}));
}

void TestGroupingKey::defaultKeyIsEmpty()
{
    const GroupingKey empty;
    QVERIFY(empty.isEmpty());
    QVERIFY(empty.labels().isEmpty());
    QCOMPARE(empty.id(), QByteArray());
    QCOMPARE(empty.job(), QByteArray());
    QCOMPARE(empty, GroupingKey(Labels()));
    QVERIFY(!key({{"job", "j"}}).isEmpty());
}

void TestGroupingKey::accessorsFindValues()
{
    const GroupingKey k = key({{"job", "batch"}, {"instance", ""}});
    QCOMPARE(k.job(), "batch"_ba);
    QVERIFY(k.value("instance"));
    QCOMPARE(*k.value("instance"), QByteArray());
    QVERIFY(!k.value("missing"));
    QCOMPARE(key({{"a", "b"}}).job(), QByteArray());
}

void TestGroupingKey::idIsTheReferenceKeyString_data()
{
    QTest::addColumn<GroupingKey>("groupingKey");
    QTest::addColumn<QByteArray>("id");
    // D10 TestGroupingKeyForLabels.
    QTest::newRow("D10: empty") << GroupingKey() << QByteArray();
    // (Literals are split after \xFF so that the next letter is not read as a hex digit.)
    QTest::newRow("D10: one pair") << key({{"foo", "bar"}}) << "foo\xFF" "bar"_ba;
    QTest::newRow("D10: two pairs, sorted") << key({{"foo", "bar"}, {"dings", "bums"}})
                                            << "dings\xFF" "bums\xFF" "foo\xFF" "bar"_ba;
    QTest::newRow("empty value keeps its separator") << key({{"job", "j"}, {"a", ""}}) << "a\xFF\xFFjob\xFFj"_ba;
    QTest::newRow("UTF-8 bytes as they are") << key({{"job", "Björn"}}) << "job\xFF" "Björn"_ba;
}

void TestGroupingKey::idIsTheReferenceKeyString()
{
    QFETCH(GroupingKey, groupingKey);
    QFETCH(QByteArray, id);
    QCOMPARE(groupingKey.id(), id);
}

void TestGroupingKey::keysWithSamePairsAreEqualWhateverTheOrder()
{
    const GroupingKey a = key({{"job", "j"}, {"instance", "i"}, {"x", "y"}});
    const GroupingKey b = key({{"x", "y"}, {"instance", "i"}, {"job", "j"}});
    QCOMPARE(a, b);
    QVERIFY(!(a != b));
    QVERIFY(!(a < b) && !(b < a));
}

void TestGroupingKey::keysDifferingInOneValueOrNameDiffer_data()
{
    QTest::addColumn<GroupingKey>("left");
    QTest::addColumn<GroupingKey>("right");
    QTest::newRow("value") << key({{"job", "j"}, {"a", "1"}}) << key({{"job", "j"}, {"a", "2"}});
    QTest::newRow("name") << key({{"job", "j"}, {"a", "1"}}) << key({{"job", "j"}, {"b", "1"}});
    QTest::newRow("extra pair") << key({{"job", "j"}}) << key({{"job", "j"}, {"instance", ""}});
    QTest::newRow("empty value is not absent") << key({{"job", "j"}, {"a", ""}}) << key({{"job", "j"}});
    QTest::newRow("case matters") << key({{"job", "j"}}) << key({{"job", "J"}});
    QTest::newRow("boundary between name and value")
        << key({{"job", "j"}, {"ab", "c"}}) << key({{"job", "j"}, {"a", "bc"}});
}

void TestGroupingKey::keysDifferingInOneValueOrNameDiffer()
{
    QFETCH(GroupingKey, left);
    QFETCH(GroupingKey, right);
    QVERIFY(left != right);
    QVERIFY(!(left == right));
    QVERIFY((left < right) != (right < left));
}

void TestGroupingKey::equalKeysHashEqually()
{
    const GroupingKey a = key({{"job", "j"}, {"b", "2"}, {"a", "1"}});
    const GroupingKey b = key({{"a", "1"}, {"job", "j"}, {"b", "2"}});
    QCOMPARE(qHash(a), qHash(b));
    QCOMPARE(qHash(a, 42), qHash(b, 42));
}

void TestGroupingKey::keysWorkAsHashKeys()
{
    QHash<GroupingKey, int> hash;
    hash.insert(key({{"job", "j"}, {"a", "1"}}), 1);
    hash.insert(key({{"job", "j"}, {"a", "2"}}), 2);
    hash.insert(key({{"a", "1"}, {"job", "j"}}), 3); // same key as the first
    QCOMPARE(hash.size(), 2);
    QCOMPARE(hash.value(key({{"job", "j"}, {"a", "1"}})), 3);
    QCOMPARE(hash.value(key({{"job", "j"}, {"a", "2"}})), 2);
    QVERIFY(!hash.contains(key({{"job", "j"}})));
}

void TestGroupingKey::orderIsTheBytewiseOrderOfIds()
{
    // The reference's status page lists groups sorted by this string.
    QList<GroupingKey> keys = {
        key({{"job", "b"}}),
        key({{"job", "a"}, {"instance", "2"}}),
        key({{"job", "a"}}),
        key({{"job", "a"}, {"instance", "1"}}),
        key({{"job", "Z"}}),
        key({{"a", "x"}, {"job", "a"}}),
    };
    std::sort(keys.begin(), keys.end());
    for (qsizetype i = 1; i < keys.size(); ++i)
        QVERIFY2(keys[i - 1].id() < keys[i].id(), qPrintable(keys[i].toDisplayString()));
    // "a..." < "instance..." < "job..."; within "job", 'Z' (0x5A) sorts before 'a'.
    QCOMPARE(keys.first(), key({{"a", "x"}, {"job", "a"}}));
    QCOMPARE(keys[1], key({{"job", "a"}, {"instance", "1"}}));
    QCOMPARE(keys[2], key({{"job", "a"}, {"instance", "2"}}));
    QCOMPARE(keys[3], key({{"job", "Z"}}));
    QCOMPARE(keys.last(), key({{"job", "b"}}));
}

void TestGroupingKey::displayStringPutsJobFirstAndEscapesValues_data()
{
    QTest::addColumn<GroupingKey>("groupingKey");
    QTest::addColumn<QString>("display");
    QTest::newRow("empty") << GroupingKey() << u"{}"_s;
    QTest::newRow("job only") << key({{"job", "batch"}}) << uR"({job="batch"})"_s;
    QTest::newRow("job first, rest sorted") << key({{"zone", "z"}, {"instance", "host1"}, {"job", "batch"}, {"a", "x"}})
                                            << uR"({job="batch", a="x", instance="host1", zone="z"})"_s;
    QTest::newRow("no job") << key({{"b", "2"}, {"a", "1"}}) << uR"({a="1", b="2"})"_s;
    QTest::newRow("escapes quote, backslash, newline") << key({{"job", "a\"b\\c\nd"}})
                                                       << uR"({job="a\"b\\c\nd"})"_s;
    QTest::newRow("empty value") << key({{"job", "j"}, {"instance", ""}}) << uR"({job="j", instance=""})"_s;
    QTest::newRow("Unicode") << key({{"job", "Björn"}, {"dotted.name", "日本"}})
                             << uR"({job="Björn", dotted.name="日本"})"_s;
}

void TestGroupingKey::displayStringPutsJobFirstAndEscapesValues()
{
    QFETCH(GroupingKey, groupingKey);
    QFETCH(QString, display);
    QCOMPARE(groupingKey.toDisplayString(), display);
}

QTEST_GUILESS_MAIN(TestGroupingKey)
#include "tst_groupingkey.moc"
