#include "decompression.h"

#include "crc32c.h"

#include <snappy.h>

#define ZLIB_CONST // next_in becomes a pointer to const: no cast away from the body's constness
#include <zlib.h>

#include <algorithm>
#include <limits>
#include <optional>

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

Error payloadTooLarge(qint64 maxDecodedBytes)
{
    return {Error::Kind::PayloadTooLarge,
            u"decompressed body exceeds the maximum of %1 bytes"_s.arg(maxDecodedBytes)};
}

bool fitsLimit(qint64 decodedSoFar, qint64 more, qint64 maxDecodedBytes)
{
    return maxDecodedBytes <= 0 || more <= maxDecodedBytes - decodedSoFar;
}

// --- gzip ----------------------------------------------------------------------------------
// zlib does the work; what is ours is turning its outcome into the errors Go's gzip reader
// gives, since the reference sends that text to the client.

constexpr qsizetype gzipFixedHeaderSize = 10;
constexpr qsizetype inflateChunkSize = 64 * 1024;
// zlib counts input in uInt; a larger body is handed over in slices of this size.
constexpr qsizetype maxInflateSlice = qsizetype(1) << 30;

// Checked before zlib sees a member, for Go's texts: its reader reads these 10 bytes itself
// and knows "too short" from "not gzip". Anything wrong further in the header (flags, header
// CRC) is zlib's to find and is reported as an invalid header too.
std::optional<Error> memberHeaderError(QByteArrayView member)
{
    if (member.size() < gzipFixedHeaderSize)
        return Error::badRequest(u"unexpected EOF"_s);
    if (static_cast<uchar>(member[0]) != 0x1f || static_cast<uchar>(member[1]) != 0x8b || member[2] != Z_DEFLATED)
        return Error::badRequest(u"gzip: invalid header"_s);
    return std::nullopt;
}

// A Z_DATA_ERROR in Go's words. zlib fills in the gz_header as it reads it, so `done` still
// 0 means the header was at fault. The two trailer messages are zlib's fixed texts.
Error inflateDataError(const z_stream &stream, const gz_header &header)
{
    if (header.done == 0)
        return Error::badRequest(u"gzip: invalid header"_s);
    const QByteArrayView reason = stream.msg ? QByteArrayView(stream.msg) : QByteArrayView("unknown error");
    if (reason == "incorrect data check" || reason == "incorrect length check")
        return Error::badRequest(u"gzip: invalid checksum"_s);
    return Error::badRequest(u"flate: corrupt input ("_s + QString::fromLatin1(reason) + u')');
}

// Owns a z_stream set up for gzip only (windowBits 15 + 16: no zlib or raw deflate).
class GzipInflater
{
public:
    GzipInflater() { m_ready = inflateInit2(&m_stream, 15 + 16) == Z_OK; }
    ~GzipInflater()
    {
        if (m_ready)
            inflateEnd(&m_stream);
    }
    GzipInflater(const GzipInflater &) = delete;
    GzipInflater &operator=(const GzipInflater &) = delete;

    bool isReady() const { return m_ready; }
    z_stream &stream() { return m_stream; }

private:
    z_stream m_stream{};
    bool m_ready = false;
};

Expected<QByteArray> gunzip(QByteArrayView body, qint64 maxDecodedBytes)
{
    if (body.isEmpty())
        return Error::badRequest(u"EOF"_s);
    if (std::optional<Error> error = memberHeaderError(body))
        return *error;

    GzipInflater inflater;
    if (!inflater.isReady())
        return Error{Error::Kind::Internal, u"gzip: cannot initialise zlib"_s};
    z_stream &stream = inflater.stream();
    gz_header header{};
    inflateGetHeader(&stream, &header);

    QByteArray decoded;
    QByteArray chunk(inflateChunkSize, Qt::Uninitialized);
    qsizetype handedOver = 0; // bytes of `body` given to zlib so far, the last avail_in still unread
    for (;;) {
        if (stream.avail_in == 0 && handedOver < body.size()) {
            const qsizetype slice = std::min(body.size() - handedOver, maxInflateSlice);
            stream.next_in = reinterpret_cast<const Bytef *>(body.data() + handedOver);
            stream.avail_in = static_cast<uInt>(slice);
            handedOver += slice;
        }
        stream.next_out = reinterpret_cast<Bytef *>(chunk.data());
        stream.avail_out = static_cast<uInt>(chunk.size());
        const int result = inflate(&stream, Z_NO_FLUSH);
        const qsizetype produced = chunk.size() - stream.avail_out;
        // Checked per 64 KiB chunk, before keeping it: the output never grows past the limit.
        if (!fitsLimit(decoded.size(), produced, maxDecodedBytes))
            return payloadTooLarge(maxDecodedBytes);
        decoded.append(chunk.constData(), produced);

        switch (result) {
        case Z_OK:
            continue;
        case Z_STREAM_END:
            break;
        case Z_BUF_ERROR: // no progress possible: the input ran out inside the member
            return Error::badRequest(u"unexpected EOF"_s);
        case Z_DATA_ERROR:
            return inflateDataError(stream, header);
        case Z_MEM_ERROR:
            return Error{Error::Kind::Internal, u"gzip: out of memory"_s};
        default: // Z_NEED_DICT cannot happen in a gzip stream; Z_STREAM_ERROR would be our bug
            return Error::badRequest(u"flate: corrupt input"_s);
        }

        // End of a member. Like Go's reader, read another one if anything follows.
        const qsizetype next = handedOver - stream.avail_in;
        if (next == body.size())
            return decoded;
        if (std::optional<Error> error = memberHeaderError(body.sliced(next)))
            return *error;
        inflateReset(&stream); // keeps the input position and the gzip-only setting
        header = gz_header{};
        inflateGetHeader(&stream, &header); // the reset forgot it
    }
}

