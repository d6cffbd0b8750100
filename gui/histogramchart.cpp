#include "histogramchart.h"

#include "format/textwriter.h"
#include "nativebuckets.h"

#include <QFontMetrics>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

using namespace Qt::StringLiterals;

namespace qpgw::gui {
namespace {

QString number(double value)
{
    return QString::fromLatin1(formatGoFloat(value));
}

double cumulativeCount(const Bucket &bucket)
{
    return bucket.cumulativeCountFloat > 0 ? bucket.cumulativeCountFloat
                                           : static_cast<double>(bucket.cumulativeCount);
}

// A bar's height in units of the tallest: empty, negative and non-finite counts draw nothing.
double drawableCount(double count)
{
    return std::isfinite(count) && count > 0 ? count : 0;
}

constexpr int Margin = 6;

} // namespace

QList<HistogramBar> histogramBars(const HistogramValue &histogram)
{
    QList<HistogramBar> bars;
    if (histogram.isNative()) {
        const NativeBuckets decoded = decodeNativeBuckets(*histogram.native);
        bars.reserve(decoded.buckets.size());
        for (const NativeBucket &bucket : decoded.buckets) {
            bars.append(HistogramBar{bucket.lowerBound, bucket.upperBound, bucket.count,
                                     bucket.side == NativeBucket::Side::Negative});
        }
        return bars;
    }
    bars.reserve(histogram.buckets.size() + 1);
    double lower = -std::numeric_limits<double>::infinity();
    double below = 0; // the cumulative count up to `lower`
    for (const Bucket &bucket : histogram.buckets) {
        const double cumulative = cumulativeCount(bucket);
        bars.append(HistogramBar{lower, bucket.upperBound, std::max(cumulative - below, 0.0), false});
        lower = bucket.upperBound;
        below = std::max(below, cumulative);
    }
    const double total = histogram.sampleCountFloat > 0 ? histogram.sampleCountFloat
                                                        : static_cast<double>(histogram.sampleCount);
    if (!(std::isinf(lower) && lower > 0) && total > below)
        bars.append(HistogramBar{lower, std::numeric_limits<double>::infinity(), total - below, false});
    return bars;
}

QString bucketRangeText(const HistogramBar &bar)
{
    return bar.lowerInclusive ? u'[' % number(bar.lowerBound) % u", "_s % number(bar.upperBound) % u')'
                              : u'(' % number(bar.lowerBound) % u", "_s % number(bar.upperBound) % u']';
}

HistogramChart::HistogramChart(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Histogram buckets"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    updateDescription();
}

HistogramChart::~HistogramChart() = default;

void HistogramChart::setHistogram(const HistogramValue &histogram)
{
    setBars(histogramBars(histogram));
}

void HistogramChart::setBars(QList<HistogramBar> bars)
{
    m_bars = std::move(bars);
    updateDescription();
    update();
}

void HistogramChart::clear()
{
    setBars({});
}

QSize HistogramChart::sizeHint() const
{
    const int line = fontMetrics().height();
    return {24 * line, 9 * line};
}

QSize HistogramChart::minimumSizeHint() const
{
    const int line = fontMetrics().height();
    return {8 * line, 4 * line};
}

void HistogramChart::updateDescription()
{
    double total = 0;
    for (const HistogramBar &bar : std::as_const(m_bars))
        total += drawableCount(bar.count);
    setAccessibleDescription(m_bars.isEmpty()
                                 ? tr("No histogram selected")
                                 : tr("%n bucket(s), observations: %1", nullptr, static_cast<int>(m_bars.size()))
                                       .arg(number(total)));
}

// Where the bars go: the widget less a margin, a line of text above (the tallest count) and
// one below (the lowest and highest bounds).
QRect HistogramChart::plotArea() const
{
    const int line = fontMetrics().height();
    return rect().adjusted(Margin, Margin + line, -Margin, -(Margin + line));
}

int HistogramChart::barAt(QPoint position) const
{
    const QRect plot = plotArea();
    if (m_bars.isEmpty() || plot.width() <= 0 || position.x() < plot.left() || position.x() > plot.right()
        || position.y() < plot.top() || position.y() > plot.bottom()) {
        return -1;
    }
    const double width = static_cast<double>(plot.width()) / static_cast<double>(m_bars.size());
    const auto bar = static_cast<qsizetype>(static_cast<double>(position.x() - plot.left()) / width);
    return static_cast<int>(std::min(bar, m_bars.size() - 1));
}

void HistogramChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    painter.setPen(palette().color(QPalette::Text));

    const QRect plot = plotArea();
    if (m_bars.isEmpty() || plot.width() <= 0 || plot.height() <= 0) {
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("No histogram selected"));
        return;
    }

    double tallest = 0;
    for (const HistogramBar &bar : std::as_const(m_bars))
        tallest = std::max(tallest, drawableCount(bar.count));

    const double width = static_cast<double>(plot.width()) / static_cast<double>(m_bars.size());
    const double gap = width >= 4 ? 1 : 0;
    const QColor barColor = palette().color(QPalette::Highlight);
    for (qsizetype i = 0; i < m_bars.size(); ++i) {
        const double count = drawableCount(m_bars.at(i).count);
        if (tallest <= 0 || count <= 0)
            continue;
        const double height = std::max(1.0, count / tallest * plot.height());
        const QRectF bar(plot.left() + static_cast<double>(i) * width, plot.bottom() + 1 - height, width - gap, height);
        painter.fillRect(bar, barColor);
    }

    // The baseline, the tallest count, and the bounds under the bars where they fit: the lowest
    // at the left, then each bar's upper bound under its right edge unless it would overlap.
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());
    const QFontMetrics metrics = fontMetrics();
    const QRect top(plot.left(), Margin, plot.width(), metrics.height());
    painter.drawText(top, Qt::AlignLeft | Qt::AlignVCenter, tr("max %1").arg(number(tallest)));
    const int textTop = plot.bottom() + 1;
    const QString low = number(m_bars.constFirst().lowerBound);
    painter.drawText(QRect(plot.left(), textTop, metrics.horizontalAdvance(low), metrics.height()), Qt::AlignLeft, low);
    int taken = plot.left() + metrics.horizontalAdvance(low); // right end of the last label drawn
    for (qsizetype i = 0; i < m_bars.size(); ++i) {
        const QString bound = number(m_bars.at(i).upperBound);
        const int textWidth = metrics.horizontalAdvance(bound);
        const int edge = plot.left() + static_cast<int>(std::lround(static_cast<double>(i + 1) * width));
        const int left = std::min(edge - textWidth / 2, plot.right() + 1 - textWidth);
        if (left < taken + metrics.horizontalAdvance(u' ') * 2)
            continue;
        painter.drawText(QRect(left, textTop, textWidth, metrics.height()), Qt::AlignLeft, bound);
        taken = left + textWidth;
    }
}

bool HistogramChart::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int bar = barAt(help->pos());
        if (bar < 0) {
            QToolTip::hideText();
            event->ignore();
        } else {
            const HistogramBar &hovered = m_bars.at(bar);
            QToolTip::showText(help->globalPos(),
                               tr("%1: %2 observations").arg(bucketRangeText(hovered), number(hovered.count)), this);
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace qpgw::gui
