// Request decompression (behaviour spec section 2.10): gzip and the snappy framing format, with
// Go's reader errors, a bound on the decoded size, and every other Content-Encoding passed by.
// Inputs are made here with zlib and libsnappy directly, so a bug in our own compressor
// cannot hide one in the decoder; one snappy stream is written out byte by byte from the
// format's description, so the parser and the CRC are also checked against the spec itself.

#include "format/crc32c.h"
#include "format/decompression.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <snappy.h>

#define ZLIB_CONST
#include <zlib.h>

#include <string>

using namespace qpgw;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(qpgw::Error::Kind)

namespace {

// --- gzip inputs, made with zlib -----------------------------------------------------------

// Deflates `repeat` copies of `data` into one gzip member, fed piece by piece so that a large
// input never has to exist in memory at once.
QByteArray gzipWithZlib(QByteArrayView data, int repeat = 1)
{
    z_stream stream{};
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        qFatal("deflateInit2 failed");
    QByteArray out;
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    for (int i = 0; i < repeat; ++i) {
        const bool last = i == repeat - 1;
        stream.next_in = reinterpret_cast<const Bytef *>(data.data());
        stream.avail_in = static_cast<uInt>(data.size());
        int result = Z_OK;
        do {
            stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
            stream.avail_out = static_cast<uInt>(buffer.size());
            result = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
            out.append(buffer.constData(), buffer.size() - stream.avail_out);
        } while (stream.avail_out == 0 || (last && result != Z_STREAM_END));
    }
    deflateEnd(&stream);
    return out;
}

QByteArray withByte(QByteArray data, qsizetype index, char value)
{
    data[index] = value;
    return data;
}

// --- snappy framing inputs -----------------------------------------------------------------

QByteArray littleEndian(quint32 value, int bytes)
{
    QByteArray out;
    for (int i = 0; i < bytes; ++i)
        out.append(char((value >> (8 * i)) & 0xff));
    return out;
}

// The framing format's checksum: CRC-32C rotated right by 15 bits plus a constant.
quint32 masked(QByteArrayView data)
{
    const quint32 crc = crc32c(data);
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

QByteArray chunk(uchar type, const QByteArray &payload)
{
    return char(type) + littleEndian(quint32(payload.size()), 3) + payload;
}

const QByteArray streamIdentifier = chunk(0xff, "sNaPpY"_ba);

QByteArray rawSnappy(QByteArrayView data)
{
    std::string compressed;
    snappy::Compress(data.data(), size_t(data.size()), &compressed);
    return QByteArray(compressed.data(), qsizetype(compressed.size()));
}

QByteArray compressedChunk(QByteArrayView data)
{
    return chunk(0x00, littleEndian(masked(data), 4) + rawSnappy(data));
}

QByteArray uncompressedChunk(QByteArrayView data)
{
    return chunk(0x01, littleEndian(masked(data), 4) + data.toByteArray());
}

// How the framing format cuts a long input: chunks of at most 64 KiB of uncompressed data.
QByteArray framed(QByteArrayView data)
{
    QByteArray out = streamIdentifier;
    for (qsizetype pos = 0; pos < data.size(); pos += 65536)
        out += compressedChunk(data.sliced(pos, std::min<qsizetype>(65536, data.size() - pos)));
    return out;
}

// "123456789", the CRC-32C check string, as one compressed chunk, written from the format's
// description alone: the stream identifier; chunk type 0x00 and length 15 (4 checksum + 11
// block bytes); the masked CRC of 0xE3069283 (0xC78AB0E5) little-endian; the block: the
// varint length 9, a literal tag ((9 - 1) << 2 = 0x20) and the nine bytes.
const QByteArray handWrittenStream = QByteArrayLiteral(
    "\xff\x06\x00\x00sNaPpY"
    "\x00\x0f\x00\x00"
    "\xe5\xb0\x8a\xc7"
    "\x09\x20"
    "123456789");

// The same bytes as an uncompressed chunk: type 0x01, length 13, checksum, data.
const QByteArray handWrittenUncompressed = QByteArrayLiteral(
    "\xff\x06\x00\x00sNaPpY"
    "\x01\x0d\x00\x00"
    "\xe5\xb0\x8a\xc7"
    "123456789");

// Peak resident memory of this process, from /proc; -1 where there is none.
qint64 peakResidentKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

const QByteArray sampleText = "# TYPE some_metric counter\nsome_metric{label=\"value\"} 42\n"_ba;

} // namespace

class TestDecompression : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crc32cMatchesCheckValue();

