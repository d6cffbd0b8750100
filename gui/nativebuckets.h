#pragma once

#include "model/metric.h"

#include <QList>

namespace qpgw::gui {

// Native (sparse, exponential) histogram buckets, decoded from spans and deltas or counts.
// Pure functions, no Qt GUI: the metric viewer's table and chart both read them.
//
// At schema s the bucket boundaries are powers of base = 2^(2^-s). Positive bucket i holds the
// observations in (base^(i-1), base^i]; negative bucket i mirrors it, [-base^i, -base^(i-1)).
// The zero bucket holds [-zeroThreshold, zeroThreshold].

// The upper bound of positive bucket `index` at `schema`: 2^(index * 2^-schema). Exact powers
// of two are computed exactly (2^k with ldexp); values beyond double's range become 0 or +Inf.
double nativeBucketUpperBound(qint64 index, qint32 schema);

struct NativeBucket
{
    enum class Side : quint8 { Negative, Zero, Positive };

    Side side = Side::Positive;
    qint64 index = 0;      // the bucket's index on its side (0 for the zero bucket)
    double lowerBound = 0; // exclusive for positive buckets, inclusive for negative ones
    double upperBound = 0; // inclusive for positive buckets, exclusive for negative ones
    double count = 0;      // observations in this bucket alone (not cumulative)

    friend bool operator==(const NativeBucket &, const NativeBucket &) = default;
};

struct NativeBuckets
{
    QList<NativeBucket> buckets;
    // False when the spans and the counts disagree (more counts than the spans' lengths, or
    // fewer), or a delta-decoded count fell below zero. The store keeps native histograms as
    // received, unvalidated, so the viewer decodes what it can and says when it could not.
    bool consistent = true;
};

// One side's buckets in span order. The first span's offset is the index of its first bucket;
// each later span starts `offset` indices after the previous one ended. Integer histograms
// carry counts as deltas (the first bucket's count, then each bucket's difference to the
// previous one), float histograms as absolute counts: `deltas` is used unless it is empty and
// `counts` is not. Decoding stops when the counts run out. Empty buckets inside spans are kept.
NativeBuckets decodeNativeSide(NativeBucket::Side side, qint32 schema, const QList<BucketSpan> &spans,
                               const QList<qint64> &deltas, const QList<double> &counts);

// The whole histogram in ascending order of value: the negative buckets (most negative first),
// the zero bucket (when its threshold or count is not zero), then the positive buckets.
NativeBuckets decodeNativeBuckets(const NativeHistogram &histogram);

} // namespace qpgw::gui
