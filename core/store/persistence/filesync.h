#pragma once

#include <QString>

#include <optional>

class QFileDevice;

namespace qpgw {

// Forcing data to the disk, which Qt has no public API for. QFileDevice::flush() only moves
// Qt's buffer into the kernel, where a power loss still loses it. QSaveFile::commit() does
// call fdatasync() on its temporary file, but ignores the result, and never syncs the
// directory that holds the renamed file. (Checked against qsavefile.cpp and under strace with
// Qt 6.4.2 on Linux: the data goes to an O_TMPFILE; commit() runs fdatasync, then linkat to
// the final name, or linkat to PATH.XXXXXX plus rename() when the file exists; no fsync of the
// directory.) Each function returns the error text on failure, nothing on success.

// fdatasync() on the open file's descriptor: its data, and the metadata needed to read it back
// (the size), are on the disk when it returns.
std::optional<QString> syncFileData(const QFileDevice &file);

// fsync() on the directory that holds `filePath`, so that a file created, renamed or removed
// there stays so after a crash.
std::optional<QString> syncDirectoryOf(const QString &filePath);

} // namespace qpgw
