#pragma once

#include "gateway/loglevel.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringView>

#include <initializer_list>
#include <utility>

namespace qpgw {

// Key-value pairs after the message, written in the order given.
using LogFields = std::initializer_list<std::pair<QStringView, QString>>;

// One log record, newline-terminated, as Go's log/slog handlers write it (the reference logs
// through promslog, which uses them), without the `source` attribute (a C++ file and line
// would mean nothing to a reader of the reference's logs):
//   logfmt: time=2026-11-22T13:45:12.345Z level=INFO msg="pushed metrics are invalid" key=value
//           Time in the time's own zone with exactly three decimals ("Z" for UTC, else
//           "+01:00"). A key or value is quoted, with Go's strconv.Quote escapes, when it is
//           empty or holds a space, '=', '"', a control character or a rune that is not
//           printable (unicode.IsPrint); a lone backslash does not force quoting.
//   json:   {"time":"2026-11-22T13:45:12.345Z","level":"INFO","msg":"...","key":"value"}
//           Time as Go's RFC3339Nano (trailing zeros of the fraction dropped); strings escaped
//           as slog does: \" \\ \n \r \t, other control characters as \u00XX, U+2028 and
//           U+2029 as \u2028 \u2029, everything else (<, >, & and DEL included) as it is.
// Levels are DEBUG, INFO, WARN, ERROR in both.
QByteArray formatLogLine(LogFormat format, const QDateTime &time, LogLevel level, QStringView message,
                         LogFields fields = {});

} // namespace qpgw
