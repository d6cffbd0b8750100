#pragma once

#include "store/group.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace qpgw::gui {

// SeriesTableModel: the series of one family of a group snapshot, one row each in exposition
// order (seriesLess), with columns that follow the family's type:
//   counter, gauge, untyped:  Labels | Value
//   summary:                  Labels | Count | Sum | one column per quantile any series has
//   histogram (and gauge h.): Labels | Count | Sum | one column per classic upper bound any
//                             series has (cumulative, as `le` buckets are) | Schema |
//                             Zero threshold | Zero count | Native buckets (the last four only
//                             when a series is native; buckets decoded from spans and deltas
//                             or counts, per bucket, by nativebuckets.h)
// Labels shows the labels other than the group's own (every series carries those); its tooltip
// shows them all. Values are written as the exposition writes them (locale-independent).
//
// Updates: a snapshot in which the shown family has the same series and columns announces
// dataChanged for the rows whose value changed. Otherwise the model resets: a family of one
// group is small, and a reset is then as cheap to show as a diff.
//
// Highlights: when a snapshot of the same group replaces the previous one, every series whose
// value changed (or that is new), in any family, is highlighted (HighlightedRole, and a
// BackgroundRole brush on its value cells) for highlightDuration(). Expired highlights are
// removed, with dataChanged, by a timer or by expireHighlights(); the clock is injectable so
// that tests move time instead of sleeping.
class SeriesTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role {
        HighlightedRole = Qt::UserRole + 1, // bool: the series' value changed recently
        SortRole,                           // per column, a value that sorts naturally
    };
    Q_ENUM(Role)

    enum class ColumnKind {
        Labels,
        Value,
        Count,
        Sum,
        Quantile,      // parameter: the quantile
        Bucket,        // parameter: the classic bucket's upper bound
        Schema,
        ZeroThreshold,
        ZeroCount,
        NativeBuckets,
    };

    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr std::chrono::milliseconds DefaultHighlightDuration{2000};

    explicit SeriesTableModel(QObject *parent = nullptr);
    ~SeriesTableModel() override;

    // The group whose family is shown. A snapshot of the same group (same key) marks what
    // changed; another group, or null, clears the highlights.
    void setGroup(GroupSnapshot group);
    GroupSnapshot group() const { return m_group; }
    // Shows the series of the group's family called `name` (none when there is no such family).
    void setFamilyName(const QByteArray &name);
    QByteArray familyName() const { return m_familyName; }
    // The family shown, or null.
    std::shared_ptr<const MetricFamily> family() const { return m_family; }
    // The series in `row`, or null. Valid as long as family() is held.
    const Metric *metric(int row) const;
    // The row of the series with exactly these labels, or -1.
    int rowOf(const Labels &labels) const;

    ColumnKind columnKind(int column) const;

    void setClock(Clock clock);
    std::chrono::milliseconds highlightDuration() const { return m_highlightDuration; }
    // Zero turns highlighting off.
    void setHighlightDuration(std::chrono::milliseconds duration);
    bool isHighlighted(int row) const;
    // Removes the highlights whose time is up (as read from the clock now) and announces them.
    void expireHighlights();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Column
    {
        ColumnKind kind = ColumnKind::Labels;
        double parameter = 0;

        bool operator==(const Column &other) const;
    };

    struct Layout
    {
        std::shared_ptr<const MetricFamily> family;
        std::vector<const Metric *> rows;
        QList<Column> columns;
    };
    static Layout layoutOf(const GroupSnapshot &group, const QByteArray &familyName);
    void setLayout(Layout layout);
    void markChanges(const Group &before, const Group &after);
    void highlight(const QByteArray &seriesKey, std::chrono::steady_clock::time_point until);
    void scheduleExpiry();
    QByteArray seriesKeyOf(int row) const;
    QVariant displayData(const Metric &metric, const Column &column, bool tooltip) const;
    QString labelsText(const Metric &metric) const;
    static QVariant sortData(const Metric &metric, const Column &column);

    GroupSnapshot m_group;
    QByteArray m_familyName;
    std::shared_ptr<const MetricFamily> m_family; // keeps m_rows valid
    std::vector<const Metric *> m_rows;          // in exposition order
    QList<Column> m_columns;
    Labels m_groupLabels; // what every series of the group carries

    Clock m_clock;
    std::chrono::milliseconds m_highlightDuration = DefaultHighlightDuration;
    QHash<QByteArray, std::chrono::steady_clock::time_point> m_highlightUntil; // by series key
    QTimer m_expiryTimer;
};

} // namespace qpgw::gui
