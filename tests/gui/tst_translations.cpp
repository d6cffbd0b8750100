// The console's translations: the .qm files lrelease built are embedded and load, known strings
// come out in German and French, installTranslations() picks by locale (and stops at English,
// which gets the English plural forms: "1 group", "3 groups"), and the .ts files are complete:
// every message translated, none unfinished or vanished, the placeholders and accelerators kept,
// the English file only %n messages with both forms written out — both as committed and after a
// fresh lupdate over gui/ and app/, so that a new tr() string fails here until it is translated.

#include "failurenotifier.h"
#include "grouptreemodel.h"
#include "mainwindow.h"
#include "pushlogmodel.h"
#include "translations.h"

#include <QCoreApplication>
#include <QDebug>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

#include <algorithm>

using namespace qpgw::gui;
using namespace Qt::StringLiterals;

namespace {

const QString SourceDir = QStringLiteral(QPGW_SOURCE_DIR);
const QStringList Languages = {u"de"_s, u"fr"_s};
// qpushgateway_en.ts: not a translation, only the English forms of the %n strings.
const QString English = u"en"_s;

// The placeholders of a text (%1..%99 and %n), sorted, each once.
QStringList placeholders(const QString &text)
{
    static const QRegularExpression pattern(u"%(\\d{1,2}|n)"_s);
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.append(it.next().captured(0));
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return found;
}

// Whether a text has a keyboard accelerator: '&' before a character other than '&' or space.
bool hasAccelerator(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) == u'&') {
            ++i; // "&&" is a literal '&'
            continue;
        }
        if (!text.at(i + 1).isSpace())
            return true;
    }
    return false;
}

struct Message
{
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    bool hasTranslation = false;
    QString translationType;
    QStringList forms; // the translation, or its numerus forms
};

// Reads every <message> of a .ts file; `error` is set when the file is not well-formed TS.
QList<Message> readTs(const QString &path, QString *language, QString *error)
{
    QList<Message> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return messages;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Message *current = nullptr;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) {
            if (xml.isEndElement() && xml.name() == "message"_L1)
                current = nullptr;
            continue;
        }
        const QStringView name = xml.name();
        if (name == "TS"_L1) {
            *language = xml.attributes().value("language"_L1).toString();
        } else if (name == "name"_L1 && !current) {
            context = xml.readElementText();
        } else if (name == "message"_L1) {
            messages.append(Message{});
            current = &messages.last();
            current->context = context;
            current->numerus = xml.attributes().value("numerus"_L1) == "yes"_L1;
        } else if (current && name == "source"_L1) {
            current->source = xml.readElementText();
        } else if (current && name == "comment"_L1) {
            current->comment = xml.readElementText();
        } else if (current && name == "translation"_L1) {
            current->hasTranslation = true;
            current->translationType = xml.attributes().value("type"_L1).toString();
            if (!current->numerus)
                current->forms.append(xml.readElementText());
        } else if (current && name == "numerusform"_L1) {
            current->forms.append(xml.readElementText());
        }
    }
    if (xml.hasError())
        *error = u"%1:%2: %3"_s.arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    return messages;
}

