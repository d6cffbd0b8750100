#include "translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

#include <memory>

using namespace Qt::StringLiterals;

namespace qpgw::gui {

namespace {

constexpr auto TranslatorName = "qpgw_translator"_L1;
constexpr auto FilePrefix = "qpushgateway_"_L1;
// The language of the source strings; its .qm holds only the plural forms of the %n strings.
constexpr auto SourceLanguage = "en"_L1;

// Removes (and deletes) the translators an earlier installTranslations() put into `app`.
void removeInstalled(QCoreApplication &app)
{
    const QList<QTranslator *> installed = app.findChildren<QTranslator *>(TranslatorName, Qt::FindDirectChildrenOnly);
    for (QTranslator *translator : installed) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
}

// Loads `<prefix><name>.qm` from `directory` (QTranslator falls back from de_DE to de) and
// installs it; false, and nothing installed, when there is no such file.
bool install(QCoreApplication &app, const QString &prefix, const QString &name, const QString &directory)
{
    auto translator = std::make_unique<QTranslator>(&app);
    translator->setObjectName(TranslatorName);
    if (!translator->load(prefix + name, directory) || !QCoreApplication::installTranslator(translator.get()))
        return false;
    translator.release(); // owned by app
    return true;
}

} // namespace

bool installTranslations(QCoreApplication &app, const QLocale &locale)
{
    removeInstalled(app);

    const QString directory = TranslationsResourceDir.toString();
    const QStringList languages = locale.uiLanguages();
    for (QString name : languages) {
        name.replace(u'-', u'_');
        if (name == "C"_L1 || name == SourceLanguage || name.startsWith(SourceLanguage + u'_'))
            return install(app, FilePrefix, SourceLanguage, directory); // no Qt translation needed
        if (install(app, FilePrefix, name, directory)) {
            // Qt's own strings (dialog buttons, context menus) in the same language, if installed.
            install(app, u"qtbase_"_s, name, QLibraryInfo::path(QLibraryInfo::TranslationsPath));
            return true;
        }
    }
    // No language of the locale is translated: the English source strings show, so their plurals.
    install(app, FilePrefix, SourceLanguage, directory);
    return false;
}

QStringList availableTranslations()
{
    QStringList languages;
    const QStringList files = QDir(TranslationsResourceDir.toString()).entryList({FilePrefix + "*.qm"_L1}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QString language = file.mid(FilePrefix.size()).chopped(3); // without the prefix and ".qm"
        if (language != SourceLanguage) // the English plural forms, see the header
            languages.append(language);
    }
    return languages;
}

} // namespace qpgw::gui
