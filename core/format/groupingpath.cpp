#include "groupingpath.h"

#include "nameescaping.h"
#include "utf8text.h"

#include <algorithm>
#include <optional>

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

constexpr QByteArrayView plainJobPrefix = "/job/";
constexpr QByteArrayView base64JobPrefix = "/job@base64/";
constexpr QByteArrayView base64Suffix = "@base64";
constexpr QByteArrayView jobLabel = "job";

// --- Percent decoding ----------------------------------------------------------------------

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The reference only ever sees the path Go's URL parser decoded, which refuses a '%' not
// followed by two hex digits; QByteArray::fromPercentEncoding would let it through, so the
// escapes are checked first. '+' stays '+' in a path.
Expected<QByteArray> percentDecoded(QByteArrayView encoded)
{
    for (qsizetype i = encoded.indexOf('%'); i >= 0; i = encoded.indexOf('%', i + 1)) {
        if (i + 2 >= encoded.size() || !isHexDigit(encoded[i + 1]) || !isHexDigit(encoded[i + 2])) {
            const QByteArrayView bad = encoded.sliced(i, std::min<qsizetype>(3, encoded.size() - i));
            return Error::badRequest(u"invalid URL escape "_s + goQuoted(bad));
        }
    }
    return QByteArray::fromPercentEncoding(encoded.toByteArray());
}

// --- Base64 --------------------------------------------------------------------------------
// Go's base64.RawURLEncoding, which the reference uses. Qt's decoder differs where clients
// can see it: it accepts a dangling sixth-bit character ("Y") and rejects the '\r' and '\n'
// that Go skips, and it cannot tell where the input went wrong. Hence a decoder of our own.

int base64UrlValue(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

struct Base64Decoded
{
    QByteArray bytes;                      // on failure: the quanta decoded before it (Go's partial result)
    std::optional<qsizetype> errorOffset;  // Go's CorruptInputError
};

// Decodes groups of four characters into three bytes; a final group of two or three
// characters gives one or two bytes, its unused low bits ignored (Go is not strict here).
Base64Decoded decodeBase64Go(QByteArrayView text)
{
    Base64Decoded result;
    result.bytes.reserve(text.size() * 3 / 4);
    qsizetype pos = 0;
    for (;;) {
        int quantum[4] = {};
        int count = 0;
        while (count < 4 && pos < text.size()) {
            const char c = text[pos++];
            const int value = base64UrlValue(c);
            if (value >= 0)
                quantum[count++] = value;
            else if (c != '\n' && c != '\r') // Go skips line breaks anywhere
                return {result.bytes, pos - 1};
        }
        if (count == 0)
            return result;
        if (count == 1) // six bits cannot make a byte; Go reports the last offset read
            return {result.bytes, pos - 1};
        const quint32 bits = quint32(quantum[0]) << 18 | quint32(quantum[1]) << 12
            | quint32(quantum[2]) << 6 | quint32(quantum[3]);
        for (int i = 0; i < count - 1; ++i)
            result.bytes += static_cast<char>((bits >> (16 - 8 * i)) & 0xFF);
        if (count < 4)
            return result;
    }
}

QByteArrayView withoutTrailingEquals(QByteArrayView text)
{
    while (text.endsWith('='))
        text.chop(1);
    return text;
}

QString base64ErrorReason(qsizetype offset)
{
    return u"illegal base64 data at input byte "_s + QString::number(offset);
}

// --- The grouping path ---------------------------------------------------------------------

struct PathParts
{
    bool jobIsBase64 = false;
    QByteArrayView job;
    QByteArrayView labels; // with its leading '/', or empty
};

std::optional<PathParts> splitPath(QByteArrayView path)
{
    PathParts parts;
    if (path.startsWith(base64JobPrefix)) {
        parts.jobIsBase64 = true;
        path = path.sliced(base64JobPrefix.size());
    } else if (path.startsWith(plainJobPrefix)) {
        path = path.sliced(plainJobPrefix.size());
    } else {
        return std::nullopt;
    }
    const qsizetype slash = path.indexOf('/');
    parts.job = slash < 0 ? path : path.first(slash);
    parts.labels = slash < 0 ? QByteArrayView() : path.sliced(slash);
    return parts;
}

Expected<QByteArray> decodeJob(const PathParts &parts)
{
    if (!parts.jobIsBase64)
        return parts.job.toByteArray();
    Base64Decoded decoded = decodeBase64Go(withoutTrailingEquals(parts.job));
    if (decoded.errorOffset) {
        // The reference quotes what it decoded before the error, not the segment.
        return Error::badRequest(u"invalid base64 encoding in job name "_s + goQuoted(decoded.bytes) + u": "_s
                                 + base64ErrorReason(*decoded.errorOffset));
    }
    return std::move(decoded.bytes);
}

Expected<LabelPair> parseLabelPair(QByteArrayView name, QByteArrayView value, NameValidation validation)
{
    const bool valueIsBase64 = name.endsWith(base64Suffix);
    const QByteArrayView trimmed = valueIsBase64 ? name.chopped(base64Suffix.size()) : name;
    const QByteArray labelName = validation == NameValidation::Utf8 ? unescapeValuesEncoding(trimmed)
                                                                    : trimmed.toByteArray();
    // The reserved-prefix test looks at the escaped form, as the reference's does: in Utf8
    // mode "U___5f__5f_foo" (which is "__foo") passes here.
    if (!isValidLabelName(labelName, validation) || isReservedLabelName(trimmed))
        return Error::badRequest(u"improper label name "_s + goQuoted(trimmed));
    if (!valueIsBase64)
        return LabelPair{labelName, value.toByteArray()};

    Base64Decoded decoded = decodeBase64Go(withoutTrailingEquals(value));
    if (decoded.errorOffset) {
        return Error::badRequest(u"invalid base64 encoding for label "_s + QString::fromUtf8(trimmed) + u'='
                                 + goQuoted(value) + u": "_s + base64ErrorReason(*decoded.errorOffset));
    }
    return LabelPair{labelName, std::move(decoded.bytes)};
}

// The part after the job segment: "/name/value/name@base64/b64...". A string of at most one
// character (nothing, or "/") holds no labels; a trailing '/' is an empty last value.
Expected<Labels> splitLabels(QByteArrayView labelsString, NameValidation validation)
{
    if (labelsString.size() <= 1)
        return Labels();
    const QList<QByteArray> components = labelsString.sliced(1).toByteArray().split('/');
    if (components.size() % 2 != 0)
        return Error::badRequest(u"odd number of components in label string "_s + goQuoted(labelsString));

    Labels labels;
    labels.reserve(components.size() / 2);
    for (qsizetype i = 0; i < components.size(); i += 2) {
        Expected<LabelPair> pair = parseLabelPair(components[i], components[i + 1], validation);
        if (!pair)
            return pair.error();
        labels.append(std::move(*pair));
    }
    return labels;
}

// Our departure from the reference: it stores such a group and then fails every scrape.
// Only what ends up in the key is checked, so an overridden pair cannot cause an error.
std::optional<Error> checkValuesAreUtf8(const GroupingKey &key)
{
    auto check = [](const LabelPair &pair) -> std::optional<Error> {
        if (pair.value.isValidUtf8())
            return std::nullopt;
        return Error::badRequest(u"invalid UTF-8 in grouping label "_s + QString::fromUtf8(pair.name) + u": value "_s
                                 + goQuoted(pair.value) + u" is not valid UTF-8"_s);
    };
    if (auto error = check(LabelPair{jobLabel.toByteArray(), key.job()}))
        return error;
    for (const LabelPair &pair : key.labels()) {
        if (pair.name == jobLabel)
            continue;
        if (auto error = check(pair))
            return error;
    }
    return std::nullopt;
}

// --- Writing a path ------------------------------------------------------------------------

bool isUnreservedUrlCharacter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_' || c == '~';
}

