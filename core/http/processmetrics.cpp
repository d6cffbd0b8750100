#include "processmetrics.h"

#include "procfs.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace qpgw::http {
namespace {

constexpr long ProcSuperMagic = 0x9fa0; // PROC_SUPER_MAGIC of <linux/magic.h>
constexpr qsizetype InitialBufferSize = 8192; // /proc/self/net/netstat is the largest, ~4 KiB

bool isProcfs(const QByteArray &path)
{
    struct statfs info = {};
    return ::statfs(path.constData(), &info) == 0 && static_cast<long>(info.f_type) == ProcSuperMagic;
}

double sysconfOr(int name, double fallback)
{
    const long value = ::sysconf(name);
    return value > 0 ? static_cast<double>(value) : fallback;
}

} // namespace

ProcessMetrics::ProcessMetrics()
    : ProcessMetrics(QStringLiteral("/proc"))
{
}

ProcessMetrics::ProcessMetrics(const QString &procRoot)
    : m_statPath(QFile::encodeName(procRoot + QStringLiteral("/self/stat")))
    , m_limitsPath(QFile::encodeName(procRoot + QStringLiteral("/self/limits")))
    , m_netstatPath(QFile::encodeName(procRoot + QStringLiteral("/self/net/netstat")))
    , m_fdDirPath(QFile::encodeName(procRoot + QStringLiteral("/self/fd")))
    , m_systemStatPath(QFile::encodeName(procRoot + QStringLiteral("/stat")))
    , m_realProcfs(isProcfs(QFile::encodeName(procRoot)))
    , m_clockTicksPerSecond(sysconfOr(_SC_CLK_TCK, 100))
    , m_pageSize(sysconfOr(_SC_PAGESIZE, 4096))
{
    m_buffer.reserve(InitialBufferSize);
}

ProcessMetrics::Sample ProcessMetrics::sample()
{
    Sample sample;

    if (readFile(m_statPath)) {
        if (const auto stat = procfs::parseStat(m_buffer)) {
            sample.cpuSecondsTotal = static_cast<double>(stat->userTicks + stat->systemTicks) / m_clockTicksPerSecond;
            sample.virtualMemoryBytes = static_cast<double>(stat->virtualBytes);
            sample.residentMemoryBytes = static_cast<double>(stat->residentPages) * m_pageSize;
            if (!m_bootTime && readFile(m_systemStatPath)) {
                if (const auto bootTime = procfs::parseBootTime(m_buffer))
                    m_bootTime = static_cast<double>(*bootTime);
            }
            if (m_bootTime)
                sample.startTimeSeconds = *m_bootTime + static_cast<double>(stat->startTicks) / m_clockTicksPerSecond;
        }
    }

    sample.openFds = openFileDescriptors();

    if (readFile(m_limitsPath)) {
        if (const auto limits = procfs::parseLimits(m_buffer)) {
            sample.maxFds = static_cast<double>(limits->openFiles);
            sample.virtualMemoryMaxBytes = static_cast<double>(limits->addressSpace);
        }
    }

    if (readFile(m_netstatPath)) {
        if (const auto octets = procfs::parseNetstat(m_buffer)) {
            sample.networkReceiveBytesTotal = octets->received;
            sample.networkTransmitBytesTotal = octets->transmitted;
        }
    }

    return sample;
}

ProcessMetrics::Sample readProcessMetrics()
{
    return ProcessMetrics().sample();
}

// /proc files report a size of 0, so they are read until end of file, into a buffer that
// keeps its capacity from one scrape to the next.
bool ProcessMetrics::readFile(const QByteArray &path)
{
    m_buffer.resize(0); // keeps the capacity, unlike clear()
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    qsizetype size = 0;
    bool ok = true;
    for (;;) {
        if (m_buffer.size() - size < 1024)
            m_buffer.resize(std::max<qsizetype>(m_buffer.size() * 2, InitialBufferSize));
        const ssize_t count = ::read(fd, m_buffer.data() + size, size_t(m_buffer.size() - size));
        if (count > 0) {
            size += count;
        } else if (count == 0) {
            break;
        } else if (errno != EINTR) {
            ok = false;
            break;
        }
    }
    ::close(fd);
    m_buffer.truncate(ok ? size : 0);
    return ok;
}

// As procfs counts them: the size of /proc/self/fd where the kernel reports the count there,
// otherwise the directory's entries, the descriptor that lists them included.
std::optional<double> ProcessMetrics::openFileDescriptors() const
{
    if (m_realProcfs) {
        struct stat info = {};
        if (::stat(m_fdDirPath.constData(), &info) == 0 && info.st_size > 0)
            return static_cast<double>(info.st_size);
    }
    DIR *const dir = ::opendir(m_fdDirPath.constData());
    if (!dir)
        return std::nullopt;
    qint64 count = 0;
    while (const dirent *entry = ::readdir(dir)) {
        const QByteArrayView name(entry->d_name);
        if (name != "." && name != "..")
            ++count;
    }
    ::closedir(dir);
    return static_cast<double>(count);
}

} // namespace qpgw::http
