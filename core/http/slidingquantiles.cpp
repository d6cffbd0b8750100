#include "slidingquantiles.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qpgw::http {

SlidingQuantiles::SlidingQuantiles(qint64 startMs, SlidingWindow window)
    : m_startMs(startMs)
    , m_bucketMs(std::max<qint64>(1, window.maxAgeMs / std::max(1, window.ageBuckets)))
    , m_samplesPerBucket(std::max(1, window.samplesPerBucket))
    , m_randomState(0x9e3779b97f4a7c15ULL) // any fixed seed: runs repeat, tests are stable
    , m_buckets(size_t(std::max(1, window.ageBuckets)))
{
}

void SlidingQuantiles::observe(double value, qint64 nowMs)
{
    if (std::isnan(value))
        return;
    const qint64 index = bucketIndexAt(nowMs);
    m_latestIndex = index;
    Bucket &bucket = m_buckets[size_t(index % qint64(m_buckets.size()))];
    if (bucket.index != index) {
        // The slot's previous bucket has left the window. clear() keeps the capacity: the
        // memory is bounded anyway, and a steady rate stops allocating.
        bucket.index = index;
        bucket.count = 0;
        bucket.samples.clear();
    }
    ++bucket.count;
    if (bucket.samples.size() < size_t(m_samplesPerBucket)) {
        bucket.samples.push_back(value);
        return;
    }
    // Algorithm R: the count-th observation replaces a random kept one with probability
    // k / count, which keeps every observation of the bucket equally likely to be kept.
    // The modulo's bias is below count / 2^64.
    const quint64 slot = nextRandom() % bucket.count;
    if (slot < quint64(m_samplesPerBucket))
        bucket.samples[size_t(slot)] = value;
}

QList<Quantile> SlidingQuantiles::quantiles(std::span<const double> ranks, qint64 nowMs) const
{
    struct Weighted
    {
        double value;
        double weight;
    };
    const qint64 current = std::max(bucketIndexAt(nowMs), m_latestIndex);
    std::vector<Weighted> window;
    quint64 total = 0;
    for (const Bucket &bucket : m_buckets) {
        if (!isLive(bucket, current) || bucket.samples.empty())
            continue;
        // Exactly 1 while nothing was sampled away, so that the result is exact then.
        const double weight = double(bucket.count) / double(bucket.samples.size());
        for (const double value : bucket.samples)
            window.push_back(Weighted{value, weight});
        total += bucket.count;
    }
    std::sort(window.begin(), window.end(),
              [](const Weighted &a, const Weighted &b) { return a.value < b.value; });

    QList<Quantile> result;
    result.reserve(qsizetype(ranks.size()));
    for (const double rank : ranks) {
        double value = std::numeric_limits<double>::quiet_NaN();
        if (!window.empty()) {
            // The nearest-rank definition Go's stream uses while it holds every observation:
            // the ceil(rank·n)-th smallest, the smallest one for rank 0.
            const double target = rank * double(total);
            double cumulative = 0;
            value = window.back().value; // when rounding leaves the sum just short of n
            for (const Weighted &entry : window) {
                cumulative += entry.weight;
                if (cumulative >= target) {
                    value = entry.value;
                    break;
                }
            }
        }
        result.append(Quantile{rank, value});
    }
    return result;
}

quint64 SlidingQuantiles::windowCount(qint64 nowMs) const
{
    const qint64 current = std::max(bucketIndexAt(nowMs), m_latestIndex);
    quint64 count = 0;
    for (const Bucket &bucket : m_buckets) {
        if (isLive(bucket, current))
            count += bucket.count;
    }
    return count;
}

qsizetype SlidingQuantiles::retainedSamples() const
{
    size_t samples = 0;
    for (const Bucket &bucket : m_buckets)
        samples += bucket.samples.size();
    return qsizetype(samples);
}

qint64 SlidingQuantiles::bucketIndexAt(qint64 nowMs) const
{
    if (nowMs <= m_startMs)
        return m_latestIndex;
    return std::max(m_latestIndex, (nowMs - m_startMs) / m_bucketMs);
}

bool SlidingQuantiles::isLive(const Bucket &bucket, qint64 currentIndex) const
{
    return bucket.index >= 0 && bucket.index <= currentIndex
        && bucket.index > currentIndex - qint64(m_buckets.size());
}

// splitmix64: small, fast and well mixed; reservoir sampling needs nothing stronger.
quint64 SlidingQuantiles::nextRandom()
{
    quint64 z = (m_randomState += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

} // namespace qpgw::http