// Every problem of a .ts file, one line each; empty when it is complete.
QStringList problemsOf(const QString &path, const QString &expectedLanguage)
{
    QStringList problems;
    QString language;
    QString error;
    const QList<Message> messages = readTs(path, &language, &error);
    const QString file = QFileInfo(path).fileName();
    if (!error.isEmpty())
        return {error};
    if (language != expectedLanguage)
        problems.append(u"%1: language is \"%2\", expected \"%3\""_s.arg(file, language, expectedLanguage));
    if (messages.isEmpty())
        problems.append(u"%1: no messages"_s.arg(file));

    for (const Message &message : messages) {
        const QString where = u"%1: [%2] \"%3\"%4: "_s.arg(file, message.context, message.source,
                                                          message.comment.isEmpty() ? QString() : u" (%1)"_s.arg(message.comment));
        if (!message.hasTranslation) {
            problems.append(where + "no <translation>"_L1);
            continue;
        }
        if (!message.translationType.isEmpty()) { // unfinished, vanished or obsolete
            problems.append(where + u"translation is %1"_s.arg(message.translationType));
            continue;
        }
        if (message.forms.isEmpty() || std::any_of(message.forms.cbegin(), message.forms.cend(),
                                                   [](const QString &form) { return form.trimmed().isEmpty(); })) {
            problems.append(where + "empty translation"_L1);
            continue;
        }
        const QStringList expected = placeholders(message.source);
        for (const QString &form : message.forms) {
            if (placeholders(form) != expected)
                problems.append(where + u"placeholders %1 in \"%2\", expected %3"_s.arg(placeholders(form).join(u' '), form, expected.join(u' ')));
            if (hasAccelerator(message.source) != hasAccelerator(form))
                problems.append(where + u"accelerator ('&') not kept in \"%1\""_s.arg(form));
        }
    }
    return problems;
}

// What the English plural file must be beyond complete: only %n messages (lupdate -pluralonly),
// each with a singular and a plural form, none left as the source's "(s)".
QStringList pluralProblemsOf(const QString &path)
{
    QString language;
    QString error;
    const QList<Message> messages = readTs(path, &language, &error);
    if (!error.isEmpty())
        return {error};
    QStringList problems;
    const QString file = QFileInfo(path).fileName();
    for (const Message &message : messages) {
        const QString where = u"%1: [%2] \"%3\": "_s.arg(file, message.context, message.source);
        if (!message.numerus) {
            problems.append(where + "not a %n (numerus) message"_L1);
            continue;
        }
        if (message.forms.size() != 2)
            problems.append(where + u"%1 forms, expected 2 (singular, plural)"_s.arg(message.forms.size()));
        for (const QString &form : message.forms) {
            if (form.contains("(s)"_L1))
                problems.append(where + u"\"%1\" still reads \"(s)\""_s.arg(form));
        }
    }
    return problems;
}

// The messages of a .ts file as "context|source|comment", sorted.
QStringList messageKeys(const QString &path)
{
    QString language;
    QString error;
    QStringList keys;
    const QList<Message> messages = readTs(path, &language, &error);
    for (const Message &message : messages)
        keys.append(message.context + u'|' + message.source + u'|' + message.comment);
    keys.sort();
    return keys;
}

QString tsPath(const QString &directory, const QString &language)
{
    return u"%1/qpushgateway_%2.ts"_s.arg(directory, language);
}

// Runs lupdate over gui/ and app/ with the options of qt_add_lupdate in
// translations/CMakeLists.txt plus `extraOptions`, on `tsFiles`; its output goes to `output`.
bool runLupdate(const QStringList &extraOptions, const QStringList &tsFiles, QString *output)
{
    QStringList arguments;
    for (const QString &directory : {u"gui"_s, u"app"_s}) {
        if (QFileInfo(SourceDir + u'/' + directory).isDir())
            arguments.append(SourceDir + u'/' + directory);
    }
    arguments << u"-no-obsolete"_s << u"-locations"_s << u"none"_s << u"-source-language"_s << u"en"_s << extraOptions
              << u"-ts"_s << tsFiles;

    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(QPGW_LUPDATE), arguments);
    if (!lupdate.waitForFinished(120'000)) {
        *output = lupdate.errorString();
        return false;
    }
    *output = QString::fromLocal8Bit(lupdate.readAll());
    return lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0;
}

