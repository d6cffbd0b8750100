#pragma once

#include "store/group.h"

#include <QByteArray>
#include <QList>
#include <QWidget>

class QAction;
class QLabel;
class QModelIndex;
class QTableView;

namespace qpgw::gui {

class FamilyTableModel;
class HistogramChart;
class SeriesTableModel;

// The exposition text (format 0.0.4) of a whole group, as a scrape of it alone would show it:
// families by name, series in exposition order (seriesLess), push-time gauges included.
QByteArray groupExpositionText(const Group &group);
// The sample lines of some series of `family` (no HELP or TYPE line), in the order given.
QByteArray seriesExpositionText(const MetricFamily &family, const QList<const Metric *> &series);

// MetricViewer: one group snapshot, inspected. Its families on top (FamilyTableModel); below,
// the series of the selected family (SeriesTableModel) and, for a histogram family, a bar chart
// of the selected series' buckets (HistogramChart). Values that changed since the previous
// snapshot of the same group are highlighted for a moment (see SeriesTableModel).
//
// Copy: the selected series' exposition lines (QKeySequence::Copy in the series table) or the
// whole group's exposition text (Ctrl+Shift+C anywhere in the viewer) go to the clipboard.
//
// The viewer only reads snapshots; it never changes the store. A new snapshot keeps the
// selected family and series when they still exist.
class MetricViewer : public QWidget
{
    Q_OBJECT

public:
    explicit MetricViewer(QWidget *parent = nullptr);
    ~MetricViewer() override;

    // Shows `group`; null clears the viewer.
    void setGroup(GroupSnapshot group);
    GroupSnapshot group() const { return m_group; }

    // Selects the family called `name`; false when the group has none.
    bool selectFamily(QByteArrayView name);
    QByteArray currentFamilyName() const;
    // Selects the series of the current family with exactly these labels; false if none.
    bool selectSeries(const Labels &labels);
    // The selected series of the current family, in row order (the current one if none is
    // selected).
    QList<const Metric *> selectedSeries() const;

    FamilyTableModel *familyModel() const { return m_familyModel; }
    SeriesTableModel *seriesModel() const { return m_seriesModel; }
    QTableView *familyView() const { return m_familyView; }
    QTableView *seriesView() const { return m_seriesView; }
    HistogramChart *chart() const { return m_chart; }
    QAction *copySeriesAction() const { return m_copySeriesAction; }
    QAction *copyGroupAction() const { return m_copyGroupAction; }

public Q_SLOTS:
    // Puts the selected series' exposition lines on the clipboard.
    void copySelectedSeries();
    // Puts the whole group's exposition text on the clipboard.
    void copyGroup();

private:
    void onFamilySelected(const QModelIndex &current);
    void onSeriesSelectionChanged();
    void selectFirstSeries();
    void updateChart();
    void updateActions();

    GroupSnapshot m_group;
    FamilyTableModel *m_familyModel = nullptr;
    SeriesTableModel *m_seriesModel = nullptr;
    QLabel *m_title = nullptr;
    QTableView *m_familyView = nullptr;
    QTableView *m_seriesView = nullptr;
    HistogramChart *m_chart = nullptr;
    QAction *m_copySeriesAction = nullptr;
    QAction *m_copyGroupAction = nullptr;
    bool m_updating = false; // setGroup() restores the selection itself
};

} // namespace qpgw::gui
