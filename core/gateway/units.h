#pragma once

#include <QString>
#include <QStringView>

#include <chrono>
#include <optional>

namespace qpgw {

// Durations as the reference's flags take them. Accepts what Go's time.ParseDuration accepts
// (kingpin's Duration(), which the reference's --persistence.interval uses: "300ms", "1.5h",
// "2h45m", "-5m", units ns us µs ms s m h) and, on top, Prometheus' model.Duration units d
// (24h), w (7d) and y (365d), so "1d" and "1w2d" work too. "0" needs no unit. The limit is
// Go's, about 292 years. The result keeps whole milliseconds: "1500us" is 1ms.
std::optional<std::chrono::milliseconds> parseDuration(QStringView text);

// Go's time.Duration.String(): "0s", "100ms", "1.5s", "5m0s", "1h0m0s", "24h0m0s", "-5m0s".
QString formatGoDuration(std::chrono::milliseconds duration);

// Byte sizes for --push.max-body-size: a whole number, optionally followed by a unit.
// IEC units are powers of 1024 (KiB, MiB, GiB, TiB, PiB, EiB), SI units powers of 1000
// (kB or KB, MB, GB, TB, PB, EB), B is one byte: "67108864", "64MiB", "500kB", "10MB".
// This is alecthomas/units.ParseStrictBytes, the strict reading of the suffixes. No sign,
// no fraction, no spaces; nullopt on anything else or on overflow.
std::optional<qint64> parseByteSize(QStringView text);

// The shortest exact form parseByteSize() reads back: the largest IEC unit that divides the
// size ("64MiB"), else plain bytes ("1000").
QString formatByteSize(qint64 bytes);

} // namespace qpgw
