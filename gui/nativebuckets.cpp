#include "nativebuckets.h"

#include <algorithm>
#include <cmath>

namespace qpgw::gui {
namespace {

// ldexp's exponent as an int, clamped far beyond double's range (2^±1100 is already 0 or
// +Inf), so that absurd indices and schemas saturate instead of overflowing.
int clampedExponent(double exponent)
{
    return static_cast<int>(std::clamp(exponent, -2000.0, 2000.0));
}

} // namespace

double nativeBucketUpperBound(qint64 index, qint32 schema)
{
    if (schema <= 0) {
        // base = 2^(2^-schema) is a power of two: the bound is 2^(index * 2^-schema), exactly.
        return std::ldexp(1.0, clampedExponent(std::ldexp(static_cast<double>(index), -schema)));
    }
    // index = whole * 2^schema + fraction: the bound is 2^whole * 2^(fraction / 2^schema), so a
    // whole power of two stays exact and only the fractional part goes through exp2.
    const double steps = std::ldexp(1.0, std::min(schema, 62));
    const double whole = std::floor(static_cast<double>(index) / steps);
    const double fraction = static_cast<double>(index) - whole * steps;
    return std::ldexp(std::exp2(fraction / steps), clampedExponent(whole));
}

NativeBuckets decodeNativeSide(NativeBucket::Side side, qint32 schema, const QList<BucketSpan> &spans,
                               const QList<qint64> &deltas, const QList<double> &counts)
{
    const bool useCounts = deltas.isEmpty() && !counts.isEmpty();
    const qsizetype available = useCounts ? counts.size() : deltas.size();

    NativeBuckets result;
    result.buckets.reserve(available);
    qsizetype next = 0;     // the next delta or count to read
    quint64 running = 0;    // the delta-decoded count, wrapping (absurd deltas must not be UB)
    qint64 index = 0;
    bool first = true;
    for (const BucketSpan &span : spans) {
        index = first ? span.offset : index + span.offset;
        first = false;
        for (quint32 i = 0; i < span.length; ++i, ++index) {
            if (next == available) {
                result.consistent = false; // the spans promise more buckets than there are counts
                return result;
            }
            double count = 0;
            if (useCounts) {
                count = counts.at(next);
            } else {
                running += static_cast<quint64>(deltas.at(next));
                const auto value = static_cast<qint64>(running);
                result.consistent = result.consistent && value >= 0;
                count = static_cast<double>(value);
            }
            ++next;
            const double upper = nativeBucketUpperBound(index, schema);
            const double lower = nativeBucketUpperBound(index - 1, schema);
            if (side == NativeBucket::Side::Negative)
                result.buckets.append(NativeBucket{side, index, -upper, -lower, count});
            else
                result.buckets.append(NativeBucket{side, index, lower, upper, count});
        }
    }
    if (next != available)
        result.consistent = false; // counts left over that no span places
    return result;
}

NativeBuckets decodeNativeBuckets(const NativeHistogram &histogram)
{
    NativeBuckets negative = decodeNativeSide(NativeBucket::Side::Negative, histogram.schema, histogram.negativeSpans,
                                              histogram.negativeDeltas, histogram.negativeCounts);
    const NativeBuckets positive = decodeNativeSide(NativeBucket::Side::Positive, histogram.schema,
                                                    histogram.positiveSpans, histogram.positiveDeltas,
                                                    histogram.positiveCounts);
    NativeBuckets result;
    result.consistent = negative.consistent && positive.consistent;
    result.buckets.reserve(negative.buckets.size() + positive.buckets.size() + 1);
    // Negative spans run from small to large magnitude, which is descending in value.
    std::reverse(negative.buckets.begin(), negative.buckets.end());
    result.buckets.append(negative.buckets);
    const double zeroCount = histogram.zeroCountFloat > 0 ? histogram.zeroCountFloat
                                                          : static_cast<double>(histogram.zeroCount);
    if (histogram.zeroThreshold != 0 || zeroCount != 0) {
        result.buckets.append(NativeBucket{NativeBucket::Side::Zero, 0, -histogram.zeroThreshold,
                                           histogram.zeroThreshold, zeroCount});
    }
    result.buckets.append(positive.buckets);
    return result;
}

} // namespace qpgw::gui