    void otherEncodingsPassBodyThrough_data();
    void otherEncodingsPassBodyThrough();

    void decodesGzip_data();
    void decodesGzip();
    void rejectsBrokenGzip_data();
    void rejectsBrokenGzip();
    void stopsGzipBombAtLimit();

    void decodesSnappyFraming_data();
    void decodesSnappyFraming();
    void rejectsBrokenSnappyFraming_data();
    void rejectsBrokenSnappyFraming();

    void enforcesLimit_data();
    void enforcesLimit();
};

void TestDecompression::crc32cMatchesCheckValue()
{
    QCOMPARE(crc32c("123456789"), 0xE3069283u);
    QCOMPARE(crc32c(""), 0u);
    // RFC 3720 (iSCSI) appendix B.4: 32 bytes of zeros, and of 0xff.
    QCOMPARE(crc32c(QByteArray(32, '\0')), 0x8A9136AAu);
    QCOMPARE(crc32c(QByteArray(32, '\xff')), 0x62A8AB43u);
    // The table and the CPU instruction agree, at every length and alignment.
    QCOMPARE(crc32cPortable("123456789"), 0xE3069283u);
    QByteArray data;
    for (int i = 0; i < 300; ++i)
        data.append(char(i * 37 + 11));
    for (qsizetype start = 0; start < 9; ++start) {
        for (qsizetype size = 0; start + size <= data.size(); size += 7)
            QCOMPARE(crc32c(QByteArrayView(data).sliced(start, size)), crc32cPortable(QByteArrayView(data).sliced(start, size)));
    }
}

void TestDecompression::otherEncodingsPassBodyThrough_data()
{
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QByteArray>("body");

    const QByteArray gzipped = gzipWithZlib(sampleText);
    QTest::newRow("none") << QByteArray() << sampleText;
    QTest::newRow("identity") << "identity"_ba << sampleText;
    QTest::newRow("deflate") << "deflate"_ba << sampleText;
    QTest::newRow("br") << "br"_ba << sampleText;
    QTest::newRow("a list is not gzip") << "gzip, identity"_ba << gzipped;
    QTest::newRow("x-gzip is not gzip") << "x-gzip"_ba << gzipped;
    QTest::newRow("gzip with a parameter is not gzip") << "gzip;q=1"_ba << gzipped;
    QTest::newRow("zstd") << "zstd"_ba << sampleText;
    QTest::newRow("empty body") << "deflate"_ba << QByteArray();
}

void TestDecompression::otherEncodingsPassBodyThrough()
{
    QFETCH(QByteArray, encoding);
    QFETCH(QByteArray, body);

    const Expected<QByteArray> decoded = decodeContentEncoding(encoding, body, 10);
    QVERIFY(decoded);
    QCOMPARE(*decoded, body); // and no limit applies to a body that is not decoded
}

void TestDecompression::decodesGzip_data()
{
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray gzipped = gzipWithZlib(sampleText);
    QTest::newRow("gzip") << "gzip"_ba << gzipped << sampleText;
    QTest::newRow("upper case") << "GZIP"_ba << gzipped << sampleText;
    QTest::newRow("mixed case, padded") << "  Gzip \t"_ba << gzipped << sampleText;
    QTest::newRow("empty content") << "gzip"_ba << gzipWithZlib("") << QByteArray();
    QTest::newRow("two members, concatenated")
        << "gzip"_ba << gzipWithZlib("a 1\n") + gzipWithZlib("b 2\n") << "a 1\nb 2\n"_ba;
    QTest::newRow("an empty member between two")
        << "gzip"_ba << gzipWithZlib("a 1\n") + gzipWithZlib("") + gzipWithZlib("b 2\n") << "a 1\nb 2\n"_ba;

    // A header with FNAME and FCOMMENT, written by hand (RFC 1952): zlib reads past them.
    QByteArray named = gzipped;
    named[3] = char(0x08 | 0x10);
    named.insert(10, "metrics.txt\0a comment\0"_ba);
    QTest::newRow("file name and comment in the header") << "gzip"_ba << named << sampleText;

    QByteArray large;
    for (int i = 0; i < 20000; ++i)
        large += "series_" + QByteArray::number(i) + " " + QByteArray::number(i * 7) + "\n";
    QTest::newRow("larger than one inflate chunk") << "gzip"_ba << gzipWithZlib(large) << large;
}

void TestDecompression::decodesGzip()
{
    QFETCH(QByteArray, encoding);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expected);

    const Expected<QByteArray> decoded = decodeContentEncoding(encoding, body, 0);
    QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
    QCOMPARE(*decoded, expected);
}

