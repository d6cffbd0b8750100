#pragma once

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
// Window geometry and splitter positions are kept with QSettings (group "mainWindow").
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
    // The confirmation being asked, if any.
    QMessageBox *pendingConfirmation() const { return m_confirmation; }
    // The status bar's text, its parts separated by " | ".
    QString statusText() const;

    // Makes the group with `key` the current row (clearing the filter if it hides it).
    bool selectGroup(const GroupingKey &key);

    void saveSettings() const;
    void restoreSettings();

public Q_SLOTS:
    // Ask, then delete: the current group; all groups of the current row's job; every group.
    void deleteCurrentGroup();
    void deleteCurrentJob();
    void wipeAll();
    void copyCurlCommand();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createLayout();
    void createMenus();
    void onCurrentChanged();
    void onChangesApplied();
    void updateActions();
    void updateStatus();
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

    QAction *m_deleteGroupAction = nullptr;
    QAction *m_deleteJobAction = nullptr;
    QAction *m_wipeAction = nullptr;
    QAction *m_copyCurlAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_quitAction = nullptr;

    QPointer<QMessageBox> m_confirmation;
    GroupingKey m_shownKey; // the group the viewer shows

    QTimer m_statusTimer;     // refreshes uptime and the push rate
    QElapsedTimer m_rateClock; // since the rate was last computed
    int m_pushesSinceTick = 0; // pushes answered (accepted or not) since the last tick
    double m_pushRate = 0;
};

} // namespace qpgw::gui
