// The persistence layer of --persistence.file: the snapshot and journal formats, the journal
// writer's group commit and sync policies, the snapshot file, and recovery from what a crash
// leaves on the disk.

#include "format/crc32c.h"
#include "store/metricstore.h"
#include "store/persistence/journalformat.h"
#include "store/persistence/journalwriter.h"
#include "store/persistence/recovery.h"
#include "store/persistence/snapshotformat.h"
#include "store/persistence/snapshotwriter.h"
#include "testbuilders.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtEndian>

#include <atomic>
#include <memory>

#include <sys/stat.h>

using namespace qpgw;
using namespace qpgw::test;
using namespace Qt::StringLiterals;

namespace {

constexpr UnixNanos Second = 1'000'000'000;
constexpr UnixNanos T1 = 1700000000'123456789;
constexpr UnixNanos T2 = T1 + 5 * Second;
constexpr UnixNanos T3 = T1 + 9 * Second;

Exemplar exemplar(const char *traceId, double value, std::optional<TimestampMs> timestamp)
{
    return Exemplar{labels({{"trace_id", traceId}}), value, timestamp};
}

Metric counterWithExemplar(Labels metricLabels, double value)
{
    return Metric{std::move(metricLabels), ScalarValue{value, exemplar("c0ffee", 1, 1700000000001), -1500},
                  std::nullopt};
}

Metric classicHistogram(Labels metricLabels)
{
    HistogramValue value;
    value.sampleCount = 7;
    value.sampleSum = 12.75;
    value.buckets = {Bucket{0.5, 2, 0, exemplar("b1", 0.25, std::nullopt)},
                     Bucket{1, 5, 0, std::nullopt},
                     Bucket{qInf(), 7, 0, exemplar("b3", 3.5, 1700000000456)}};
    value.createdTimestampMs = 1699999990000;
    return Metric{std::move(metricLabels), value, std::nullopt};
}

// A native histogram with every native field set, integer or float counts.
Metric nativeHistogram(Labels metricLabels, bool floatCounts)
{
    HistogramValue value;
    auto native = std::make_shared<NativeHistogram>();
    native->schema = floatCounts ? -2 : 3;
    native->zeroThreshold = 1e-128;
    native->positiveSpans = {BucketSpan{-2, 2}, BucketSpan{1, 1}};
    native->negativeSpans = {BucketSpan{0, 1}};
    if (floatCounts) {
        value.sampleCountFloat = 12.5;
        native->zeroCountFloat = 1.5;
        native->positiveCounts = {1.5, 2.25, 0.5};
        native->negativeCounts = {3};
    } else {
        value.sampleCount = 12;
        native->zeroCount = 2;
        native->positiveDeltas = {1, 2, -1};
        native->negativeDeltas = {3};
    }
    native->exemplars = {exemplar("n1", 0.75, 1700000000789), exemplar("n2", -4, 1700000000790)};
    value.sampleSum = 42.5;
    value.createdTimestampMs = 1699999999000;
    value.native = std::move(native);
    return Metric{std::move(metricLabels), value, std::nullopt};
}

// A store with a clock the test sets, filled with every kind of data a group can hold: every
// metric type, exemplars, created timestamps, native histograms (integer and float), families
// written at different times, and both push-time gauges (one group has a failed push).
struct Fixture
{
    UnixNanos now = T1;
    MetricStore store{options()};

    MetricStore::Options options()
    {
        MetricStore::Options result;
        result.clock = [this] { return now; };
        return result;
    }

    void push(UnixNanos at, const GroupingKey &groupKey, QList<MetricFamily> families,
              PushMode mode, bool expectSuccess = true)
    {
        now = at;
        const std::optional<Error> error = store.push(groupKey, std::move(families), mode);
        QCOMPARE(error.has_value(), !expectSuccess);
    }

