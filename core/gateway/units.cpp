#include "units.h"

#include <algorithm>
#include <array>
#include <limits>

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

constexpr quint64 Nanosecond = 1;
constexpr quint64 Microsecond = 1000 * Nanosecond;
constexpr quint64 Millisecond = 1000 * Microsecond;
constexpr quint64 Second = 1000 * Millisecond;
constexpr quint64 Minute = 60 * Second;
constexpr quint64 Hour = 60 * Minute;
constexpr quint64 Day = 24 * Hour;
constexpr quint64 Week = 7 * Day;
constexpr quint64 Year = 365 * Day;

// Go measures durations in int64 nanoseconds; a magnitude of 2^63 is only valid when negative.
constexpr quint64 MaxMagnitude = quint64(1) << 63;

std::optional<quint64> unitInNanoseconds(QStringView unit)
{
    struct Unit
    {
        QStringView name;
        quint64 nanoseconds;
    };
    static constexpr std::array<Unit, 11> units{{
        {u"ns", Nanosecond},
        {u"us", Microsecond},
        {u"\u00B5s", Microsecond}, // micro sign
        {u"\u03BCs", Microsecond}, // Greek small letter mu
        {u"ms", Millisecond},
        {u"s", Second},
        {u"m", Minute},
        {u"h", Hour},
        {u"d", Day},
        {u"w", Week},
        {u"y", Year},
    }};
    for (const Unit &candidate : units) {
        if (candidate.name == unit)
            return candidate.nanoseconds;
    }
    return std::nullopt;
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Go's leadingInt: the digits at the front of `text`, nullopt on overflow past 2^63.
std::optional<quint64> takeInteger(QStringView &text)
{
    quint64 value = 0;
    qsizetype i = 0;
    for (; i < text.size() && isDigit(text[i]); ++i) {
        if (value > MaxMagnitude / 10)
            return std::nullopt;
        value = value * 10 + quint64(text[i].unicode() - u'0');
        if (value > MaxMagnitude)
            return std::nullopt;
    }
    text = text.sliced(i);
    return value;
}

// Go's leadingFraction: the digits after a '.', as value / scale; digits past what 63 bits
// hold are read and dropped, as Go does.
struct Fraction
{
    quint64 value = 0;
    double scale = 1;
};

Fraction takeFraction(QStringView &text)
{
    Fraction fraction;
    bool overflow = false;
    qsizetype i = 0;
    for (; i < text.size() && isDigit(text[i]); ++i) {
        if (overflow)
            continue;
        if (fraction.value > (MaxMagnitude - 1) / 10) {
            overflow = true;
            continue;
        }
        const quint64 next = fraction.value * 10 + quint64(text[i].unicode() - u'0');
        if (next > MaxMagnitude) {
            overflow = true;
            continue;
        }
        fraction.value = next;
        fraction.scale *= 10;
    }
    text = text.sliced(i);
    return fraction;
}

// Go's time.ParseDuration with the d, w and y units added, in nanoseconds.
std::optional<qint64> parseNanoseconds(QStringView text)
{
    bool negative = false;
    if (!text.isEmpty() && (text.front() == u'-' || text.front() == u'+')) {
        negative = text.front() == u'-';
        text = text.sliced(1);
    }
    if (text == u"0")
        return 0;
    if (text.isEmpty())
        return std::nullopt;

    quint64 total = 0;
    while (!text.isEmpty()) {
        if (!(text.front() == u'.' || isDigit(text.front())))
            return std::nullopt;
        const qsizetype before = text.size();
        const std::optional<quint64> whole = takeInteger(text);
        if (!whole)
            return std::nullopt;
        const bool hasWholeDigits = text.size() != before;
        Fraction fraction;
        bool hasFractionDigits = false;
        if (!text.isEmpty() && text.front() == u'.') {
            text = text.sliced(1);
            const qsizetype afterDot = text.size();
            fraction = takeFraction(text);
            hasFractionDigits = text.size() != afterDot;
        }
        if (!hasWholeDigits && !hasFractionDigits)
            return std::nullopt;

        qsizetype unitLength = 0;
        while (unitLength < text.size() && text[unitLength] != u'.' && !isDigit(text[unitLength]))
            ++unitLength;
        const std::optional<quint64> unit = unitInNanoseconds(text.first(unitLength));
        if (!unit)
            return std::nullopt;
        text = text.sliced(unitLength);

        if (*whole > MaxMagnitude / *unit)
            return std::nullopt;
        quint64 value = *whole * *unit;
        if (fraction.value > 0) {
            // As Go: a double is exact enough for fractions of the largest unit.
            value += static_cast<quint64>(static_cast<double>(fraction.value)
                                          * (static_cast<double>(*unit) / fraction.scale));
            if (value > MaxMagnitude)
                return std::nullopt;
        }
        total += value;
        if (total > MaxMagnitude)
            return std::nullopt;
    }
    if (negative)
        return total == MaxMagnitude ? std::numeric_limits<qint64>::min() : -static_cast<qint64>(total);
    if (total > MaxMagnitude - 1)
        return std::nullopt;
    return static_cast<qint64>(total);
}

} // namespace

