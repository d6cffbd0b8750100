#pragma once

#include "model/metric.h"

#include <QList>
#include <QString>
#include <QWidget>

namespace qpgw::gui {

// One bar of a histogram chart: the observations in one bucket alone (not cumulative).
struct HistogramBar
{
    double lowerBound = 0;
    double upperBound = 0;
    double count = 0;
    bool lowerInclusive = false; // [lower, upper) (negative native buckets), else (lower, upper]

    friend bool operator==(const HistogramBar &, const HistogramBar &) = default;
};

// The bars of one histogram series: its native buckets (decoded from spans, zero bucket
// included) when it is native, else its classic buckets as differences of their cumulative
// counts, with a last bucket up to +Inf when the count exceeds the highest bucket's. A count
// that drops (malformed input) gives an empty bar rather than a negative one.
QList<HistogramBar> histogramBars(const HistogramValue &histogram);
// "(0.5, 1]" or "[-1, -0.5)", numbers as the exposition writes them.
QString bucketRangeText(const HistogramBar &bar);

// HistogramChart: a small bar chart, one bar per bucket, heights proportional to the bucket's
// own count, drawn with QPainter in the palette's colours. Hovering a bar shows its range and
// count. Without bars it says that there is nothing to show.
class HistogramChart : public QWidget
{
    Q_OBJECT

public:
    explicit HistogramChart(QWidget *parent = nullptr);
    ~HistogramChart() override;

    void setHistogram(const HistogramValue &histogram);
    void setBars(QList<HistogramBar> bars);
    void clear();
    const QList<HistogramBar> &bars() const { return m_bars; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect plotArea() const;
    int barAt(QPoint position) const;
    void updateDescription();

    QList<HistogramBar> m_bars;
};

} // namespace qpgw::gui