// The language of each translator installTranslations() left in `app`, sorted.
QStringList installedLanguages(const QCoreApplication &app)
{
    QStringList languages;
    const QList<QTranslator *> translators = app.findChildren<QTranslator *>(Qt::FindDirectChildrenOnly);
    for (const QTranslator *translator : translators)
        languages.append(translator->language());
    languages.sort();
    return languages;
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private slots:
    void cleanup()
    {
        installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English));
    }

    void qmResourcesLoad_data()
    {
        QTest::addColumn<QString>("language");
        for (const QString &language : Languages + QStringList{English})
            QTest::newRow(qPrintable(language)) << language;
    }

    void qmResourcesLoad()
    {
        QFETCH(QString, language);
        const QString qm = u"%1/qpushgateway_%2.qm"_s.arg(TranslationsResourceDir.toString(), language);
        QVERIFY2(QFile::exists(qm), qPrintable(qm));
        QTranslator translator;
        QVERIFY(translator.load(qm));
        QVERIFY(!translator.isEmpty());
        QCOMPARE(translator.language(), language);
    }

    // The real translations; the English plural forms, embedded too, are not one.
    void availableLanguages()
    {
        QCOMPARE(availableTranslations(), Languages);
    }

    void knownStringsTranslate_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("comment");
        QTest::addColumn<int>("n");
        QTest::addColumn<QString>("expected");

        const QLocale de(QLocale::German, QLocale::Germany);
        const QLocale fr(QLocale::French, QLocale::France);
        const QString tree = u"qpgw::gui::GroupTreeModel"_s;
        const QString log = u"qpgw::gui::PushLogView"_s;
        const QString viewer = u"qpgw::gui::MetricViewer"_s;
        QTest::newRow("de Failed") << de << tree << u"Failed"_s << QString() << -1 << u"Fehlgeschlagen"_s;
        QTest::newRow("fr Failed") << fr << tree << u"Failed"_s << QString() << -1 << u"Échec"_s;
        QTest::newRow("de placeholder") << de << tree << u"%1 min ago"_s << QString() << -1 << u"vor %1 min"_s;
        QTest::newRow("fr placeholder") << fr << tree << u"%1 min ago"_s << QString() << -1 << u"il y a %1 min"_s;
        QTest::newRow("de accelerator") << de << log << u"C&lear"_s << QString() << -1 << u"&Leeren"_s;
        QTest::newRow("fr accelerator") << fr << viewer << u"&Copy series"_s << QString() << -1 << u"&Copier la série"_s;
        QTest::newRow("de plural 1") << de << tree << u"%n group(s)"_s << QString() << 1 << u"1 Gruppe"_s;
        QTest::newRow("de plural 3") << de << tree << u"%n group(s)"_s << QString() << 3 << u"3 Gruppen"_s;
        QTest::newRow("fr plural 0") << fr << tree << u"%n group(s)"_s << QString() << 0 << u"0 groupe"_s;
        QTest::newRow("fr plural 2") << fr << tree << u"%n group(s)"_s << QString() << 2 << u"2 groupes"_s;
        QTest::newRow("fr comment") << fr << u"qpgw::gui::PushLogModel"_s << u"%1: %2"_s << u"status code: reason"_s << -1
                                    << u"%1\u00a0: %2"_s;
        QTest::newRow("de region fallback") << QLocale(QLocale::German, QLocale::Austria) << tree << u"never"_s << QString() << -1
                                            << u"nie"_s;
        QTest::newRow("fr region fallback") << QLocale(QLocale::French, QLocale::Canada) << tree << u"never"_s << QString() << -1
                                            << u"jamais"_s;

        // English: the plural forms are written out; other strings are the source text.
        const QLocale en(QLocale::English, QLocale::UnitedStates);
        const QString window = u"qpgw::gui::MainWindow"_s;
        QTest::newRow("en plural 0") << en << tree << u"%n group(s)"_s << QString() << 0 << u"0 groups"_s;
        QTest::newRow("en plural 1") << en << tree << u"%n group(s)"_s << QString() << 1 << u"1 group"_s;
        QTest::newRow("en plural 2") << en << tree << u"%n group(s)"_s << QString() << 2 << u"2 groups"_s;
        QTest::newRow("en invariant") << en << window << u"%n series"_s << QString() << 1 << u"1 series"_s;
        QTest::newRow("en not plural") << en << tree << u"never"_s << QString() << -1 << u"never"_s;
        QTest::newRow("en region fallback") << QLocale(QLocale::English, QLocale::UnitedKingdom) << window << u"%n day(s) %1"_s
                                            << QString() << 1 << u"1 day %1"_s;
        QTest::newRow("C plural 3") << QLocale::c() << window << u"%n group(s)"_s << QString() << 3 << u"3 groups"_s;
    }

    void knownStringsTranslate()
    {
        QFETCH(QLocale, locale);
        QFETCH(QString, context);
        QFETCH(QString, source);
        QFETCH(QString, comment);
        QFETCH(int, n);
        QFETCH(QString, expected);

        QVERIFY(installTranslations(*QCoreApplication::instance(), locale));
        const QByteArray commentUtf8 = comment.toUtf8();
        QCOMPARE(QCoreApplication::translate(context.toUtf8().constData(), source.toUtf8().constData(),
                                             comment.isEmpty() ? nullptr : commentUtf8.constData(), n),
                 expected);
    }

    // The context lupdate wrote is the one tr() looks up (the class's qualified name).
    void widgetsTranslate()
    {
        QVERIFY(installTranslations(*QCoreApplication::instance(), QLocale(QLocale::German)));
        PushLogModel model;
        QCOMPARE(model.headerData(PushLogModel::TimeColumn, Qt::Horizontal, Qt::DisplayRole).toString(), u"Zeit"_s);
        QCOMPARE(GroupTreeModel::tr("Status"), u"Status"_s);
        QCOMPARE(GroupTreeModel::tr("never"), u"nie"_s);

        QVERIFY(installTranslations(*QCoreApplication::instance(), QLocale(QLocale::French)));
        QCOMPARE(model.headerData(PushLogModel::TimeColumn, Qt::Horizontal, Qt::DisplayRole).toString(), u"Heure"_s);
        QCOMPARE(GroupTreeModel::tr("never"), u"jamais"_s);
    }

    // English (the source language) and C install the English plural forms alone (no Qt
    // translation); languages without a translation show the source strings with those plural
    // forms but report false; each call replaces what the one before installed.
    void localeSelection()
    {
        QCoreApplication &app = *QCoreApplication::instance();
        QVERIFY(installTranslations(app, QLocale(QLocale::German)));
        QCOMPARE(GroupTreeModel::tr("never"), u"nie"_s);
        QCOMPARE(MainWindow::tr("%n group(s)", nullptr, 1), u"1 Gruppe"_s); // German, not the English plurals
        QVERIFY(!installedLanguages(app).contains(English));

        QVERIFY(installTranslations(app, QLocale(QLocale::English, QLocale::UnitedStates)));
        QCOMPARE(GroupTreeModel::tr("never"), u"never"_s);
        QCOMPARE(installedLanguages(app), QStringList{English});

        QVERIFY(installTranslations(app, QLocale(QLocale::French)));
        QVERIFY(!installTranslations(app, QLocale(QLocale::Japanese)));
        QCOMPARE(GroupTreeModel::tr("never"), u"never"_s);
        QCOMPARE(MainWindow::tr("%n group(s)", nullptr, 3), u"3 groups"_s);
        QCOMPARE(installedLanguages(app), QStringList{English});

        QVERIFY(installTranslations(app, QLocale::c()));
        QCOMPARE(GroupTreeModel::tr("never"), u"never"_s);
        QCOMPARE(installedLanguages(app), QStringList{English});

        // Installing twice leaves one set of translators.
        QVERIFY(installTranslations(app, QLocale(QLocale::German)));
        const qsizetype once = app.findChildren<QTranslator *>(Qt::FindDirectChildrenOnly).size();
        QVERIFY(installTranslations(app, QLocale(QLocale::German)));
        QCOMPARE(app.findChildren<QTranslator *>(Qt::FindDirectChildrenOnly).size(), once);
        QVERIFY(once == 1 || once == 2);
    }

    // The texts the English UI shows for %n strings: the status bar's counts, the tray's
    // notification title, the tree's tooltip.
    void englishPluralForms_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::newRow("en") << QLocale(QLocale::English);
        QTest::newRow("en_US") << QLocale(QLocale::English, QLocale::UnitedStates);
        QTest::newRow("en_GB") << QLocale(QLocale::English, QLocale::UnitedKingdom);
        QTest::newRow("C") << QLocale::c();
    }

    void englishPluralForms()
    {
        QFETCH(QLocale, locale);
        QVERIFY(installTranslations(*QCoreApplication::instance(), locale));
        QCOMPARE(MainWindow::tr("%n group(s)", nullptr, 1), u"1 group"_s);
        QCOMPARE(MainWindow::tr("%n group(s)", nullptr, 3), u"3 groups"_s);
        QCOMPARE(MainWindow::tr("%n series", nullptr, 1), u"1 series"_s);
        QCOMPARE(MainWindow::tr("%n series", nullptr, 7), u"7 series"_s);
        QCOMPARE(FailureNotifier::title(1), u"Pushes to 1 group started failing"_s);
        QCOMPARE(FailureNotifier::title(2), u"Pushes to 2 groups started failing"_s);
        QCOMPARE(GroupTreeModel::tr("%n group(s)", nullptr, 1), u"1 group"_s);
    }

    // Qt's own strings follow the console's language when Qt's translations are installed.
    void qtbaseTranslation()
    {
        const QString qtbase = QLibraryInfo::path(QLibraryInfo::TranslationsPath) + "/qtbase_de.qm"_L1;
        if (!QFile::exists(qtbase))
            QSKIP("Qt's own translations are not installed (Debian: qt6-translations-l10n)");
        QVERIFY(installTranslations(*QCoreApplication::instance(), QLocale(QLocale::German)));
        QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), u"Abbrechen"_s);
    }

    // The committed .ts files: one per language and the English plural forms, every message
    // translated.
    void tsFilesComplete()
    {
        const QString directory = SourceDir + "/translations"_L1;
        QStringList languages;
        const QStringList files = QDir(directory).entryList({u"qpushgateway_*.ts"_s}, QDir::Files, QDir::Name);
        for (const QString &file : files)
            languages.append(file.mid(13).chopped(3));
        QStringList expected = Languages + QStringList{English};
        expected.sort();
        QCOMPARE(languages, expected);

        QStringList problems;
        for (const QString &language : Languages)
            problems += problemsOf(tsPath(directory, language), language);
        for (const QString &problem : std::as_const(problems))
            qWarning().noquote() << problem;
        QVERIFY2(problems.isEmpty(), qPrintable(u"%1 problem(s), listed above"_s.arg(problems.size())));
    }

    // The committed English file: only %n messages, each with its singular and plural written
    // out ("%n group", "%n groups").
    void englishPluralsComplete()
    {
        const QString path = tsPath(SourceDir + "/translations"_L1, English);
        const QStringList problems = problemsOf(path, English) + pluralProblemsOf(path);
        for (const QString &problem : problems)
            qWarning().noquote() << problem;
        QVERIFY2(problems.isEmpty(), qPrintable(u"%1 problem(s), listed above"_s.arg(problems.size())));
    }

    // lupdate over the current sources finds nothing the .ts files lack: every tr() string of
    // gui/ and app/ is in them and translated. Run on copies; the sources are never touched.
    // On failure: build the update_translations target and translate what it added.
    void lupdateFindsNothingNew()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        QStringList copies;
        for (const QString &language : Languages) {
            copies.append(tsPath(temp.path(), language));
            QVERIFY(QFile::copy(tsPath(SourceDir + "/translations"_L1, language), copies.last()));
        }

        QString output;
        QVERIFY2(runLupdate({}, copies, &output), qPrintable(output));

        QStringList problems;
        for (const QString &language : Languages)
            problems += problemsOf(tsPath(temp.path(), language), language);
        for (const QString &problem : std::as_const(problems))
            qWarning().noquote() << problem;
        QVERIFY2(problems.isEmpty(),
                 qPrintable(u"%1 problem(s), listed above: the sources have strings the .ts files lack; build the target "
                            "update_translations and translate them. lupdate said:\n"_s.arg(problems.size()) + output));
    }

    // The same for the English plural forms: lupdate -pluralonly over the current sources finds
    // no %n string the English file lacks, and drops none it has (no stale message).
    void lupdatePluralsFindsNothingNew()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString committed = tsPath(SourceDir + "/translations"_L1, English);
        const QString copy = tsPath(temp.path(), English);
        QVERIFY(QFile::copy(committed, copy));

        QString output;
        // The options of the second qt_add_lupdate (qpgw_gui_plurals) in translations/CMakeLists.txt.
        QVERIFY2(runLupdate({u"-target-language"_s, English, u"-pluralonly"_s}, {copy}, &output), qPrintable(output));

        QStringList problems = problemsOf(copy, English) + pluralProblemsOf(copy);
        if (messageKeys(copy) != messageKeys(committed))
            problems.append(u"%1: lupdate -pluralonly changed the set of messages"_s.arg(QFileInfo(committed).fileName()));
        for (const QString &problem : std::as_const(problems))
            qWarning().noquote() << problem;
        QVERIFY2(problems.isEmpty(),
                 qPrintable(u"%1 problem(s), listed above: the %n strings of the sources and qpushgateway_en.ts differ; build "
                            "the target update_translations and write out the English forms. lupdate said:\n"_s.arg(problems.size())
                            + output));
    }

    // The checker itself: it finds what it must.
    void checkerFindsProblems()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString path = temp.filePath(u"qpushgateway_de.ts"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"(<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>C</name>
    <message><source>fine %1</source><translation>gut %1</translation></message>
    <message><source>new</source><translation type="unfinished"></translation></message>
    <message><source>gone</source><translation type="vanished">weg</translation></message>
    <message><source>old</source><translation type="obsolete">alt</translation></message>
    <message><source>empty</source><translation></translation></message>
    <message><source>none</source></message>
    <message><source>lost %1</source><translation>verloren</translation></message>
    <message><source>&amp;Key</source><translation>Taste</translation></message>
    <message numerus="yes"><source>%n item(s)</source><translation><numerusform>%n Ding</numerusform><numerusform></numerusform></translation></message>
</context>
</TS>
)");
        file.close();
        const QStringList problems = problemsOf(path, u"de"_s);
        QCOMPARE(problems.size(), 8);
        for (const char *source : {"new", "gone", "old", "empty", "none", "lost %1", "&Key", "%n item(s)"}) {
            const QString quoted = u"\"%1\""_s.arg(QLatin1StringView(source));
            QVERIFY2(std::any_of(problems.cbegin(), problems.cend(), [&](const QString &p) { return p.contains(quoted); }), source);
        }
    }

    // The plural checker finds a message that is no %n one, a wrong number of forms, and "(s)".
    void pluralCheckerFindsProblems()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString path = temp.filePath(u"qpushgateway_en.ts"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"(<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>C</name>
    <message numerus="yes"><source>%n fine(s)</source><translation><numerusform>%n fine</numerusform><numerusform>%n fines</numerusform></translation></message>
    <message><source>plain</source><translation>plain</translation></message>
    <message numerus="yes"><source>%n one(s)</source><translation><numerusform>%n one</numerusform></translation></message>
    <message numerus="yes"><source>%n kept(s)</source><translation><numerusform>%n kept</numerusform><numerusform>%n kept(s)</numerusform></translation></message>
</context>
</TS>
)");
        file.close();
        QCOMPARE(problemsOf(path, English), QStringList());
        const QStringList problems = pluralProblemsOf(path);
        QCOMPARE(problems.size(), 3);
        for (const char *source : {"plain", "%n one(s)", "%n kept(s)"}) {
            const QString quoted = u"\"%1\""_s.arg(QLatin1StringView(source));
            QVERIFY2(std::any_of(problems.cbegin(), problems.cend(), [&](const QString &p) { return p.contains(quoted); }), source);
        }
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