std::optional<std::chrono::milliseconds> parseDuration(QStringView text)
{
    const std::optional<qint64> nanoseconds = parseNanoseconds(text);
    if (!nanoseconds)
        return std::nullopt;
    // Truncates toward zero, as Go's Duration.Milliseconds().
    return std::chrono::milliseconds(*nanoseconds / qint64(Millisecond));
}

QString formatGoDuration(std::chrono::milliseconds duration)
{
    const qint64 count = duration.count();
    if (count == 0)
        return u"0s"_s;
    // The magnitude as unsigned, so that the most negative count does not overflow.
    quint64 magnitude = count < 0 ? quint64(0) - quint64(count) : quint64(count);
    QString text = count < 0 ? u"-"_s : QString();
    if (magnitude < 1000)
        return text + QString::number(magnitude) + u"ms";

    const quint64 milliseconds = magnitude % 1000;
    quint64 seconds = magnitude / 1000;
    const quint64 hours = seconds / 3600;
    const quint64 minutes = seconds / 60 % 60;
    seconds %= 60;
    if (hours > 0)
        text += QString::number(hours) + u'h';
    if (hours > 0 || minutes > 0)
        text += QString::number(minutes) + u'm';
    text += QString::number(seconds);
    if (milliseconds != 0) {
        QString fraction = QString::number(milliseconds).rightJustified(3, u'0');
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        text += u'.' + fraction;
    }
    return text + u's';
}

namespace {

struct SizeUnit
{
    QStringView name;
    quint64 bytes;
};

constexpr quint64 KiB = 1024;
constexpr quint64 KB = 1000;

constexpr std::array<SizeUnit, 14> sizeUnits{{
    {u"EiB", KiB * KiB * KiB * KiB * KiB * KiB},
    {u"PiB", KiB * KiB * KiB * KiB * KiB},
    {u"TiB", KiB * KiB * KiB * KiB},
    {u"GiB", KiB * KiB * KiB},
    {u"MiB", KiB * KiB},
    {u"KiB", KiB},
    {u"EB", KB * KB * KB * KB * KB * KB},
    {u"PB", KB * KB * KB * KB * KB},
    {u"TB", KB * KB * KB * KB},
    {u"GB", KB * KB * KB},
    {u"MB", KB * KB},
    {u"kB", KB},
    {u"KB", KB},
    {u"B", 1},
}};

} // namespace

std::optional<qint64> parseByteSize(QStringView text)
{
    qsizetype digits = 0;
    while (digits < text.size() && isDigit(text[digits]))
        ++digits;
    if (digits == 0)
        return std::nullopt;
    const QStringView suffix = text.sliced(digits);
    quint64 multiplier = 1;
    if (!suffix.isEmpty()) {
        const auto unit = std::find_if(sizeUnits.begin(), sizeUnits.end(),
                                       [&](const SizeUnit &candidate) { return candidate.name == suffix; });
        if (unit == sizeUnits.end())
            return std::nullopt;
        multiplier = unit->bytes;
    }
    constexpr auto max = quint64(std::numeric_limits<qint64>::max());
    quint64 value = 0;
    for (const QChar c : text.first(digits)) {
        const quint64 digit = c.unicode() - u'0';
        if (value > (max - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    if (value != 0 && multiplier > max / value)
        return std::nullopt;
    return static_cast<qint64>(value * multiplier);
}

QString formatByteSize(qint64 bytes)
{
    if (bytes > 0) {
        for (const SizeUnit &unit : sizeUnits) {
            if (!unit.name.endsWith(u"iB"))
                continue;
            const auto size = quint64(bytes);
            if (size % unit.bytes == 0)
                return QString::number(size / unit.bytes) + unit.name;
        }
    }
    return QString::number(bytes);
}

} // namespace qpgw
