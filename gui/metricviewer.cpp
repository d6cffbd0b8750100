#include "metricviewer.h"

#include "familytablemodel.h"
#include "format/textwriter.h"
#include "histogramchart.h"
#include "seriestablemodel.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace qpgw::gui {
namespace {

bool isHistogram(MetricType type)
{
    return type == MetricType::Histogram || type == MetricType::GaugeHistogram;
}

QTableView *makeTableView(QAbstractItemModel *model, const QString &accessibleName, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setAccessibleName(accessibleName);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setWordWrap(false);
    view->setTabKeyNavigation(false); // Tab moves between the viewer's parts
    view->verticalHeader()->hide();
    view->horizontalHeader()->setHighlightSections(false);
    return view;
}

QToolButton *makeButton(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

} // namespace

QByteArray groupExpositionText(const Group &group)
{
    QByteArray out;
    for (const StoredFamily &stored : group.families) {
        if (!stored.family)
            continue;
        const MetricFamily &family = *stored.family;
        const bool inOrder = std::is_sorted(family.metrics.cbegin(), family.metrics.cend(),
                                            [](const Metric &a, const Metric &b) { return seriesLess(a.labels, b.labels); });
        if (inOrder) {
            writeFamily(out, family);
            continue;
        }
        MetricFamily sorted = family;
        std::stable_sort(sorted.metrics.begin(), sorted.metrics.end(),
                         [](const Metric &a, const Metric &b) { return seriesLess(a.labels, b.labels); });
        writeFamily(out, sorted);
    }
    return out;
}

QByteArray seriesExpositionText(const MetricFamily &family, const QList<const Metric *> &series)
{
    QByteArray out;
    for (const Metric *metric : series)
        writeMetricSamples(out, family.name, family.type, *metric);
    return out;
}

MetricViewer::MetricViewer(QWidget *parent)
    : QWidget(parent)
    , m_familyModel(new FamilyTableModel(this))
    , m_seriesModel(new SeriesTableModel(this))
{
    setAccessibleName(tr("Metric viewer"));

    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);

    m_familyView = makeTableView(m_familyModel, tr("Metric families"), this);
    m_familyView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_familyView->horizontalHeader()->setStretchLastSection(false);
    m_familyView->horizontalHeader()->setSectionResizeMode(FamilyTableModel::HelpColumn, QHeaderView::Stretch);

    m_seriesView = makeTableView(m_seriesModel, tr("Series"), this);
    m_seriesView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_seriesView->horizontalHeader()->setStretchLastSection(true);

    m_chart = new HistogramChart(this);
    m_chart->hide();

    m_copySeriesAction = new QAction(tr("&Copy series"), this);
    m_copySeriesAction->setToolTip(tr("Copy the selected series' exposition lines to the clipboard"));
    m_copySeriesAction->setShortcut(QKeySequence::Copy);
    m_copySeriesAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_seriesView->addAction(m_copySeriesAction);
    connect(m_copySeriesAction, &QAction::triggered, this, &MetricViewer::copySelectedSeries);

    m_copyGroupAction = new QAction(tr("Copy &group as text"), this);
    m_copyGroupAction->setToolTip(tr("Copy the whole group's exposition text to the clipboard"));
    m_copyGroupAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_copyGroupAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_copyGroupAction);
    m_familyView->addAction(m_copyGroupAction);
    connect(m_copyGroupAction, &QAction::triggered, this, &MetricViewer::copyGroup);

    // The series table's context menu offers both copies.
    m_seriesView->addAction(m_copyGroupAction);
    m_seriesView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_familyView->setContextMenuPolicy(Qt::ActionsContextMenu);

    auto *seriesAndChart = new QSplitter(Qt::Horizontal, this);
    seriesAndChart->setChildrenCollapsible(false);
    seriesAndChart->addWidget(m_seriesView);
    seriesAndChart->addWidget(m_chart);
    seriesAndChart->setStretchFactor(0, 3);
    seriesAndChart->setStretchFactor(1, 2);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_familyView);
    splitter->addWidget(seriesAndChart);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_title, 1);
    buttons->addWidget(makeButton(m_copySeriesAction, this));
    buttons->addWidget(makeButton(m_copyGroupAction, this));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(splitter, 1);

    connect(m_familyView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { onFamilySelected(current); });
    connect(m_seriesView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MetricViewer::onSeriesSelectionChanged);
    connect(m_seriesView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MetricViewer::onSeriesSelectionChanged);
    // A reset (another family, another shape) sizes the columns to their new contents.
    connect(m_seriesModel, &QAbstractItemModel::modelReset, m_seriesView, &QTableView::resizeColumnsToContents);
    connect(m_familyModel, &QAbstractItemModel::modelReset, m_familyView, &QTableView::resizeColumnsToContents);

    setGroup(nullptr);
}

