#pragma once

#include "model/groupingkey.h"
#include "model/metric.h"

#include <QByteArray>
#include <QMap>

#include <memory>

namespace qpgw {

// Unix time in nanoseconds, the resolution of the reference's push times.
using UnixNanos = qint64;

inline constexpr QByteArrayView PushTimeMetricName = "push_time_seconds";
inline constexpr QByteArrayView PushFailureTimeMetricName = "push_failure_time_seconds";
inline constexpr QByteArrayView PushTimeHelp = "Last Unix time when changing this group in the Pushgateway succeeded.";
inline constexpr QByteArrayView PushFailureTimeHelp = "Last Unix time when changing this group in the Pushgateway failed.";

// One family as a group stores it: sanitised (grouping labels applied, `instance` present,
// labels sorted by name) and stamped with the time it was last written.
struct StoredFamily
{
    std::shared_ptr<const MetricFamily> family;
    UnixNanos lastWrite = 0;
};

// All metrics stored under one grouping key, including the two gauges the gateway maintains.
// Immutable once published by the store: readers hold a GroupSnapshot as long as they like
// while the store moves on.
struct Group
{
    GroupingKey key;
    QMap<QByteArray, StoredFamily> families; // by name

    // The values of push_time_seconds / push_failure_time_seconds; 0 means never (or absent).
    double pushTimeSeconds() const;
    double pushFailureTimeSeconds() const;
    // The reference's rule: false iff both gauges exist and failure time > success time.
    bool lastPushSucceeded() const;
    // Number of series over all families, the two gauges included.
    qsizetype seriesCount() const;
};

using GroupSnapshot = std::shared_ptr<const Group>;

// The labels every series of this group carries: its grouping labels, plus instance="" when
// the key has no instance, sorted by name (behaviour spec section 2.6).
Labels seriesLabelsOf(const GroupingKey &key);

// A one-series gauge family with the given labels, as the gateway writes its push-time gauges.
std::shared_ptr<const MetricFamily> makeGaugeFamily(QByteArrayView name, QByteArrayView help,
                                                    const Labels &labels, double value);

double unixNanosToSeconds(UnixNanos nanos);

} // namespace qpgw
