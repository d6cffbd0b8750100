#include "mainwindow.h"

#include "consolecontroller.h"
#include "consoletray.h"
#include "failurenotifier.h"
#include "gateway/gateway.h"
#include "groupfilterproxymodel.h"
#include "grouptreemodel.h"
#include "metricviewer.h"
#include "pushlogmodel.h"
#include "pushlogview.h"
#include "scrapeconfigdialog.h"
#include "settingsdialog.h"
#include "store/metricstore.h"

#include <QAction>
#include <QClipboard>
#include <QCloseEvent>
#include <QKeyEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <utility>

namespace qpgw::gui {

using namespace Qt::StringLiterals;

namespace {

QString durationText(qint64 seconds)
{
    const qint64 days = seconds / 86400;
    const QString clock = u"%1:%2:%3"_s.arg((seconds / 3600) % 24, 2, 10, QChar(u'0'))
                              .arg((seconds / 60) % 60, 2, 10, QChar(u'0'))
                              .arg(seconds % 60, 2, 10, QChar(u'0'));
    return days > 0 ? MainWindow::tr("%n day(s) %1", nullptr, int(days)).arg(clock) : clock;
}

} // namespace

QString curlPushCommand(const QString &listenAddress, const QString &routePrefix)
{
    return u"echo 'some_metric 3.14' | curl --data-binary @- http://%1%2/metrics/job/some_job"_s
        .arg(reachableAddress(listenAddress), routePrefix);
}

MainWindow::MainWindow(ConsoleController &controller, QWidget *parent)
    : QMainWindow(parent)
    , m_controller(controller)
    , m_store(controller.store())
{
    Q_ASSERT(controller.isRunning());
    setWindowTitle(tr("QPushgateway"));

    m_treeModel = new GroupTreeModel(this);
    m_filterModel = new GroupFilterProxyModel(this);
    m_filterModel->setSourceModel(m_treeModel);
    m_pushLogModel = new PushLogModel(this);
    m_failureNotifier = new FailureNotifier(this);
    m_settings = ConsoleSettings::load(QSettings(), controller.config());
    m_treeModel->setStaleAge(m_settings.staleAge);
    m_failureNotifier->setEnabled(m_settings.notifyFailures);

    createActions();
    createLayout();
    createMenus();

    connect(m_treeModel, &GroupTreeModel::changesApplied, this, &MainWindow::onChangesApplied);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::onCurrentChanged);
    m_treeModel->follow(controller.observer());
    m_pushLogModel->follow(controller.gateway());
    connect(controller.gateway(), &Gateway::changeHandled, this, [this](const http::ChangeRecord &record) {
        if (record.method != "DELETE")
            ++m_pushesSinceTick;
        m_failureNotifier->record(record);
    });
    connect(m_failureNotifier, &FailureNotifier::startedFailing, this, &MainWindow::onStartedFailing);
    connect(&controller, &ConsoleController::listeningChanged, this, &MainWindow::onListening);
    connect(&controller, &ConsoleController::listenFailed, this, &MainWindow::onListenFailed);

    m_rateClock.start();
    m_statusTimer.setInterval(1000);
    connect(&m_statusTimer, &QTimer::timeout, this, [this] {
        // The rate over the time since the last tick (about a second).
        const qint64 elapsedMs = m_rateClock.restart();
        m_pushRate = elapsedMs > 0 ? m_pushesSinceTick * 1000.0 / double(elapsedMs) : 0;
        m_pushesSinceTick = 0;
        updateStatus();
    });
    m_statusTimer.start();
    updateStatus();
    updateActions();
    restoreSettings();
    setTrayEnabled(QSystemTrayIcon::isSystemTrayAvailable());
    m_tree->setFocus(Qt::OtherFocusReason);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_deleteGroupAction = new QAction(QIcon::fromTheme(u"edit-delete"_s), tr("&Delete Group…"), this);
    m_deleteGroupAction->setShortcut(QKeySequence::Delete);
    // Only where the groups are: Delete in the filter box edits the filter.
    m_deleteGroupAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_deleteGroupAction->setToolTip(tr("Delete the selected group from the gateway"));
    connect(m_deleteGroupAction, &QAction::triggered, this, &MainWindow::deleteCurrentGroup);