    void fill()
    {
        push(T1, key({{"job", "batch"}, {"instance", "host1"}}),
             {family("requests_total", MetricType::Counter, {counterWithExemplar(labels({{"code", "200"}}), 1027)},
                     "Requests.\nAll of them, \\ included."_ba),
              family("temperature", MetricType::Gauge,
                     {scalar(labels({{"room", "k\xc3\xbc" "che"}}), 21.5), scalar(labels({{"room", "hall"}}), -qInf())},
                     ""_ba),
              family("untyped_thing", MetricType::Untyped, {scalar({}, qInf())}),
              family("latency_seconds", MetricType::Summary,
                     {Metric{labels({{"path", "/"}}),
                             SummaryValue{9, 3.5, {Quantile{0.5, 0.25}, Quantile{0.99, 1.5}}, 1699999980000},
                             std::nullopt}}),
              family("sizes_bytes", MetricType::Histogram, {classicHistogram(labels({{"path", "/"}}))})},
             PushMode::ReplaceAll);
        push(T2, key({{"job", "batch"}, {"instance", "host1"}}),
             {family("native_seconds", MetricType::Histogram, {nativeHistogram({}, false)})},
             PushMode::ReplaceSameNames);

        push(T2, key({{"job", "native"}}),
             {family("float_native", MetricType::Histogram, {nativeHistogram(labels({{"kind", "float"}}), true)}),
              family("queue_depth", MetricType::GaugeHistogram, {nativeHistogram(labels({{"kind", "gauge"}}), false)})},
             PushMode::ReplaceAll);
        // Rejected (a timestamp): only push_failure_time_seconds changes.
        push(T3, key({{"job", "native"}}), {family("late", MetricType::Gauge, {scalarWithTimestamp({}, 1, 5)})},
             PushMode::ReplaceSameNames, false);

        push(T3, key({{"job", "paths/with/slashes"}, {"dc", "eu 1"}, {"empty", ""}}),
             {family("up", MetricType::Gauge, {scalar({}, 1)})}, PushMode::ReplaceAll);
    }
};

void compareGroups(const Group &actual, const Group &expected)
{
    QCOMPARE(actual.key, expected.key);
    QCOMPARE(actual.key.labels(), expected.key.labels());
    QCOMPARE(actual.families.keys(), expected.families.keys());
    for (auto it = expected.families.cbegin(); it != expected.families.cend(); ++it) {
        const StoredFamily &got = actual.families.value(it.key());
        QVERIFY2(got.family, it.key().constData());
        QVERIFY2(*got.family == *it->family, it.key().constData());
        QCOMPARE(got.lastWrite, it->lastWrite);
    }
    QCOMPARE(actual.pushTimeSeconds(), expected.pushTimeSeconds());
    QCOMPARE(actual.pushFailureTimeSeconds(), expected.pushFailureTimeSeconds());
}

GroupSnapshot makeGroup(const GroupingKey &groupKey, double value, UnixNanos at = T1)
{
    auto group = std::make_shared<Group>();
    group->key = groupKey;
    const Labels seriesLabels = seriesLabelsOf(groupKey);
    group->families.insert("g"_ba, StoredFamily{makeGaugeFamily("g", "A gauge.", seriesLabels, value), at});
    group->families.insert(QByteArray(PushTimeMetricName.data()),
                           StoredFamily{makeGaugeFamily(PushTimeMetricName, PushTimeHelp, seriesLabels,
                                                        unixNanosToSeconds(at)),
                                        at});
    return group;
}

JournalEntry put(const GroupSnapshot &group) { return JournalEntry{JournalEntry::PutGroup{group}}; }
JournalEntry removal(const GroupingKey &groupKey) { return JournalEntry{JournalEntry::RemoveGroup{groupKey}}; }
JournalEntry wipe() { return JournalEntry{JournalEntry::Wipe{}}; }

QByteArray journalOf(quint64 generation, const QList<JournalEntry> &entries, QList<qsizetype> *offsets = nullptr)
{
    QByteArray out = encodeJournalHeader(generation);
    for (const JournalEntry &entry : entries) {
        if (offsets)
            offsets->append(out.size());
        out += encodeJournalRecord(entry);
    }
    return out;
}

// Which kind of change an entry is, and for whom: "put {job=...} 2", "remove ...", "wipe".
QString describe(const JournalEntry &entry)
{
    if (const auto *p = std::get_if<JournalEntry::PutGroup>(&entry.change)) {
        const auto it = p->group->families.constFind("g"_ba);
        const double value = it != p->group->families.cend() ? it->family->metrics.constFirst().scalar()->value : -1;
        return u"put "_s + p->group->key.toDisplayString() + u' ' + QString::number(value);
    }
    if (const auto *r = std::get_if<JournalEntry::RemoveGroup>(&entry.change))
        return u"remove "_s + r->key.toDisplayString();
    return u"wipe"_s;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

int fileMode(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 0777);
}

// A JournalWriter on a thread of its own, as the gateway runs it.
struct WriterOnThread
{
    QThread thread;
    JournalWriter *writer;

    explicit WriterOnThread(JournalWriter::Options options)
        : writer(new JournalWriter(std::move(options)))
    {
        writer->moveToThread(&thread);
        thread.start();
    }
    ~WriterOnThread()
    {
        QMetaObject::invokeMethod(writer, &JournalWriter::stop, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
        delete writer;
    }

    void startNewJournal(quint64 generation)
    {
        QMetaObject::invokeMethod(writer, "startNewJournal", Qt::QueuedConnection, Q_ARG(quint64, generation));
    }
    void append(const QByteArray &record, quint64 ticket)
    {
        QMetaObject::invokeMethod(writer, "append", Qt::QueuedConnection, Q_ARG(QByteArray, record),
                                  Q_ARG(quint64, ticket));
    }
};

} // namespace

class TestPersistence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Snapshot format
    void snapshotShouldRoundTripEveryField();
    void snapshotShouldRoundTripAnEmptyStore();
    void snapshotShouldKeepNaN();
    void truncatedSnapshotShouldFailAtEveryCut();
    void flippedByteShouldFailTheChecksum();
    void everyFlippedByteShouldBeAnError();
    void snapshotWithBadMagicShouldBeRefused();
    void newerSnapshotVersionShouldBeRefused();
    void invalidGroupRecordShouldBeNamed();

    // Snapshot file
    void snapshotFileShouldBeOwnerOnlyAndAtomic();
    void snapshotWriteFailureShouldNameTheFile();
    void moveAsideShouldKeepTheBadFile();

    // Journal format
    void journalShouldReplayInterleavedChangesInOrder();
    void tornTailShouldKeepEarlierRecordsAtEveryCut();
    void checksumMismatchInLastRecordShouldBeATornTail();
    void corruptionInTheMiddleShouldBeAnError_data();
    void corruptionInTheMiddleShouldBeAnError();
    void journalWithBadHeaderShouldBeRefused();

    // Journal writer
    void groupCommitShouldReportTicketsInOrderWithFewSyncs();
    void queuedAppendsShouldShareOneSync();
    void intervalPolicyShouldReportDurableBeforeSync();
    void intervalPolicyShouldSyncOnTheTimer();
    void failedJournalShouldRefuseAppends();

    // Recovery and the compaction protocol
    void recoveryShouldFollowTheCompactionProtocol();
    void recoveryShouldDropATornTail();
    void recoveryShouldRefuseInconsistentFiles();
};

// --- Snapshot format ---

