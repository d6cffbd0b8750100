#include "journalwriter.h"

#include "store/persistence/filesync.h"
#include "store/persistence/journalformat.h"
#include "store/persistence/recovery.h"

#include <QThread>
#include <QTimerEvent>

#include <utility>

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

} // namespace

JournalWriter::JournalWriter(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_brokenReason(u"no journal is open"_s)
{
}

JournalWriter::~JournalWriter()
{
    // Best effort without signals: whoever destroys a running writer has stopped listening.
    if (m_file.isOpen()) {
        if (m_brokenReason.isEmpty() && !m_queued.isEmpty())
            m_file.write(m_queued);
        if (m_brokenReason.isEmpty())
            syncFileData(m_file);
        m_file.close();
    }
    if (m_syncTimer != 0 && thread() == QThread::currentThread())
        killTimer(m_syncTimer);
}

void JournalWriter::append(QByteArray record, quint64 ticket)
{
    if (m_queued.isEmpty())
        m_queued = std::move(record);
    else
        m_queued.append(record);
    m_queuedLastTicket = ticket;
    m_lastTicket = ticket;
    ++m_queuedRecords;
    // Queued behind the appends that are already waiting, so that they all join this batch.
    if (!m_flushPending) {
        m_flushPending = true;
        QMetaObject::invokeMethod(this, &JournalWriter::flushQueued, Qt::QueuedConnection);
    }
}

void JournalWriter::flushQueued()
{
    m_flushPending = false;
    if (m_queuedRecords == 0)
        return;
    const QByteArray batch = std::exchange(m_queued, QByteArray());
    const quint64 records = std::exchange(m_queuedRecords, 0);
    const quint64 ticket = m_queuedLastTicket;
    if (!m_brokenReason.isEmpty()) {
        Q_EMIT failed(m_brokenReason, ticket);
        return;
    }

    const qint64 written = m_file.write(batch);
    if (written != batch.size()) {
        QString reason = u"cannot append to journal "_s + m_file.fileName() + u": "_s + m_file.errorString();
        // A partial write would read as damage once later records follow it: cut it off.
        if (!m_file.resize(m_fileSize))
            reason += u"; cutting off the partial write failed too: "_s + m_file.errorString();
        fail(reason, ticket);
        return;
    }
    m_fileSize += batch.size();
    m_recordCount.fetch_add(records, std::memory_order_relaxed);

    if (m_options.policy == SyncPolicy::Always) {
        if (!sync(ticket))
            return;
    } else {
        m_unsynced = true;
        m_unsyncedTicket = ticket;
    }
    Q_EMIT durable(ticket);
}

bool JournalWriter::sync(quint64 upToTicket)
{
    // Qt has no call that forces a file's data to the disk: QFileDevice::flush() only empties
    // Qt's own buffer into the kernel (and this file is unbuffered anyway). fdatasync() on the
    // descriptor does, including the new file size, without the extra inode write of fsync().
    if (const std::optional<QString> failure = syncFileData(m_file)) {
        fail(u"cannot sync journal "_s + m_file.fileName() + u": "_s + *failure, upToTicket);
        return false;
    }
    m_syncCount.fetch_add(1, std::memory_order_relaxed);
    m_unsynced = false;
    return true;
}

void JournalWriter::fail(const QString &reason, quint64 upToTicket)
{
    // After a failed fdatasync() the kernel may have dropped the dirty pages and cleared the
    // error: a retry could succeed without the data on the disk. So nothing is retried; the
    // journal is given up until the next one starts.
    m_brokenReason = reason;
    Q_EMIT failed(reason, upToTicket);
}

void JournalWriter::closeJournal()
{
    if (!m_file.isOpen())
        return;
    if (m_unsynced && m_brokenReason.isEmpty())
        sync(m_unsyncedTicket);
    m_file.close();
}

void JournalWriter::startNewJournal(quint64 generation)
{
    flushQueued(); // everything queued so far belongs to the current journal
    closeJournal();

    const QString path = journalFilePath(m_options.snapshotPath, generation);
    m_file.setFileName(path);
    // Unbuffered: every write() goes straight to the kernel. Append: O_APPEND. NewOnly: a
    // generation is never reused, so an existing file means a confused owner, not a restart.
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::NewOnly | QIODevice::Unbuffered,
                     QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        fail(u"cannot create journal "_s + path + u": "_s + m_file.errorString(), m_lastTicket);
        return;
    }
    const QByteArray header = encodeJournalHeader(generation);
    if (m_file.write(header) != header.size()) {
        const QString reason = u"cannot write journal "_s + path + u": "_s + m_file.errorString();
        m_file.close();
        QFile::remove(path);
        fail(reason, m_lastTicket);
        return;
    }
    m_fileSize = header.size();
    m_brokenReason.clear();
    if (!sync(m_lastTicket))
        return;
    // The new file's name must be on the disk before any record in it is reported durable.
    if (const std::optional<QString> failure = syncDirectoryOf(path)) {
        fail(u"cannot sync the directory of journal "_s + path + u": "_s + *failure, m_lastTicket);
        return;
    }
    m_generation = generation;
    if (m_options.policy == SyncPolicy::Interval && m_syncTimer == 0)
        m_syncTimer = startTimer(m_options.syncInterval);
    Q_EMIT journalStarted(generation);
}

void JournalWriter::removeJournalsBefore(quint64 generation)
{
    bool removed = false;
    for (const quint64 old : journalGenerations(m_options.snapshotPath)) {
        if (old >= generation)
            break;
        if (m_file.isOpen() && old == m_generation)
            continue;
        const QString path = journalFilePath(m_options.snapshotPath, old);
        QFile file(path);
        if (file.remove())
            removed = true;
        else
            Q_EMIT warning(u"cannot remove old journal "_s + path + u": "_s + file.errorString());
    }
    if (!removed)
        return;
    if (const std::optional<QString> failure = syncDirectoryOf(m_options.snapshotPath))
        Q_EMIT warning(u"removed old journals, but "_s + *failure);
}

void JournalWriter::stop()
{
    flushQueued();
    closeJournal();
    if (m_syncTimer != 0) {
        killTimer(m_syncTimer);
        m_syncTimer = 0;
    }
    m_brokenReason = u"the journal writer was stopped"_s;
}

void JournalWriter::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_syncTimer) {
        QObject::timerEvent(event);
        return;
    }
    if (m_unsynced && m_file.isOpen() && m_brokenReason.isEmpty())
        sync(m_unsyncedTicket);
}

} // namespace qpgw
