#include "mainwindow.h"

#include "consolecontroller.h"
#include "gateway/gateway.h"
#include "groupfilterproxymodel.h"
#include "grouptreemodel.h"
#include "metricviewer.h"
#include "pushlogmodel.h"
#include "pushlogview.h"
#include "store/metricstore.h"

#include <QAction>
#include <QClipboard>
#include <QCloseEvent>
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
    const qsizetype colon = listenAddress.lastIndexOf(u':');
    QString host = colon < 0 ? QString() : listenAddress.left(colon);
    const QString port = colon < 0 ? listenAddress : listenAddress.mid(colon + 1);
    if (host.isEmpty() || host == "0.0.0.0"_L1 || host == "[::]"_L1)
        host = u"localhost"_s;
    return u"echo 'some_metric 3.14' | curl --data-binary @- http://%1:%2%3/metrics/job/some_job"_s
        .arg(host, port, routePrefix);
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
    });

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
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createLayout()
{
    m_filterEdit = new QLineEdit;
    m_filterEdit->setPlaceholderText(tr("Filter by job, label value or metric name (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filterModel->setFilterText(text);
        if (!text.isEmpty())
            m_tree->expandAll();
    });

    m_tree = new QTreeView;
    m_tree->setModel(m_filterModel);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(GroupTreeModel::NameColumn, Qt::AscendingOrder);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->header()->setSectionResizeMode(GroupTreeModel::NameColumn, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
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
    statusBar()->addWidget(m_addressLabel);
    statusBar()->addWidget(m_uptimeLabel);
    statusBar()->addWidget(m_countsLabel);
    statusBar()->addWidget(m_rateLabel);
    statusBar()->addWidget(m_persistenceLabel, 1);

    const QStringList addresses = m_controller.listeningAddresses();
    m_addressLabel->setText(tr("Listening on %1").arg(addresses.join(u", "_s)));
    const QString persistenceFile = m_controller.config().persistenceFile;
    m_persistenceLabel->setText(persistenceFile.isEmpty() ? tr("In memory only (no persistence file)")
                                                          : tr("Persisting to %1").arg(persistenceFile));
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(m_copyCurlAction);
    fileMenu->addSeparator();
    fileMenu->addAction(m_quitAction);

    QMenu *groupsMenu = menuBar()->addMenu(tr("&Groups"));
    groupsMenu->addAction(m_findAction);
    groupsMenu->addSeparator();
    groupsMenu->addAction(m_deleteGroupAction);
    groupsMenu->addAction(m_deleteJobAction);
    groupsMenu->addAction(m_wipeAction);
}

QString MainWindow::statusText() const
{
    return QStringList{m_addressLabel->text(), m_uptimeLabel->text(), m_countsLabel->text(),
                       m_rateLabel->text(), m_persistenceLabel->text()}
        .join(u" | "_s);
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
    m_mainSplitter->restoreState(settings.value(u"mainSplitter"_s).toByteArray());
    m_topSplitter->restoreState(settings.value(u"topSplitter"_s).toByteArray());
    m_tree->header()->restoreState(settings.value(u"treeHeader"_s).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    event->accept();
}

} // namespace qpgw::gui