void TestPersistence::snapshotShouldRoundTripEveryField()
{
    Fixture fixture;
    fixture.fill();
    if (QTest::currentTestFailed())
        return;
    const QList<GroupSnapshot> groups = fixture.store.groups();
    QCOMPARE(groups.size(), 3);
    // The fixture holds what the test claims to cover.
    const GroupSnapshot native = fixture.store.group(key({{"job", "native"}}));
    QVERIFY(native);
    QVERIFY(native->families.value("float_native"_ba).family->metrics.constFirst().histogram()->isFloat());
    QVERIFY(native->families.value("queue_depth"_ba).family->metrics.constFirst().histogram()->isNative());
    QCOMPARE(native->pushFailureTimeSeconds(), unixNanosToSeconds(T3));
    QCOMPARE(native->pushTimeSeconds(), unixNanosToSeconds(T2));
    const GroupSnapshot batch = fixture.store.group(key({{"job", "batch"}, {"instance", "host1"}}));
    QCOMPARE(batch->families.value("requests_total"_ba).lastWrite, T1);
    QCOMPARE(batch->families.value("native_seconds"_ba).lastWrite, T2);

    const QByteArray bytes = encodeSnapshot(groups, 7);
    const Expected<Snapshot> decoded = decodeSnapshot(bytes);
    QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
    QCOMPARE(decoded->generation, quint64(7));
    QCOMPARE(decoded->groups.size(), groups.size());
    for (qsizetype i = 0; i < groups.size(); ++i) {
        compareGroups(decoded->groups.at(i), *groups.at(i));
        if (QTest::currentTestFailed())
            return;
    }
    // The same bytes again: encoding is deterministic.
    QList<GroupSnapshot> again;
    for (const Group &group : decoded->groups)
        again.append(std::make_shared<const Group>(group));
    QCOMPARE(encodeSnapshot(again, 7), bytes);
}

void TestPersistence::snapshotShouldRoundTripAnEmptyStore()
{
    const QByteArray bytes = encodeSnapshot({}, 1);
    QCOMPARE(bytes.size(), 24 + 16);
    QVERIFY(bytes.startsWith("QPGWSNAP"));
    const Expected<Snapshot> decoded = decodeSnapshot(bytes);
    QVERIFY(decoded);
    QCOMPARE(decoded->generation, quint64(1));
    QVERIFY(decoded->groups.isEmpty());
}

void TestPersistence::snapshotShouldKeepNaN()
{
    const GroupSnapshot group = makeGroup(key({{"job", "nan"}}), qQNaN());
    const Expected<Snapshot> decoded = decodeSnapshot(encodeSnapshot({group}, 1));
    QVERIFY(decoded);
    QVERIFY(qIsNaN(decoded->groups.constFirst().families.value("g"_ba).family->metrics.constFirst().scalar()->value));
}

void TestPersistence::truncatedSnapshotShouldFailAtEveryCut()
{
    const QByteArray bytes = encodeSnapshot({makeGroup(key({{"job", "a"}}), 1), makeGroup(key({{"job", "b"}}), 2)}, 3);
    QVERIFY(decodeSnapshot(bytes));
    for (qsizetype cut = 0; cut < bytes.size(); ++cut) {
        const Expected<Snapshot> decoded = decodeSnapshot(QByteArrayView(bytes).first(cut));
        QVERIFY2(!decoded, qPrintable(u"cut at "_s + QString::number(cut)));
        QCOMPARE(decoded.error().message, u"snapshot truncated at byte "_s + QString::number(cut));
    }
}

void TestPersistence::flippedByteShouldFailTheChecksum()
{
    QByteArray bytes = encodeSnapshot({makeGroup(key({{"job", "a"}}), 1)}, 3);
    bytes[40] = char(bytes[40] ^ 0x10); // inside the group record
    const Expected<Snapshot> decoded = decodeSnapshot(bytes);
    QVERIFY(!decoded);
    QCOMPARE(decoded.error().message, u"snapshot checksum mismatch"_s);
}

void TestPersistence::everyFlippedByteShouldBeAnError()
{
    const QByteArray bytes = encodeSnapshot({makeGroup(key({{"job", "a"}}), 1)}, 3);
    for (qsizetype at = 0; at < bytes.size(); ++at) {
        for (const char mask : {char(0x01), char(0x80)}) {
            QByteArray damaged = bytes;
            damaged[at] = char(damaged[at] ^ mask);
            QVERIFY2(!decodeSnapshot(damaged), qPrintable(u"byte "_s + QString::number(at)));
        }
    }
}

void TestPersistence::snapshotWithBadMagicShouldBeRefused()
{
    QByteArray bytes = encodeSnapshot({}, 1);
    bytes[7] = 'Q';
    QCOMPARE(decodeSnapshot(bytes).error().message, u"not a QPushgateway snapshot (bad magic)"_s);
    QCOMPARE(decodeSnapshot(encodeJournalHeader(1)).error().message, u"not a QPushgateway snapshot (bad magic)"_s);
    QCOMPARE(decodeSnapshot("# HELP up\n").error().message, u"not a QPushgateway snapshot (bad magic)"_s);
}

void TestPersistence::newerSnapshotVersionShouldBeRefused()
{
    QByteArray bytes = encodeSnapshot({makeGroup(key({{"job", "a"}}), 1)}, 3);
    qToLittleEndian(quint32(7), bytes.data() + 8);
    QCOMPARE(decodeSnapshot(bytes).error().message,
             u"snapshot format version 7 is newer than this build reads (1)"_s);
    qToLittleEndian(quint32(1), bytes.data() + 8);
    qToLittleEndian(quint32(4), bytes.data() + 12);
    QCOMPARE(decodeSnapshot(bytes).error().message, u"snapshot has unknown flags 0x4"_s);
}