MetricViewer::~MetricViewer() = default;

void MetricViewer::setGroup(GroupSnapshot group)
{
    const QByteArray family = currentFamilyName();
    const QList<const Metric *> selected = selectedSeries();
    QList<Labels> selectedLabels;
    for (const Metric *metric : selected)
        selectedLabels.append(metric->labels);

    m_updating = true;
    m_group = std::move(group);
    m_familyModel->setGroup(m_group);
    m_seriesModel->setGroup(m_group);
    m_updating = false;

    m_title->setText(m_group ? m_group->key.toDisplayString() : tr("No group selected"));

    // Keep the family (or take the first), and the series that still exist.
    if (!selectFamily(family) && m_familyModel->rowCount() > 0)
        selectFamily(m_familyModel->family(0)->name);
    if (m_familyModel->rowCount() == 0)
        onFamilySelected({});
    bool first = true;
    for (const Labels &labels : std::as_const(selectedLabels)) {
        const int row = m_seriesModel->rowOf(labels);
        if (row < 0)
            continue;
        const QModelIndex index = m_seriesModel->index(row, 0);
        m_seriesView->selectionModel()->setCurrentIndex(
            index, (first ? QItemSelectionModel::ClearAndSelect : QItemSelectionModel::Select) | QItemSelectionModel::Rows);
        first = false;
    }
    if (first)
        selectFirstSeries();
    updateChart();
    updateActions();
}

bool MetricViewer::selectFamily(QByteArrayView name)
{
    const int row = name.isEmpty() ? -1 : m_familyModel->rowOf(name);
    if (row < 0)
        return false;
    const QModelIndex index = m_familyModel->index(row, 0);
    // Selecting the current row again emits nothing; the family (or its type) may still be new.
    if (m_familyView->selectionModel()->currentIndex().row() == row)
        onFamilySelected(index);
    m_familyView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

QByteArray MetricViewer::currentFamilyName() const
{
    return m_seriesModel->familyName();
}

bool MetricViewer::selectSeries(const Labels &labels)
{
    const int row = m_seriesModel->rowOf(labels);
    if (row < 0)
        return false;
    m_seriesView->selectionModel()->setCurrentIndex(m_seriesModel->index(row, 0),
                                                    QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

QList<const Metric *> MetricViewer::selectedSeries() const
{
    QList<const Metric *> series;
    QModelIndexList rows = m_seriesView->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &index : std::as_const(rows)) {
        if (const Metric *metric = m_seriesModel->metric(index.row()))
            series.append(metric);
    }
    if (series.isEmpty()) {
        if (const Metric *metric = m_seriesModel->metric(m_seriesView->selectionModel()->currentIndex().row()))
            series.append(metric);
    }
    return series;
}

void MetricViewer::onFamilySelected(const QModelIndex &current)
{
    if (m_updating)
        return;
    const std::shared_ptr<const MetricFamily> family = m_familyModel->family(current.row());
    const QByteArray name = family ? family->name : QByteArray();
    if (name != m_seriesModel->familyName()) {
        m_seriesModel->setFamilyName(name);
        selectFirstSeries();
    }
    m_chart->setVisible(family && isHistogram(family->type));
    updateChart();
    updateActions();
}

void MetricViewer::selectFirstSeries()
{
    if (m_seriesModel->rowCount() > 0 && !m_seriesView->selectionModel()->currentIndex().isValid()) {
        m_seriesView->selectionModel()->setCurrentIndex(m_seriesModel->index(0, 0),
                                                        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
}

void MetricViewer::onSeriesSelectionChanged()
{
    if (m_updating)
        return;
    updateChart();
    updateActions();
}

// The chart shows the current series when it is a histogram.
void MetricViewer::updateChart()
{
    const Metric *metric = m_seriesModel->metric(m_seriesView->selectionModel()->currentIndex().row());
    const HistogramValue *histogram = metric ? metric->histogram() : nullptr;
    if (histogram)
        m_chart->setHistogram(*histogram);
    else
        m_chart->clear();
}

void MetricViewer::updateActions()
{
    m_copySeriesAction->setEnabled(!selectedSeries().isEmpty());
    m_copyGroupAction->setEnabled(m_group != nullptr);
}

void MetricViewer::copySelectedSeries()
{
    const std::shared_ptr<const MetricFamily> family = m_seriesModel->family();
    const QList<const Metric *> series = selectedSeries();
    if (!family || series.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(QString::fromUtf8(seriesExpositionText(*family, series)));
}

void MetricViewer::copyGroup()
{
    if (m_group)
        QGuiApplication::clipboard()->setText(QString::fromUtf8(groupExpositionText(*m_group)));
}

} // namespace qpgw::gui
