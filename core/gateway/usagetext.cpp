// helpText() and versionText(): what --help and --version print, in the reference's layout.

#include "gatewayconfig.h"

#include "gateway/flagtable.h"
#include "http/buildinfo.h"

#include <utility>

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

// kingpin's two-column layout: columns start after a 2-space indent; the first is as wide as
// its longest entry under 30 characters, and a longer entry puts its help on the next line;
// the help is word-wrapped to the 80 columns kingpin assumes when it writes to a pipe.
constexpr qsizetype Indent = 2;
constexpr qsizetype Padding = 2;
constexpr qsizetype LongEntry = 30;
constexpr qsizetype Width = 80;

QStringList wrapped(const QString &text, qsizetype width)
{
    QStringList lines;
    QString line;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
            lines.append(line);
            line.clear();
        }
        if (!line.isEmpty())
            line += u' ';
        line += word;
    }
    lines.append(line);
    return lines;
}

QString twoColumns(const QList<std::pair<QString, QString>> &rows)
{
    qsizetype firstWidth = 0;
    for (const auto &[left, right] : rows) {
        if (left.size() < LongEntry)
            firstWidth = qMax(firstWidth, left.size());
    }
    const QString indent(Indent, u' ');
    const QString helpIndent(Indent + firstWidth + Padding, u' ');
    QString text;
    for (const auto &[left, right] : rows) {
        const QStringList lines = wrapped(right, Width - firstWidth - Padding - Indent);
        if (left.size() >= LongEntry)
            text += indent + left + u'\n' + helpIndent;
        else
            text += indent + left.leftJustified(firstWidth + Padding);
        text += lines.join(u'\n' + helpIndent) + u'\n';
    }
    return text;
}

QString flagColumn(const FlagSpec &flag, const GatewayConfig &defaults)
{
    if (flag.kind == FlagSpec::Kind::Bool)
        return u"    --[no-]"_s + flag.name;
    const QString defaultValue = flag.render(defaults);
    QString column = u"    --"_s + flag.name + u'='
                     + (flag.quoteDefaultInHelp ? u'"' + defaultValue + u'"' : defaultValue);
    if (flag.kind == FlagSpec::Kind::Repeatable)
        column += u" ..."_s;
    return column;
}

} // namespace

QString helpText(const QString &programName)
{
    const GatewayConfig defaults;
    QList<std::pair<QString, QString>> rows;
    rows.append({u"-h, --help"_s, u"Show context-sensitive help."_s});
    for (const FlagSpec &flag : gatewayFlags())
        rows.append({flagColumn(flag, defaults), flag.help.toString()});
    rows.append({u"    --version"_s, u"Show application version."_s});

    return u"usage: "_s + programName + u" [<flags>]\n\nThe Pushgateway\n\n\nFlags:\n"_s + twoColumns(rows);
}

QString versionText(const QString &programName)
{
    const BuildInfo build = BuildInfo::thisBuild();
    const auto text = [](const QByteArray &value) { return QString::fromUtf8(value); };
    QString version = programName + u", version "_s + text(build.version) + u" (branch: "_s + text(build.branch)
                      + u", revision: "_s + text(build.revision) + u')';
    // version.Print's lines; those a build was not stamped with are left out rather than
    // printed empty.
    const std::pair<QStringView, QByteArray> lines[] = {
        {u"build user", build.buildUser},
        {u"build date", build.buildDate},
        {u"qt version", build.goVersion},
        {u"platform", build.goOs + '/' + build.goArch},
        {u"tags", build.tags},
    };
    for (const auto &[label, value] : lines) {
        if (!value.isEmpty())
            version += u"\n  "_s + QString(label + u':').leftJustified(18) + text(value);
    }
    return version + u'\n';
}

} // namespace qpgw