// --- snappy framing ------------------------------------------------------------------------
// libsnappy decodes blocks but has no API for the framing format (google/snappy's
// framing_format.txt), so the chunk parser is ours. Every chunk is a type byte and a 24-bit
// little-endian length, then the data. The reactions to each kind of damage follow Go's
// snappy.Reader, which the reference uses.

constexpr qsizetype chunkHeaderSize = 4;
constexpr qsizetype checksumSize = 4;
constexpr qsizetype maxBlockSize = 65536; // the format's limit on a chunk's uncompressed data
constexpr QByteArrayView streamIdentifier = "sNaPpY";

enum ChunkType : uchar {
    CompressedData = 0x00,
    UncompressedData = 0x01,
    LastReservedUnskippable = 0x7f,
    StreamIdentifier = 0xff,
    // 0x80-0xfd reserved skippable, 0xfe padding: skipped
};

Error snappyCorrupt(const QString &reason)
{
    return Error::badRequest(u"snappy: corrupt input ("_s + reason + u')');
}

Error snappyUnsupported(const QString &reason)
{
    return Error::badRequest(u"snappy: unsupported input ("_s + reason + u')');
}

quint32 readLittleEndian(QByteArrayView bytes)
{
    quint32 value = 0;
    for (qsizetype i = bytes.size() - 1; i >= 0; --i)
        value = (value << 8) | static_cast<uchar>(bytes[i]);
    return value;
}

// The framing format stores the CRC rotated and offset, because a CRC of data that contains
// its own CRC is weak.
quint32 maskedCrc32c(QByteArrayView data)
{
    const quint32 crc = crc32c(data);
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

Expected<QByteArray> unsnappy(QByteArrayView body, qint64 maxDecodedBytes)
{
    // The longest chunk an encoder writes: a checksum and a worst-case compressed 64 KiB block.
    // Go's reader refuses anything longer as unsupported before looking at the type.
    const qsizetype maxChunkLength = checksumSize + qsizetype(snappy::MaxCompressedLength(maxBlockSize));

    QByteArray decoded;
    bool identified = false;
    qsizetype pos = 0;
    while (pos < body.size()) {
        if (body.size() - pos < chunkHeaderSize)
            return snappyCorrupt(u"truncated chunk header"_s);
        const uchar type = static_cast<uchar>(body[pos]);
        const qsizetype length = readLittleEndian(body.sliced(pos + 1, 3));
        pos += chunkHeaderSize;
        if (!identified && type != StreamIdentifier)
            return snappyCorrupt(u"missing stream identifier"_s);
        identified = true;
        if (length > maxChunkLength)
            return snappyUnsupported(u"chunk of %1 bytes"_s.arg(length));
        if (type > LastReservedUnskippable && type != StreamIdentifier) { // padding, skippable
            if (body.size() - pos < length)
                return snappyCorrupt(u"truncated chunk"_s);
            pos += length;
            continue;
        }
        if (type != CompressedData && type != UncompressedData && type != StreamIdentifier)
            return snappyUnsupported(u"reserved chunk type 0x%1"_s.arg(uint(type), 2, 16, QChar(u'0')));

        if (type == StreamIdentifier) {
            if (length != streamIdentifier.size())
                return snappyCorrupt(u"bad stream identifier"_s);
            if (body.size() - pos < length)
                return snappyCorrupt(u"truncated chunk"_s);
            if (body.sliced(pos, length) != streamIdentifier)
                return snappyCorrupt(u"bad stream identifier"_s);
            pos += length;
            continue;
        }

        // Compressed or uncompressed data: a masked CRC-32C of the uncompressed bytes first.
        if (length < checksumSize)
            return snappyCorrupt(u"chunk shorter than its checksum"_s);
        if (body.size() - pos < length)
            return snappyCorrupt(u"truncated chunk"_s);
        const quint32 checksum = readLittleEndian(body.sliced(pos, checksumSize));
        const QByteArrayView data = body.sliced(pos + checksumSize, length - checksumSize);
        pos += length;

        qsizetype size = data.size();
        if (type == CompressedData) {
            size_t declared = 0;
            if (!snappy::GetUncompressedLength(data.data(), size_t(data.size()), &declared))
                return snappyCorrupt(u"bad block length"_s);
            if (declared > size_t(maxBlockSize))
                return snappyCorrupt(u"block of %1 bytes"_s.arg(declared));
            size = qsizetype(declared);
        } else if (size > maxBlockSize) {
            return snappyCorrupt(u"block of %1 bytes"_s.arg(size));
        }
        // Checked on the declared size, before the output grows.
        if (!fitsLimit(decoded.size(), size, maxDecodedBytes))
            return payloadTooLarge(maxDecodedBytes);

        const qsizetype start = decoded.size();
        if (type == CompressedData) {
            decoded.resize(start + size);
            if (!snappy::RawUncompress(data.data(), size_t(data.size()), decoded.data() + start))
                return snappyCorrupt(u"bad block"_s);
        } else {
            decoded.append(data);
        }
        if (maskedCrc32c(QByteArrayView(decoded).sliced(start)) != checksum)
            return snappyCorrupt(u"checksum mismatch"_s);
    }
    return decoded;
}

} // namespace

Expected<QByteArray> decodeContentEncoding(QByteArrayView contentEncoding, QByteArray body,
                                           qint64 maxDecodedBytes)
{
    const QByteArray encoding = contentEncoding.trimmed().toByteArray().toLower();
    if (encoding == "gzip")
        return gunzip(body, maxDecodedBytes);
    if (encoding == "snappy")
        return unsnappy(body, maxDecodedBytes);
    return body;
}

} // namespace qpgw
