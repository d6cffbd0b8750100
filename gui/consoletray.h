#pragma once

#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace qpgw::gui {

// ConsoleTray: the console's icon in the system tray. A click shows or hides the window; its
// menu offers the window, the curl command and Quit; notify() shows a desktop notification
// (a click on it brings the window back). Created only where a tray exists (or for tests).
class ConsoleTray : public QObject
{
    Q_OBJECT

public:
    // `showWindow` toggles the window; the actions are shared with the window's menus.
    ConsoleTray(QAction *showWindow, QAction *copyCurl, QAction *quit, QObject *parent = nullptr);
    ~ConsoleTray() override;

    void notify(const QString &title, const QString &message);
    void setToolTip(const QString &text);
    QSystemTrayIcon *icon() const { return m_icon; }
    // The last notification shown, for tests (the offscreen platform shows none).
    QString lastNotification() const { return m_lastNotification; }

Q_SIGNALS:
    void activated();

private:
    QSystemTrayIcon *m_icon = nullptr;
    QMenu *m_menu = nullptr;
    QString m_lastNotification;
};

} // namespace qpgw::gui
