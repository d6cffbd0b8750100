#pragma once

#include "model/metric.h"

#include <QList>
#include <QtGlobal>

#include <span>
#include <vector>

namespace qpgw::http {

// The shape of the time window, as client_golang's SummaryOpts name it.
struct SlidingWindow
{
    qint64 maxAgeMs = 10 * 60 * 1000; // MaxAge: how long an observation counts
    int ageBuckets = 5;               // AgeBuckets: how many steps the window moves in
    int samplesPerBucket = 1024;      // the memory bound: samples kept per age bucket
};

// Quantiles of the observations of a sliding time window, in bounded memory: the quantile
// part of a client_golang Summary (the caller keeps the all-time _sum and _count).
//
// Window. Time is cut into age buckets of maxAge / ageBuckets (2 minutes by default), aligned
// on the creation time. Quantiles cover the current bucket and the ageBuckets - 1 before it:
// between 8 and 10 minutes of history, then the oldest bucket drops out whole. That is the
// span of Go's "head stream" at every moment, so an observation stops counting when it would
// stop counting there. An empty window gives NaN, as Go writes it.
//
// Estimate. Each bucket keeps its observation count and a uniform sample of at most
// samplesPerBucket of its observations (reservoir sampling, algorithm R, with a fixed-seed
// generator so that runs repeat). A kept observation stands for count / kept observations of
// its bucket, and the φ-quantile is the smallest sample whose cumulative weight reaches
// φ × (observations in the window).
// - While no bucket of the window has seen more than samplesPerBucket observations (1024 per
//   2 minutes, 8.5 pushes a second), nothing is sampled away and the result is exact: the
//   ceil(φ·n)-th smallest observation, the value Go's stream returns for small streams.
// - Beyond that the error is in rank, and random: for one bucket of k kept samples, the
//   returned value's true rank is φ ± sqrt(φ(1-φ)/k) (one standard deviation), which for
//   k = 1024 is ±0.0094 at φ = 0.1 and 0.9 and ±0.016 at φ = 0.5; by the
//   Dvoretzky–Kiefer–Wolfowitz inequality the rank error exceeds ε at any φ with probability
//   at most 2·exp(-2kε²), 1.2 % for ε = 0.05. Mixed by their weights, several sampled
//   buckets err no more than the worst of them: the standard deviation does not grow, the
//   probability bound at most multiplies by their number. Go's targeted stream instead guarantees its objectives (0.1 ± 0.01,
//   0.5 ± 0.05, 0.9 ± 0.01) deterministically, in memory that grows with the logarithm of
//   the rate; this estimator trades that for a hard bound: ageBuckets × samplesPerBucket
//   doubles (40 KiB by default) whatever the rate.
//
// Time comes from the caller in milliseconds; it should not go backwards (a step back is
// read as no time passing).
class SlidingQuantiles
{
public:
    explicit SlidingQuantiles(qint64 startMs, SlidingWindow window = SlidingWindow());

    // O(1). NaN is not kept (it has no rank).
    void observe(double value, qint64 nowMs);

    // One Quantile per rank, in the order given; values NaN when the window is empty.
    QList<Quantile> quantiles(std::span<const double> ranks, qint64 nowMs) const;
    // Observations in the window ending at `nowMs`.
    quint64 windowCount(qint64 nowMs) const;
    // Samples held now, for tests of the memory bound.
    qsizetype retainedSamples() const;

private:
    struct Bucket
    {
        qint64 index = -1; // which age bucket since the start; -1 while never used
        quint64 count = 0; // observations in it, sampled or not
        std::vector<double> samples;
    };

    qint64 bucketIndexAt(qint64 nowMs) const;
    bool isLive(const Bucket &bucket, qint64 currentIndex) const;
    quint64 nextRandom();

    qint64 m_startMs;
    qint64 m_bucketMs;
    int m_samplesPerBucket;
    qint64 m_latestIndex = 0;
    quint64 m_randomState;
    std::vector<Bucket> m_buckets; // a ring: bucket index i lives at i % ageBuckets
};

} // namespace qpgw::http
