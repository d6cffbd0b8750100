#include "seriestablemodel.h"

#include "format/textwriter.h"
#include "nativebuckets.h"

#include <QBrush>
#include <QColor>
#include <QGuiApplication>
#include <QPalette>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <utility>

using namespace Qt::StringLiterals;

namespace qpgw::gui {
namespace {

QString number(double value)
{
    return QString::fromLatin1(formatGoFloat(value));
}

// A strict weak order on doubles that puts NaN last, so that column parameters sort and
// deduplicate even when a client sent a NaN quantile or bound.
bool parameterLess(double a, double b)
{
    return std::isnan(b) ? !std::isnan(a) : a < b;
}

bool sameParameter(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

void sortUnique(QList<double> &values)
{
    std::sort(values.begin(), values.end(), parameterLess);
    values.erase(std::unique(values.begin(), values.end(), sameParameter), values.end());
}

// Each part length-prefixed, so that no two different series share a key.
void appendKeyPart(QByteArray &out, QByteArrayView part)
{
    out.append(QByteArray::number(part.size())).append(':').append(part);
}

QByteArray seriesKey(QByteArrayView familyName, const Labels &labels)
{
    QByteArray key;
    appendKeyPart(key, familyName);
    for (const LabelPair &pair : labels) {
        appendKeyPart(key, pair.name);
        appendKeyPart(key, pair.value);
    }
    return key;
}

QString quotedLabel(const LabelPair &pair)
{
    QString value = QString::fromUtf8(pair.value);
    value.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s).replace(u'\n', u"\\n"_s);
    return QString::fromUtf8(pair.name) % u"=\""_s % value % u'"';
}

QString labelsJoined(const Labels &labels, const Labels &leaveOut)
{
    QStringList parts;
    for (const LabelPair &pair : labels) {
        if (!leaveOut.contains(pair))
            parts.append(quotedLabel(pair));
    }
    return parts.join(u", "_s);
}

double histogramCount(const HistogramValue &histogram)
{
    return histogram.sampleCountFloat > 0 ? histogram.sampleCountFloat
                                          : static_cast<double>(histogram.sampleCount);
}

double bucketCount(const Bucket &bucket)
{
    return bucket.cumulativeCountFloat > 0 ? bucket.cumulativeCountFloat
                                           : static_cast<double>(bucket.cumulativeCount);
}

const Bucket *findBucket(const HistogramValue &histogram, double upperBound)
{
    const auto it = std::find_if(histogram.buckets.cbegin(), histogram.buckets.cend(),
                                 [upperBound](const Bucket &b) { return sameParameter(b.upperBound, upperBound); });
    return it == histogram.buckets.cend() ? nullptr : &*it;
}

const Quantile *findQuantile(const SummaryValue &summary, double quantile)
{
    const auto it = std::find_if(summary.quantiles.cbegin(), summary.quantiles.cend(),
                                 [quantile](const Quantile &q) { return sameParameter(q.quantile, quantile); });
    return it == summary.quantiles.cend() ? nullptr : &*it;
}

QString nativeBucketText(const NativeBucket &bucket)
{
    const QString range = bucket.side == NativeBucket::Side::Negative
        ? u'[' % number(bucket.lowerBound) % u", "_s % number(bucket.upperBound) % u')'
        : u'(' % number(bucket.lowerBound) % u", "_s % number(bucket.upperBound) % u']';
    return range % u": "_s % number(bucket.count);
}

QBrush highlightBrush()
{
    QColor color = QGuiApplication::palette().color(QPalette::Active, QPalette::Highlight);
    color.setAlpha(90);
    return QBrush(color);
}

} // namespace

bool SeriesTableModel::Column::operator==(const Column &other) const
{
    return kind == other.kind && sameParameter(parameter, other.parameter);
}

SeriesTableModel::SeriesTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return std::chrono::steady_clock::now(); })
{
    m_expiryTimer.setSingleShot(true);
    connect(&m_expiryTimer, &QTimer::timeout, this, &SeriesTableModel::expireHighlights);
}

SeriesTableModel::~SeriesTableModel() = default;