    m_deleteJobAction = new QAction(tr("Delete All Groups of &Job…"), this);
    m_deleteJobAction->setToolTip(tr("Delete every group of the selected job from the gateway"));
    connect(m_deleteJobAction, &QAction::triggered, this, &MainWindow::deleteCurrentJob);

    m_wipeAction = new QAction(QIcon::fromTheme(u"edit-clear-all"_s), tr("&Wipe All Groups…"), this);
    m_wipeAction->setToolTip(tr("Delete every group from the gateway"));
    connect(m_wipeAction, &QAction::triggered, this, &MainWindow::wipeAll);

    m_copyCurlAction = new QAction(QIcon::fromTheme(u"edit-copy"_s), tr("Copy &curl Command"), this);
    m_copyCurlAction->setToolTip(tr("Copy a ready-to-paste command that pushes a sample to this gateway"));
    connect(m_copyCurlAction, &QAction::triggered, this, &MainWindow::copyCurlCommand);

    m_findAction = new QAction(QIcon::fromTheme(u"edit-find"_s), tr("&Filter Groups"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_filterEdit->setFocus(Qt::ShortcutFocusReason);
        m_filterEdit->selectAll();
    });
    addAction(m_findAction);

    m_quitAction = new QAction(QIcon::fromTheme(u"application-exit"_s), tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &MainWindow::quit);

    m_settingsAction = new QAction(QIcon::fromTheme(u"configure"_s), tr("&Settings…"), this);
    // Ctrl+, where the platform has no preferences shortcut of its own (where it has, once:
    // the same shortcut twice is ambiguous and triggers nothing).
    QList<QKeySequence> settingsKeys = QKeySequence::keyBindings(QKeySequence::Preferences);
    if (!settingsKeys.contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)))
        settingsKeys.append(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settingsAction->setShortcuts(settingsKeys);
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::openSettings);

    m_scrapeConfigAction = new QAction(tr("Prometheus Scrape Con&fig…"), this);
    m_scrapeConfigAction->setToolTip(tr("Show the scrape configuration Prometheus needs for this gateway"));
    connect(m_scrapeConfigAction, &QAction::triggered, this, &MainWindow::showScrapeConfig);

    m_showWindowAction = new QAction(tr("&Show Window"), this);
    connect(m_showWindowAction, &QAction::triggered, this, &MainWindow::toggleWindow);

    // Alt+1/2/3: the three panes, for keyboard users.
    m_focusGroupsAction = new QAction(tr("Go to &Groups"), this);
    m_focusGroupsAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_1));
    connect(m_focusGroupsAction, &QAction::triggered, this, [this] { m_tree->setFocus(Qt::ShortcutFocusReason); });
    m_focusMetricsAction = new QAction(tr("Go to &Metrics"), this);
    m_focusMetricsAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_2));
    connect(m_focusMetricsAction, &QAction::triggered, this, [this] {
        m_viewer->familyView()->setFocus(Qt::ShortcutFocusReason);
    });
    m_focusLogAction = new QAction(tr("Go to Push &Log"), this);
    m_focusLogAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_3));
    connect(m_focusLogAction, &QAction::triggered, this, [this] {
        m_pushLogView->table()->setFocus(Qt::ShortcutFocusReason);
    });
    for (QAction *action : {m_settingsAction, m_focusGroupsAction, m_focusMetricsAction, m_focusLogAction})
        addAction(action);
}

