#include "consoletray.h"

#include <QAction>
#include <QGuiApplication>
#include <QMenu>
#include <QSystemTrayIcon>

namespace qpgw::gui {

using namespace Qt::StringLiterals;

namespace {
constexpr int NotificationMs = 10000;
}

ConsoleTray::ConsoleTray(QAction *showWindow, QAction *copyCurl, QAction *quit, QObject *parent)
    : QObject(parent)
    , m_icon(new QSystemTrayIcon(QGuiApplication::windowIcon(), this))
    , m_menu(new QMenu)
{
    m_menu->addAction(showWindow);
    m_menu->addAction(copyCurl);
    m_menu->addSeparator();
    m_menu->addAction(quit);
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        // Trigger only: a double click also sends a Trigger first, and would toggle twice.
        if (reason == QSystemTrayIcon::Trigger)
            Q_EMIT activated();
    });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, &ConsoleTray::activated);
    m_icon->show();
}

ConsoleTray::~ConsoleTray()
{
    // The menu has no parent (QSystemTrayIcon does not take it).
    delete m_menu;
}

void ConsoleTray::notify(const QString &title, const QString &message)
{
    m_lastNotification = title + u'\n' + message;
    m_icon->showMessage(title, message, QSystemTrayIcon::Warning, NotificationMs);
}

void ConsoleTray::setToolTip(const QString &text)
{
    m_icon->setToolTip(text);
}

} // namespace qpgw::gui