void SeriesTableModel::setGroup(GroupSnapshot group)
{
    const bool sameGroup = m_group && group && m_group->key == group->key;
    Layout layout = layoutOf(group, m_familyName);
    if (!sameGroup) {
        // Another group: nothing to compare with, and nothing of the old one to keep.
        beginResetModel();
        m_highlightUntil.clear();
        m_expiryTimer.stop();
        m_group = std::move(group);
        m_groupLabels = m_group ? seriesLabelsOf(m_group->key) : Labels();
        setLayout(std::move(layout));
        endResetModel();
        return;
    }

    const bool sameShape = layout.columns == m_columns && layout.rows.size() == m_rows.size()
        && std::equal(layout.rows.cbegin(), layout.rows.cend(), m_rows.cbegin(),
                      [](const Metric *a, const Metric *b) { return a->labels == b->labels; });
    if (!sameShape) {
        beginResetModel();
        const GroupSnapshot before = std::exchange(m_group, std::move(group));
        markChanges(*before, *m_group);
        setLayout(std::move(layout));
        endResetModel();
        return;
    }

    // The same rows and columns: announce the runs of rows whose value changed (and with it,
    // their highlight).
    const GroupSnapshot before = std::exchange(m_group, std::move(group));
    const std::vector<const Metric *> oldRows = std::exchange(m_rows, {});
    const std::shared_ptr<const MetricFamily> oldFamily = m_family; // keeps oldRows valid
    markChanges(*before, *m_group);
    setLayout(std::move(layout));
    int first = -1;
    for (size_t row = 0; row <= m_rows.size(); ++row) {
        const bool changed = row < m_rows.size() && oldRows[row]->value != m_rows[row]->value;
        if (changed && first < 0)
            first = static_cast<int>(row);
        if (!changed && first >= 0) {
            Q_EMIT dataChanged(index(first, 0), index(static_cast<int>(row) - 1, columnCount() - 1));
            first = -1;
        }
    }
}

void SeriesTableModel::setFamilyName(const QByteArray &name)
{
    if (name == m_familyName)
        return;
    beginResetModel();
    m_familyName = name;
    setLayout(layoutOf(m_group, m_familyName));
    endResetModel();
}

void SeriesTableModel::setLayout(Layout layout)
{
    m_family = std::move(layout.family);
    m_rows = std::move(layout.rows);
    m_columns = std::move(layout.columns);
}

// The rows and columns that show the family called `familyName` of `group`.
SeriesTableModel::Layout SeriesTableModel::layoutOf(const GroupSnapshot &group, const QByteArray &familyName)
{
    Layout layout;
    if (group && !familyName.isEmpty()) {
        const auto it = group->families.constFind(familyName);
        if (it != group->families.cend())
            layout.family = it->family;
    }
    if (!layout.family)
        return layout;
    const MetricFamily &family = *layout.family;
    std::vector<const Metric *> &rows = layout.rows;
    QList<Column> &columns = layout.columns;

    rows.reserve(size_t(family.metrics.size()));
    for (const Metric &metric : family.metrics)
        rows.push_back(&metric);
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Metric *a, const Metric *b) { return seriesLess(a->labels, b->labels); });

    columns.append(Column{ColumnKind::Labels, 0});
    switch (family.type) {
    case MetricType::Counter:
    case MetricType::Gauge:
    case MetricType::Untyped:
        columns.append(Column{ColumnKind::Value, 0});
        break;
    case MetricType::Summary: {
        columns.append({Column{ColumnKind::Count, 0}, Column{ColumnKind::Sum, 0}});
        QList<double> quantiles;
        for (const Metric *metric : rows) {
            if (const SummaryValue *summary = metric->summary()) {
                for (const Quantile &quantile : summary->quantiles)
                    quantiles.append(quantile.quantile);
            }
        }
        sortUnique(quantiles);
        for (double quantile : std::as_const(quantiles))
            columns.append(Column{ColumnKind::Quantile, quantile});
        break;
    }
    case MetricType::Histogram:
    case MetricType::GaugeHistogram: {
        columns.append({Column{ColumnKind::Count, 0}, Column{ColumnKind::Sum, 0}});
        QList<double> bounds;
        bool anyNative = false;
        for (const Metric *metric : rows) {
            if (const HistogramValue *histogram = metric->histogram()) {
                for (const Bucket &bucket : histogram->buckets)
                    bounds.append(bucket.upperBound);
                anyNative = anyNative || histogram->isNative();
            }
        }
        sortUnique(bounds);
        for (double bound : std::as_const(bounds))
            columns.append(Column{ColumnKind::Bucket, bound});
        if (anyNative) {
            columns.append({Column{ColumnKind::Schema, 0}, Column{ColumnKind::ZeroThreshold, 0},
                            Column{ColumnKind::ZeroCount, 0}, Column{ColumnKind::NativeBuckets, 0}});
        }
        break;
    }
    }
    return layout;
}

