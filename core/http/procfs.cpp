#include "procfs.h"

#include <charconv>
#include <limits>

namespace qpgw::http::procfs {
namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The next whitespace-separated field of `rest`, which is advanced past it; empty at the end.
QByteArrayView nextField(QByteArrayView &rest)
{
    qsizetype begin = 0;
    while (begin < rest.size() && isSpace(rest[begin]))
        ++begin;
    qsizetype end = begin;
    while (end < rest.size() && !isSpace(rest[end]))
        ++end;
    const QByteArrayView field = rest.sliced(begin, end - begin);
    rest = rest.sliced(end);
    return field;
}

// The next line of `rest` without its newline; `rest` is advanced past it.
QByteArrayView nextLine(QByteArrayView &rest)
{
    const qsizetype newline = rest.indexOf('\n');
    const QByteArrayView line = newline < 0 ? rest : rest.first(newline);
    rest = newline < 0 ? QByteArrayView() : rest.sliced(newline + 1);
    return line;
}

// Whole-field number parsing, independent of the locale.
template<typename T>
std::optional<T> toNumber(QByteArrayView field)
{
    T value{};
    const char *const end = field.data() + field.size();
    const auto [ptr, error] = std::from_chars(field.data(), end, value);
    if (field.isEmpty() || error != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

// A limit's soft value: the field after the limit's name on a line of /proc/<pid>/limits.
std::optional<quint64> softLimit(QByteArrayView afterName)
{
    if (afterName.isEmpty() || !isSpace(afterName.front()))
        return std::nullopt; // a longer name that merely starts the same way
    const QByteArrayView field = nextField(afterName);
    if (field == "unlimited")
        return std::numeric_limits<quint64>::max();
    return toNumber<quint64>(field);
}

} // namespace

std::optional<Stat> parseStat(QByteArrayView text)
{
    const qsizetype open = text.indexOf('(');
    const qsizetype close = text.lastIndexOf(')');
    if (open < 0 || close < open)
        return std::nullopt;

    // Fields from 3 (state) on; field n is at index n - 3.
    enum { UserTime = 11, SystemTime = 12, StartTime = 19, VirtualSize = 20, Rss = 21 };
    QByteArrayView fields[Rss + 1];
    QByteArrayView rest = text.sliced(close + 1);
    for (QByteArrayView &field : fields) {
        field = nextField(rest);
        if (field.isEmpty())
            return std::nullopt;
    }

    const auto user = toNumber<quint64>(fields[UserTime]);
    const auto system = toNumber<quint64>(fields[SystemTime]);
    const auto start = toNumber<quint64>(fields[StartTime]);
    const auto virtualBytes = toNumber<quint64>(fields[VirtualSize]);
    const auto residentPages = toNumber<qint64>(fields[Rss]);
    if (!user || !system || !start || !virtualBytes || !residentPages)
        return std::nullopt;
    return Stat{*user, *system, *start, *virtualBytes, *residentPages};
}

std::optional<qint64> parseBootTime(QByteArrayView text)
{
    while (!text.isEmpty()) {
        QByteArrayView line = nextLine(text);
        if (nextField(line) == "btime")
            return toNumber<qint64>(nextField(line));
    }
    return std::nullopt;
}

std::optional<Limits> parseLimits(QByteArrayView text)
{
    static constexpr QByteArrayView OpenFiles = "Max open files";
    static constexpr QByteArrayView AddressSpace = "Max address space";
    std::optional<quint64> openFiles;
    std::optional<quint64> addressSpace;
    while (!text.isEmpty()) {
        const QByteArrayView line = nextLine(text);
        if (line.startsWith(OpenFiles))
            openFiles = softLimit(line.sliced(OpenFiles.size()));
        else if (line.startsWith(AddressSpace))
            addressSpace = softLimit(line.sliced(AddressSpace.size()));
    }
    if (!openFiles || !addressSpace)
        return std::nullopt;
    return Limits{*openFiles, *addressSpace};
}

std::optional<NetworkOctets> parseNetstat(QByteArrayView text)
{
    NetworkOctets octets;
    while (!text.isEmpty()) {
        QByteArrayView names = nextLine(text);
        if (names.trimmed().isEmpty())
            continue;
        QByteArrayView values = nextLine(text);
        const QByteArrayView protocol = nextField(names);
        if (nextField(values) != protocol)
            return std::nullopt;
        const bool ipExt = protocol == "IpExt:";
        for (;;) {
            const QByteArrayView name = nextField(names);
            const QByteArrayView field = nextField(values);
            if (name.isEmpty() != field.isEmpty())
                return std::nullopt; // as many names as values, or the file is not understood
            if (name.isEmpty())
                break;
            const auto value = toNumber<double>(field);
            if (!value)
                return std::nullopt;
            if (ipExt && name == "InOctets")
                octets.received = *value;
            else if (ipExt && name == "OutOctets")
                octets.transmitted = *value;
        }
    }
    return octets;
}

} // namespace qpgw::http::procfs
