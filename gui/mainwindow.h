#pragma once

#include "consolesettings.h"
#include "scrapeconfigdialog.h" // complete for QPointer
#include "settingsdialog.h"     // complete for QPointer
#include "model/groupingkey.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QMainWindow>
#include <QMessageBox> // complete for QPointer
#include <QPointer>
#include <QTimer>

#include <functional>

class QAction;
class QLabel;
class QLineEdit;
class QModelIndex;
class QPushButton;
class QSplitter;
class QTreeView;

namespace qpgw {
class MetricStore;
}

namespace qpgw::gui {

class ConsoleController;
class ConsoleTray;
class FailureNotifier;
class GroupFilterProxyModel;
class GroupTreeModel;
class MetricViewer;
class PushLogModel;
class PushLogView;

// A ready-to-paste shell command that pushes one sample to the gateway listening on
// `listenAddress` ("127.0.0.1:9091", "[::]:9091"; a wildcard host becomes localhost) under
// `routePrefix` (GatewayConfig::routePrefix()).
QString curlPushCommand(const QString &listenAddress, const QString &routePrefix);

// MainWindow: the desktop console. The group tree (with its filter box, Ctrl+F) on the left,
// the metric viewer of the selected group on the right, the push log below, and a status bar
// (listen addresses, uptime, groups, series, pushes per second, persistence file).
//
// It reads snapshots only. Deleting a group, all groups of a job or everything asks first, in a
// non-blocking window-modal message box that names what will go; on acceptance the window asks
// the store, on the store's thread, to remove exactly what the box named (MetricStore::remove()
// / wipe()). Rows disappear when the store says they are gone, not before.
//
// Window geometry and splitter positions are kept with QSettings (group "mainWindow"); the
// settings dialog's choices with ConsoleSettings. Where a system tray exists, closing the window
// can leave the gateway running in the tray (a setting), and the tray tells when pushes to a
// group start failing (FailureNotifier).
//
// Keyboard: Ctrl+F filters (Escape clears the filter and returns to the tree, Down goes to the
// tree), Alt+1 / Alt+2 / Alt+3 go to the groups, the metrics and the push log, Delete deletes the
// current group, Ctrl+, opens the settings, Ctrl+Q quits.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // Shows the gateway `controller` runs, which must be running and outlive the window.
    explicit MainWindow(ConsoleController &controller, QWidget *parent = nullptr);
    ~MainWindow() override;

