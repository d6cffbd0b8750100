#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace qpgw {

// zlib's Z_DEFAULT_COMPRESSION (level 6), named here so that includers need not see zlib.h.
inline constexpr int defaultGzipLevel = -1;

// `data` as a single gzip member (RFC 1952), for a scrape whose Accept-Encoding asks for gzip
// (behaviour spec section 3.4). `level` is zlib's: 0 stores, 1 is fastest, 9 smallest,
// defaultGzipLevel is zlib's default; other values are clamped into that range.
// Reads nothing but `data`, so it may run on any thread.
QByteArray gzipCompress(QByteArrayView data, int level = defaultGzipLevel);

} // namespace qpgw
