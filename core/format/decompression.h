#pragma once

#include "model/error.h"

#include <QByteArray>
#include <QByteArrayView>

namespace qpgw {

// The body a push handler parses, from the body as received and its Content-Encoding header
// (behaviour spec section 2.10). The header value, trimmed and lower-cased, is compared
// exactly:
//   "gzip"    one or more gzip members (RFC 1952), their contents concatenated;
//   "snappy"  the snappy framing format (an "sNaPpY" stream identifier chunk, then
//             CRC-32C-checked chunks), as Go's snappy.NewWriter and snzip write it, never raw
//             snappy blocks; an empty body decodes to an empty body, as in the reference;
//   anything else ("identity", "deflate", "br", "gzip, identity", none): `body` unchanged.
//
// The output is bounded while it is produced, so a small bomb never becomes a large
// allocation: more than `maxDecodedBytes` (<= 0: no limit) gives Error::Kind::PayloadTooLarge,
// "decompressed body exceeds the maximum of N bytes".
//
// Every other error is BadRequest, with the texts of the Go readers the reference uses
// (clients may match on them); a reason in parentheses is ours:
//   EOF                     gzip, empty body
//   unexpected EOF          gzip, a header or stream cut short (also fewer than 10 bytes)
//   gzip: invalid header    gzip, wrong magic or method, bad header flags or header CRC
//   gzip: invalid checksum  gzip, CRC-32 or length trailer does not match the data
//   flate: corrupt input (<zlib's reason>)
//   snappy: corrupt input (<reason>)      missing or bad stream identifier, truncated chunk,
//                                         bad block, checksum mismatch, block over 64 KiB
//   snappy: unsupported input (<reason>)  reserved unskippable chunk type (0x02-0x7f), or a
//                                         chunk longer than any encoder writes
Expected<QByteArray> decodeContentEncoding(QByteArrayView contentEncoding, QByteArray body,
                                           qint64 maxDecodedBytes);

} // namespace qpgw