    GroupTreeModel *treeModel() const { return m_treeModel; }
    GroupFilterProxyModel *filterModel() const { return m_filterModel; }
    QTreeView *treeView() const { return m_tree; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    MetricViewer *viewer() const { return m_viewer; }
    PushLogModel *pushLogModel() const { return m_pushLogModel; }
    PushLogView *pushLogView() const { return m_pushLogView; }
    QAction *deleteGroupAction() const { return m_deleteGroupAction; }
    QAction *deleteJobAction() const { return m_deleteJobAction; }
    QAction *wipeAction() const { return m_wipeAction; }
    QAction *copyCurlAction() const { return m_copyCurlAction; }
    QAction *findAction() const { return m_findAction; }
    QAction *settingsAction() const { return m_settingsAction; }
    QAction *scrapeConfigAction() const { return m_scrapeConfigAction; }
    QAction *quitAction() const { return m_quitAction; }
    QAction *focusGroupsAction() const { return m_focusGroupsAction; }
    QAction *focusMetricsAction() const { return m_focusMetricsAction; }
    QAction *focusLogAction() const { return m_focusLogAction; }
    FailureNotifier *failureNotifier() const { return m_failureNotifier; }
    // Null where there is no system tray (unless setTrayEnabled(true) made one).
    ConsoleTray *tray() const { return m_tray; }
    SettingsDialog *settingsDialog() const { return m_settingsDialog; }
    ScrapeConfigDialog *scrapeConfigDialog() const { return m_scrapeConfigDialog; }
    const ConsoleSettings &settings() const { return m_settings; }
    // The confirmation being asked, if any.
    QMessageBox *pendingConfirmation() const { return m_confirmation; }
    // The status bar's text, its parts separated by " | " (a listen failure first).
    QString statusText() const;

    // Makes the group with `key` the current row (clearing the filter if it hides it).
    bool selectGroup(const GroupingKey &key);

    void saveSettings() const;
    void restoreSettings();

    // Puts `settings` in force: what changed is applied (the gateway moves to new listen
    // addresses, or the window says why it could not; API switches; stale age; tray) and saved
    // with QSettings. A persistence file waits for the next start.
    void applySettings(const ConsoleSettings &settings);
    // Shows or removes the tray icon (by default: shown when the desktop has a tray).
    void setTrayEnabled(bool enabled);

public Q_SLOTS:
    // Ask, then delete: the current group; all groups of the current row's job; every group.
    void deleteCurrentGroup();
    void deleteCurrentJob();
    void wipeAll();
    void copyCurlCommand();
    // Quits for good (the Quit action, the tray's Quit, SIGTERM, a permitted /-/quit): saves the
    // window's state and emits quitRequested(); closing the window then hides nothing.
    void quit();
    // Non-blocking dialogs: the settings (applied when accepted) and the scrape configuration.
    void openSettings();
    void showScrapeConfig();

Q_SIGNALS:
    // The user asked to quit (menu, tray, or closing the window when it does not stay in the
    // tray): the application should stop the gateway and exit.
    void quitRequested();

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createActions();
    void createLayout();
    void createMenus();
    void onCurrentChanged();
    void onChangesApplied();
    void updateActions();
    void updateStatus();
    void updatePersistenceStatus();
    void onListening(const QStringList &addresses, const QStringList &requested);
    void updateAddresses(const QStringList &addresses);
    void onListenFailed(const QStringList &requested, const QString &reason);
    void onStartedFailing(const QStringList &keys, const QString &firstReason);
    void toggleWindow();
    GroupingKey currentKey() const;
    QString currentJob() const;
    QList<GroupingKey> keysOfJob(const QString &job) const;
    void confirm(const QString &title, const QString &text, const QString &acceptText, std::function<void()> onAccept);
    void removeFromStore(const QList<GroupingKey> &keys);

    ConsoleController &m_controller;
    MetricStore *m_store;

    GroupTreeModel *m_treeModel = nullptr;
    GroupFilterProxyModel *m_filterModel = nullptr;
    PushLogModel *m_pushLogModel = nullptr;

    QSplitter *m_mainSplitter = nullptr; // vertical: groups and viewer above, push log below
    QSplitter *m_topSplitter = nullptr;  // horizontal: groups, viewer
    QLineEdit *m_filterEdit = nullptr;
    QTreeView *m_tree = nullptr;
    MetricViewer *m_viewer = nullptr;
    PushLogView *m_pushLogView = nullptr;
    QLabel *m_addressLabel = nullptr;
    QLabel *m_uptimeLabel = nullptr;
    QLabel *m_countsLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_persistenceLabel = nullptr;
    QLabel *m_listenErrorLabel = nullptr;
    QLabel *m_scrapeConfigLink = nullptr;

    QAction *m_deleteGroupAction = nullptr;
    QAction *m_deleteJobAction = nullptr;
    QAction *m_wipeAction = nullptr;
    QAction *m_copyCurlAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_scrapeConfigAction = nullptr;
    QAction *m_showWindowAction = nullptr;
    QAction *m_focusGroupsAction = nullptr;
    QAction *m_focusMetricsAction = nullptr;
    QAction *m_focusLogAction = nullptr;

    ConsoleSettings m_settings;
    FailureNotifier *m_failureNotifier = nullptr;
    ConsoleTray *m_tray = nullptr;
    bool m_quitting = false; // quit() was called: closing hides nothing to the tray
    bool m_toldAboutTray = false; // the first hide to the tray says so
    QPointer<SettingsDialog> m_settingsDialog;
    QPointer<ScrapeConfigDialog> m_scrapeConfigDialog;

    QPointer<QMessageBox> m_confirmation;
    GroupingKey m_shownKey; // the group the viewer shows

    QTimer m_statusTimer;     // refreshes uptime and the push rate
    QElapsedTimer m_rateClock; // since the rate was last computed
    int m_pushesSinceTick = 0; // pushes answered (accepted or not) since the last tick
    double m_pushRate = 0;
};

} // namespace qpgw::gui
