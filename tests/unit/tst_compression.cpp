// Response compression (behaviour spec section 3.4): gzipCompress() writes one gzip member that
// zlib itself reads back, and our decoder too.

#include "format/compression.h"
#include "format/decompression.h"

#include <QTest>

#define ZLIB_CONST
#include <zlib.h>

using namespace qpgw;
using namespace Qt::StringLiterals;

namespace {

struct Inflated
{
    QByteArray data;
    bool complete = false;        // the member ended with a valid trailer
    qsizetype unusedInput = -1;   // bytes after the member's end
};

// Reads one gzip member with zlib, independently of our decoder.
Inflated inflateOneMember(QByteArrayView gzip)
{
    Inflated result;
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        qFatal("inflateInit2 failed");
    stream.next_in = reinterpret_cast<const Bytef *>(gzip.data());
    stream.avail_in = static_cast<uInt>(gzip.size());
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
        stream.avail_out = static_cast<uInt>(buffer.size());
        status = inflate(&stream, Z_NO_FLUSH);
        result.data.append(buffer.constData(), buffer.size() - stream.avail_out);
    }
    result.complete = status == Z_STREAM_END;
    result.unusedInput = stream.avail_in;
    inflateEnd(&stream);
    return result;
}

QByteArray exposition(int series)
{
    QByteArray text = "# TYPE http_requests_total counter\n";
    for (int i = 0; i < series; ++i)
        text += "http_requests_total{code=\"200\",handler=\"/h" + QByteArray::number(i) + "\"} "
              + QByteArray::number(i * 13) + "\n";
    return text;
}

} // namespace

class TestCompression : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrips_data();
    void roundTrips();
    void writesOneGzipMember();
    void compressesRepetitiveText();
    void levelZeroStores();
};

void TestCompression::roundTrips_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<int>("level");

    QByteArray binary;
    for (int i = 0; i < 70000; ++i)
        binary.append(char((i * 7919) % 251));

    QTest::newRow("empty") << QByteArray() << defaultGzipLevel;
    QTest::newRow("one line") << "a 1\n"_ba << defaultGzipLevel;
    QTest::newRow("exposition") << exposition(5000) << defaultGzipLevel;
    QTest::newRow("binary") << binary << defaultGzipLevel;
    QTest::newRow("level 0") << exposition(100) << 0;
    QTest::newRow("level 1") << exposition(100) << 1;
    QTest::newRow("level 9") << exposition(100) << 9;
    QTest::newRow("level above 9 is clamped") << exposition(100) << 42;
    QTest::newRow("level below -1 is clamped") << exposition(100) << -7;
}

void TestCompression::roundTrips()
{
    QFETCH(QByteArray, data);
    QFETCH(int, level);

    const QByteArray compressed = gzipCompress(data, level);
    const Inflated byZlib = inflateOneMember(compressed);
    QVERIFY(byZlib.complete);
    QCOMPARE(byZlib.data, data);

    const Expected<QByteArray> byUs = decodeContentEncoding("gzip", compressed, 0);
    QVERIFY(byUs);
    QCOMPARE(*byUs, data);
}

void TestCompression::writesOneGzipMember()
{
    const QByteArray compressed = gzipCompress(exposition(100));
    QVERIFY(compressed.startsWith("\x1f\x8b\x08"));
    const Inflated byZlib = inflateOneMember(compressed);
    QVERIFY(byZlib.complete);
    QCOMPARE(byZlib.unusedInput, 0); // nothing after the first member
}

void TestCompression::compressesRepetitiveText()
{
    const QByteArray text = exposition(10000);
    const QByteArray compressed = gzipCompress(text);
    QVERIFY2(compressed.size() * 5 < text.size(),
             QByteArray(QByteArray::number(compressed.size()) + " of " + QByteArray::number(text.size())).constData());
    QVERIFY(gzipCompress(QByteArray(1024 * 1024, '\0')).size() < 2048);
}

void TestCompression::levelZeroStores()
{
    const QByteArray text = exposition(100);
    QVERIFY(gzipCompress(text, 0).size() > text.size());
    QVERIFY(gzipCompress(text, 9).size() < text.size());
}

QTEST_APPLESS_MAIN(TestCompression)
#include "tst_compression.moc"
