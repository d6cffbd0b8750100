#include "loglevel.h"

using namespace Qt::StringLiterals;

namespace qpgw {

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return u"debug"_s;
    case LogLevel::Info:
        return u"info"_s;
    case LogLevel::Warn:
        return u"warn"_s;
    case LogLevel::Error:
        return u"error"_s;
    }
    return {};
}

QString logFormatName(LogFormat format)
{
    switch (format) {
    case LogFormat::Logfmt:
        return u"logfmt"_s;
    case LogFormat::Json:
        return u"json"_s;
    }
    return {};
}

std::optional<LogLevel> parseLogLevel(QStringView text)
{
    for (const LogLevel level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error}) {
        if (text == logLevelName(level))
            return level;
    }
    return std::nullopt;
}

std::optional<LogFormat> parseLogFormat(QStringView text)
{
    for (const LogFormat format : {LogFormat::Logfmt, LogFormat::Json}) {
        if (text == logFormatName(format))
            return format;
    }
    return std::nullopt;
}

} // namespace qpgw
