#pragma once

#include <QByteArray>
#include <QFile>
#include <QObject>
#include <QString>

#include <atomic>
#include <chrono>

namespace qpgw {

// Appends records to the write-ahead journal (format: journalformat.h) and says when they are
// on the disk. Lives on a QThread of its own: the owner creates it, calls moveToThread(), and
// from then on calls its methods only through queued invocations (QMetaObject::invokeMethod
// with Qt::QueuedConnection), in the order the store applied the changes. Signals arrive
// queued on the owner's thread.
//
// Group commit. append() only queues the record; a flush queued behind it writes everything
// that has arrived by then in one write() and one fdatasync(), then emits durable() for the
// last ticket of the batch. While one fdatasync() runs, the next appends pile up and go to the
// disk together, so the number of syncs per second stays bounded however fast pushes come.
// Tickets are the owner's (increasing); durable(t) means every ticket up to t that no failed()
// signal covered is on the disk.
//
// Sync policy. Always: durable() after fdatasync() (a 2xx survives a power loss). Interval:
// durable() right after write(), which survives kill -9 (the kernel has the data) but not a
// power loss; fdatasync() then runs every `syncInterval`, at each new journal and at stop().
//
// Journal files and generations (the compaction protocol). Journals live beside the
// snapshot as <snapshot>.journal.<generation> (recovery.h lists and replays them). A journal of
// generation G holds changes made after the state of snapshot G was taken; recovery loads the
// snapshot (generation S, 0 when there is none) and replays every journal of generation >= S in
// order. A compaction, from the store's thread:
//  1. invoke startNewJournal(G+1): queued behind every earlier append, so all earlier changes
//     go to journal G (synced and closed first) and all later ones to journal G+1, created and
//     synced (file and directory) before its first record can be reported durable;
//  2. take the store's groups (any moment after step 1 was queued) and write them as snapshot
//     G+1 on a worker thread (snapshotwriter.h: temporary file, fsync, rename, directory fsync);
//  3. only after that commit succeeded, invoke removeJournalsBefore(G+1).
// Because a journal records resulting group states, replaying journal G+1 onto a snapshot taken
// at any point after it began gives the same state as onto the state where it began, so step 2
// need not stop the store. Crash cases:
//  - before journal G+1 exists: snapshot G + journal G hold everything acknowledged (nothing
//    was acknowledged from G+1, whose records are durable only after it was created and synced);
//  - after step 1, before the snapshot commit (or the commit failed): snapshot G + journal G +
//    journal G+1 are replayed in order; the half-written temporary file of QSaveFile is ignored;
//  - after the commit, before or during step 3: snapshot G+1 + journal G+1; journal G is older
//    than the snapshot, so recovery ignores it and a later removeJournalsBefore() deletes it.
// A failed compaction is retried with a new generation (G+2); journals G, G+1, G+2 then chain.
//
// Failures. A failed write, sync or creation emits failed(reason, upToTicket): every ticket
// after the last durable one, up to upToTicket, is not durable. The journal then no longer
// holds every change, so the writer refuses every later append (each batch emits failed()
// again) until startNewJournal() succeeds; the owner must then write a snapshot (steps 2-3) to
// be durable again. After a write fails, the writer cuts the file back to its last whole
// record, so that the file stays readable.
class JournalWriter : public QObject
{
    Q_OBJECT

public:
    enum class SyncPolicy {
        Always,   // fdatasync before durable()
        Interval, // durable() after write(); fdatasync on a timer
    };
    Q_ENUM(SyncPolicy)

    struct Options
    {
        // The snapshot file (--persistence.file); journals are created beside it.
        QString snapshotPath;
        SyncPolicy policy = SyncPolicy::Always;
        std::chrono::milliseconds syncInterval{1000};
    };

    explicit JournalWriter(Options options, QObject *parent = nullptr);
    // Syncs and closes the journal if stop() did not. Destroy it on its own thread (deleteLater
    // before the thread quits) or after the thread finished.
    ~JournalWriter() override;

    // Safe from any thread: how many times a journal was fdatasync'ed (tests prove group commit
    // with it), and how many records were written.
    quint64 syncCount() const { return m_syncCount.load(std::memory_order_relaxed); }
    quint64 recordCount() const { return m_recordCount.load(std::memory_order_relaxed); }

    // Queues one encoded record (encodeJournalRecord()) under `ticket`.
    Q_INVOKABLE void append(QByteArray record, quint64 ticket);
    // Writes out what is queued to the current journal, syncs and closes it, then creates
    // <snapshot>.journal.<generation> (mode 0600, must not exist yet) with its header and syncs
    // it and its directory. Emits journalStarted(generation) or failed().
    Q_INVOKABLE void startNewJournal(quint64 generation);
    // Deletes the journals older than `generation` (never the open one). Call it only after
    // snapshot `generation` was committed. Leftovers are harmless (recovery ignores journals
    // older than the snapshot); a file that cannot be removed is reported by warning().
    Q_INVOKABLE void removeJournalsBefore(quint64 generation);
    // Writes out what is queued, syncs and closes the journal. Appends after stop() fail.
    Q_INVOKABLE void stop();

Q_SIGNALS:
    void durable(quint64 upToTicket);
    void failed(const QString &reason, quint64 upToTicket);
    void journalStarted(quint64 generation);
    void warning(const QString &message);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void flushQueued();
    bool sync(quint64 upToTicket);
    void closeJournal();
    void fail(const QString &reason, quint64 upToTicket);

    const Options m_options;
    QFile m_file;
    quint64 m_generation = 0;
    qint64 m_fileSize = 0;         // bytes of whole records (and header) in the file
    QString m_brokenReason;        // non-empty: every append fails until the next journal
    QByteArray m_queued;           // records waiting for the next flush
    quint64 m_queuedLastTicket = 0;
    quint64 m_queuedRecords = 0;
    quint64 m_lastTicket = 0;      // the last ticket seen (queued, written or failed)
    bool m_flushPending = false;
    bool m_unsynced = false;       // Interval: written since the last fdatasync
    quint64 m_unsyncedTicket = 0;  // Interval: the last ticket written since then
    int m_syncTimer = 0;
    std::atomic<quint64> m_syncCount{0};
    std::atomic<quint64> m_recordCount{0};
};

} // namespace qpgw
