#include "persistence.h"

#include "gateway/logger.h"
#include "store/metricstore.h"
#include "store/persistence/recovery.h"
#include "store/persistence/snapshotwriter.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QPointer>
#include <QTimerEvent>

using namespace Qt::StringLiterals;

namespace qpgw {

Persistence::Persistence(MetricStore &store, Logger &logger, Options options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_logger(logger)
    , m_options(std::move(options))
{
    m_snapshotPool.setMaxThreadCount(1);
    m_writerThread.setObjectName(u"journal"_s);
}

Persistence::~Persistence()
{
    stop();
}

std::optional<QString> Persistence::restore()
{
    QElapsedTimer timer;
    timer.start();
    Expected<RecoveredState> recovered = recoverState(m_options.path);
    if (!recovered) {
        if (!m_options.moveAsideCorrupt) {
            return u"cannot restore from --persistence.file: %1 (the file is left as it is; start with "
                   "--persistence.move-aside-corrupt to move it aside and start empty)"_s.arg(recovered.error().message);
        }
        // Everything the recovery would read goes aside together: a journal without its
        // snapshot (or the reverse) is no consistent state.
        QStringList files;
        if (QFileInfo::exists(m_options.path))
            files.append(m_options.path);
        for (const quint64 generation : journalGenerations(m_options.path))
            files.append(journalFilePath(m_options.path, generation));
        for (const QString &file : std::as_const(files)) {
            const Expected<QString> moved = moveAside(file);
            if (!moved)
                return u"cannot move %1 aside: %2"_s.arg(file, moved.error().message);
            m_logger.warn(u"persistence file moved aside (the state it belongs to cannot be read); starting empty"_s,
                          {{u"file", file}, {u"moved_to", *moved}, {u"err", recovered.error().message}});
        }
        m_generation = 0;
        return std::nullopt;
    }
    for (const QString &warning : std::as_const(recovered->warnings))
        m_logger.warn(u"persistence"_s, {{u"file", m_options.path}, {u"warning", warning}});
    const qsizetype groups = recovered->groups.size();
    m_store.restore(std::move(recovered->groups));
    m_generation = recovered->lastGeneration;
    m_logger.info(u"metrics restored"_s, {{u"file", m_options.path},
                                          {u"groups", QString::number(groups)},
                                          {u"series", QString::number(m_store.seriesCount())},
                                          {u"journal_records", QString::number(recovered->replayedRecords)},
                                          {u"duration_ms", QString::number(timer.elapsed())}});
    return std::nullopt;
}

std::optional<QString> Persistence::start()
{
    if (const std::optional<QString> problem = restore())
        return problem;

    JournalWriter::Options journalOptions;
    journalOptions.snapshotPath = m_options.path;
    journalOptions.policy = m_options.sync;
    m_writer = new JournalWriter(journalOptions);
    m_writer->moveToThread(&m_writerThread);
    connect(&m_writerThread, &QThread::finished, m_writer, &QObject::deleteLater);
    connect(m_writer, &JournalWriter::durable, this, [this](quint64 ticket) {
        m_durableTicket = std::max(m_durableTicket, ticket);
        noteSaved();
        Q_EMIT durable(ticket);
    });
    connect(m_writer, &JournalWriter::failed, this, [this](const QString &reason, quint64 ticket) {
        m_logger.error(u"persistence journal failed; changes are not durable until the next snapshot"_s,
                       {{u"file", m_options.path}, {u"err", reason}});
        m_durableTicket = std::max(m_durableTicket, ticket);
        noteFailure(reason);
        Q_EMIT failed(ticket, reason);
        // A new journal and a snapshot make later changes durable again.
        m_changedSinceSnapshot = true;
        compact();
    });
    connect(m_writer, &JournalWriter::warning, this, [this](const QString &message) {
        m_logger.warn(u"persistence"_s, {{u"file", m_options.path}, {u"warning", message}});
    });
    m_writerThread.start();

    // The first compaction turns what was restored into one snapshot and a fresh journal, so
    // that this run never appends to a journal that may end in a torn record.
    m_changedSinceSnapshot = true;
    compact();

    connect(&m_store, &MetricStore::groupChanged, this, [this](const GroupingKey &key) {
        journal(JournalEntry{JournalEntry::PutGroup{m_store.group(key)}});
    });
    connect(&m_store, &MetricStore::groupRemoved, this, [this](const GroupingKey &key) {
        journal(JournalEntry{JournalEntry::RemoveGroup{key}});
    });
    connect(&m_store, &MetricStore::wiped, this, [this] { journal(JournalEntry{JournalEntry::Wipe{}}); });
    m_timer = startTimer(std::max<qint64>(1, m_options.interval.count()));
    m_started = true;
    return std::nullopt;
}

void Persistence::journal(const JournalEntry &entry)
{
    m_changedSinceSnapshot = true;
    m_pending.push_back(PendingEntry{entry, ++m_lastTicket});
    // The changes of one pass of the event loop (often many pushes from many connections) go
    // to the journal's thread together: one hand-over, not one thread wake-up per push.
    if (m_pending.size() == 1)
        QMetaObject::invokeMethod(this, &Persistence::handOver, Qt::QueuedConnection);
}

void Persistence::handOver()
{
    if (m_pending.empty() || !m_writer)
        return;
    // Encoded on the journal's thread: group snapshots are immutable, and the store's thread
    // goes back to serving requests at once.
    JournalWriter *writer = m_writer;
    QMetaObject::invokeMethod(writer, [writer, batch = std::exchange(m_pending, {})] {
        for (const PendingEntry &pending : batch)
            writer->append(encodeJournalRecord(pending.entry), pending.ticket);
    }, Qt::QueuedConnection);
}

void Persistence::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_timer && m_changedSinceSnapshot)
        compact();
}