void SeriesTableModel::markChanges(const Group &before, const Group &after)
{
    if (m_highlightDuration <= std::chrono::milliseconds::zero())
        return;
    const auto until = m_clock() + m_highlightDuration;
    bool marked = false;
    for (auto it = after.families.cbegin(); it != after.families.cend(); ++it) {
        const std::shared_ptr<const MetricFamily> &family = it->family;
        const auto previous = before.families.constFind(it.key());
        const MetricFamily *old = previous == before.families.cend() ? nullptr : previous->family.get();
        if (!family || old == family.get())
            continue; // untouched by the store
        QHash<QByteArray, const Metric *> oldSeries;
        if (old) {
            oldSeries.reserve(old->metrics.size());
            for (const Metric &metric : old->metrics)
                oldSeries.insert(seriesKey(old->name, metric.labels), &metric);
        }
        for (const Metric &metric : family->metrics) {
            QByteArray key = seriesKey(family->name, metric.labels);
            const Metric *oldMetric = oldSeries.value(key);
            if (!oldMetric || oldMetric->value != metric.value) {
                m_highlightUntil.insert(std::move(key), until);
                marked = true;
            }
        }
    }
    if (marked)
        scheduleExpiry();
}

void SeriesTableModel::scheduleExpiry()
{
    if (m_highlightUntil.isEmpty()) {
        m_expiryTimer.stop();
        return;
    }
    const auto next = *std::min_element(m_highlightUntil.cbegin(), m_highlightUntil.cend());
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - m_clock());
    m_expiryTimer.start(std::max(wait, std::chrono::milliseconds::zero()));
}

void SeriesTableModel::expireHighlights()
{
    const auto now = m_clock();
    const bool expiredAny = m_highlightUntil.removeIf([now](const auto &entry) { return entry.value() <= now; }) > 0;
    scheduleExpiry();
    if (!expiredAny || m_rows.empty())
        return;
    // A highlight paints every value cell of its row: announce the rows whose value cells lost
    // it; one range covers them all (a family is small).
    int first = -1;
    int last = -1;
    for (int row = 0; row < static_cast<int>(m_rows.size()); ++row) {
        if (!isHighlighted(row)) {
            first = first < 0 ? row : first;
            last = row;
        }
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, columnCount() - 1), {Qt::BackgroundRole, HighlightedRole});
}

void SeriesTableModel::setClock(Clock clock)
{
    m_clock = std::move(clock);
    scheduleExpiry();
}

void SeriesTableModel::setHighlightDuration(std::chrono::milliseconds duration)
{
    m_highlightDuration = duration;
}

bool SeriesTableModel::isHighlighted(int row) const
{
    return row >= 0 && row < static_cast<int>(m_rows.size()) && m_highlightUntil.contains(seriesKeyOf(row));
}

QByteArray SeriesTableModel::seriesKeyOf(int row) const
{
    return seriesKey(m_familyName, m_rows[size_t(row)]->labels);
}

const Metric *SeriesTableModel::metric(int row) const
{
    return row >= 0 && row < static_cast<int>(m_rows.size()) ? m_rows[size_t(row)] : nullptr;
}

int SeriesTableModel::rowOf(const Labels &labels) const
{
    const auto it = std::find_if(m_rows.cbegin(), m_rows.cend(), [&labels](const Metric *m) { return m->labels == labels; });
    return it == m_rows.cend() ? -1 : static_cast<int>(it - m_rows.cbegin());
}

SeriesTableModel::ColumnKind SeriesTableModel::columnKind(int column) const
{
    return column >= 0 && column < m_columns.size() ? m_columns.at(column).kind : ColumnKind::Labels;
}

int SeriesTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SeriesTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_columns.size());
}

QVariant SeriesTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Metric &metric = *m_rows[size_t(index.row())];
    const Column &column = m_columns.at(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(metric, column, false);
    case Qt::ToolTipRole:
        return displayData(metric, column, true);
    case Qt::TextAlignmentRole:
        if (column.kind != ColumnKind::Labels && column.kind != ColumnKind::NativeBuckets)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        break;
    case Qt::BackgroundRole:
        if (column.kind != ColumnKind::Labels && isHighlighted(index.row()))
            return highlightBrush();
        break;
    case HighlightedRole:
        return isHighlighted(index.row());
    case SortRole:
        return sortData(metric, column);
    }
    return {};
}

QString SeriesTableModel::labelsText(const Metric &metric) const
{
    const QString text = labelsJoined(metric.labels, m_groupLabels);
    return text.isEmpty() ? tr("(no labels but the group's)") : text;
}

