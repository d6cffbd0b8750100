#include "logline.h"

#include "format/utf8text.h"

#include <QChar>

#include <cstdio>

namespace qpgw {
namespace {

QByteArrayView slogLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warn: return "WARN";
    case LogLevel::Error: return "ERROR";
    }
    return "INFO";
}

// Go's "2006-01-02T15:04:05" in the time's own zone, then the milliseconds (three digits, or
// with trailing zeros dropped as RFC3339Nano does), then the zone as Go's "Z07:00": "Z" for a
// zero offset, else "+hh:mm". Written by hand: no locale may touch a log line.
void appendTime(QByteArray &out, const QDateTime &time, bool trimFraction)
{
    const QDate date = time.date();
    const QTime clock = time.time();
    char buffer[64];
    int length = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", date.year(), date.month(),
                               date.day(), clock.hour(), clock.minute(), clock.second());
    out.append(buffer, length);

    const int milliseconds = clock.msec();
    if (!trimFraction) {
        length = std::snprintf(buffer, sizeof buffer, ".%03d", milliseconds);
        out.append(buffer, length);
    } else if (milliseconds != 0) {
        length = std::snprintf(buffer, sizeof buffer, ".%03d", milliseconds);
        while (buffer[length - 1] == '0')
            --length;
        out.append(buffer, length);
    }

    const int offset = time.offsetFromUtc();
    if (offset == 0) {
        out += 'Z';
        return;
    }
    const int magnitude = offset < 0 ? -offset : offset;
    length = std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", offset < 0 ? '-' : '+', magnitude / 3600,
                           magnitude / 60 % 60);
    out.append(buffer, length);
}

// slog's needsQuoting() for the text handler.
bool needsQuoting(QByteArrayView utf8)
{
    if (utf8.isEmpty())
        return true;
    for (qsizetype pos = 0; pos < utf8.size();) {
        const auto byte = static_cast<uchar>(utf8[pos]);
        if (byte < 0x80) {
            // Printable ASCII and DEL are safe, '"' is not; '\' is, though Quote escapes it.
            if (byte == ' ' || byte == '=' || byte == '"' || byte < 0x20)
                return true;
            ++pos;
            continue;
        }
        const Utf8Rune rune = decodeUtf8Rune(utf8, pos);
        if (!rune.valid || rune.codePoint == 0xFFFD || !isGoPrintable(rune.codePoint))
            return true;
        pos += rune.length;
    }
    return false;
}

void appendTextValue(QByteArray &out, QStringView value)
{
    const QByteArray utf8 = value.toUtf8();
    if (needsQuoting(utf8))
        appendGoQuoted(out, utf8);
    else
        out += utf8;
}

// slog's appendEscapedJSONString, between quotes.
void appendJsonString(QByteArray &out, QStringView value)
{
    static constexpr char hexDigits[] = "0123456789abcdef";
    const QByteArray utf8 = value.toUtf8();
    out += '"';
    for (qsizetype pos = 0; pos < utf8.size();) {
        const auto byte = static_cast<uchar>(utf8[pos]);
        if (byte < 0x80) {
            switch (byte) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (byte < 0x20) {
                    out += "\\u00";
                    out += hexDigits[byte >> 4];
                    out += hexDigits[byte & 0xF];
                } else {
                    out += char(byte);
                }
            }
            ++pos;
            continue;
        }
        const Utf8Rune rune = decodeUtf8Rune(utf8, pos);
        if (!rune.valid) {
            out += "\\ufffd";
        } else if (rune.codePoint == 0x2028 || rune.codePoint == 0x2029) {
            out += "\\u202";
            out += hexDigits[rune.codePoint & 0xF];
        } else {
            out += utf8.sliced(pos, rune.length);
        }
        pos += rune.length;
    }
    out += '"';
}

QByteArray logfmtLine(const QDateTime &time, LogLevel level, QStringView message, LogFields fields)
{
    QByteArray line;
    line.reserve(96 + message.size());
    line += "time=";
    appendTime(line, time, false);
    line += " level=";
    line += slogLevelName(level);
    line += " msg=";
    appendTextValue(line, message);
    for (const auto &[key, value] : fields) {
        line += ' ';
        appendTextValue(line, key);
        line += '=';
        appendTextValue(line, value);
    }
    line += '\n';
    return line;
}

QByteArray jsonLine(const QDateTime &time, LogLevel level, QStringView message, LogFields fields)
{
    QByteArray line;
    line.reserve(96 + message.size());
    line += "{\"time\":\"";
    appendTime(line, time, true);
    line += "\",\"level\":\"";
    line += slogLevelName(level);
    line += "\",\"msg\":";
    appendJsonString(line, message);
    for (const auto &[key, value] : fields) {
        line += ',';
        appendJsonString(line, key);
        line += ':';
        appendJsonString(line, value);
    }
    line += "}\n";
    return line;
}

} // namespace

QByteArray formatLogLine(LogFormat format, const QDateTime &time, LogLevel level, QStringView message,
                         LogFields fields)
{
    return format == LogFormat::Json ? jsonLine(time, level, message, fields)
                                     : logfmtLine(time, level, message, fields);
}

} // namespace qpgw
