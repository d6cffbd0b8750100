// parseCommandLine(): kingpin's command-line syntax over the flag table.

#include "gatewayconfig.h"

#include "format/utf8text.h"
#include "gateway/flagtable.h"

#include <QDir>
#include <QSet>
#include <QStandardPaths>

#include <optional>

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

struct Token
{
    enum class Type { Long, Short, Argument, End };
    Type type = Type::End;
    QString value;
    bool attached = false; // an argument that came after '=' in "--name=value"
};

// kingpin's lexer: "--name=value" is a long flag followed by an attached argument, "-hx" is
// "-h" then "-x", "--" makes everything after it an argument.
class Tokens
{
public:
    explicit Tokens(const QStringList &arguments) : m_arguments(arguments) {}

    Token next()
    {
        if (m_pending) {
            Token token = std::move(*m_pending);
            m_pending.reset();
            return token;
        }
        if (m_position >= m_arguments.size())
            return {};
        QString argument = m_arguments[m_position++];
        if (m_argumentsOnly)
            return {Token::Type::Argument, argument};
        if (argument == u"--") {
            m_argumentsOnly = true;
            return next();
        }
        if (argument.startsWith(u"--")) {
            QString name = argument.sliced(2);
            const qsizetype equals = name.indexOf(u'=');
            if (equals >= 0) {
                m_pending = Token{Token::Type::Argument, name.sliced(equals + 1), true};
                name.truncate(equals);
            }
            return {Token::Type::Long, name};
        }
        if (argument.startsWith(u'-')) {
            // Our only short flag (-h) is a boolean, so the rest is more short flags.
            if (argument.size() > 2)
                m_arguments.insert(m_position, u'-' + argument.sliced(2));
            return {Token::Type::Short, argument.sliced(1, qMin<qsizetype>(1, argument.size() - 1))};
        }
        return {Token::Type::Argument, argument};
    }

    bool nextIsAttached() const { return m_pending && m_pending->attached; }

private:
    QStringList m_arguments;
    qsizetype m_position = 0;
    bool m_argumentsOnly = false;
    std::optional<Token> m_pending;
};

// Go's strconv.ParseBool, normalised to "true" or "false".
std::optional<QString> goBool(QStringView text)
{
    for (const QStringView spelling : {u"1", u"t", u"T", u"TRUE", u"true", u"True"}) {
        if (text == spelling)
            return u"true"_s;
    }
    for (const QStringView spelling : {u"0", u"f", u"F", u"FALSE", u"false", u"False"}) {
        if (text == spelling)
            return u"false"_s;
    }
    return std::nullopt;
}

QString invalidValueText(QStringView noun, const QString &value, QStringView flagName, QStringView detail)
{
    QString text = u"invalid "_s + noun + u' ' + goQuoted(value.toUtf8()) + u" for --"_s + flagName;
    if (!detail.isEmpty())
        text += u": "_s + detail;
    return text;
}

} // namespace

GatewayConfig desktopDefaults()
{
    GatewayConfig config;
    const QString directory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (!directory.isEmpty())
        config.persistenceFile = QDir(directory).filePath(u"metrics.db"_s);
    return config;
}

Expected<CommandLine> parseCommandLine(const QStringList &arguments, const GatewayConfig &defaults)
{
    CommandLine result;
    result.config = defaults;
    GatewayConfig &config = result.config;
    bool help = false;
    bool version = false;
    // kingpin reads all flags before it stores any value, so an invalid value is reported
    // after a syntax error and after --help.
    std::optional<QString> syntaxError;
    std::optional<QString> valueError;
    QSet<QStringView> given;

    Tokens tokens(arguments);
    for (Token token = tokens.next(); token.type != Token::Type::End && !syntaxError; token = tokens.next()) {
        if (token.type == Token::Type::Argument) {
            syntaxError = u"unexpected argument '"_s + token.value + u'\'';
            continue;
        }
        if (token.type == Token::Type::Short) {
            if (token.value == u"h")
                help = true;
            else
                syntaxError = u"unknown short flag '-"_s + token.value + u'\'';
            continue;
        }
        if (token.value == u"help") {
            help = true;
            continue;
        }
        if (token.value == u"version") {
            version = true;
            continue;
        }

        const FlagSpec *flag = findGatewayFlag(token.value);
        bool negated = false;
        if (!flag && token.value.startsWith(u"no-")) {
            flag = findGatewayFlag(QStringView(token.value).sliced(3));
            negated = true;
        }
        if (!flag || (negated && flag->kind != FlagSpec::Kind::Bool)) {
            syntaxError = u"unknown long flag '--"_s + token.value + u'\'';
            continue;
        }

        QString value;
        if (flag->kind == FlagSpec::Kind::Bool) {
            value = negated ? u"false"_s : u"true"_s;
            // Our addition: "--name=false". After "--no-name", kingpin's reading stands: the
            // attached text is an unexpected argument.
            if (!negated && tokens.nextIsAttached()) {
                const QString text = tokens.next().value;
                const std::optional<QString> parsed = goBool(text);
                if (!parsed) {
                    valueError = valueError.value_or(invalidValueText(u"boolean", text, flag->name, {}));
                    continue;
                }
                value = *parsed;
            }
        } else {
            Token argument = tokens.next();
            if (argument.type != Token::Type::Argument) {
                syntaxError = u"expected argument for flag '--"_s + flag->name + u'\'';
                continue;
            }
            value = std::move(argument.value);
        }

        if (given.contains(flag->name) && flag->kind != FlagSpec::Kind::Repeatable) {
            valueError = valueError.value_or(u"flag '"_s + flag->name + u"' cannot be repeated");
            continue;
        }
        if (flag->kind == FlagSpec::Kind::Repeatable && !given.contains(flag->name))
            flag->clear(config); // given values replace the default, as kingpin's Strings()
        given.insert(flag->name);
        if (const std::optional<FlagValueProblem> problem = flag->set(config, value); problem && !valueError)
            valueError = invalidValueText(problem->noun, value, flag->name, problem->detail);
    }

    // kingpin's order: --version acts before errors are looked at, --help after syntax errors
    // and before invalid values.
    if (version)
        return CommandLine{CommandLine::Action::ShowVersion, {}};
    if (syntaxError)
        return Error::badRequest(*syntaxError);
    if (help)
        return CommandLine{CommandLine::Action::ShowHelp, {}};
    if (valueError)
        return Error::badRequest(*valueError);
    return result;
}

QString commandLineErrorText(const QString &programName, const Error &error)
{
    return programName + u": error: "_s + error.message + u", try --help"_s;
}

} // namespace qpgw
