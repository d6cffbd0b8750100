#pragma once

#include <QByteArrayView>

#include <optional>

namespace qpgw {

// The metric types the Pushgateway stores. The numeric values are those of the
// io.prometheus.client.MetricType protobuf enum, so a protobuf codec can cast.
enum class MetricType : quint8 {
    Counter = 0,
    Gauge = 1,
    Summary = 2,
    Untyped = 3,
    Histogram = 4,
    GaugeHistogram = 5,
};
inline constexpr int MetricTypeCount = 6;

// Lower-case name as a `# TYPE` line writes it ("gaugehistogram" prints as "histogram" in 0.0.4).
QByteArrayView typeNameInTextFormat(MetricType type);
// Upper-case protobuf enum name ("COUNTER", "GAUGE_HISTOGRAM"), as error texts and the JSON API use it.
QByteArrayView typeEnumName(MetricType type);
// Parses a `# TYPE` word, case-insensitively: counter, gauge, summary, untyped, histogram,
// gauge_histogram or gaugehistogram.
std::optional<MetricType> typeFromTextFormat(QByteArrayView word);

} // namespace qpgw
