#include "metrictype.h"

#include <QByteArray>

namespace qpgw {

QByteArrayView typeNameInTextFormat(MetricType type)
{
    switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Summary: return "summary";
    case MetricType::Untyped: return "untyped";
    case MetricType::Histogram:
    case MetricType::GaugeHistogram: return "histogram";
    }
    return "untyped";
}

QByteArrayView typeEnumName(MetricType type)
{
    switch (type) {
    case MetricType::Counter: return "COUNTER";
    case MetricType::Gauge: return "GAUGE";
    case MetricType::Summary: return "SUMMARY";
    case MetricType::Untyped: return "UNTYPED";
    case MetricType::Histogram: return "HISTOGRAM";
    case MetricType::GaugeHistogram: return "GAUGE_HISTOGRAM";
    }
    return "UNTYPED";
}

std::optional<MetricType> typeFromTextFormat(QByteArrayView word)
{
    const QByteArray lower = word.toByteArray().toLower();
    if (lower == "counter") return MetricType::Counter;
    if (lower == "gauge") return MetricType::Gauge;
    if (lower == "summary") return MetricType::Summary;
    if (lower == "untyped") return MetricType::Untyped;
    if (lower == "histogram") return MetricType::Histogram;
    if (lower == "gauge_histogram" || lower == "gaugehistogram") return MetricType::GaugeHistogram;
    return std::nullopt;
}

} // namespace qpgw