void TestDecompression::rejectsBrokenGzip_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    const QByteArray good = gzipWithZlib(sampleText);
    const qsizetype size = good.size();

    QTest::newRow("empty body") << QByteArray() << u"EOF"_s;
    QTest::newRow("5 bytes") << good.first(5) << u"unexpected EOF"_s;
    QTest::newRow("9 bytes") << good.first(9) << u"unexpected EOF"_s;
    QTest::newRow("not gzip") << sampleText << u"gzip: invalid header"_s;
    QTest::newRow("bad second magic byte") << withByte(good, 1, '\x8c') << u"gzip: invalid header"_s;
    QTest::newRow("method not deflate") << withByte(good, 2, '\x07') << u"gzip: invalid header"_s;
    QTest::newRow("reserved flag bits") << withByte(good, 3, '\xe0') << u"gzip: invalid header"_s;
    QTest::newRow("header CRC flag with a wrong CRC")
        << withByte(good, 3, '\x02').insert(10, "\x00\x00"_ba) << u"gzip: invalid header"_s;
    // 0xff as the first deflate byte: a final block of the reserved type 3.
    QTest::newRow("corrupt deflate data")
        << withByte(good, 10, '\xff') << u"flate: corrupt input (invalid block type)"_s;
    QTest::newRow("bad CRC-32") << withByte(good, size - 8, char(good[size - 8] ^ 0x01)) << u"gzip: invalid checksum"_s;
    QTest::newRow("bad length") << withByte(good, size - 4, char(good[size - 4] ^ 0x01)) << u"gzip: invalid checksum"_s;
    QTest::newRow("truncated in the data") << good.first(size / 2) << u"unexpected EOF"_s;
    QTest::newRow("truncated in the trailer") << good.first(size - 3) << u"unexpected EOF"_s;
    QTest::newRow("header only") << good.first(10) << u"unexpected EOF"_s;
    QTest::newRow("a short tail after a member") << good + "xyz"_ba << u"unexpected EOF"_s;
    QTest::newRow("garbage after a member") << good + sampleText << u"gzip: invalid header"_s;
    QTest::newRow("broken second member") << good + withByte(good, 10, '\xff')
                                          << u"flate: corrupt input (invalid block type)"_s;
}

void TestDecompression::rejectsBrokenGzip()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);

    const Expected<QByteArray> decoded = decodeContentEncoding("gzip", body, 0);
    QVERIFY(!decoded);
    QCOMPARE(decoded.error().kind, Error::Kind::BadRequest);
    QCOMPARE(decoded.error().message, message);
}

// 100 MB of zeros is about 100 KB of gzip. Decoding it under a 1 MB limit must fail without
// ever holding the 100 MB: the peak resident size of the process may not grow by anything
// near that (and it returns quickly, having inflated about 1 MB).
void TestDecompression::stopsGzipBombAtLimit()
{
    const QByteArray megabyteOfZeros(1024 * 1024, '\0');
    const QByteArray bomb = gzipWithZlib(megabyteOfZeros, 100);
    QVERIFY2(bomb.size() < 200 * 1024, QByteArray::number(bomb.size()).constData());

    const qint64 peakBefore = peakResidentKiB();
    QElapsedTimer timer;
    timer.start();
    const Expected<QByteArray> decoded = decodeContentEncoding("gzip", bomb, 1024 * 1024);
    const qint64 elapsed = timer.elapsed();
    const qint64 peakAfter = peakResidentKiB();

    QVERIFY(!decoded);
    QCOMPARE(decoded.error().kind, Error::Kind::PayloadTooLarge);
    QCOMPARE(decoded.error().message, u"decompressed body exceeds the maximum of 1048576 bytes"_s);
    QVERIFY2(elapsed < 2000, QByteArray::number(elapsed).constData());
    if (peakBefore < 0)
        QSKIP("no /proc/self/status: the memory bound is not checked here");
    QVERIFY2(peakAfter - peakBefore < 16 * 1024, QByteArray::number(peakAfter - peakBefore).constData());
}