// "." and ".." are unreserved but path cleaning (the reference's, and any proxy's) would
// remove them, so they travel as base64.
bool canTravelPlain(QByteArrayView value)
{
    if (value.isEmpty() || value == "." || value == "..")
        return false;
    return std::all_of(value.begin(), value.end(), isUnreservedUrlCharacter);
}

QByteArray base64Segment(QByteArrayView value)
{
    return value.isEmpty() ? QByteArrayLiteral("=") : encodeBase64Url(value);
}

// A legacy label name is written as it is: Legacy mode takes it literally. Other names
// need Utf8 mode and are written so that its un-escaping gives them back: "a.b" as
// "U__a_2e_b"; also "a:b" (a legacy metric name, which escapeName() leaves alone) and
// "__x" (which would trip the reserved-prefix test) as "U__a:b" and "U______x".
QByteArray pathName(const QByteArray &name)
{
    if (isLegacyLabelName(name) && !isReservedLabelName(name))
        return name;
    if (isLegacyMetricName(name))
        return "U__" + QByteArray(name).replace('_', "__");
    return escapeName(name, NameEscaping::Values);
}

void appendPair(QByteArray &path, const QByteArray &name, const QByteArray &value)
{
    path += '/';
    if (canTravelPlain(value)) {
        path += name + '/' + value;
    } else {
        path += name + base64Suffix.toByteArray() + '/' + base64Segment(value);
    }
}

} // namespace

Expected<QByteArray> decodeBase64Url(QByteArrayView encoded)
{
    Base64Decoded decoded = decodeBase64Go(withoutTrailingEquals(encoded));
    if (decoded.errorOffset)
        return Error::badRequest(base64ErrorReason(*decoded.errorOffset));
    return std::move(decoded.bytes);
}

QByteArray encodeBase64Url(QByteArrayView raw)
{
    return raw.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Expected<GroupingKey> parseGroupingPath(QByteArrayView encodedPath, NameValidation validation)
{
    const Expected<QByteArray> path = percentDecoded(encodedPath);
    if (!path)
        return path.error();
    const std::optional<PathParts> parts = splitPath(*path);
    if (!parts) {
        return Error::badRequest(u"invalid grouping path "_s + goQuoted(*path)
                                 + u": must start with /job/<name> or /job@base64/<name>"_s);
    }

    // The reference's order; the first failure wins.
    Expected<QByteArray> job = decodeJob(*parts);
    if (!job)
        return job.error();
    Expected<Labels> labels = splitLabels(parts->labels, validation);
    if (!labels)
        return labels.error();
    if (job->isEmpty())
        return Error::badRequest(QStringLiteral("job name is required"));
    // Appended last so that it wins over a `job` pair from the label part.
    labels->append(LabelPair{jobLabel.toByteArray(), std::move(*job)});

    GroupingKey key(std::move(*labels));
    if (std::optional<Error> error = checkValuesAreUtf8(key))
        return *error;
    return key;
}

QByteArray groupingKeyToPath(const GroupingKey &key)
{
    // A key without a job has no path that parses; "/job@base64/=" is the nearest.
    const QByteArray job = key.job();
    QByteArray path = canTravelPlain(job) ? plainJobPrefix.toByteArray() + job
                                          : base64JobPrefix.toByteArray() + base64Segment(job);
    for (const LabelPair &pair : key.labels()) {
        if (pair.name != jobLabel)
            appendPair(path, pathName(pair.name), pair.value);
    }
    return path;
}

} // namespace qpgw
