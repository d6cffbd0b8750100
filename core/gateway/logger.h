#pragma once

#include "gateway/logline.h"
#include "gateway/loglevel.h"

#include <QByteArray>
#include <QDateTime>
#include <QMutex>

#include <atomic>
#include <cstdio>
#include <functional>

namespace qpgw {

// The gateway's log: one line per call, in the reference's format (see logline.h), written
// whole under a mutex so that lines from different threads never interleave. Not a singleton:
// the Gateway owns one and hands it by reference to whoever logs.
//
//   logger.info(u"pushed metrics are invalid", {{u"err", reason}, {u"source", peer}});
//
// A call below the level returns after one atomic load; guard arguments that are costly to
// build with isEnabled().
class Logger
{
public:
    // Receives each formatted line, newline included. Called with the logger's mutex held.
    using Sink = std::function<void(const QByteArray &line)>;
    using Clock = std::function<QDateTime()>;

    // Writes to `out` (stderr by default, like the reference), flushed after every line.
    explicit Logger(LogLevel level, LogFormat format, std::FILE *out = stderr);
    // Writes wherever `sink` says: a QIODevice, a list in a test, the desktop console's view.
    Logger(LogLevel level, LogFormat format, Sink sink);
    Q_DISABLE_COPY_MOVE(Logger)

    LogLevel level() const { return m_level.load(std::memory_order_relaxed); }
    void setLevel(LogLevel level) { m_level.store(level, std::memory_order_relaxed); }
    LogFormat format() const { return m_format; }
    bool isEnabled(LogLevel level) const { return level >= this->level(); }

    // Where time stamps come from; local time by default, as Go's. Set it before the logger is
    // shared between threads (tests pin the time with it).
    void setClock(Clock clock);

    void log(LogLevel level, QStringView message, LogFields fields = {})
    {
        if (isEnabled(level))
            write(level, message, fields);
    }
    void debug(QStringView message, LogFields fields = {}) { log(LogLevel::Debug, message, fields); }
    void info(QStringView message, LogFields fields = {}) { log(LogLevel::Info, message, fields); }
    void warn(QStringView message, LogFields fields = {}) { log(LogLevel::Warn, message, fields); }
    void error(QStringView message, LogFields fields = {}) { log(LogLevel::Error, message, fields); }

private:
    void write(LogLevel level, QStringView message, LogFields fields);

    std::atomic<LogLevel> m_level;
    const LogFormat m_format;
    Sink m_sink;
    Clock m_clock;
    QMutex m_mutex;
};

} // namespace qpgw
