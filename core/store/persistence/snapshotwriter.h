#pragma once

#include "model/error.h"
#include "store/group.h"
#include "store/persistence/snapshotformat.h"

#include <QList>
#include <QString>

#include <optional>

namespace qpgw {

// Reading and writing the snapshot file (format: snapshotformat.h). Blocking file I/O: call
// these on a worker thread, never on the GUI thread, and not on the store's thread while it
// serves requests. Group snapshots are immutable, so handing the store's QList<GroupSnapshot>
// to another thread is safe.

// Writes `groups` as snapshot `generation` to `path`, atomically: a new file is written beside
// it (QSaveFile), fdatasync'ed, renamed over `path`, and the directory is fsync'ed, so that a
// crash at any moment leaves either the old snapshot or the new one, whole. The file is
// readable and writable by its owner only (0600), whatever the old one's mode was. On failure
// `path` is untouched and the Error (kind Internal) names the file and the reason.
std::optional<Error> writeSnapshotFile(const QString &path, const QList<GroupSnapshot> &groups,
                                       quint64 generation);

// The snapshot in `path`. Errors name the file: "<path>: snapshot checksum mismatch",
// "cannot read snapshot <path>: <reason>".
Expected<Snapshot> loadSnapshotFile(const QString &path);

// Renames a file the gateway cannot use (a damaged snapshot or journal) out of the way, to
// `<path>.corrupt-<yyyyMMddTHHmmss>` in UTC (with "-2", "-3", ... when that name is taken),
// and returns the new name, so that the operator can inspect it and the gateway can start.
Expected<QString> moveAside(const QString &path);

} // namespace qpgw
