#pragma once

#include "labels.h"
#include "metrictype.h"

#include <QByteArray>
#include <QList>

#include <memory>
#include <optional>
#include <variant>

namespace qpgw {

// The data model follows io.prometheus.client (metrics.proto), which is what the reference
// stores and what a protobuf push carries. Text pushes fill the subset 0.0.4 can express.

// Milliseconds since the Unix epoch, as exposition formats carry timestamps.
using TimestampMs = qint64;

struct Exemplar
{
    Labels labels;
    double value = 0;
    std::optional<TimestampMs> timestampMs;

    friend bool operator==(const Exemplar &, const Exemplar &) = default;
};

struct Quantile
{
    double quantile = 0;
    double value = 0;

    friend bool operator==(const Quantile &, const Quantile &) = default;
};

struct SummaryValue
{
    quint64 sampleCount = 0;
    double sampleSum = 0;
    QList<Quantile> quantiles;
    std::optional<TimestampMs> createdTimestampMs;

    friend bool operator==(const SummaryValue &, const SummaryValue &) = default;
};

// A classic bucket: cumulative count of observations <= upperBound.
struct Bucket
{
    double upperBound = 0;
    quint64 cumulativeCount = 0;
    double cumulativeCountFloat = 0; // set instead of cumulativeCount in float histograms
    std::optional<Exemplar> exemplar;

    friend bool operator==(const Bucket &, const Bucket &) = default;
};

// A run of `length` consecutive native buckets, starting `offset` indices after the
// previous span ended (or at index `offset` for the first span).
struct BucketSpan
{
    qint32 offset = 0;
    quint32 length = 0;

    friend bool operator==(const BucketSpan &, const BucketSpan &) = default;
};

// The native (sparse) part of a histogram, stored exactly as received, unvalidated, as the
// reference does (behaviour spec section 8).
struct NativeHistogram
{
    qint32 schema = 0;
    double zeroThreshold = 0;
    quint64 zeroCount = 0;
    double zeroCountFloat = 0;
    QList<BucketSpan> negativeSpans;
    QList<qint64> negativeDeltas;  // integer histograms: delta-encoded counts
    QList<double> negativeCounts;  // float histograms: absolute counts
    QList<BucketSpan> positiveSpans;
    QList<qint64> positiveDeltas;
    QList<double> positiveCounts;
    QList<Exemplar> exemplars;

    friend bool operator==(const NativeHistogram &, const NativeHistogram &) = default;
};

// Classic and native histogram fields side by side, as in the protobuf message: a histogram
// may carry either or both. The native part lives behind a shared, immutable pointer: most
// histograms are classic, and a Metric stays small (every stored series is one).
struct HistogramValue
{
    quint64 sampleCount = 0;
    double sampleCountFloat = 0; // float histograms set this instead of sampleCount
    double sampleSum = 0;
    QList<Bucket> buckets;       // classic, ascending upper bounds, cumulative counts
    std::optional<TimestampMs> createdTimestampMs;
    std::shared_ptr<const NativeHistogram> native; // null: no native fields at all

    // The reference's test: a histogram is native iff it has at least one span.
    bool isNative() const { return native && (!native->positiveSpans.isEmpty() || !native->negativeSpans.isEmpty()); }
    // Float histograms carry float counts; the reference's test for it.
    bool isFloat() const { return sampleCountFloat > 0 || (native && native->zeroCountFloat > 0); }

    friend bool operator==(const HistogramValue &a, const HistogramValue &b)
    {
        const NativeHistogram none;
        return a.sampleCount == b.sampleCount && a.sampleCountFloat == b.sampleCountFloat
            && a.sampleSum == b.sampleSum && a.buckets == b.buckets
            && a.createdTimestampMs == b.createdTimestampMs
            && (a.native ? *a.native : none) == (b.native ? *b.native : none);
    }
};

// Counter, gauge and untyped metrics carry one number.
struct ScalarValue
{
    double value = 0;
    std::optional<Exemplar> exemplar;               // counters only
    std::optional<TimestampMs> createdTimestampMs; // counters only

    friend bool operator==(const ScalarValue &, const ScalarValue &) = default;
};

using MetricValue = std::variant<ScalarValue, SummaryValue, HistogramValue>;

// One series (one protobuf Metric): its labels, its value, and the timestamp a client may
// have attached, which the store rejects.
struct Metric
{
    Labels labels;
    MetricValue value;
    std::optional<TimestampMs> timestampMs;

    const ScalarValue *scalar() const { return std::get_if<ScalarValue>(&value); }
    const SummaryValue *summary() const { return std::get_if<SummaryValue>(&value); }
    const HistogramValue *histogram() const { return std::get_if<HistogramValue>(&value); }

    friend bool operator==(const Metric &, const Metric &) = default;
};

// Whether a metric's value has the shape its family's type needs (counter, gauge and untyped
// need a scalar; summary a summary; histogram and gauge histogram a histogram).
bool valueMatchesType(const MetricValue &value, MetricType type);

struct MetricFamily
{
    QByteArray name;
    // Unset and empty differ: an empty but present HELP still prints a `# HELP name ` line.
    std::optional<QByteArray> help;
    MetricType type = MetricType::Untyped;
    QList<Metric> metrics;

    friend bool operator==(const MetricFamily &, const MetricFamily &) = default;
};

} // namespace qpgw