void TestPersistence::invalidGroupRecordShouldBeNamed()
{
    // Valid framing and checksum, invalid content: the record is named by its index.
    const GroupSnapshot a = makeGroup(key({{"job", "a"}}), 1);
    const Expected<Snapshot> twice = decodeSnapshot(encodeSnapshot({a, makeGroup(key({{"job", "b"}}), 2), a}, 1));
    QVERIFY(!twice);
    QCOMPARE(twice.error().message,
             u"group record 3 is invalid: grouping key {job=\"a\"} repeats that of record 1"_s);

    auto bad = std::make_shared<Group>(*makeGroup(key({{"job", "c"}}), 1));
    bad->families.insert("x"_ba, StoredFamily{std::make_shared<MetricFamily>(family(
                                                  "x", MetricType::Gauge, {scalar(labels({{"__reserved", "v"}}), 1)})),
                                              T1});
    const Expected<Snapshot> reserved = decodeSnapshot(encodeSnapshot({a, bad}, 1));
    QVERIFY(!reserved);
    QVERIFY2(reserved.error().message.startsWith(u"group record 2 is invalid: "_s), qPrintable(reserved.error().message));
    QVERIFY2(reserved.error().message.contains(u"__reserved"_s), qPrintable(reserved.error().message));
}

// --- Snapshot file ---

void TestPersistence::snapshotFileShouldBeOwnerOnlyAndAtomic()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"state.db"_s);
    // An existing file with a wider mode is replaced by an owner-only one.
    QVERIFY(writeAll(path, "old"));
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                            | QFileDevice::ReadOther));
    QCOMPARE(fileMode(path), 0644);

    Fixture fixture;
    fixture.fill();
    const QList<GroupSnapshot> groups = fixture.store.groups();
    const std::optional<Error> error = writeSnapshotFile(path, groups, 12);
    QVERIFY2(!error, error ? qPrintable(error->message) : "");
    QCOMPARE(fileMode(path), 0600);
    QCOMPARE(readAll(path), encodeSnapshot(groups, 12));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{u"state.db"_s}); // no temporary left

    const Expected<Snapshot> loaded = loadSnapshotFile(path);
    QVERIFY(loaded);
    QCOMPARE(loaded->generation, quint64(12));
    QCOMPARE(loaded->groups.size(), groups.size());

    // A fresh file is owner-only too.
    const QString fresh = dir.filePath(u"fresh.db"_s);
    QVERIFY(!writeSnapshotFile(fresh, {}, 1));
    QCOMPARE(fileMode(fresh), 0600);

    // Load errors name the file.
    QVERIFY(writeAll(fresh, "garbage that is not a snapshot"));
    QCOMPARE(loadSnapshotFile(fresh).error().message, fresh + u": not a QPushgateway snapshot (bad magic)"_s);
    const Expected<Snapshot> missing = loadSnapshotFile(dir.filePath(u"missing.db"_s));
    QVERIFY(!missing);
    QVERIFY(missing.error().message.startsWith(u"cannot read snapshot "_s + dir.filePath(u"missing.db"_s)));
}

void TestPersistence::snapshotWriteFailureShouldNameTheFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"no/such/directory/state.db"_s);
    const std::optional<Error> error = writeSnapshotFile(path, {}, 1);
    QVERIFY(error);
    QVERIFY2(error->message.startsWith(u"cannot write snapshot "_s + path + u": "_s), qPrintable(error->message));
    QVERIFY(!QFile::exists(path));
}

void TestPersistence::moveAsideShouldKeepTheBadFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"state.db"_s);
    QVERIFY(writeAll(path, "damaged"));
    const Expected<QString> first = moveAside(path);
    QVERIFY2(first, first ? "" : qPrintable(first.error().message));
    QVERIFY(!QFile::exists(path));
    QVERIFY2(QRegularExpression(u"^"_s + QRegularExpression::escape(path) + u"\\.corrupt-\\d{8}T\\d{6}(-\\d+)?$"_s)
                 .match(*first).hasMatch(),
             qPrintable(*first));
    QCOMPARE(readAll(*first), "damaged"_ba);

    // A second bad file in the same second gets a name of its own.
    QVERIFY(writeAll(path, "damaged again"));
    const Expected<QString> second = moveAside(path);
    QVERIFY(second);
    QVERIFY(*second != *first);
    QCOMPARE(readAll(*first), "damaged"_ba);
    QCOMPARE(readAll(*second), "damaged again"_ba);

    const Expected<QString> missing = moveAside(path);
    QVERIFY(!missing);
    QVERIFY(missing.error().message.contains(path));
}

// --- Journal format ---

