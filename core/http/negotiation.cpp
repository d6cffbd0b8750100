#include "negotiation.h"

#include <QByteArrayList>

#include <algorithm>
#include <optional>

namespace qpgw::http {
namespace {

// One clause of an Accept or Accept-Encoding header (the grammar is the same; the
// parameters only mean something in Accept).
struct AcceptClause
{
    QByteArray type;    // "text/plain", "*/*"; in Accept-Encoding the coding: "gzip", "*"
    double q = 1;
    QByteArray version; // the version= parameter
    QByteArray escaping;
    QByteArray proto;    // protobuf: the message type, io.prometheus.client.MetricFamily
    QByteArray encoding; // protobuf: delimited, text, compact-text
    qsizetype position = 0;

    bool isWildcard() const { return type.contains('*'); }
};

QList<AcceptClause> parseAccept(QByteArrayView header)
{
    QList<AcceptClause> clauses;
    const QByteArrayList parts = header.toByteArray().split(',');
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QByteArrayList fields = parts[i].split(';');
        AcceptClause clause;
        clause.type = fields.constFirst().trimmed().toLower();
        clause.position = i;
        if (clause.type.isEmpty())
            continue;
        for (qsizetype f = 1; f < fields.size(); ++f) {
            const qsizetype equals = fields[f].indexOf('=');
            if (equals < 0)
                continue;
            const QByteArray key = fields[f].left(equals).trimmed().toLower();
            QByteArray value = fields[f].mid(equals + 1).trimmed();
            if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
                value = value.mid(1, value.size() - 2);
            if (key == "q") {
                bool ok = false;
                const double q = value.toDouble(&ok);
                clause.q = ok ? q : 0;
            } else if (key == "version") {
                clause.version = value;
            } else if (key == "escaping") {
                clause.escaping = value;
            } else if (key == "proto") {
                clause.proto = value;
            } else if (key == "encoding") {
                clause.encoding = value;
            }
        }
        clauses.append(clause);
    }
    std::stable_sort(clauses.begin(), clauses.end(), [](const AcceptClause &a, const AcceptClause &b) {
        if (a.q != b.q)
            return a.q > b.q;
        return !a.isWildcard() && b.isWildcard();
    });
    return clauses;
}

// The protobuf encoding a clause asks for, if it asks for one we write.
std::optional<ExpositionFormat::Kind> protobufKind(const AcceptClause &clause)
{
    if (clause.type != "application/vnd.google.protobuf" || clause.proto != "io.prometheus.client.MetricFamily")
        return std::nullopt;
    if (clause.encoding == "delimited")
        return ExpositionFormat::Kind::ProtobufDelimited;
    if (clause.encoding == "text")
        return ExpositionFormat::Kind::ProtobufText;
    if (clause.encoding == "compact-text")
        return ExpositionFormat::Kind::ProtobufCompactText;
    return std::nullopt;
}

// The clauses Go's NegotiateIncludingOpenMetrics accepts. It labels a 0.0.1 (or unversioned)
// answer as 0.0.1; we write only 1.0.0 and say so, since Prometheus reads every
// application/openmetrics-text body with the same parser whatever its version.
bool isOpenMetrics(const AcceptClause &clause)
{
    return clause.type == "application/openmetrics-text"
        && (clause.version == "1.0.0" || clause.version == "0.0.1" || clause.version.isEmpty());
}

} // namespace

QByteArray ExpositionFormat::contentType() const
{
    QByteArrayView type;
    switch (kind) {
    case Kind::Text004:
        type = "text/plain; version=0.0.4; charset=utf-8";
        break;
    case Kind::ProtobufDelimited:
        type = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
        break;
    case Kind::ProtobufText:
        type = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=text";
        break;
    case Kind::ProtobufCompactText:
        type = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=compact-text";
        break;
    case Kind::OpenMetrics:
        type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
        break;
    }
    return type.toByteArray() + "; escaping=" + nameEscapingToString(escaping).toByteArray();
}

ExpositionFormat negotiateExposition(QByteArrayView accept, bool openMetricsEnabled)
{
    ExpositionFormat format;
    for (const AcceptClause &clause : parseAccept(accept)) {
        if (const std::optional<NameEscaping> escaping = nameEscapingFromString(clause.escaping))
            format.escaping = *escaping;
        if (const std::optional<ExpositionFormat::Kind> kind = protobufKind(clause)) {
            format.kind = *kind;
            return format;
        }
        if (openMetricsEnabled && isOpenMetrics(clause)) {
            format.kind = ExpositionFormat::Kind::OpenMetrics;
            return format;
        }
        if (clause.type == "text/plain" && (clause.version == "0.0.4" || clause.version.isEmpty()))
            return format;
    }
    return format;
}

bool acceptsGzip(QByteArrayView acceptEncoding)
{
    // Go's NegotiateContentEncoding, which the reference's promhttp uses: the first offer
    // wins ties, which is why "gzip, identity" is not compressed.
    const QList<AcceptClause> clauses = parseAccept(acceptEncoding);
    bool gzip = false;
    double bestQ = -1;
    for (const QByteArrayView offer : {QByteArrayView("identity"), QByteArrayView("gzip")}) {
        for (const AcceptClause &clause : clauses) {
            if (clause.q > bestQ && (clause.type == "*" || clause.type == offer)) {
                bestQ = clause.q;
                gzip = offer == "gzip";
            }
        }
    }
    return gzip && bestQ > 0;
}

} // namespace qpgw::http