QVariant SeriesTableModel::displayData(const Metric &metric, const Column &column, bool tooltip) const
{
    if (column.kind == ColumnKind::Labels)
        return tooltip ? u'{' % labelsJoined(metric.labels, {}) % u'}' : labelsText(metric);

    if (const ScalarValue *scalar = metric.scalar())
        return column.kind == ColumnKind::Value ? number(scalar->value) : QVariant();

    if (const SummaryValue *summary = metric.summary()) {
        switch (column.kind) {
        case ColumnKind::Count: return QString::number(summary->sampleCount);
        case ColumnKind::Sum: return number(summary->sampleSum);
        case ColumnKind::Quantile:
            if (const Quantile *quantile = findQuantile(*summary, column.parameter))
                return number(quantile->value);
            return {};
        default: return {};
        }
    }

    const HistogramValue *histogram = metric.histogram();
    if (!histogram)
        return {};
    const NativeHistogram *native = histogram->isNative() ? histogram->native.get() : nullptr;
    switch (column.kind) {
    case ColumnKind::Count: return number(histogramCount(*histogram));
    case ColumnKind::Sum: return number(histogram->sampleSum);
    case ColumnKind::Bucket:
        if (const Bucket *bucket = findBucket(*histogram, column.parameter))
            return number(bucketCount(*bucket));
        return {};
    case ColumnKind::Schema:
        return native ? QVariant(QString::number(native->schema)) : QVariant();
    case ColumnKind::ZeroThreshold:
        return native ? QVariant(number(native->zeroThreshold)) : QVariant();
    case ColumnKind::ZeroCount:
        if (!native)
            return {};
        return number(native->zeroCountFloat > 0 ? native->zeroCountFloat : static_cast<double>(native->zeroCount));
    case ColumnKind::NativeBuckets: {
        if (!native)
            return {};
        const NativeBuckets decoded = decodeNativeBuckets(*native);
        QStringList parts;
        for (const NativeBucket &bucket : decoded.buckets) {
            if (bucket.side != NativeBucket::Side::Zero)
                parts.append(nativeBucketText(bucket));
        }
        if (!decoded.consistent)
            parts.append(tr("(the spans and counts do not match)"));
        return parts.join(tooltip ? u"\n"_s : u"  "_s);
    }
    default: return {};
    }
}

QVariant SeriesTableModel::sortData(const Metric &metric, const Column &column)
{
    if (column.kind == ColumnKind::Labels)
        return labelsJoined(metric.labels, {});
    if (const ScalarValue *scalar = metric.scalar())
        return scalar->value;
    if (const SummaryValue *summary = metric.summary()) {
        const Quantile *quantile = column.kind == ColumnKind::Quantile ? findQuantile(*summary, column.parameter) : nullptr;
        switch (column.kind) {
        case ColumnKind::Count: return static_cast<double>(summary->sampleCount);
        case ColumnKind::Sum: return summary->sampleSum;
        default: return quantile ? QVariant(quantile->value) : QVariant();
        }
    }
    if (const HistogramValue *histogram = metric.histogram()) {
        const Bucket *bucket = column.kind == ColumnKind::Bucket ? findBucket(*histogram, column.parameter) : nullptr;
        switch (column.kind) {
        case ColumnKind::Count: return histogramCount(*histogram);
        case ColumnKind::Sum: return histogram->sampleSum;
        case ColumnKind::Bucket: return bucket ? QVariant(bucketCount(*bucket)) : QVariant();
        default: break;
        }
        if (histogram->isNative()) {
            const NativeHistogram &native = *histogram->native;
            switch (column.kind) {
            case ColumnKind::Schema: return native.schema;
            case ColumnKind::ZeroThreshold: return native.zeroThreshold;
            case ColumnKind::ZeroCount:
                return native.zeroCountFloat > 0 ? native.zeroCountFloat : static_cast<double>(native.zeroCount);
            default: break;
            }
        }
    }
    return {};
}

QVariant SeriesTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= m_columns.size()
        || (role != Qt::DisplayRole && role != Qt::ToolTipRole)) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    const Column &column = m_columns.at(section);
    const bool tip = role == Qt::ToolTipRole;
    switch (column.kind) {
    case ColumnKind::Labels: return tip ? tr("The series' labels other than the group's (hover a cell for all)") : tr("Labels");
    case ColumnKind::Value: return tip ? tr("The sample value") : tr("Value");
    case ColumnKind::Count: return tip ? tr("Number of observations") : tr("Count");
    case ColumnKind::Sum: return tip ? tr("Sum of the observations") : tr("Sum");
    case ColumnKind::Quantile:
        return tip ? tr("The %1 quantile").arg(number(column.parameter)) : tr("q %1").arg(number(column.parameter));
    case ColumnKind::Bucket:
        return tip ? tr("Observations less than or equal to %1 (cumulative)").arg(number(column.parameter))
                   : tr("le %1").arg(number(column.parameter));
    case ColumnKind::Schema: return tip ? tr("Native histogram schema: bucket bounds grow by 2^(2^-schema)") : tr("Schema");
    case ColumnKind::ZeroThreshold: return tip ? tr("Width of the zero bucket, [-threshold, threshold]") : tr("Zero threshold");
    case ColumnKind::ZeroCount: return tip ? tr("Observations in the zero bucket") : tr("Zero count");
    case ColumnKind::NativeBuckets: return tip ? tr("Native buckets: range and observations in each") : tr("Native buckets");
    }
    return {};
}

} // namespace qpgw::gui