void TestPersistence::journalShouldReplayInterleavedChangesInOrder()
{
    const GroupingKey a = key({{"job", "a"}});
    const GroupingKey b = key({{"job", "b"}, {"instance", "x"}});
    const GroupingKey c = key({{"job", "c"}});
    const QList<JournalEntry> entries = {
        put(makeGroup(a, 1)), put(makeGroup(b, 1)), removal(a), put(makeGroup(c, 1)), wipe(),
        put(makeGroup(b, 2)), put(makeGroup(a, 3)), removal(c), put(makeGroup(a, 4, T2)),
    };
    const QByteArray bytes = journalOf(42, entries);

    const Expected<JournalReadResult> read = readJournal(bytes);
    QVERIFY2(read, read ? "" : qPrintable(read.error().message));
    QCOMPARE(read->generation, quint64(42));
    QCOMPARE(read->validBytes, qint64(bytes.size()));
    QVERIFY(!read->tornTail);
    QCOMPARE(read->entries.size(), entries.size());
    for (qsizetype i = 0; i < entries.size(); ++i)
        QCOMPARE(describe(read->entries.at(i)), describe(entries.at(i)));

    // Replayed onto a state the wipe clears: only what came after the wipe is left.
    QMap<GroupingKey, Group> state;
    state.insert(key({{"job", "older"}}), *makeGroup(key({{"job", "older"}}), 9));
    for (const JournalEntry &entry : read->entries)
        applyJournalEntry(state, entry);
    QCOMPARE(state.keys(), (QList<GroupingKey>{b, a})); // key order: "instance..." < "job..."
    compareGroups(state.value(a), *makeGroup(a, 4, T2));
    compareGroups(state.value(b), *makeGroup(b, 2));

    // An empty journal is just the header.
    const Expected<JournalReadResult> empty = readJournal(encodeJournalHeader(5));
    QVERIFY(empty);
    QCOMPARE(empty->generation, quint64(5));
    QVERIFY(empty->entries.isEmpty());
    QCOMPARE(empty->validBytes, qint64(JournalHeaderSize));
}

void TestPersistence::tornTailShouldKeepEarlierRecordsAtEveryCut()
{
    QList<qsizetype> offsets;
    const QByteArray bytes = journalOf(1, {put(makeGroup(key({{"job", "a"}}), 1)), removal(key({{"job", "z"}})),
                                           put(makeGroup(key({{"job", "b"}}), 2))},
                                       &offsets);
    const qsizetype lastStart = offsets.last();

    // Cut exactly between records: nothing torn.
    const Expected<JournalReadResult> clean = readJournal(QByteArrayView(bytes).first(lastStart));
    QVERIFY(clean);
    QVERIFY(!clean->tornTail);
    QCOMPARE(clean->entries.size(), 2);

    for (qsizetype cut = lastStart + 1; cut < bytes.size(); ++cut) {
        const QString where = u"cut at "_s + QString::number(cut);
        const Expected<JournalReadResult> read = readJournal(QByteArrayView(bytes).first(cut));
        QVERIFY2(read, qPrintable(where + u": "_s + (read ? QString() : read.error().message)));
        QVERIFY2(read->tornTail, qPrintable(where));
        QCOMPARE(read->entries.size(), 2);
        QCOMPARE(read->validBytes, qint64(lastStart));
        QVERIFY2(read->warning.startsWith(u"journal record 3 at byte "_s + QString::number(lastStart)),
                 qPrintable(read->warning));
    }

    // A header cut short (a crash while the journal was created): no records, not an error.
    for (qsizetype cut = 0; cut < JournalHeaderSize; ++cut) {
        const Expected<JournalReadResult> read = readJournal(QByteArrayView(bytes).first(cut));
        QVERIFY2(read, qPrintable(u"cut at "_s + QString::number(cut)));
        QVERIFY(read->tornTail);
        QVERIFY(read->entries.isEmpty());
        QCOMPARE(read->validBytes, qint64(0));
    }
}

void TestPersistence::checksumMismatchInLastRecordShouldBeATornTail()
{
    QList<qsizetype> offsets;
    QByteArray bytes = journalOf(1, {put(makeGroup(key({{"job", "a"}}), 1)), put(makeGroup(key({{"job", "b"}}), 2))},
                                 &offsets);
    bytes[bytes.size() - 3] = char(bytes[bytes.size() - 3] ^ 0x40);
    const Expected<JournalReadResult> read = readJournal(bytes);
    QVERIFY(read);
    QVERIFY(read->tornTail);
    QCOMPARE(read->entries.size(), 1);
    QCOMPARE(read->validBytes, qint64(offsets.last()));
    QVERIFY2(read->warning.contains(u"checksum mismatch"_s), qPrintable(read->warning));

    // Zeros where the last record should be (a file extended but never written): torn too.
    QByteArray zeros = journalOf(1, {put(makeGroup(key({{"job", "a"}}), 1))});
    const qsizetype end = zeros.size();
    zeros.append(QByteArray(300, '\0'));
    const Expected<JournalReadResult> zeroed = readJournal(zeros);
    QVERIFY(zeroed);
    QVERIFY(zeroed->tornTail);
    QCOMPARE(zeroed->entries.size(), 1);
    QCOMPARE(zeroed->validBytes, qint64(end));
}

void TestPersistence::corruptionInTheMiddleShouldBeAnError_data()
{
    QTest::addColumn<int>("field"); // 0: payload byte, 1: length (huge), 2: length (past the end), 3: checksum
    QTest::newRow("payload byte") << 0;
    QTest::newRow("length over the limit") << 1;
    QTest::newRow("length past the end") << 2;
    QTest::newRow("checksum") << 3;
}

void TestPersistence::corruptionInTheMiddleShouldBeAnError()
{
    QFETCH(int, field);
    QList<qsizetype> offsets;
    QByteArray bytes = journalOf(1, {put(makeGroup(key({{"job", "a"}}), 1)), put(makeGroup(key({{"job", "b"}}), 2)),
                                     removal(key({{"job", "a"}}))},
                                 &offsets);
    const qsizetype second = offsets.at(1);
    switch (field) {
    case 0:
        bytes[second + 12] = char(bytes[second + 12] ^ 0x01);
        break;
    case 1:
        qToLittleEndian(quint32(0x7fffffff), bytes.data() + second);
        break;
    case 2:
        qToLittleEndian(quint32(bytes.size()), bytes.data() + second);
        break;
    case 3:
        bytes[second + 5] = char(bytes[second + 5] ^ 0x01);
        break;
    }
    const Expected<JournalReadResult> read = readJournal(bytes);
    QVERIFY(!read);
    QVERIFY2(read.error().message.startsWith(u"journal record 2 at byte "_s + QString::number(second) + u" is corrupt ("_s),
             qPrintable(read.error().message));
    QVERIFY2(read.error().message.endsWith(u"and followed by valid records"_s), qPrintable(read.error().message));
}

