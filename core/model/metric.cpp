#include "metric.h"

namespace qpgw {

bool valueMatchesType(const MetricValue &value, MetricType type)
{
    switch (type) {
    case MetricType::Counter:
    case MetricType::Gauge:
    case MetricType::Untyped: return std::holds_alternative<ScalarValue>(value);
    case MetricType::Summary: return std::holds_alternative<SummaryValue>(value);
    case MetricType::Histogram:
    case MetricType::GaugeHistogram: return std::holds_alternative<HistogramValue>(value);
    }
    return false;
}

} // namespace qpgw
