#include "crc32c.h"

#include <array>
#include <cstring>

namespace qpgw {
namespace {

// One byte at a time through a 256-entry table where the CPU has no CRC32 instruction.
constexpr std::array<quint32, 256> makeTable()
{
    std::array<quint32, 256> table{};
    for (quint32 byte = 0; byte < 256; ++byte) {
        quint32 crc = byte;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        table[byte] = crc;
    }
    return table;
}

constexpr std::array<quint32, 256> table = makeTable();

quint32 crc32cTable(quint32 crc, const uchar *data, qsizetype size)
{
    for (qsizetype i = 0; i < size; ++i)
        crc = table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// SSE 4.2's CRC32 instruction computes exactly this CRC (Castagnoli, reflected), 8 bytes a
// step: the journal checksums every record before it is answered, so this is on the push path.
__attribute__((target("sse4.2"))) quint32 crc32cHardware(quint32 crc, const uchar *data, qsizetype size)
{
    quint64 wide = crc;
    for (; size >= 8; data += 8, size -= 8) {
        quint64 word;
        std::memcpy(&word, data, sizeof word);
        wide = __builtin_ia32_crc32di(wide, word);
    }
    crc = quint32(wide);
    for (; size > 0; ++data, --size)
        crc = __builtin_ia32_crc32qi(crc, *data);
    return crc;
}

bool hasHardwareCrc32c()
{
    static const bool supported = __builtin_cpu_supports("sse4.2");
    return supported;
}
#endif

} // namespace

quint32 crc32c(QByteArrayView data)
{
    const auto *bytes = reinterpret_cast<const uchar *>(data.data());
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (hasHardwareCrc32c())
        return crc32cHardware(0xFFFFFFFFu, bytes, data.size()) ^ 0xFFFFFFFFu;
#endif
    return crc32cTable(0xFFFFFFFFu, bytes, data.size()) ^ 0xFFFFFFFFu;
}

} // namespace qpgw

namespace qpgw {

quint32 crc32cPortable(QByteArrayView data)
{
    return crc32cTable(0xFFFFFFFFu, reinterpret_cast<const uchar *>(data.data()), data.size()) ^ 0xFFFFFFFFu;
}

} // namespace qpgw
