#pragma once

#include "model/error.h"
#include "store/group.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace qpgw {

// The files of --persistence.file=PATH and how a start rebuilds the store from them:
//   PATH                    the snapshot (snapshotformat.h), generation S inside
//   PATH.journal.<G>        journals (journalformat.h), G in decimal; journal G holds the
//                           changes made after snapshot G's state was taken
//   PATH.<random>           QSaveFile's temporary name for a new snapshot just before its
//                           rename (Qt 6.4 on Linux writes into an unnamed O_TMPFILE first); a
//                           crash at that instant may leave one, which nothing reads
//   PATH.corrupt-<time>     a damaged file moved aside (moveAside() in snapshotwriter.h)
// The compaction protocol that keeps these consistent is described in journalwriter.h.

QString journalFilePath(const QString &snapshotPath, quint64 generation);
// The generations of the journal files beside `snapshotPath`, ascending.
QList<quint64> journalGenerations(const QString &snapshotPath);

struct RecoveredState
{
    QList<Group> groups;            // ordered by grouping key
    quint64 snapshotGeneration = 0; // 0: there was no snapshot
    // The highest generation on disk (snapshot or journal): the next journal is this + 1.
    quint64 lastGeneration = 0;
    qsizetype replayedRecords = 0;
    // For the log: torn tails dropped, journals ignored because the snapshot is newer.
    QStringList warnings;
};

// Loads the snapshot (none: an empty store, generation 0) and replays, in order, every journal
// whose generation is at least the snapshot's; older journals are left over from a compaction
// that was cut short and are ignored. A torn tail (journalformat.h) is dropped with a warning.
// Errors (kind Internal, naming the file) for anything that would lose acknowledged changes:
// a damaged or unreadable snapshot or journal, a journal whose header disagrees with its file
// name, or journals that continue a snapshot that is missing (the lowest journal generation is
// above 1 and there is no snapshot). The caller refuses to start, and may offer moveAside().
// Reads only: changes nothing on disk.
//
// After a successful recovery, the owner continues with a compaction to lastGeneration + 1
// (journalwriter.h, steps 1 to 3) with the recovered state as the snapshot: the journals of
// this run never append to a file that may end in a torn tail.
Expected<RecoveredState> recoverState(const QString &snapshotPath);

} // namespace qpgw