void TestDecompression::decodesSnappyFraming_data()
{
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expected");

    QByteArray large;
    for (int i = 0; i < 20000; ++i)
        large += "series_" + QByteArray::number(i) + " " + QByteArray::number(i * 7) + "\n";
    QVERIFY(large.size() > 3 * 65536);

    QTest::newRow("hand-written stream") << "snappy"_ba << handWrittenStream << "123456789"_ba;
    QTest::newRow("hand-written uncompressed chunk") << "snappy"_ba << handWrittenUncompressed << "123456789"_ba;
    QTest::newRow("compressed chunk") << "snappy"_ba << framed(sampleText) << sampleText;
    QTest::newRow("upper case, padded") << " SNAPPY "_ba << framed(sampleText) << sampleText;
    QTest::newRow("many chunks") << "snappy"_ba << framed(large) << large;
    QTest::newRow("uncompressed chunk") << "snappy"_ba << streamIdentifier + uncompressedChunk(sampleText) << sampleText;
    QTest::newRow("mixed chunks")
        << "snappy"_ba << streamIdentifier + compressedChunk("a 1\n") + uncompressedChunk("b 2\n") << "a 1\nb 2\n"_ba;
    QTest::newRow("padding chunk skipped")
        << "snappy"_ba << streamIdentifier + chunk(0xfe, QByteArray(100, '\0')) + compressedChunk(sampleText)
        << sampleText;
    QTest::newRow("reserved skippable chunks skipped")
        << "snappy"_ba
        << streamIdentifier + chunk(0x80, "ignore me"_ba) + compressedChunk(sampleText) + chunk(0xfd, "me too"_ba)
        << sampleText;
    QTest::newRow("empty padding chunk") << "snappy"_ba << streamIdentifier + chunk(0xfe, {}) << QByteArray();
    QTest::newRow("two streams concatenated") << "snappy"_ba << framed("a 1\n") + framed("b 2\n") << "a 1\nb 2\n"_ba;
    QTest::newRow("empty chunk") << "snappy"_ba << streamIdentifier + compressedChunk("") << QByteArray();
    QTest::newRow("stream identifier only") << "snappy"_ba << streamIdentifier << QByteArray();
    QTest::newRow("empty body, as Go's reader") << "snappy"_ba << QByteArray() << QByteArray();
    QTest::newRow("full 64 KiB uncompressed chunk")
        << "snappy"_ba << streamIdentifier + uncompressedChunk(large.first(65536)) << large.first(65536);
}

void TestDecompression::decodesSnappyFraming()
{
    QFETCH(QByteArray, encoding);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expected);

    const Expected<QByteArray> decoded = decodeContentEncoding(encoding, body, 0);
    QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
    QCOMPARE(*decoded, expected);
}

void TestDecompression::rejectsBrokenSnappyFraming_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    const QByteArray good = compressedChunk(sampleText);
    const QByteArray block = rawSnappy(sampleText);

    QTest::newRow("missing stream identifier")
        << good << u"snappy: corrupt input (missing stream identifier)"_s;
    QTest::newRow("raw snappy block, not framed")
        << block << u"snappy: corrupt input (missing stream identifier)"_s;
    QTest::newRow("padding before the stream identifier")
        << chunk(0xfe, "x"_ba) + streamIdentifier + good << u"snappy: corrupt input (missing stream identifier)"_s;
    QTest::newRow("wrong stream identifier")
        << chunk(0xff, "sNaPpX"_ba) + good << u"snappy: corrupt input (bad stream identifier)"_s;
    QTest::newRow("stream identifier of the wrong length")
        << chunk(0xff, "sNaPpYY"_ba) + good << u"snappy: corrupt input (bad stream identifier)"_s;
    QTest::newRow("bad CRC")
        << streamIdentifier + withByte(good, 4, char(good[4] ^ 0x01)) << u"snappy: corrupt input (checksum mismatch)"_s;
    QTest::newRow("bad CRC on an uncompressed chunk")
        << streamIdentifier + chunk(0x01, littleEndian(masked("abc"), 4) + "abd"_ba)
        << u"snappy: corrupt input (checksum mismatch)"_s;
    QTest::newRow("corrupt block")
        << streamIdentifier + chunk(0x00, littleEndian(masked(sampleText), 4) + block.first(1) + QByteArray(10, '\xff'))
        << u"snappy: corrupt input (bad block)"_s;
    QTest::newRow("block shorter than it declares")
        << streamIdentifier + chunk(0x00, littleEndian(masked(sampleText), 4) + block.first(block.size() - 3))
        << u"snappy: corrupt input (bad block)"_s;
    QTest::newRow("bad block length varint")
        << streamIdentifier + chunk(0x00, littleEndian(0, 4) + QByteArray(6, '\xff'))
        << u"snappy: corrupt input (bad block length)"_s;
    QTest::newRow("block declaring more than 64 KiB")
        << streamIdentifier + chunk(0x00, littleEndian(0, 4) + "\x81\x80\x04"_ba) // varint 65537
        << u"snappy: corrupt input (block of 65537 bytes)"_s;
    QTest::newRow("uncompressed chunk over 64 KiB")
        << streamIdentifier + uncompressedChunk(QByteArray(65537, 'a')) << u"snappy: corrupt input (block of 65537 bytes)"_s;
    QTest::newRow("data chunk shorter than its checksum")
        << streamIdentifier + chunk(0x00, "abc"_ba) << u"snappy: corrupt input (chunk shorter than its checksum)"_s;
    QTest::newRow("truncated chunk header")
        << streamIdentifier + good.first(2) << u"snappy: corrupt input (truncated chunk header)"_s;
    QTest::newRow("truncated chunk")
        << streamIdentifier + good.first(good.size() - 1) << u"snappy: corrupt input (truncated chunk)"_s;
    QTest::newRow("truncated padding")
        << streamIdentifier + chunk(0xfe, "xyz"_ba).first(5) << u"snappy: corrupt input (truncated chunk)"_s;
    QTest::newRow("truncated stream identifier")
        << streamIdentifier.first(7) << u"snappy: corrupt input (truncated chunk)"_s;
    QTest::newRow("reserved unskippable chunk 0x02")
        << streamIdentifier + chunk(0x02, "x"_ba) + good << u"snappy: unsupported input (reserved chunk type 0x02)"_s;
    QTest::newRow("reserved unskippable chunk 0x7f")
        << streamIdentifier + chunk(0x7f, {}) << u"snappy: unsupported input (reserved chunk type 0x7f)"_s;
    QTest::newRow("chunk longer than any encoder writes")
        << streamIdentifier + "\xfe\xff\xff\xff"_ba << u"snappy: unsupported input (chunk of 16777215 bytes)"_s;
}

