#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace qpgw {

// The reference's --log.level values, in order of severity: a logger set to one level writes
// that level and the ones after it.
enum class LogLevel : quint8 { Debug, Info, Warn, Error };

// The reference's --log.format values.
enum class LogFormat : quint8 { Logfmt, Json };

// Flag spellings ("debug", "info", "warn", "error"; "logfmt", "json"), as --log.level and
// --log.format take them and /api/v1/status shows them. Parsing is exact, like promslog's.
QString logLevelName(LogLevel level);
QString logFormatName(LogFormat format);
std::optional<LogLevel> parseLogLevel(QStringView text);
std::optional<LogFormat> parseLogFormat(QStringView text);

} // namespace qpgw