void TestPersistence::journalWithBadHeaderShouldBeRefused()
{
    QByteArray bytes = journalOf(1, {wipe()});
    QByteArray badMagic = bytes;
    badMagic[0] = 'X';
    QCOMPARE(readJournal(badMagic).error().message, u"not a QPushgateway journal (bad magic)"_s);
    QCOMPARE(readJournal(encodeSnapshot({}, 1)).error().message, u"not a QPushgateway journal (bad magic)"_s);

    qToLittleEndian(quint32(7), bytes.data() + 8);
    QCOMPARE(readJournal(bytes).error().message, u"journal format version 7 is newer than this build reads (1)"_s);

    // A record whose checksum matches but which holds no change this build knows is refused,
    // not dropped: it was written whole, so skipping it would lose a change.
    QByteArray record(8 + 2, '\0');
    record[8] = '\x22'; // field 4, length-delimited, empty: no field of the oneof is set
    qToLittleEndian(quint32(2), record.data());
    qToLittleEndian(crc32c(QByteArrayView(record).sliced(8)), record.data() + 4);
    const Expected<JournalReadResult> unknown = readJournal(QByteArray(encodeJournalHeader(1) + record));
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().message, u"journal record 1 at byte 20 is invalid: the record holds no change"_s);
}

// --- Journal writer ---

void TestPersistence::groupCommitShouldReportTicketsInOrderWithFewSyncs()
{
    QTemporaryDir dir;
    const QString snapshotPath = dir.filePath(u"state.db"_s);
    QList<quint64> tickets;
    QObject receiver;
    {
        WriterOnThread w({snapshotPath, JournalWriter::SyncPolicy::Always, std::chrono::milliseconds(1000)});
        connect(w.writer, &JournalWriter::durable, &receiver, [&tickets](quint64 ticket) { tickets.append(ticket); });
        QSignalSpy started(w.writer, &JournalWriter::journalStarted);
        w.startNewJournal(1);
        constexpr quint64 Count = 1000;
        for (quint64 ticket = 1; ticket <= Count; ++ticket)
            w.append(encodeJournalRecord(removal(key({{"job", "j"}, {"n", QByteArray::number(ticket).constData()}}))),
                     ticket);
        QTRY_VERIFY_WITH_TIMEOUT(!tickets.isEmpty() && tickets.last() == Count, 30000);
        QCOMPARE(started.size(), 1);
        for (qsizetype i = 1; i < tickets.size(); ++i)
            QVERIFY(tickets.at(i - 1) < tickets.at(i));
        QCOMPARE(w.writer->recordCount(), Count);
        // One sync for the header, then one per batch: group commit needs far fewer than one
        // per record, and exactly one per durable() signal.
        QCOMPARE(w.writer->syncCount(), quint64(tickets.size()) + 1);
        QVERIFY2(w.writer->syncCount() < Count, qPrintable(QString::number(w.writer->syncCount())));
        qInfo("%lld durable signals, %llu syncs for %llu records", qlonglong(tickets.size()),
              w.writer->syncCount(), Count);
    }

    const QString journal = journalFilePath(snapshotPath, 1);
    QCOMPARE(fileMode(journal), 0600);
    const Expected<JournalReadResult> read = readJournal(readAll(journal));
    QVERIFY(read);
    QCOMPARE(read->generation, quint64(1));
    QCOMPARE(read->entries.size(), 1000);
    QVERIFY(!read->tornTail);
    for (qsizetype i = 0; i < read->entries.size(); ++i) {
        const auto &removed = std::get<JournalEntry::RemoveGroup>(read->entries.at(i).change);
        QCOMPARE(*removed.key.value("n"), QByteArray::number(i + 1));
    }
}

void TestPersistence::queuedAppendsShouldShareOneSync()
{
    QTemporaryDir dir;
    QList<quint64> tickets;
    QObject receiver;
    WriterOnThread w({dir.filePath(u"state.db"_s), JournalWriter::SyncPolicy::Always, std::chrono::milliseconds(1000)});
    connect(w.writer, &JournalWriter::durable, &receiver, [&tickets](quint64 ticket) { tickets.append(ticket); });
    w.startNewJournal(1);
    QTRY_COMPARE(w.writer->syncCount(), quint64(1)); // the header

    // Hold the writer's thread while 500 appends queue up: they all go out in one batch.
    QSemaphore gate;
    QMetaObject::invokeMethod(w.writer, [&gate] { gate.acquire(); }, Qt::QueuedConnection);
    for (quint64 ticket = 1; ticket <= 500; ++ticket)
        w.append(encodeJournalRecord(wipe()), ticket);
    gate.release();
    QTRY_COMPARE(tickets, QList<quint64>{500});
    QCOMPARE(w.writer->syncCount(), quint64(2));
    QCOMPARE(w.writer->recordCount(), quint64(500));
}

