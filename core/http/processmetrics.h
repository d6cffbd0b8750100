#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace qpgw::http {

// The gateway's process_* metrics, read from Linux /proc with the semantics of the process
// collector the reference registers (client_golang over prometheus/procfs):
// - process_cpu_seconds_total: (utime + stime) of /proc/self/stat / clock ticks per second;
// - process_resident_memory_bytes: rss pages × page size; process_virtual_memory_bytes: vsize;
// - process_start_time_seconds: btime of /proc/stat + starttime / clock ticks per second;
// - process_open_fds: entries of /proc/self/fd; process_max_fds and
//   process_virtual_memory_max_bytes: soft limits of /proc/self/limits ("unlimited" is
//   2^64 - 1, so 1.8446744073709552e+19 as there, not -1);
// - process_network_{receive,transmit}_bytes_total: IpExt InOctets / OutOctets of
//   /proc/self/net/netstat (the network namespace's counters, as there).
// Clock ticks come from sysconf(_SC_CLK_TCK); procfs hard-codes 100, which is what Linux
// always reports (USER_HZ). A value that cannot be read is absent from the sample, and its
// family from the exposition, as client_golang leaves out what it cannot read.
//
// Runs on every scrape, so it is cheap: three small reads and one stat(), into one reused
// buffer; what cannot change (page size, clock ticks, boot time) is read once.
class ProcessMetrics
{
public:
    struct Sample
    {
        std::optional<double> cpuSecondsTotal;
        std::optional<double> openFds;
        std::optional<double> maxFds;
        std::optional<double> virtualMemoryBytes;
        std::optional<double> virtualMemoryMaxBytes;
        std::optional<double> residentMemoryBytes;
        std::optional<double> startTimeSeconds;
        std::optional<double> networkReceiveBytesTotal;
        std::optional<double> networkTransmitBytesTotal;

        friend bool operator==(const Sample &, const Sample &) = default;
    };

    // Reads the running process through /proc.
    ProcessMetrics();
    // Reads `procRoot` instead of /proc: tests point it at a directory of fixed files laid out
    // as procfs is (self/stat, self/limits, self/net/netstat, self/fd/, stat).
    explicit ProcessMetrics(const QString &procRoot);

    // Not const: it fills the read-once values and reuses its read buffer.
    Sample sample();

private:
    bool readFile(const QByteArray &path);
    std::optional<double> openFileDescriptors() const;

    QByteArray m_statPath;
    QByteArray m_limitsPath;
    QByteArray m_netstatPath;
    QByteArray m_fdDirPath;
    QByteArray m_systemStatPath;
    // Only on a real procfs does the size of the fd directory count its entries (Linux 6.2+);
    // on a plain directory it is a block size.
    bool m_realProcfs = false;
    double m_clockTicksPerSecond = 100;
    double m_pageSize = 4096;
    std::optional<double> m_bootTime; // read once: the process's start time does not move
    QByteArray m_buffer;
};

// One reading of this process, for a caller that keeps no ProcessMetrics. It reads the page
// size, clock ticks and boot time again each time (as client_golang does on every scrape); a
// ProcessMetrics kept across scrapes reads them once.
ProcessMetrics::Sample readProcessMetrics();

} // namespace qpgw::http
