#include "journalformat.h"

#include "format/crc32c.h"
#include "store/persistence/grouprecord.h"

#include <QString>
#include <QtEndian>

#include <algorithm>

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

constexpr QByteArrayView Magic("QPGWJRNL", 8);
constexpr qsizetype RecordHeaderSize = 8;
// How many payload bytes the search for a valid record after a bad one may checksum before it
// gives up and calls the damage corruption (the safe answer: nothing acknowledged is dropped).
constexpr qsizetype ScanBudgetBytes = qsizetype(64) << 20;

template<typename... Ts>
struct Overloaded : Ts...
{
    using Ts::operator()...;
};
template<typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

Error journalError(const QString &message)
{
    return Error{Error::Kind::Internal, message};
}

QString recordAt(qsizetype index, qsizetype offset)
{
    return u"journal record "_s + QString::number(index) + u" at byte "_s + QString::number(offset);
}

// What is wrong with the record at `offset`, if anything.
struct RecordCheck
{
    enum Problem { None, Incomplete, Bad } problem = None;
    qsizetype payloadLength = 0;
    QString what;
};

RecordCheck checkRecord(QByteArrayView data, qsizetype offset)
{
    const qsizetype left = data.size() - offset;
    if (left < RecordHeaderSize) {
        return {RecordCheck::Incomplete, 0, u"record header cut short ("_s + QString::number(left)
                                                + u" of 8 bytes)"_s};
    }
    const quint32 length = readLE32(data.data() + offset);
    if (length == 0)
        return {RecordCheck::Bad, 0, u"empty record"_s};
    if (qsizetype(length) > MaxJournalRecordBytes) {
        return {RecordCheck::Bad, 0, u"declared length "_s + QString::number(length)
                                         + u" exceeds the limit of 1 GiB"_s};
    }
    if (qsizetype(length) > left - RecordHeaderSize) {
        return {RecordCheck::Incomplete, 0, u"record cut short ("_s + QString::number(length)
                                                + u" bytes declared, "_s
                                                + QString::number(left - RecordHeaderSize) + u" present)"_s};
    }
    const quint32 checksum = readLE32(data.data() + offset + 4);
    if (crc32c(data.sliced(offset + RecordHeaderSize, length)) != checksum)
        return {RecordCheck::Bad, qsizetype(length), u"checksum mismatch"_s};
    return {RecordCheck::None, qsizetype(length), QString()};
}

// Whether a well-formed record with a matching checksum starts anywhere after a bad record at
// `badOffset`: then the bad one is damage in the middle, not a tail torn by a crash. The
// record boundary the bad record declares is tried first; then every later offset, skipping
// cheaply what cannot be a record (a length that does not fit, a payload that does not start
// with a length-delimited field, as every JournalRecord does).
bool validRecordFollows(QByteArrayView data, qsizetype badOffset, const RecordCheck &bad)
{
    if (bad.payloadLength > 0) {
        const qsizetype next = badOffset + RecordHeaderSize + bad.payloadLength;
        if (next < data.size() && checkRecord(data, next).problem == RecordCheck::None)
            return true;
    }
    qsizetype budget = ScanBudgetBytes;
    for (qsizetype at = badOffset + 1; at + RecordHeaderSize < data.size(); ++at) {
        const quint32 length = readLE32(data.data() + at);
        const qsizetype left = data.size() - at - RecordHeaderSize;
        if (length == 0 || qsizetype(length) > left || qsizetype(length) > MaxJournalRecordBytes)
            continue;
        if ((static_cast<uchar>(data[at + RecordHeaderSize]) & 0x07) != 2)
            continue;
        budget -= length;
        if (budget < 0)
            return true; // cannot tell cheaply: refuse rather than drop
        if (crc32c(data.sliced(at + RecordHeaderSize, length)) == readLE32(data.data() + at + 4))
            return true;
    }
    return false;
}

