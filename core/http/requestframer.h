#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace qpgw::http {

// Follows the byte stream of one HTTP/1.1 connection request by request, ahead of
// QtHttpServer's own parser, to do what QtHttpServer 6.4 does not:
//  - notice `Expect: 100-continue`, so that the server can answer "100 Continue" (curl sends it
//    for bodies over 1 MB and otherwise waits a second);
//  - refuse a body larger than the limit before it is read into memory (413), whether its
//    size is announced (Content-Length) or not (chunked);
//  - refuse a header block over 1 MiB, Go's default (431).
// It only frames requests (header block, Content-Length or chunked body); it never interprets
// them. Every byte is looked at once; only header bytes are kept. Sizes are checked without
// overflow: a size that does not fit, or a sum of chunks over the limit, is refused.
// Pure: feed it bytes, it says what it saw.
class RequestFramer
{
public:
    static constexpr qsizetype MaxHeaderBytes = 1 << 20;

    enum class Verdict {
        Fine,            // nothing to do
        ExpectsContinue, // a request's headers asked for "100 Continue" (reported once per request)
        BodyTooLarge,    // 413; the connection cannot continue
        HeaderTooLarge,  // 431; the connection cannot continue
        Malformed,       // unusable framing (bad or huge Content-Length or chunk size): 400
    };

    explicit RequestFramer(qint64 maxBodyBytes);

    // Feeds the next bytes of the stream. Returns the most important thing seen in them.
    // After BodyTooLarge, HeaderTooLarge or Malformed, further input is ignored.
    Verdict feed(QByteArrayView bytes);

    // Requests whose end has been seen so far.
    qsizetype completedRequests() const { return m_completed; }
    // Bytes fed so far, and where in them the last request that expected "100 Continue"
    // began: its 100 belongs on the wire after the answers to the requests before it.
    qint64 bytesFed() const { return m_fed; }
    qint64 lastExpectingRequestStart() const { return m_expectingStart; }

private:
    enum class State { Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Stopped };

    Verdict headersComplete();
    void finishRequest();
    Verdict stop(Verdict verdict);

    qint64 m_maxBodyBytes;
    State m_state = State::Headers;
    QByteArray m_line;       // the current header block, chunk-size line or trailer line
    qsizetype m_lineStart = 0; // where the last header line in m_line begins
    qint64 m_remaining = 0;  // body or chunk bytes still to come
    qint64 m_bodyBytes = 0;  // body bytes of the current request so far
    qsizetype m_completed = 0;
    qint64 m_fed = 0;
    qint64 m_requestStart = 0;
    qint64 m_expectingStart = -1;
};

} // namespace qpgw::http
