#pragma once

#include <QByteArrayView>
#include <QtGlobal>

namespace qpgw {

// CRC-32C (Castagnoli: reflected polynomial 0x82F63B78, initial and final XOR 0xFFFFFFFF),
// the checksum of the snappy framing format. None of our libraries offers it: zlib's crc32()
// uses the IEEE polynomial, libsnappy keeps its copy internal, Qt's qChecksum() is a CRC-16.
// Check value: crc32c("123456789") == 0xE3069283.
// Uses the CPU's CRC32 instruction (SSE 4.2) where there is one.
quint32 crc32c(QByteArrayView data);
// The same from a table, on any CPU; tests compare the two.
quint32 crc32cPortable(QByteArrayView data);

} // namespace qpgw
