#include "snapshotformat.h"

#include "format/crc32c.h"
#include "store/persistence/grouprecord.h"

#include <google/protobuf/io/coded_stream.h>

#include <QHash>
#include <QString>

#include <algorithm>
#include <climits>

namespace qpgw {
namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;
using namespace Qt::StringLiterals;

constexpr QByteArrayView Magic("QPGWSNAP", 8);
constexpr QByteArrayView EndMarker("QPGWEND\0", 8);
constexpr qsizetype HeaderSize = 24;
constexpr qsizetype TrailerSize = 16;
constexpr qsizetype MaxVarintBytes = 10;

Error snapshotError(const QString &message)
{
    return Error{Error::Kind::Internal, message};
}

Error truncatedAt(qsizetype size)
{
    return snapshotError(u"snapshot truncated at byte "_s + QString::number(size));
}

Error invalidRecord(qsizetype index, const QString &what)
{
    return snapshotError(u"group record "_s + QString::number(index) + u" is invalid: "_s + what);
}

void appendDelimited(QByteArray &out, const persistence::GroupRecord &record)
{
    const size_t size = record.ByteSizeLong(); // caches the sizes for the serialisation
    const qsizetype start = out.size();
    out.resize(start + qsizetype(CodedOutputStream::VarintSize64(size) + size));
    auto *target = reinterpret_cast<uint8_t *>(out.data() + start);
    target = CodedOutputStream::WriteVarint64ToArray(size, target);
    record.SerializeWithCachedSizesToArray(target);
}

} // namespace

QByteArray encodeSnapshot(const QList<GroupSnapshot> &groups, quint64 generation)
{
    QByteArray out;
    out.append(Magic);
    appendLE32(out, SnapshotFormatVersion);
    appendLE32(out, 0); // flags
    appendLE64(out, generation);

    persistence::GroupRecord record; // reused: its fields keep their allocations
    quint32 count = 0;
    for (const GroupSnapshot &group : groups) {
        if (!group)
            continue;
        record.Clear();
        writeGroupRecord(*group, &record);
        appendDelimited(out, record);
        ++count;
    }

    out.append(EndMarker);
    appendLE32(out, count);
    appendLE32(out, crc32c(out));
    return out;
}

Expected<Snapshot> decodeSnapshot(QByteArrayView data)
{
    const qsizetype size = data.size();
    if (const std::optional<QString> problem = checkMagicAndVersion(data, Magic, SnapshotFormatVersion, u"snapshot"))
        return snapshotError(*problem);
    if (size < HeaderSize)
        return truncatedAt(size);

    const quint32 flags = readLE32(data.data() + 12);
    if (flags != 0)
        return snapshotError(u"snapshot has unknown flags 0x"_s + QString::number(flags, 16));

    // The trailer before anything else: without it the file was cut short, and without a
    // matching checksum nothing in it can be trusted.
    if (size < HeaderSize + TrailerSize || data.sliced(size - TrailerSize, EndMarker.size()) != EndMarker)
        return truncatedAt(size);
    if (crc32c(data.first(size - 4)) != readLE32(data.data() + size - 4))
        return snapshotError(u"snapshot checksum mismatch"_s);
    const quint32 declaredCount = readLE32(data.data() + size - 8);

    Snapshot snapshot;
    snapshot.generation = readLE64(data.data() + 16);
    QHash<GroupingKey, qsizetype> seen; // key -> 1-based record index

    const qsizetype end = size - TrailerSize;
    const auto *const bytes = reinterpret_cast<const uint8_t *>(data.data());
    persistence::GroupRecord record;
    qsizetype offset = HeaderSize;
    for (qsizetype index = 1; offset < end; ++index) {
        const qsizetype left = end - offset;
        CodedInputStream prefix(bytes + offset, int(std::min(left, MaxVarintBytes)));
        uint64_t declared = 0;
        if (!prefix.ReadVarint64(&declared))
            return invalidRecord(index, u"malformed length prefix"_s);
        const qsizetype prefixLength = prefix.CurrentPosition();
        if (declared > uint64_t(left - prefixLength) || declared > uint64_t(INT_MAX)) {
            return invalidRecord(index, u"declared length "_s + QString::number(declared)
                                            + u" runs past the end of the records"_s);
        }

        CodedInputStream stream(bytes + offset + prefixLength, int(declared));
        if (!record.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
            return invalidRecord(index, u"not a GroupRecord message"_s);
        Expected<Group> group = readGroupRecord(record);
        if (!group)
            return invalidRecord(index, group.error().message);
        const auto earlier = seen.constFind(group->key);
        if (earlier != seen.cend()) {
            return invalidRecord(index, u"grouping key "_s + group->key.toDisplayString()
                                            + u" repeats that of record "_s + QString::number(*earlier));
        }
        seen.insert(group->key, index);
        snapshot.groups.append(std::move(*group));
        offset += prefixLength + qsizetype(declared);
    }

    if (quint64(snapshot.groups.size()) != declaredCount) {
        return snapshotError(u"snapshot holds "_s + QString::number(snapshot.groups.size())
                             + u" group records but its trailer says "_s + QString::number(declaredCount));
    }
    return snapshot;
}

} // namespace qpgw