void MainWindow::createLayout()
{
    m_filterEdit = new QLineEdit;
    m_filterEdit->setPlaceholderText(tr("Filter by job, label value or metric name (Ctrl+F)"));
    m_filterEdit->setAccessibleName(tr("Filter groups"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->installEventFilter(this); // Escape and Down lead back to the tree
    connect(m_filterEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filterModel->setFilterText(text);
        if (!text.isEmpty())
            m_tree->expandAll();
    });

    m_tree = new QTreeView;
    m_tree->setAccessibleName(tr("Groups"));
    m_tree->setModel(m_filterModel);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(GroupTreeModel::NameColumn, Qt::AscendingOrder);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    // Elided in the middle: the end of instance="db-01" tells groups apart, not its start.
    m_tree->setTextElideMode(Qt::ElideMiddle);
    m_tree->header()->setSectionResizeMode(GroupTreeModel::NameColumn, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    // The other columns as wide as their headers or typical contents need (not measured from
    // the rows: that would cost with ten thousand of them), the rest for the labels.
    const QFontMetrics metrics = m_tree->fontMetrics();
    const auto fitColumn = [this, &metrics](int column, const QString &sample) {
        const QString title = m_filterModel->headerData(column, Qt::Horizontal).toString();
        m_tree->header()->resizeSection(column, std::max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title))
                                                    + 3 * metrics.averageCharWidth());
    };
    fitColumn(GroupTreeModel::FamiliesColumn, u"9999"_s);
    fitColumn(GroupTreeModel::SeriesColumn, u"999999"_s);
    fitColumn(GroupTreeModel::LastPushColumn, GroupTreeModel::tr("%1 min ago").arg(59));
    fitColumn(GroupTreeModel::StatusColumn, GroupTreeModel::tr("%n failing", nullptr, 99));
    m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_tree->addAction(m_deleteGroupAction);
    m_tree->addAction(m_deleteJobAction);
    m_tree->addAction(m_wipeAction);
    // A new job shows its groups.
    connect(m_filterModel, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &parent, int first, int last) {
        if (parent.isValid())
            return;
        for (int row = first; row <= last; ++row)
            m_tree->expand(m_filterModel->index(row, 0));
    });

    auto *deleteButton = new QPushButton(tr("Delete Group…"));
    connect(deleteButton, &QPushButton::clicked, m_deleteGroupAction, &QAction::trigger);
    connect(m_deleteGroupAction, &QAction::enabledChanged, deleteButton, &QWidget::setEnabled);
    auto *deleteJobButton = new QPushButton(tr("Delete Job…"));
    connect(deleteJobButton, &QPushButton::clicked, m_deleteJobAction, &QAction::trigger);
    connect(m_deleteJobAction, &QAction::enabledChanged, deleteJobButton, &QWidget::setEnabled);
    auto *wipeButton = new QPushButton(tr("Wipe All…"));
    connect(wipeButton, &QPushButton::clicked, m_wipeAction, &QAction::trigger);
    connect(m_wipeAction, &QAction::enabledChanged, wipeButton, &QWidget::setEnabled);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(deleteButton);
    buttons->addWidget(deleteJobButton);
    buttons->addStretch();
    buttons->addWidget(wipeButton);

    auto *groupsPane = new QWidget;
    auto *groupsLayout = new QVBoxLayout(groupsPane);
    groupsLayout->setContentsMargins(0, 0, 0, 0);
    groupsLayout->addWidget(m_filterEdit);
    groupsLayout->addWidget(m_tree);
    groupsLayout->addLayout(buttons);

    m_viewer = new MetricViewer;
    m_pushLogView = new PushLogView(m_pushLogModel);

    m_topSplitter = new QSplitter(Qt::Horizontal);
    m_topSplitter->setObjectName(u"topSplitter"_s);
    m_topSplitter->addWidget(groupsPane);
    m_topSplitter->addWidget(m_viewer);
    m_topSplitter->setStretchFactor(1, 1);

    m_mainSplitter = new QSplitter(Qt::Vertical);
    m_mainSplitter->setObjectName(u"mainSplitter"_s);
    m_mainSplitter->addWidget(m_topSplitter);
    m_mainSplitter->addWidget(m_pushLogView);
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 1);
    setCentralWidget(m_mainSplitter);

    m_addressLabel = new QLabel;
    m_addressLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_uptimeLabel = new QLabel;
    m_countsLabel = new QLabel;
    m_rateLabel = new QLabel;
    m_persistenceLabel = new QLabel;
    m_persistenceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_listenErrorLabel = new QLabel;
    m_listenErrorLabel->setStyleSheet(u"color: #c0392b"_s);
    m_listenErrorLabel->setWordWrap(true);
    m_listenErrorLabel->hide();
    m_scrapeConfigLink = new QLabel(u"<a href=\"#scrape-config\">%1</a>"_s.arg(tr("Scrape config…").toHtmlEscaped()));
    m_scrapeConfigLink->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_scrapeConfigLink->setToolTip(m_scrapeConfigAction->toolTip());
    connect(m_scrapeConfigLink, &QLabel::linkActivated, this, &MainWindow::showScrapeConfig);
    statusBar()->addWidget(m_listenErrorLabel);
    statusBar()->addWidget(m_addressLabel);
    statusBar()->addWidget(m_uptimeLabel);
    statusBar()->addWidget(m_countsLabel);
    statusBar()->addWidget(m_rateLabel);
    statusBar()->addWidget(m_persistenceLabel, 1);
    statusBar()->addPermanentWidget(m_scrapeConfigLink);

    updateAddresses(m_controller.listeningAddresses());
    updatePersistenceStatus();
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(m_copyCurlAction);
    fileMenu->addAction(m_scrapeConfigAction);
    fileMenu->addSeparator();
    fileMenu->addAction(m_settingsAction);
    fileMenu->addSeparator();
    fileMenu->addAction(m_quitAction);

    QMenu *groupsMenu = menuBar()->addMenu(tr("&Groups"));
    groupsMenu->addAction(m_findAction);
    groupsMenu->addSeparator();
    groupsMenu->addAction(m_deleteGroupAction);
    groupsMenu->addAction(m_deleteJobAction);
    groupsMenu->addAction(m_wipeAction);

    // What a new user needs first, in sight: the command that pushes, and how Prometheus scrapes.
    QToolBar *toolBar = addToolBar(tr("Gateway"));
    toolBar->setObjectName(u"gatewayToolBar"_s); // for saveState()
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setMovable(false);
    toolBar->addAction(m_copyCurlAction);
    toolBar->addAction(m_scrapeConfigAction);
    toolBar->addSeparator();
    toolBar->addAction(m_settingsAction);

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(m_focusGroupsAction);
    viewMenu->addAction(m_focusMetricsAction);
    viewMenu->addAction(m_focusLogAction);
}

