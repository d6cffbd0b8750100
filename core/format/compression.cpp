#include "compression.h"

#define ZLIB_CONST // next_in becomes a pointer to const: no cast away from the input's constness
#include <zlib.h>

#include <algorithm>

namespace qpgw {
namespace {

static_assert(defaultGzipLevel == Z_DEFAULT_COMPRESSION);

// zlib counts in uInt; a larger input is handed over in slices of this size.
constexpr qsizetype maxDeflateSlice = qsizetype(1) << 30;

// Owns a z_stream set up to write gzip (windowBits 15 + 16) at zlib's default memory level.
class GzipDeflater
{
public:
    explicit GzipDeflater(int level)
    {
        // Only an allocation can fail here: the level is valid and the rest is fixed.
        if (deflateInit2(&m_stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            qBadAlloc();
    }
    ~GzipDeflater() { deflateEnd(&m_stream); }
    GzipDeflater(const GzipDeflater &) = delete;
    GzipDeflater &operator=(const GzipDeflater &) = delete;

    z_stream &stream() { return m_stream; }

private:
    z_stream m_stream{};
};

} // namespace

QByteArray gzipCompress(QByteArrayView data, int level)
{
    GzipDeflater deflater(std::clamp(level, int(Z_DEFAULT_COMPRESSION), int(Z_BEST_COMPRESSION)));
    z_stream &stream = deflater.stream();

    // deflateBound() is exact enough that one allocation usually holds everything; the loop
    // still copes if it does not (inputs over 4 GiB, where the bound is only for one slice).
    QByteArray compressed;
    compressed.resize(qsizetype(deflateBound(&stream, uLong(std::min(data.size(), maxDeflateSlice)))));
    qsizetype written = 0;
    qsizetype handedOver = 0;
    int result = Z_OK;
    while (result != Z_STREAM_END) {
        if (stream.avail_in == 0 && handedOver < data.size()) {
            const qsizetype slice = std::min(data.size() - handedOver, maxDeflateSlice);
            stream.next_in = reinterpret_cast<const Bytef *>(data.data() + handedOver);
            stream.avail_in = static_cast<uInt>(slice);
            handedOver += slice;
        }
        if (written == compressed.size())
            compressed.resize(compressed.size() * 2);
        const qsizetype room = std::min(compressed.size() - written, maxDeflateSlice);
        stream.next_out = reinterpret_cast<Bytef *>(compressed.data() + written);
        stream.avail_out = static_cast<uInt>(room);
        result = deflate(&stream, handedOver == data.size() ? Z_FINISH : Z_NO_FLUSH);
        written += room - stream.avail_out;
        // Z_STREAM_ERROR would mean a broken z_stream, our bug; stop rather than loop on it.
        Q_ASSERT(result != Z_STREAM_ERROR);
        if (result == Z_STREAM_ERROR)
            break;
    }
    compressed.truncate(written);
    return compressed;
}

} // namespace qpgw
