#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <optional>

// Pure parsers of the Linux /proc texts behind the process_* metrics, apart from the file
// reading so that tests feed them fixed text. They read the fields prometheus/procfs reads
// (the library behind client_golang's process collector) with the same meaning; a text
// without the expected shape gives nullopt, and the caller leaves those metrics out, as
// client_golang does when procfs fails.
namespace qpgw::http::procfs {

// The fields of /proc/<pid>/stat that process_* need, in the kernel's units.
struct Stat
{
    quint64 userTicks = 0;    // utime, field 14
    quint64 systemTicks = 0;  // stime, field 15
    quint64 startTicks = 0;   // starttime, field 22: clock ticks after boot
    quint64 virtualBytes = 0; // vsize, field 23
    qint64 residentPages = 0; // rss, field 24
};
// The command name (field 2) is in parentheses and may itself contain spaces and
// parentheses, so the fields are counted from the last ')'.
std::optional<Stat> parseStat(QByteArrayView text);

// The `btime` line of /proc/stat: the boot time in seconds since the Unix epoch.
std::optional<qint64> parseBootTime(QByteArrayView text);

// Soft limits from /proc/<pid>/limits. "unlimited" reads as the largest quint64, as procfs
// reads it (RLIM_INFINITY), so the metric shows 1.8446744073709552e+19, as the reference's.
struct Limits
{
    quint64 openFiles = 0;    // "Max open files"
    quint64 addressSpace = 0; // "Max address space"
};
// Both lines are needed.
std::optional<Limits> parseLimits(QByteArrayView text);

// Bytes in and out of /proc/<pid>/net/netstat, the `IpExt` InOctets and OutOctets columns.
// They count the whole network namespace of the process, not the process alone; that is what
// client_golang reports as process_network_{receive,transmit}_bytes_total. A column the
// kernel does not have counts 0, as there.
struct NetworkOctets
{
    double received = 0;
    double transmitted = 0;
};
// Lines come in pairs, names then values, of the same length; a pair that disagrees fails.
std::optional<NetworkOctets> parseNetstat(QByteArrayView text);

} // namespace qpgw::http::procfs
