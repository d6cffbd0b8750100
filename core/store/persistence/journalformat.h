#pragma once

#include "model/error.h"
#include "model/groupingkey.h"
#include "store/group.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QMap>
#include <QString>

#include <variant>

namespace qpgw {

// The write-ahead journal of --persistence.file: the changes made since a snapshot, appended
// as they happen. Pure functions, no I/O (journalwriter.h appends, recovery.h replays). Layout,
// version 1, all integers little-endian:
//
//   header (20 bytes)
//        0     8  magic "QPGWJRNL"
//        8     4  format version (1)
//       12     8  generation: the snapshot generation this journal continues (also the
//                 number at the end of its file name, <snapshot>.journal.<generation>)
//   then records, back to back, each
//        0     4  payload length N (1 .. 1 GiB)
//        4     4  CRC-32C (Castagnoli) of the payload
//        8     N  payload: a qpgw.persistence.JournalRecord message (persistence.proto)
//
// A record holds the resulting state of what changed (the whole group after a push, accepted
// or rejected; the key of a removed group; a wipe), never the request, so that replaying it
// needs no validation and keeps the original push times (see persistence.proto).
//
// A crash while appending can leave the last record incomplete (kill -9 in the middle of a
// write) or, after a power loss, complete but with unwritten pages. Such a record was never
// reported durable, so a reader drops it and keeps everything before: a torn tail. A bad
// record followed by more data that holds a valid record is something else, damage in the
// middle of the file, and the reader refuses it rather than silently dropping acknowledged
// changes.

// One change, as the journal records it.
struct JournalEntry
{
    struct PutGroup
    {
        GroupSnapshot group; // the whole group as it is after the change
    };
    struct RemoveGroup
    {
        GroupingKey key;
    };
    struct Wipe
    {
    };

    std::variant<PutGroup, RemoveGroup, Wipe> change;
};

inline constexpr quint32 JournalFormatVersion = 1;
inline constexpr qsizetype JournalHeaderSize = 20;
// No record may declare a longer payload: a damaged length never makes a reader allocate or
// scan gigabytes.
inline constexpr qsizetype MaxJournalRecordBytes = qsizetype(1) << 30;

QByteArray encodeJournalHeader(quint64 generation);
// One framed record (length, checksum, payload), ready to append after the header or after
// the previous record. A PutGroup without a group is nothing to record: the result is empty.
QByteArray encodeJournalRecord(const JournalEntry &entry);

struct JournalReadResult
{
    quint64 generation = 0;
    QList<JournalEntry> entries; // in the order they were appended
    // The offset just after the last good record (the header's end when there is none): where
    // a writer could go on appending after cutting off a torn tail.
    qint64 validBytes = 0;
    // The last record (or the header) was incomplete or failed its checksum and was dropped;
    // `warning` says where and why, for the log.
    bool tornTail = false;
    QString warning;
};

// Everything in a journal file. An Error (kind Internal) when the header is not a journal's
// ("not a QPushgateway journal (bad magic)", "journal format version 7 is newer than this
// build reads (1)"), when a record whose checksum matches does not hold a valid change, or
// when a bad record is followed by a valid one ("journal record 5 at byte 1234 is corrupt
// (checksum mismatch) and followed by valid records"). A file shorter than its header (a crash
// while it was created) reads as a torn tail with no entries and generation 0.
// Never crashes and never allocates by a declared length on any input.
Expected<JournalReadResult> readJournal(QByteArrayView data);

// Applies one change to a state being rebuilt, as replay does: a put replaces the group, a
// remove drops it, a wipe drops them all.
void applyJournalEntry(QMap<GroupingKey, Group> &groups, const JournalEntry &entry);

} // namespace qpgw
