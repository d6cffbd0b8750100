// Turns a push body in text format 0.0.4 (stdin) into the same families as delimited protobuf
// (stdout), Content-Type application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
// encoding=delimited. Used by http_vs_reference.py so that the protobuf push row carries exactly
// the families of the text row. Exits 1 with the parse error on stderr if the body is not valid
// text format, 2 if stdin or stdout fails.
//
//   build-bench/bench/encode_protobuf_body < body.txt > body.pb

#include "format/protobufwriter.h"
#include "format/textparser.h"

#include <QByteArray>

#include <cstdio>

using namespace qpgw;

int main()
{
    QByteArray text;
    char buffer[1 << 16];
    for (;;) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, stdin);
        text.append(buffer, static_cast<qsizetype>(n));
        if (n < sizeof buffer)
            break;
    }
    if (std::ferror(stdin)) {
        std::fputs("encode_protobuf_body: cannot read stdin\n", stderr);
        return 2;
    }

    const Expected<QList<MetricFamily>> families = parseTextFormat(text);
    if (!families) {
        std::fprintf(stderr, "encode_protobuf_body: %s\n", families.error().message.toUtf8().constData());
        return 1;
    }

    const QByteArray out = writeDelimitedProtobuf(*families);
    if (std::fwrite(out.constData(), 1, static_cast<std::size_t>(out.size()), stdout)
            != static_cast<std::size_t>(out.size())
        || std::fflush(stdout) != 0) {
        std::fputs("encode_protobuf_body: cannot write stdout\n", stderr);
        return 2;
    }
    return 0;
}