Expected<JournalEntry> toEntry(const persistence::JournalRecord &record)
{
    switch (record.change_case()) {
    case persistence::JournalRecord::kPutGroup: {
        Expected<Group> group = readGroupRecord(record.put_group());
        if (!group)
            return group.error();
        return JournalEntry{JournalEntry::PutGroup{std::make_shared<const Group>(std::move(*group))}};
    }
    case persistence::JournalRecord::kRemoveGroup: {
        Expected<GroupingKey> key = readGroupingLabels(record.remove_group().grouping_label());
        if (!key)
            return key.error();
        return JournalEntry{JournalEntry::RemoveGroup{std::move(*key)}};
    }
    case persistence::JournalRecord::kWipe:
        return JournalEntry{JournalEntry::Wipe{}};
    case persistence::JournalRecord::CHANGE_NOT_SET:
        break;
    }
    return journalError(u"the record holds no change"_s);
}

} // namespace

QByteArray encodeJournalHeader(quint64 generation)
{
    QByteArray out;
    out.reserve(JournalHeaderSize);
    out.append(Magic);
    appendLE32(out, JournalFormatVersion);
    appendLE64(out, generation);
    return out;
}

QByteArray encodeJournalRecord(const JournalEntry &entry)
{
    persistence::JournalRecord record;
    const bool recorded = std::visit(
        Overloaded{
            [&](const JournalEntry::PutGroup &put) {
                if (!put.group)
                    return false;
                writeGroupRecord(*put.group, record.mutable_put_group());
                return true;
            },
            [&](const JournalEntry::RemoveGroup &remove) {
                writeGroupingLabels(remove.key, record.mutable_remove_group()->mutable_grouping_label());
                return true;
            },
            [&](const JournalEntry::Wipe &) {
                record.mutable_wipe();
                return true;
            },
        },
        entry.change);
    if (!recorded)
        return {};

    const size_t size = record.ByteSizeLong(); // caches the sizes for the serialisation
    QByteArray out(RecordHeaderSize + qsizetype(size), Qt::Uninitialized);
    record.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t *>(out.data() + RecordHeaderSize));
    qToLittleEndian(quint32(size), out.data());
    qToLittleEndian(crc32c(QByteArrayView(out).sliced(RecordHeaderSize)), out.data() + 4);
    return out;
}

Expected<JournalReadResult> readJournal(QByteArrayView data)
{
    JournalReadResult result;
    const qsizetype size = data.size();
    if (const std::optional<QString> problem = checkMagicAndVersion(data, Magic, JournalFormatVersion, u"journal"))
        return journalError(*problem);
    if (size < JournalHeaderSize) {
        // Created but never synced: nothing in it was ever reported durable.
        result.tornTail = true;
        result.warning = u"journal header incomplete ("_s + QString::number(size) + u" of "_s
            + QString::number(JournalHeaderSize) + u" bytes): no records"_s;
        return result;
    }
    result.generation = readLE64(data.data() + 12);
    result.validBytes = JournalHeaderSize;

    persistence::JournalRecord record; // reused: its fields keep their allocations
    qsizetype offset = JournalHeaderSize;
    for (qsizetype index = 1; offset < size; ++index) {
        const RecordCheck check = checkRecord(data, offset);
        if (check.problem != RecordCheck::None) {
            if (validRecordFollows(data, offset, check)) {
                return journalError(recordAt(index, offset) + u" is corrupt ("_s + check.what
                                    + u") and followed by valid records"_s);
            }
            result.tornTail = true;
            result.warning = recordAt(index, offset) + u" is the torn tail of a crash ("_s + check.what
                + u"); its "_s + QString::number(size - offset) + u" bytes were dropped"_s;
            break;
        }

        const char *payload = data.data() + offset + RecordHeaderSize;
        if (!record.ParseFromArray(payload, int(check.payloadLength)))
            return journalError(recordAt(index, offset) + u" is invalid: not a JournalRecord message"_s);
        Expected<JournalEntry> entry = toEntry(record);
        if (!entry)
            return journalError(recordAt(index, offset) + u" is invalid: "_s + entry.error().message);
        result.entries.append(std::move(*entry));
        offset += RecordHeaderSize + check.payloadLength;
        result.validBytes = offset;
    }
    return result;
}

void applyJournalEntry(QMap<GroupingKey, Group> &groups, const JournalEntry &entry)
{
    std::visit(Overloaded{
                   [&](const JournalEntry::PutGroup &put) {
                       if (put.group)
                           groups.insert(put.group->key, *put.group);
                   },
                   [&](const JournalEntry::RemoveGroup &remove) { groups.remove(remove.key); },
                   [&](const JournalEntry::Wipe &) { groups.clear(); },
               },
               entry.change);
}

} // namespace qpgw
