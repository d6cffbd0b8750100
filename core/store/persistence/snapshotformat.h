#pragma once

#include "model/error.h"
#include "store/group.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace qpgw {

// The snapshot file of --persistence.file: every group the store held at one moment. Pure
// functions, no I/O (snapshotwriter.h reads and writes the file). Layout, version 1, all
// integers little-endian:
//
//   offset  size  field
//        0     8  magic "QPGWSNAP"
//        8     4  format version (1)
//       12     4  flags (0; a reader refuses any bit it does not know)
//       16     8  generation: the journals that continue this snapshot are those of this
//                 generation and later (see journalformat.h and journalwriter.h)
//       24     *  one record per group, each an unsigned varint length followed by that many
//                 bytes of a qpgw.persistence.GroupRecord message (persistence.proto), in the
//                 store's key order
//   end-16     8  end marker "QPGWEND\0"
//   end-8      4  number of group records
//   end-4      4  CRC-32C (Castagnoli) of every byte before this field
//
// The trailer makes a cut-short file (a copy interrupted, a disk that lost the end) fail
// loudly instead of reading as a smaller store, and the checksum catches flipped bits. A
// snapshot is written whole through QSaveFile, so a crash while writing leaves the previous
// snapshot in place; these checks are for damage at rest.
//
// Compatibility: a newer build may add fields to the messages (old readers skip them) and
// flags (old readers refuse the file); a new layout gets a new version number.

inline constexpr quint32 SnapshotFormatVersion = 1;

struct Snapshot
{
    quint64 generation = 0;
    QList<Group> groups; // in file order, which is the store's key order
};

// The file's bytes for `groups` (null snapshots are skipped).
QByteArray encodeSnapshot(const QList<GroupSnapshot> &groups, quint64 generation);

// The snapshot in `data`, or an Error (kind Internal) whose text names the problem:
//   "not a QPushgateway snapshot (bad magic)"
//   "snapshot format version 7 is newer than this build reads (1)"
//   "snapshot has unknown flags 0x4"
//   "snapshot truncated at byte N"
//   "snapshot checksum mismatch"
//   "group record 12 is invalid: <what>" (1-based; also a grouping key that repeats an earlier one)
//   "snapshot holds 3 group records but its trailer says 4"
// Never crashes and never allocates by a declared length on any input.
Expected<Snapshot> decodeSnapshot(QByteArrayView data);

} // namespace qpgw
