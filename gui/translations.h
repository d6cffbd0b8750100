#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

class QCoreApplication;

namespace qpgw::gui {

// The resource directory that holds the console's compiled translations, qpushgateway_<lang>.qm
// (built by lrelease from translations/*.ts and embedded in qpgw_gui).
inline constexpr QStringView TranslationsResourceDir = u":/i18n";

// Installs the console's translation for `locale` into `app`, and with it Qt's own translation
// of the same language (qtbase_<lang>.qm from QLibraryInfo::TranslationsPath, when installed),
// so that Qt's dialogs and context menus speak the same language as the console.
//
// The locale's UI languages are tried in order (de_AT, then de, ...). English, the language of
// the source strings, and the C locale end the search, so that "en, fr" does not show French:
// they get qpushgateway_en.qm, which holds only the English singular and plural forms of the
// %n strings ("1 group", "3 groups" for "%n group(s)"), and no Qt translation. A locale with no
// translated language (Japanese) shows the English source strings, so it gets the English plural
// forms too. Calling it again replaces what an earlier call installed; the translators are
// children of `app`.
//
// Returns true when a translation for one of the locale's languages was installed, English (its
// plural forms) included; false when none of the locale's languages is translated, in which case
// the English source strings show, with the English plural forms installed as a fallback.
bool installTranslations(QCoreApplication &app, const QLocale &locale = QLocale::system());

// The languages the console is translated into, as in the .qm names ("de", "fr"), sorted.
// English is not among them: it is the source language, and qpushgateway_en.qm holds only the
// plural forms of its %n strings, not a translation one could choose.
QStringList availableTranslations();

} // namespace qpgw::gui
