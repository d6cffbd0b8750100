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
// The locale's UI languages are tried in order (de_AT, then de, ...); English, the language of
// the source strings, ends the search, so that "en, fr" does not show French. Calling it again
// replaces what an earlier call installed; the translators are children of `app`.
//
// Returns true when a translation of the console was installed; false when none matches the
// locale (English included: nothing to install), in which case the source strings show.
bool installTranslations(QCoreApplication &app, const QLocale &locale = QLocale::system());

// The languages the console is translated into, as in the .qm names ("de", "fr"), sorted.
QStringList availableTranslations();

} // namespace qpgw::gui