void TestPersistence::intervalPolicyShouldReportDurableBeforeSync()
{
    QTemporaryDir dir;
    std::atomic<qint64> syncsAtDurable{-1};
    {
        WriterOnThread w({dir.filePath(u"state.db"_s), JournalWriter::SyncPolicy::Interval, std::chrono::hours(1)});
        JournalWriter *writer = w.writer;
        // Direct: runs on the writer's thread at the moment durable() is emitted.
        connect(writer, &JournalWriter::durable, writer,
                [writer, &syncsAtDurable](quint64) { syncsAtDurable = qint64(writer->syncCount()); },
                Qt::DirectConnection);
        w.startNewJournal(1);
        w.append(encodeJournalRecord(put(makeGroup(key({{"job", "a"}}), 1))), 1);
        QTRY_VERIFY(syncsAtDurable.load() >= 0);
        QCOMPARE(syncsAtDurable.load(), qint64(1)); // only the header's sync: durable came first
        QCOMPARE(writer->syncCount(), quint64(1));
        QMetaObject::invokeMethod(writer, &JournalWriter::stop, Qt::BlockingQueuedConnection);
        QCOMPARE(writer->syncCount(), quint64(2)); // stop() synced what was written
    }
    const Expected<JournalReadResult> read = readJournal(readAll(journalFilePath(dir.filePath(u"state.db"_s), 1)));
    QVERIFY(read);
    QCOMPARE(read->entries.size(), 1);
}

void TestPersistence::intervalPolicyShouldSyncOnTheTimer()
{
    QTemporaryDir dir;
    WriterOnThread w({dir.filePath(u"state.db"_s), JournalWriter::SyncPolicy::Interval, std::chrono::milliseconds(20)});
    QObject receiver;
    quint64 last = 0;
    connect(w.writer, &JournalWriter::durable, &receiver, [&last](quint64 ticket) { last = ticket; });
    w.startNewJournal(1);
    w.append(encodeJournalRecord(wipe()), 1);
    QTRY_COMPARE(last, quint64(1));
    QTRY_COMPARE(w.writer->syncCount(), quint64(2));
    // Nothing new written: the timer does not sync again.
    QTest::qWait(100);
    QCOMPARE(w.writer->syncCount(), quint64(2));
}

void TestPersistence::failedJournalShouldRefuseAppends()
{
    QTemporaryDir dir;
    const QString snapshotPath = dir.filePath(u"state.db"_s);
    JournalWriter writer({snapshotPath, JournalWriter::SyncPolicy::Always, std::chrono::milliseconds(1000)});
    QSignalSpy durable(&writer, &JournalWriter::durable);
    QSignalSpy failed(&writer, &JournalWriter::failed);

    // Before any journal: refused.
    writer.append(encodeJournalRecord(wipe()), 1);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(1).value<quint64>(), quint64(1));

    writer.startNewJournal(1);
    writer.append(encodeJournalRecord(wipe()), 2);
    QTRY_COMPARE(durable.size(), 1);
    QCOMPARE(durable.at(0).at(0).value<quint64>(), quint64(2));

    // A generation that exists already cannot be started: the writer gives up until the next.
    writer.startNewJournal(1);
    QCOMPARE(failed.size(), 2);
    QVERIFY2(failed.at(1).at(0).toString().startsWith(u"cannot create journal "_s + journalFilePath(snapshotPath, 1)),
             qPrintable(failed.at(1).at(0).toString()));
    writer.append(encodeJournalRecord(wipe()), 3);
    QTRY_COMPARE(failed.size(), 3);
    QCOMPARE(failed.at(2).at(1).value<quint64>(), quint64(3));

    writer.startNewJournal(2);
    writer.append(encodeJournalRecord(wipe()), 4);
    QTRY_COMPARE(durable.size(), 2);
    QCOMPARE(durable.at(1).at(0).value<quint64>(), quint64(4));
    QCOMPARE(failed.size(), 3);
    writer.stop();
}

// --- Recovery ---