void TestDecompression::rejectsBrokenSnappyFraming()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);

    const Expected<QByteArray> decoded = decodeContentEncoding("snappy", body, 0);
    QVERIFY(!decoded);
    QCOMPARE(decoded.error().kind, Error::Kind::BadRequest);
    QCOMPARE(decoded.error().message, message);
}

void TestDecompression::enforcesLimit_data()
{
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<bool>("accepted");

    const QByteArray thousand(1000, 'x');
    QTest::newRow("gzip at the limit") << "gzip"_ba << gzipWithZlib(thousand) << qint64(1000) << true;
    QTest::newRow("gzip one byte over") << "gzip"_ba << gzipWithZlib(thousand) << qint64(999) << false;
    QTest::newRow("gzip members add up")
        << "gzip"_ba << gzipWithZlib(thousand) + gzipWithZlib(thousand) << qint64(1500) << false;
    QTest::newRow("gzip, no limit at 0") << "gzip"_ba << gzipWithZlib(thousand) << qint64(0) << true;
    QTest::newRow("gzip, no limit below 0") << "gzip"_ba << gzipWithZlib(thousand) << qint64(-1) << true;

    QTest::newRow("snappy at the limit") << "snappy"_ba << framed(thousand) << qint64(1000) << true;
    QTest::newRow("snappy declared length over the limit") << "snappy"_ba << framed(thousand) << qint64(100) << false;
    // The block declares 60000 bytes and holds nothing: only a check made before decoding
    // can give "too large" rather than "corrupt".
    QTest::newRow("snappy declared length checked before decoding")
        << "snappy"_ba << streamIdentifier + chunk(0x00, littleEndian(0, 4) + "\xe0\xd4\x03"_ba) << qint64(100) << false;
    QTest::newRow("snappy uncompressed chunk over the limit")
        << "snappy"_ba << streamIdentifier + uncompressedChunk(thousand) << qint64(999) << false;
    QTest::newRow("snappy chunks add up")
        << "snappy"_ba << framed(thousand) + framed(thousand) << qint64(1999) << false;
    QTest::newRow("snappy, no limit at 0") << "snappy"_ba << framed(thousand) << qint64(0) << true;
}

void TestDecompression::enforcesLimit()
{
    QFETCH(QByteArray, encoding);
    QFETCH(QByteArray, body);
    QFETCH(qint64, limit);
    QFETCH(bool, accepted);

    const Expected<QByteArray> decoded = decodeContentEncoding(encoding, body, limit);
    if (accepted) {
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
        QVERIFY(decoded->size() <= limit || limit <= 0);
        return;
    }
    QVERIFY(!decoded);
    QCOMPARE(decoded.error().kind, Error::Kind::PayloadTooLarge);
    QCOMPARE(decoded.error().message, u"decompressed body exceeds the maximum of %1 bytes"_s.arg(limit));
}

QTEST_APPLESS_MAIN(TestDecompression)
#include "tst_decompression.moc"