QString MainWindow::statusText() const
{
    QStringList parts{m_addressLabel->text(), m_uptimeLabel->text(), m_countsLabel->text(),
                      m_rateLabel->text(), m_persistenceLabel->text()};
    if (!m_listenErrorLabel->isHidden())
        parts.prepend(m_listenErrorLabel->text());
    return parts.join(u" | "_s);
}

GroupingKey MainWindow::currentKey() const
{
    const QModelIndex current = m_tree->currentIndex();
    if (!current.isValid() || current.data(GroupTreeModel::IsJobRole).toBool())
        return {};
    return current.data(GroupTreeModel::KeyRole).value<GroupingKey>();
}

QString MainWindow::currentJob() const
{
    const QModelIndex current = m_tree->currentIndex();
    return current.isValid() ? current.data(GroupTreeModel::JobRole).toString() : QString();
}

QList<GroupingKey> MainWindow::keysOfJob(const QString &job) const
{
    QList<GroupingKey> keys;
    const QModelIndex jobIndex = m_treeModel->indexOfJob(job);
    if (!jobIndex.isValid())
        return keys;
    for (int row = 0, rows = m_treeModel->rowCount(jobIndex); row < rows; ++row)
        keys.append(m_treeModel->index(row, 0, jobIndex).data(GroupTreeModel::KeyRole).value<GroupingKey>());
    return keys;
}

