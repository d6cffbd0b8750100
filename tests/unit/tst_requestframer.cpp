// RequestFramer: following requests on one connection byte by byte, to answer
// Expect: 100-continue and refuse oversized bodies and headers before they are buffered.

#include "http/requestframer.h"

#include <QTest>

using namespace qpgw::http;
using Verdict = RequestFramer::Verdict;

Q_DECLARE_METATYPE(Verdict)

namespace {

// Feeds `stream` in pieces of `step` bytes and returns every verdict that was not Fine.
QList<Verdict> feedInSteps(RequestFramer &framer, const QByteArray &stream, qsizetype step)
{
    QList<Verdict> verdicts;
    for (qsizetype at = 0; at < stream.size(); at += step) {
        const Verdict verdict = framer.feed(QByteArrayView(stream).sliced(at, std::min(step, stream.size() - at)));
        if (verdict != Verdict::Fine)
            verdicts.append(verdict);
    }
    return verdicts;
}

QByteArray request(const QByteArray &headers, const QByteArray &body = {})
{
    return "PUT /metrics/job/j HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + body;
}

} // namespace

class TestRequestFramer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldFollowRequests_data();
    void shouldFollowRequests();
    void shouldRefuseHugeHeaderBlock();
    void shouldFollowManyPipelinedRequests();
};

void TestRequestFramer::shouldFollowRequests_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<QList<Verdict>>("verdicts");
    QTest::addColumn<qsizetype>("completed");

    const QByteArray body(100, 'x');
    QTest::newRow("plain") << request("Content-Length: 100\r\n", body) << qint64(1000) << QList<Verdict>{} << qsizetype(1);
    QTest::newRow("no body") << request("") << qint64(1000) << QList<Verdict>{} << qsizetype(1);
    QTest::newRow("pipelined three") << request("Content-Length: 100\r\n", body) + request("") + request("Content-Length: 3\r\n", "abc")
                                     << qint64(1000) << QList<Verdict>{} << qsizetype(3);
    QTest::newRow("expect continue") << request("Content-Length: 100\r\nExpect: 100-continue\r\n", body) << qint64(1000)
                                     << QList<Verdict>{Verdict::ExpectsContinue} << qsizetype(1);
    QTest::newRow("expect continue, case-insensitive") << request("content-length: 100\r\nEXPECT: 100-Continue\r\n", body)
                                                       << qint64(1000) << QList<Verdict>{Verdict::ExpectsContinue} << qsizetype(1);
    QTest::newRow("expect without body") << request("Expect: 100-continue\r\n") << qint64(1000) << QList<Verdict>{} << qsizetype(1);
    QTest::newRow("announced too large") << request("Content-Length: 1001\r\n", QByteArray(1001, 'x')) << qint64(1000)
                                         << QList<Verdict>{Verdict::BodyTooLarge} << qsizetype(0);
    QTest::newRow("exactly the limit") << request("Content-Length: 1000\r\n", QByteArray(1000, 'x')) << qint64(1000)
                                       << QList<Verdict>{} << qsizetype(1);
    QTest::newRow("chunked") << request("Transfer-Encoding: chunked\r\n", "a\r\n0123456789\r\n5;ext=1\r\nabcde\r\n0\r\n\r\n")
                             << qint64(1000) << QList<Verdict>{} << qsizetype(1);
    QTest::newRow("chunked with trailer, then another") << request("Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n") + request("")
                                                        << qint64(1000) << QList<Verdict>{} << qsizetype(2);
    QTest::newRow("chunked too large") << request("Transfer-Encoding: chunked\r\n", "400\r\n" + QByteArray(1024, 'x') + "\r\n0\r\n\r\n")
                                       << qint64(1000) << QList<Verdict>{Verdict::BodyTooLarge} << qsizetype(0);
    QTest::newRow("bad content length") << request("Content-Length: -5\r\n") << qint64(1000) << QList<Verdict>{Verdict::Malformed} << qsizetype(0);
    QTest::newRow("Content-Length beyond 64 bits") << request("Content-Length: 9223372036854775808\r\n") << qint64(1000)
                                                   << QList<Verdict>{Verdict::Malformed} << qsizetype(0);
    QTest::newRow("chunk size beyond 64 bits") << request("Transfer-Encoding: chunked\r\n", "8000000000000000\r\nxx")
                                               << qint64(1000) << QList<Verdict>{Verdict::Malformed} << qsizetype(0);
    QTest::newRow("chunk sizes whose sum overflows") << request("Transfer-Encoding: chunked\r\n", "a\r\n0123456789\r\n7fffffffffffffff\r\nxx")
                                                     << qint64(1000) << QList<Verdict>{Verdict::BodyTooLarge} << qsizetype(0);
    QTest::newRow("bare line feeds") << QByteArray("PUT /metrics/job/j HTTP/1.1\nHost: x\nContent-Length: 3\n\nabcGET / HTTP/1.1\n\n")
                                     << qint64(1000) << QList<Verdict>{} << qsizetype(2);
    QTest::newRow("leading blank lines") << "\r\n\r\n" + request("") << qint64(1000) << QList<Verdict>{} << qsizetype(1);
}

void TestRequestFramer::shouldFollowRequests()
{
    QFETCH(QByteArray, stream);
    QFETCH(qint64, limit);
    QFETCH(QList<Verdict>, verdicts);
    QFETCH(qsizetype, completed);

    // Whole, and byte by byte: TCP may split anywhere, the answer must not change.
    for (const qsizetype step : {stream.size(), qsizetype(1), qsizetype(7)}) {
        RequestFramer framer(limit);
        QCOMPARE(feedInSteps(framer, stream, step), verdicts);
        QCOMPARE(framer.completedRequests(), completed);
    }
}

void TestRequestFramer::shouldRefuseHugeHeaderBlock()
{
    RequestFramer framer(1000);
    const QByteArray header = "GET / HTTP/1.1\r\nX-Big: " + QByteArray(RequestFramer::MaxHeaderBytes, 'x');
    QCOMPARE(framer.feed(header), Verdict::HeaderTooLarge);
    QCOMPARE(framer.feed("\r\n\r\n"), Verdict::Fine); // stopped: nothing more is reported
}

void TestRequestFramer::shouldFollowManyPipelinedRequests()
{
    // 10 MB of small pipelined requests: every one is framed, and the header bytes of one
    // request never include the ones after it (only header bytes are kept).
    QByteArray stream;
    const QByteArray one = request("Content-Length: 4\r\n", "a 1\n");
    for (int i = 0; i < 200000; ++i)
        stream += one;
    RequestFramer framer(1000);
    QCOMPARE(framer.feed(stream), Verdict::Fine);
    QCOMPARE(framer.completedRequests(), qsizetype(200000));
}

QTEST_APPLESS_MAIN(TestRequestFramer)
#include "tst_requestframer.moc"
