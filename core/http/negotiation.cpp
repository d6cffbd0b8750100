#include "negotiation.h"

#include <QByteArrayList>

#include <algorithm>

namespace qpgw::http {
namespace {

struct AcceptClause
{
    QByteArray type;    // "text/plain", "*/*"
    double q = 1;
    QByteArray version; // the version= parameter
    QByteArray escaping;
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

} // namespace

QByteArray ExpositionFormat::contentType() const
{
    return "text/plain; version=0.0.4; charset=utf-8; escaping=" + nameEscapingToString(escaping).toByteArray();
}

ExpositionFormat negotiateExposition(QByteArrayView accept)
{
    ExpositionFormat format;
    for (const AcceptClause &clause : parseAccept(accept)) {
        if (const std::optional<NameEscaping> escaping = nameEscapingFromString(clause.escaping))
            format.escaping = *escaping;
        if (clause.type == "text/plain" && (clause.version == "0.0.4" || clause.version.isEmpty()))
            return format;
    }
    return format;
}

} // namespace qpgw::http