bool MainWindow::selectGroup(const GroupingKey &key)
{
    QModelIndex proxyIndex = m_filterModel->mapFromSource(m_treeModel->indexOf(key));
    if (!proxyIndex.isValid() && m_treeModel->indexOf(key).isValid()) {
        m_filterEdit->clear();
        proxyIndex = m_filterModel->mapFromSource(m_treeModel->indexOf(key));
    }
    if (!proxyIndex.isValid())
        return false;
    m_tree->scrollTo(proxyIndex);
    m_tree->selectionModel()->setCurrentIndex(proxyIndex, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

void MainWindow::onCurrentChanged()
{
    const GroupingKey key = currentKey();
    m_shownKey = key;
    m_viewer->setGroup(key.isEmpty() ? GroupSnapshot() : m_treeModel->group(m_treeModel->indexOf(key)));
    updateActions();
}

void MainWindow::onChangesApplied()
{
    // The shown group's new state, or nothing once it is gone.
    if (!m_shownKey.isEmpty()) {
        const GroupSnapshot group = m_treeModel->group(m_treeModel->indexOf(m_shownKey));
        if (group != m_viewer->group())
            m_viewer->setGroup(group);
        if (!group)
            m_shownKey = {};
    }
    updateStatus();
    updateActions();
}

void MainWindow::updateActions()
{
    m_deleteGroupAction->setEnabled(!currentKey().isEmpty());
    m_deleteJobAction->setEnabled(!currentJob().isEmpty());
    m_wipeAction->setEnabled(m_treeModel->rowCount() > 0);
}

void MainWindow::updateStatus()
{
    const qint64 uptime = m_controller.startTime().secsTo(QDateTime::currentDateTimeUtc());
    m_uptimeLabel->setText(tr("Up %1").arg(durationText(std::max<qint64>(uptime, 0))));

    qlonglong groups = 0;
    qlonglong series = 0;
    for (int row = 0, jobs = m_treeModel->rowCount(); row < jobs; ++row) {
        const QModelIndex job = m_treeModel->index(row, GroupTreeModel::SeriesColumn);
        groups += m_treeModel->rowCount(m_treeModel->index(row, 0));
        series += job.data(GroupTreeModel::SortRole).toLongLong();
    }
    m_countsLabel->setText(tr("%n group(s)", nullptr, int(groups)) + u", "_s + tr("%n series", nullptr, int(series)));
    m_rateLabel->setText(tr("%1 pushes/s").arg(QLocale().toString(m_pushRate, 'f', 1)));
    updatePersistenceStatus();
}

void MainWindow::updatePersistenceStatus()
{
    const QString file = m_controller.config().persistenceFile;
    const std::optional<Persistence::SaveStatus> status = m_controller.saveStatus();
    if (file.isEmpty() || !status) {
        m_persistenceLabel->setText(tr("In memory only (no persistence file)"));
        return;
    }
    QString text = tr("Persisting to %1").arg(file);
    const QLocale locale;
    if (status->lastFailure.isValid() && (!status->lastSaved.isValid() || status->lastFailure >= status->lastSaved)) {
        text += u", "_s + tr("saving failed at %1: %2")
                              .arg(locale.toString(status->lastFailure.toLocalTime().time(), QLocale::ShortFormat),
                                   status->failureReason);
        m_persistenceLabel->setStyleSheet(u"color: #c0392b"_s);
    } else {
        if (status->lastSaved.isValid())
            text += u", "_s + tr("last saved %1").arg(locale.toString(status->lastSaved.toLocalTime().time(), u"HH:mm:ss"_s));
        m_persistenceLabel->setStyleSheet({});
    }
    m_persistenceLabel->setText(text);
}

void MainWindow::onListening(const QStringList &addresses, const QStringList &requested)
{
    // Saved as asked ("localhost:9091", not what it resolved to), and only once bound: a later
    // request that fails leaves the last one that worked.
    ConsoleSettings saved = m_settings;
    saved.listenAddresses = requested;
    QSettings settings;
    saved.saveChanges(settings, m_settings);
    m_settings = saved;
    updateAddresses(addresses);
    if (m_scrapeConfigDialog)
        m_scrapeConfigDialog->setSnippet(scrapeConfigSnippet(addresses, m_controller.config().telemetryRoute()));
}

void MainWindow::updateAddresses(const QStringList &addresses)
{
    m_addressLabel->setText(tr("Listening on %1").arg(addresses.join(u", "_s)));
    m_listenErrorLabel->hide();
    if (m_tray)
        m_tray->setToolTip(tr("QPushgateway on %1").arg(addresses.join(u", "_s)));
}

void MainWindow::onListenFailed(const QStringList &requested, const QString &reason)
{
    // The settings keep the addresses the gateway kept: the failed ones are not saved.
    m_listenErrorLabel->setText(tr("Could not listen on %1 (%2); still listening on %3")
                                    .arg(requested.join(u", "_s), reason,
                                         m_controller.listeningAddresses().join(u", "_s)));
    m_listenErrorLabel->show();
}

void MainWindow::confirm(const QString &title, const QString &text, const QString &acceptText, std::function<void()> onAccept)
{
    if (m_confirmation)
        m_confirmation->close();
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Cancel, this);
    QPushButton *accept = box->addButton(acceptText, QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setEscapeButton(QMessageBox::Cancel);
    box->setWindowModality(Qt::WindowModal);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [accept, onAccept = std::move(onAccept)](QAbstractButton *button) {
        if (button == accept)
            onAccept();
    });
    m_confirmation = box;
    box->open();
}

void MainWindow::removeFromStore(const QList<GroupingKey> &keys)
{
    MetricStore *store = m_store;
    QMetaObject::invokeMethod(store, [store, keys] {
        for (const GroupingKey &key : keys)
            store->remove(key);
    }, Qt::QueuedConnection);
}

void MainWindow::deleteCurrentGroup()
{
    const GroupingKey key = currentKey();
    if (key.isEmpty())
        return;
    const GroupSnapshot group = m_treeModel->group(m_treeModel->indexOf(key));
    const int series = group ? int(group->seriesCount()) : 0;
    confirm(tr("Delete Group"),
            tr("Delete the group %1 and its %n series from the gateway?", nullptr, series).arg(key.toDisplayString()),
            tr("Delete Group"), [this, key] { removeFromStore({key}); });
}

void MainWindow::deleteCurrentJob()
{
    const QString job = currentJob();
    const QList<GroupingKey> keys = keysOfJob(job);
    if (keys.isEmpty())
        return;
    // What the question names is what goes: groups pushed for the job after it was asked stay.
    confirm(tr("Delete Job"),
            tr("Delete all %n group(s) of the job \"%1\" from the gateway?", nullptr, int(keys.size())).arg(job),
            tr("Delete Groups"), [this, keys] { removeFromStore(keys); });
}

void MainWindow::wipeAll()
{
    int groups = 0;
    for (int row = 0, jobs = m_treeModel->rowCount(); row < jobs; ++row)
        groups += m_treeModel->rowCount(m_treeModel->index(row, 0));
    MetricStore *store = m_store;
    confirm(tr("Wipe All Groups"),
            tr("Delete every group (%n shown) of every job from the gateway?", nullptr, groups),
            tr("Wipe All"), [store] { QMetaObject::invokeMethod(store, &MetricStore::wipe, Qt::QueuedConnection); });
}

void MainWindow::copyCurlCommand()
{
    const QStringList addresses = m_controller.listeningAddresses();
    if (addresses.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(curlPushCommand(addresses.constFirst(), m_controller.config().routePrefix()));
    statusBar()->showMessage(tr("Copied a curl push command to the clipboard"), 3000);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(u"mainWindow"_s);
    settings.setValue(u"geometry"_s, saveGeometry());
    settings.setValue(u"state"_s, saveState());
    settings.setValue(u"mainSplitter"_s, m_mainSplitter->saveState());
    settings.setValue(u"topSplitter"_s, m_topSplitter->saveState());
    settings.setValue(u"treeHeader"_s, m_tree->header()->saveState());
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    settings.beginGroup(u"mainWindow"_s);
    if (!restoreGeometry(settings.value(u"geometry"_s).toByteArray()))
        resize(1100, 750);
    restoreState(settings.value(u"state"_s).toByteArray());
    // A first start: room for the grouping labels on the left, for a few log lines below.
    if (!m_mainSplitter->restoreState(settings.value(u"mainSplitter"_s).toByteArray()))
        m_mainSplitter->setSizes({height() * 7 / 10, height() * 3 / 10});
    if (!m_topSplitter->restoreState(settings.value(u"topSplitter"_s).toByteArray()))
        m_topSplitter->setSizes({width() * 9 / 20, width() * 11 / 20});
    m_tree->header()->restoreState(settings.value(u"treeHeader"_s).toByteArray());
}

void MainWindow::openSettings()
{
    if (m_settingsDialog) {
        m_settingsDialog->raise();
        m_settingsDialog->activateWindow();
        return;
    }
    auto *dialog = new SettingsDialog(m_settings, m_controller.config().persistenceFile, m_tray != nullptr, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applySettings(dialog->settings()); });
    m_settingsDialog = dialog;
    dialog->open();
}

void MainWindow::applySettings(const ConsoleSettings &next)
{
    const ConsoleSettings before = m_settings;
    ConsoleSettings inForce = next;
    if (next.listenAddresses != before.listenAddresses) {
        // Saved once the gateway listens there (onListening), never when it cannot.
        inForce.listenAddresses = before.listenAddresses;
        m_controller.listenOn(next.listenAddresses);
    }
    if (next.enableAdminApi != before.enableAdminApi || next.enableLifecycle != before.enableLifecycle)
        m_controller.setApiSwitches(next.enableAdminApi, next.enableLifecycle);
    m_treeModel->setStaleAge(next.staleAge);
    m_failureNotifier->setEnabled(next.notifyFailures);
    QSettings settings;
    inForce.saveChanges(settings, before);
    m_settings = inForce;
    updatePersistenceStatus();
}

void MainWindow::showScrapeConfig()
{
    if (m_scrapeConfigDialog) {
        m_scrapeConfigDialog->raise();
        m_scrapeConfigDialog->activateWindow();
        return;
    }
    auto *dialog = new ScrapeConfigDialog(
        scrapeConfigSnippet(m_controller.listeningAddresses(), m_controller.config().telemetryRoute()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_scrapeConfigDialog = dialog;
    dialog->show();
}

void MainWindow::setTrayEnabled(bool enabled)
{
    if (enabled == (m_tray != nullptr))
        return;
    if (!enabled) {
        delete std::exchange(m_tray, nullptr);
        return;
    }
    m_tray = new ConsoleTray(m_showWindowAction, m_copyCurlAction, m_quitAction, this);
    m_tray->setToolTip(tr("QPushgateway on %1").arg(m_controller.listeningAddresses().join(u", "_s)));
    connect(m_tray, &ConsoleTray::activated, this, &MainWindow::toggleWindow);
}

void MainWindow::quit()
{
    m_quitting = true;
    saveSettings();
    Q_EMIT quitRequested();
}

void MainWindow::toggleWindow()
{
    // Not isActiveWindow(): clicking the tray icon has usually taken the focus from the window.
    if (isVisible() && !isMinimized()) {
        hide();
        return;
    }
    showNormal();
    raise();
    activateWindow();
}

void MainWindow::onStartedFailing(const QStringList &keys, const QString &firstReason)
{
    const QString title = FailureNotifier::title(int(keys.size()));
    statusBar()->showMessage(title, 10000);
    if (m_tray)
        m_tray->notify(title, FailureNotifier::message(keys, firstReason));
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_filterEdit && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Escape) {
            m_filterEdit->clear();
            m_tree->setFocus(Qt::ShortcutFocusReason);
            return true;
        }
        if (key == Qt::Key_Down) {
            m_tree->setFocus(Qt::ShortcutFocusReason);
            if (!m_tree->currentIndex().isValid() && m_filterModel->rowCount() > 0)
                m_tree->setCurrentIndex(m_filterModel->index(0, 0));
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    // Quitting closes the window too: then it goes, whatever the tray setting.
    if (!m_quitting && m_tray && m_settings.keepRunningInTray) {
        // The gateway keeps serving; the tray brings the window back.
        hide();
        event->ignore();
        if (!std::exchange(m_toldAboutTray, true))
            m_tray->notify(tr("QPushgateway is still running"),
                           tr("The gateway keeps accepting pushes. Use the tray icon to show the window or quit."));
        return;
    }
    event->accept();
    Q_EMIT quitRequested();
}

} // namespace qpgw::gui
