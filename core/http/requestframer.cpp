#include "requestframer.h"

#include <QByteArrayList>

namespace qpgw::http {
namespace {

// The value of header `name` (case-insensitive) in a header block, trimmed; null if absent.
QByteArray headerValue(const QByteArray &block, QByteArrayView name)
{
    const QByteArrayList lines = block.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) { // line 0 is the request line
        const QByteArray &line = lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        if (QByteArrayView(line).first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

} // namespace

RequestFramer::RequestFramer(qint64 maxBodyBytes)
    : m_maxBodyBytes(maxBodyBytes)
{
}

RequestFramer::Verdict RequestFramer::stop(Verdict verdict)
{
    m_state = State::Stopped;
    m_line.clear();
    return verdict;
}

void RequestFramer::finishRequest()
{
    ++m_completed;
    m_state = State::Headers;
    m_line.clear();
    m_lineStart = 0;
    m_bodyBytes = 0;
    m_remaining = 0;
}

RequestFramer::Verdict RequestFramer::headersComplete()
{
    const QByteArray block = m_line;
    m_line.clear();
    m_lineStart = 0;
    const bool expectsContinue = headerValue(block, "expect").compare("100-continue", Qt::CaseInsensitive) == 0;
    const QByteArray transferEncoding = headerValue(block, "transfer-encoding").toLower();
    const QByteArray contentLength = headerValue(block, "content-length");

    if (transferEncoding.contains("chunked")) {
        m_state = State::ChunkSize;
        return expectsContinue ? Verdict::ExpectsContinue : Verdict::Fine;
    }
    qint64 length = 0;
    if (!contentLength.isNull()) {
        bool ok = false;
        length = contentLength.toLongLong(&ok);
        if (!ok || length < 0)
            return stop(Verdict::Malformed);
    }
    if (length > m_maxBodyBytes)
        return stop(Verdict::BodyTooLarge);
    if (length == 0) {
        finishRequest();
        return Verdict::Fine;
    }
    m_state = State::Body;
    m_remaining = length;
    return expectsContinue ? Verdict::ExpectsContinue : Verdict::Fine;
}

RequestFramer::Verdict RequestFramer::feed(QByteArrayView bytes)
{
    Verdict result = Verdict::Fine;
    qsizetype at = 0;
    const qint64 fedBefore = m_fed;
    m_fed += bytes.size();
    while (at < bytes.size() && m_state != State::Stopped) {
        switch (m_state) {
        case State::Headers: {
            // Line by line: append up to the next line feed (header bytes only), then look
            // at the line that just ended. A line that is empty ("\n" or "\r\n") ends the
            // block; before a request line it is skipped (RFC 9112 2.2).
            const qsizetype newline = bytes.indexOf('\n', at);
            const qsizetype end = newline < 0 ? bytes.size() : newline + 1;
            if (m_line.isEmpty())
                m_requestStart = fedBefore + at;
            m_line += bytes.sliced(at, end - at);
            at = end;
            if (m_line.size() > MaxHeaderBytes)
                return stop(Verdict::HeaderTooLarge);
            if (newline < 0)
                break;
            const QByteArrayView line = QByteArrayView(m_line).sliced(m_lineStart);
            const bool blank = line == "\n" || line == "\r\n";
            m_lineStart = m_line.size();
            if (!blank)
                break;
            if (line.size() == m_line.size()) { // nothing before it: a blank line between requests
                m_line.clear();
                m_lineStart = 0;
                break;
            }
            const Verdict verdict = headersComplete();
            if (verdict == Verdict::BodyTooLarge || verdict == Verdict::Malformed)
                return verdict;
            if (verdict == Verdict::ExpectsContinue) {
                result = verdict;
                m_expectingStart = m_requestStart;
            }
            break;
        }
        case State::Body: {
            const qint64 take = std::min<qint64>(m_remaining, bytes.size() - at);
            at += take;
            m_remaining -= take;
            if (m_remaining == 0)
                finishRequest();
            break;
        }
        case State::ChunkSize:
        case State::Trailers: {
            const qsizetype newline = bytes.indexOf('\n', at);
            m_line += bytes.sliced(at, (newline < 0 ? bytes.size() : newline + 1) - at);
            at = newline < 0 ? bytes.size() : newline + 1;
            if (m_line.size() > MaxHeaderBytes)
                return stop(Verdict::HeaderTooLarge);
            if (newline < 0)
                break;
            const QByteArray line = m_line.trimmed();
            m_line.clear();
            if (m_state == State::Trailers) {
                if (line.isEmpty())
                    finishRequest();
                break;
            }
            bool ok = false;
            const qint64 size = line.left(line.indexOf(';') < 0 ? line.size() : line.indexOf(';')).trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0)
                return stop(Verdict::Malformed);
            if (size == 0) {
                m_state = State::Trailers;
                break;
            }
            // Compared before adding, so that no sum of chunk sizes can overflow.
            if (size > m_maxBodyBytes - m_bodyBytes)
                return stop(Verdict::BodyTooLarge);
            m_bodyBytes += size;
            m_remaining = size;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 take = std::min<qint64>(m_remaining, bytes.size() - at);
            at += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            // The CRLF after a chunk's data.
            const qsizetype newline = bytes.indexOf('\n', at);
            if (newline < 0) {
                at = bytes.size();
                break;
            }
            at = newline + 1;
            m_state = State::ChunkSize;
            break;
        }
        case State::Stopped:
            break;
        }
    }
    return result;
}

} // namespace qpgw::http
