#pragma once

#include "store/persistence/journalformat.h"
#include "store/persistence/journalwriter.h"

#include <QDateTime>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QThread>
#include <QThreadPool>

#include <chrono>
#include <optional>
#include <vector>

namespace qpgw {

class Logger;
class MetricStore;

// --persistence.file: keeps the store on disk so that an acknowledged change survives a crash.
//
// Every change the store announces (groupChanged, groupRemoved, wiped: whatever changed it,
// HTTP or console) becomes a journal record holding the group's resulting state, numbered by
// a ticket. The JournalWriter (its own thread) writes and syncs records in batches and says
// which ticket is durable; the HTTP layer holds a change's answer until then. Every
// `interval` (if anything changed) and at stop() the whole store is written as a snapshot
// through QSaveFile on a worker thread, and the journals it covers are removed (the
// compaction protocol is described in journalwriter.h). start() restores snapshot + journals.
// Lives on the store's thread; no file I/O happens on it except in start() and stop().
class Persistence : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString path;
        std::chrono::milliseconds interval{std::chrono::minutes(5)};
        JournalWriter::SyncPolicy sync = JournalWriter::SyncPolicy::Always;
        // A snapshot or journal that cannot be read is moved aside (PATH.corrupt-<time>) and
        // the gateway starts empty, instead of refusing to start.
        bool moveAsideCorrupt = false;
    };

    Persistence(MetricStore &store, Logger &logger, Options options, QObject *parent = nullptr);
    ~Persistence() override;

    // Restores the store from the files, then journals every change. Returns why it cannot
    // (a damaged file without moveAsideCorrupt); the gateway then refuses to start.
    std::optional<QString> start();
    // Writes a final snapshot and stops the journal; blocks until both are on the disk.
    void stop();

    // The ticket of the last change handed to the journal (0: none). An answer to a change
    // waits until durable() has reached this ticket.
    quint64 lastTicket() const { return m_lastTicket; }
    quint64 durableTicket() const { return m_durableTicket; }
    // For tests and benchmarks: how many snapshots were committed, how many fsyncs were made.
    int snapshotsWritten() const { return m_snapshotsWritten; }
    JournalWriter *journal() const { return m_writer; }

    // When the store last reached the disk (a journal batch or a snapshot), and the last failure
    // to write it, with its reason. For a status display on another thread: safe to call from
    // any thread.
    struct SaveStatus
    {
        QDateTime lastSaved;   // UTC; null before the first write
        QDateTime lastFailure; // UTC; null if writing never failed
        QString failureReason;
    };
    SaveStatus saveStatus() const;

Q_SIGNALS:
    // Every ticket up to `upToTicket` not covered by failed() is on the disk.
    void durable(quint64 upToTicket);
    // The changes after the last durable ticket up to `upToTicket` could not be written.
    void failed(quint64 upToTicket, const QString &reason);
    void snapshotWritten(const QString &path, qint64 milliseconds);

private:
    void journal(const JournalEntry &entry);
    // Hands the changes journaled since the last call to the journal's thread, in order.
    void handOver();
    // Starts journal m_generation + 1 and writes the store as snapshot of that generation on
    // the worker; removes older journals once it is committed.
    void compact();
    std::optional<QString> restore();
    // Record in m_saveStatus that the store reached the disk, or failed to.
    void noteSaved();
    void noteFailure(const QString &reason);

    MetricStore &m_store;
    Logger &m_logger;
    const Options m_options;
    QThread m_writerThread;
    JournalWriter *m_writer = nullptr;
    QThreadPool m_snapshotPool; // one thread: snapshots never overlap
    quint64 m_generation = 0;   // of the journal being written (before start(): the last on disk)
    struct PendingEntry
    {
        JournalEntry entry;
        quint64 ticket;
    };
    std::vector<PendingEntry> m_pending; // journaled, not yet handed to the journal's thread
    quint64 m_lastTicket = 0;
    quint64 m_durableTicket = 0;
    bool m_changedSinceSnapshot = false;
    bool m_snapshotRunning = false;
    int m_snapshotsWritten = 0;
    int m_timer = 0;
    bool m_started = false;
    mutable QMutex m_saveStatusMutex;
    SaveStatus m_saveStatus; // guarded by m_saveStatusMutex

protected:
    void timerEvent(QTimerEvent *event) override;
};

} // namespace qpgw
