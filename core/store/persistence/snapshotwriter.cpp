#include "snapshotwriter.h"

#include "store/persistence/filesync.h"

#include <QDateTime>
#include <QFile>
#include <QSaveFile>

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

Error writeError(const QString &path, const QString &reason)
{
    return Error{Error::Kind::Internal, u"cannot write snapshot "_s + path + u": "_s + reason};
}

} // namespace

std::optional<Error> writeSnapshotFile(const QString &path, const QList<GroupSnapshot> &groups,
                                       quint64 generation)
{
    const QByteArray bytes = encodeSnapshot(groups, generation);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return writeError(path, file.errorString());
    // The temporary file gets the mode; the rename keeps it. QSaveFile would otherwise copy the
    // old file's mode, or use 0666 minus the umask for a new one.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        const QString reason = u"cannot set permissions: "_s + file.errorString();
        file.cancelWriting();
        return writeError(path, reason);
    }
    if (file.write(bytes) != bytes.size() || !file.flush()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return writeError(path, reason);
    }
    // commit() syncs the temporary file too, but ignores a failure: sync it here, where a
    // failure (EIO, ENOSPC on delayed allocation) can still keep the old snapshot in place.
    if (const std::optional<QString> failure = syncFileData(file)) {
        file.cancelWriting();
        return writeError(path, *failure);
    }
    if (!file.commit())
        return writeError(path, file.errorString());
    // The rename is durable once the directory is.
    if (const std::optional<QString> failure = syncDirectoryOf(path))
        return writeError(path, *failure);
    return std::nullopt;
}

Expected<Snapshot> loadSnapshotFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{Error::Kind::Internal,
                     u"cannot read snapshot "_s + path + u": "_s + file.errorString()};
    }
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        return Error{Error::Kind::Internal,
                     u"cannot read snapshot "_s + path + u": "_s + file.errorString()};
    }
    Expected<Snapshot> snapshot = decodeSnapshot(bytes);
    if (!snapshot)
        return Error{Error::Kind::Internal, path + u": "_s + snapshot.error().message};
    return snapshot;
}

Expected<QString> moveAside(const QString &path)
{
    const QString base = path + u".corrupt-"_s
        + QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd'T'HHmmss"_s);
    QString target = base;
    for (int attempt = 2; QFile::exists(target); ++attempt)
        target = base + u'-' + QString::number(attempt);

    QFile file(path);
    if (!file.rename(target)) {
        return Error{Error::Kind::Internal,
                     u"cannot move "_s + path + u" aside to "_s + target + u": "_s + file.errorString()};
    }
    if (const std::optional<QString> failure = syncDirectoryOf(target))
        return Error{Error::Kind::Internal, u"moved "_s + path + u" aside to "_s + target + u", but "_s + *failure};
    return target;
}

} // namespace qpgw
