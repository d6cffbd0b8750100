#include "logger.h"

#include <QMutexLocker>

namespace qpgw {

Logger::Logger(LogLevel level, LogFormat format, std::FILE *out)
    : Logger(level, format, [out](const QByteArray &line) {
          std::fwrite(line.constData(), 1, size_t(line.size()), out);
          std::fflush(out);
      })
{
}

Logger::Logger(LogLevel level, LogFormat format, Sink sink)
    : m_level(level), m_format(format), m_sink(std::move(sink)), m_clock([] { return QDateTime::currentDateTime(); })
{
}

void Logger::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

void Logger::write(LogLevel level, QStringView message, LogFields fields)
{
    // Formatted outside the lock: only the write itself is serialised.
    const QByteArray line = formatLogLine(m_format, m_clock(), level, message, fields);
    const QMutexLocker locker(&m_mutex);
    m_sink(line);
}

} // namespace qpgw