void TestPersistence::recoveryShouldFollowTheCompactionProtocol()
{
    QTemporaryDir dir;
    const QString snapshotPath = dir.filePath(u"state.db"_s);
    const GroupingKey a = key({{"job", "a"}});
    const GroupingKey b = key({{"job", "b"}});
    const GroupingKey c = key({{"job", "c"}});

    // Nothing on disk: an empty store, generation 0.
    Expected<RecoveredState> state = recoverState(snapshotPath);
    QVERIFY(state);
    QVERIFY(state->groups.isEmpty());
    QCOMPARE(state->lastGeneration, quint64(0));

    JournalWriter writer({snapshotPath, JournalWriter::SyncPolicy::Always, std::chrono::milliseconds(1000)});
    QSignalSpy durable(&writer, &JournalWriter::durable);
    QSignalSpy failed(&writer, &JournalWriter::failed);
    // Start: journal 1, then snapshot 1 of the (empty) recovered state.
    writer.startNewJournal(1);
    QVERIFY(!writeSnapshotFile(snapshotPath, {}, 1));
    writer.append(encodeJournalRecord(put(makeGroup(a, 1))), 1);
    writer.append(encodeJournalRecord(put(makeGroup(b, 1))), 2);
    QTRY_VERIFY(!durable.isEmpty() && durable.last().at(0).value<quint64>() == 2);

    // Compaction to generation 2: new journal first, then the snapshot, changes going on.
    writer.startNewJournal(2);
    const QList<GroupSnapshot> atCompaction = {makeGroup(a, 1), makeGroup(b, 1)};
    writer.append(encodeJournalRecord(removal(a)), 3);
    writer.append(encodeJournalRecord(put(makeGroup(c, 1))), 4);
    QTRY_VERIFY(durable.last().at(0).value<quint64>() == 4);
    QCOMPARE(QFileInfo(journalFilePath(snapshotPath, 2)).exists(), true);

    // Crash before the snapshot commit: snapshot 1 + journals 1 and 2.
    state = recoverState(snapshotPath);
    QVERIFY2(state, state ? "" : qPrintable(state.error().message));
    QCOMPARE(state->snapshotGeneration, quint64(1));
    QCOMPARE(state->lastGeneration, quint64(2));
    QCOMPARE(state->replayedRecords, 4);
    QCOMPARE(state->groups.size(), 2);
    QCOMPARE(state->groups.at(0).key, b);
    QCOMPARE(state->groups.at(1).key, c);
    QVERIFY(state->warnings.isEmpty());

    // Crash after the commit, before the old journal is removed: it is ignored.
    QVERIFY(!writeSnapshotFile(snapshotPath, atCompaction, 2));
    state = recoverState(snapshotPath);
    QVERIFY(state);
    QCOMPARE(state->snapshotGeneration, quint64(2));
    QCOMPARE(state->replayedRecords, 2);
    QCOMPARE(state->groups.size(), 2);
    QCOMPARE(state->groups.at(0).key, b);
    QCOMPARE(state->groups.at(1).key, c);
    QCOMPARE(state->warnings.size(), 1);
    QVERIFY2(state->warnings.at(0).contains(journalFilePath(snapshotPath, 1)), qPrintable(state->warnings.at(0)));

    // The protocol's last step.
    writer.removeJournalsBefore(2);
    QCOMPARE(journalGenerations(snapshotPath), QList<quint64>{2});
    state = recoverState(snapshotPath);
    QVERIFY(state);
    QVERIFY(state->warnings.isEmpty());
    QCOMPARE(state->groups.size(), 2);

    // A snapshot taken later than the journal's start (the store moved on while it was
    // written) gives the same state: replay is idempotent.
    QVERIFY(!writeSnapshotFile(snapshotPath, {makeGroup(b, 1), makeGroup(c, 1)}, 2));
    state = recoverState(snapshotPath);
    QVERIFY(state);
    QCOMPARE(state->groups.size(), 2);
    compareGroups(state->groups.at(0), *makeGroup(b, 1));
    compareGroups(state->groups.at(1), *makeGroup(c, 1));
    writer.stop();
    QCOMPARE(failed.size(), 0);
    QCOMPARE(fileMode(journalFilePath(snapshotPath, 2)), 0600);
    QCOMPARE(fileMode(snapshotPath), 0600);
}

void TestPersistence::recoveryShouldDropATornTail()
{
    QTemporaryDir dir;
    const QString snapshotPath = dir.filePath(u"state.db"_s);
    QVERIFY(!writeSnapshotFile(snapshotPath, {makeGroup(key({{"job", "a"}}), 1)}, 3));
    const QByteArray journal = journalOf(3, {put(makeGroup(key({{"job", "a"}}), 2)), put(makeGroup(key({{"job", "b"}}), 1))});
    QVERIFY(writeAll(journalFilePath(snapshotPath, 3), journal.first(journal.size() - 4)));

    const Expected<RecoveredState> state = recoverState(snapshotPath);
    QVERIFY2(state, state ? "" : qPrintable(state.error().message));
    QCOMPARE(state->groups.size(), 1);
    compareGroups(state->groups.at(0), *makeGroup(key({{"job", "a"}}), 2));
    QCOMPARE(state->warnings.size(), 1);
    QVERIFY2(state->warnings.at(0).startsWith(journalFilePath(snapshotPath, 3) + u": journal record 2"_s),
             qPrintable(state->warnings.at(0)));
    QCOMPARE(state->lastGeneration, quint64(3));
}

void TestPersistence::recoveryShouldRefuseInconsistentFiles()
{
    QTemporaryDir dir;
    const QString snapshotPath = dir.filePath(u"state.db"_s);

    // Journals continuing a snapshot that is gone.
    QVERIFY(writeAll(journalFilePath(snapshotPath, 3), journalOf(3, {wipe()})));
    Expected<RecoveredState> state = recoverState(snapshotPath);
    QVERIFY(!state);
    QVERIFY2(state.error().message.contains(u"is missing"_s), qPrintable(state.error().message));

    // A journal whose header disagrees with its name.
    QVERIFY(!writeSnapshotFile(snapshotPath, {}, 3));
    QVERIFY(writeAll(journalFilePath(snapshotPath, 4), journalOf(9, {wipe()})));
    state = recoverState(snapshotPath);
    QVERIFY(!state);
    QVERIFY2(state.error().message.contains(u"the header says generation 9"_s), qPrintable(state.error().message));

    // Damage in the middle of a journal names the file.
    QList<qsizetype> offsets;
    QByteArray damaged = journalOf(4, {wipe(), wipe(), wipe()}, &offsets);
    damaged[offsets.at(1) + 9] = char(damaged[offsets.at(1) + 9] ^ 0x01);
    QVERIFY(writeAll(journalFilePath(snapshotPath, 4), damaged));
    state = recoverState(snapshotPath);
    QVERIFY(!state);
    QVERIFY2(state.error().message.startsWith(journalFilePath(snapshotPath, 4) + u": journal record 2"_s),
             qPrintable(state.error().message));

    // A damaged snapshot names the file; moved aside, the journals alone would lose data.
    QVERIFY(QFile::remove(journalFilePath(snapshotPath, 4)));
    QByteArray snapshot = readAll(snapshotPath);
    snapshot[snapshot.size() - 1] = char(snapshot[snapshot.size() - 1] ^ 0x01);
    QVERIFY(writeAll(snapshotPath, snapshot));
    state = recoverState(snapshotPath);
    QVERIFY(!state);
    QCOMPARE(state.error().message, snapshotPath + u": snapshot checksum mismatch"_s);
}

QTEST_GUILESS_MAIN(TestPersistence)
#include "tst_persistence.moc"