void Persistence::compact()
{
    if (m_snapshotRunning)
        return; // the timer or a failure asks again
    m_snapshotRunning = true;
    m_changedSinceSnapshot = false;
    const quint64 generation = ++m_generation;
    handOver();
    // Queued behind every earlier append: earlier changes go to the old journal, later ones to
    // the new; the snapshot below is taken after that cut, so it covers the old journal.
    QMetaObject::invokeMethod(m_writer, "startNewJournal", Qt::QueuedConnection, Q_ARG(quint64, generation));
    const QList<GroupSnapshot> groups = m_store.groups();
    const QString path = m_options.path;
    QPointer<Persistence> self(this);
    m_snapshotPool.start([self, groups, path, generation] {
        QElapsedTimer timer;
        timer.start();
        const std::optional<Error> error = writeSnapshotFile(path, groups, generation);
        const qint64 ms = timer.elapsed();
        if (!self)
            return;
        QMetaObject::invokeMethod(self.data(), [self, error, generation, ms] {
            if (!self)
                return;
            self->m_snapshotRunning = false;
            if (error) {
                self->m_logger.error(u"writing the persistence file failed"_s,
                                     {{u"file", self->m_options.path}, {u"err", error->message}});
                self->m_changedSinceSnapshot = true;
                self->noteFailure(error->message);
                return;
            }
            ++self->m_snapshotsWritten;
            self->noteSaved();
            QMetaObject::invokeMethod(self->m_writer, "removeJournalsBefore", Qt::QueuedConnection,
                                      Q_ARG(quint64, generation));
            Q_EMIT self->snapshotWritten(self->m_options.path, ms);
        }, Qt::QueuedConnection);
    });
}

Persistence::SaveStatus Persistence::saveStatus() const
{
    const QMutexLocker lock(&m_saveStatusMutex);
    return m_saveStatus;
}

void Persistence::noteSaved()
{
    const QMutexLocker lock(&m_saveStatusMutex);
    m_saveStatus.lastSaved = QDateTime::currentDateTimeUtc();
}

void Persistence::noteFailure(const QString &reason)
{
    const QMutexLocker lock(&m_saveStatusMutex);
    m_saveStatus.lastFailure = QDateTime::currentDateTimeUtc();
    m_saveStatus.failureReason = reason;
}

void Persistence::stop()
{
    if (!m_started)
        return;
    m_started = false;
    killTimer(m_timer);
    disconnect(&m_store, nullptr, this, nullptr);
    handOver();
    m_snapshotPool.waitForDone();
    // Everything journaled goes to the disk first; then one last snapshot makes the journals
    // unnecessary. A crash in between still has snapshot + journals.
    QMetaObject::invokeMethod(m_writer, &JournalWriter::stop, Qt::BlockingQueuedConnection);
    QElapsedTimer timer;
    timer.start();
    const quint64 generation = ++m_generation;
    if (const std::optional<Error> error = writeSnapshotFile(m_options.path, m_store.groups(), generation)) {
        m_logger.error(u"writing the persistence file failed; the journals keep the data"_s,
                       {{u"file", m_options.path}, {u"err", error->message}});
    } else {
        ++m_snapshotsWritten;
        for (const quint64 old : journalGenerations(m_options.path)) {
            if (old < generation)
                QFile::remove(journalFilePath(m_options.path, old));
        }
        m_logger.info(u"metrics persisted"_s, {{u"file", m_options.path}, {u"duration_ms", QString::number(timer.elapsed())}});
    }
    m_writerThread.quit();
    m_writerThread.wait();
    m_writer = nullptr;
}

} // namespace qpgw
