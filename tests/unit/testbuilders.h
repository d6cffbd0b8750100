#pragma once

// Small builders for model values, so that tests read like the reference's fixtures.

#include "model/groupingkey.h"
#include "model/metric.h"

#include <initializer_list>
#include <utility>

namespace qpgw::test {

inline Labels labels(std::initializer_list<std::pair<const char *, const char *>> pairs)
{
    Labels result;
    for (const auto &[name, value] : pairs)
        result.append(LabelPair{QByteArray(name), QByteArray(value)});
    return result;
}

inline GroupingKey key(std::initializer_list<std::pair<const char *, const char *>> pairs)
{
    return GroupingKey(labels(pairs));
}

inline Metric scalar(Labels metricLabels, double value)
{
    return Metric{std::move(metricLabels), ScalarValue{value, {}, {}}, std::nullopt};
}

inline Metric scalarWithTimestamp(Labels metricLabels, double value, TimestampMs timestamp)
{
    return Metric{std::move(metricLabels), ScalarValue{value, {}, {}}, timestamp};
}

inline Metric summary(Labels metricLabels, quint64 count, double sum, QList<Quantile> quantiles = {})
{
    return Metric{std::move(metricLabels), SummaryValue{count, sum, std::move(quantiles), {}}, std::nullopt};
}

inline Metric histogram(Labels metricLabels, quint64 count, double sum, QList<Bucket> buckets = {})
{
    HistogramValue value;
    value.sampleCount = count;
    value.sampleSum = sum;
    value.buckets = std::move(buckets);
    return Metric{std::move(metricLabels), value, std::nullopt};
}

inline MetricFamily family(const char *name, MetricType type, std::initializer_list<Metric> metrics,
                           std::optional<QByteArray> help = std::nullopt)
{
    return MetricFamily{QByteArray(name), std::move(help), type, QList<Metric>(metrics)};
}

} // namespace qpgw::test
