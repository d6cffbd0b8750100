// Core micro-benchmark: text parsing throughput, push cost against store size, and the cost
// of rendering the exposition. Prints one table; each figure is the median of several runs.

#include "format/textparser.h"
#include "store/metricstore.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace qpgw;

namespace {

// What a typical batch job pushes: a few counters and gauges, a latency histogram with a
// dozen buckets and a summary, with HELP and TYPE, about 40 series and 3 KB.
QByteArray jobPayload(int job)
{
    QByteArray out;
    const QByteArray j = QByteArray::number(job);
    out += "# HELP batch_records_processed_total Records processed by the last run.\n"
           "# TYPE batch_records_processed_total counter\n";
    for (const char *stage : {"extract", "transform", "load"})
        out += "batch_records_processed_total{stage=\"" + QByteArray(stage) + "\"} " + QByteArray::number(job * 1013 + 7) + "\n";
    out += "# HELP batch_last_success_timestamp_seconds When the last run succeeded.\n"
           "# TYPE batch_last_success_timestamp_seconds gauge\n"
           "batch_last_success_timestamp_seconds 1.7637e+09\n"
           "# HELP batch_duration_seconds How long the run took.\n"
           "# TYPE batch_duration_seconds histogram\n";
    const char *bounds[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
    int cumulative = 0;
    for (const char *bound : bounds) {
        cumulative += job % 7 + 1;
        out += "batch_duration_seconds_bucket{le=\"" + QByteArray(bound) + "\"} " + QByteArray::number(cumulative) + "\n";
    }
    out += "batch_duration_seconds_sum " + QByteArray::number(cumulative * 0.731) + "\n"
           "batch_duration_seconds_count " + QByteArray::number(cumulative) + "\n"
           "# HELP batch_row_size_bytes Size of processed rows.\n"
           "# TYPE batch_row_size_bytes summary\n"
           "batch_row_size_bytes{quantile=\"0.5\"} 512\n"
           "batch_row_size_bytes{quantile=\"0.9\"} 2048\n"
           "batch_row_size_bytes{quantile=\"0.99\"} 8191.5\n"
           "batch_row_size_bytes_sum 1.2345678e+07\n"
           "batch_row_size_bytes_count 24113\n"
           "# TYPE batch_worker_memory_bytes gauge\n";
    for (int worker = 0; worker < 16; ++worker) {
        out += "batch_worker_memory_bytes{worker=\"w" + QByteArray::number(worker) + "\",shard=\"" + j + "\"} "
            + QByteArray::number(1048576.0 * (worker + 1) + job) + "\n";
    }
    return out;
}

// Series as a scrape counts them: sample lines, not comments.
qsizetype sampleLines(const QByteArray &exposition)
{
    return exposition.count('\n') - exposition.count("\n#") - (exposition.startsWith('#') ? 1 : 0);
}

double medianOf(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Median wall time of `runs` calls of `work`, in seconds; `setup` runs before each, untimed.
double timeIt(int runs, const std::function<void()> &work, const std::function<void()> &setup = {})
{
    std::vector<double> seconds;
    for (int i = 0; i < runs; ++i) {
        if (setup)
            setup();
        QElapsedTimer timer;
        timer.start();
        work();
        seconds.push_back(double(timer.nsecsElapsed()) / 1e9);
    }
    return medianOf(seconds);
}

GroupingKey groupKey(int group)
{
    return GroupingKey({{"job", "bench"}, {"instance", "host-" + QByteArray::number(group)}});
}

// A store of `groups` groups pushed from the job payload (42 series + 2 gauges each).
void fill(MetricStore &store, const QList<QList<MetricFamily>> &parsed, int groups)
{
    for (int g = 0; g < groups; ++g) {
        if (const auto error = store.push(groupKey(g), parsed[g % parsed.size()], PushMode::ReplaceAll)) {
            std::fprintf(stderr, "push failed: %s\n", qPrintable(error->message));
            std::exit(1);
        }
    }
}

} // namespace

int main()
{
    // Parse throughput over the bodies of 1,000 groups.
    QList<QByteArray> bodies;
    qsizetype totalBytes = 0;
    for (int job = 0; job < 1000; ++job) {
        bodies.append(jobPayload(job));
        totalBytes += bodies.constLast().size();
    }
    QList<QList<MetricFamily>> parsed;
    for (const QByteArray &body : bodies)
        parsed.append(parseTextFormat(body).value());
    const double parseSeconds = timeIt(7, [&] {
        for (const QByteArray &body : bodies) {
            if (!parseTextFormat(body))
                std::exit(1);
        }
    });

    // "Series" below are counted as a scrape shows them: one per sample line, so a histogram
    // with 12 buckets is 14 series. One group of the job payload, with its two gauges:
    const qsizetype seriesPerGroup = [&] {
        MetricStore scratch;
        fill(scratch, parsed, 1);
        return sampleLines(scratch.exposition());
    }();
    const int groupsFor100k = int(100'000 / seriesPerGroup) + 1;

    // Push cost: PUTs of a parsed body into a store that holds nothing else, and into one that
    // also holds ~100k series. Each push is timed on its own and its group removed again
    // (untimed), so the store has exactly the size stated while every push is measured.
    auto pushCost = [&](int otherGroups) {
        MetricStore store;
        fill(store, parsed, otherGroups);
        const qsizetype resident = sampleLines(store.exposition());
        std::vector<double> seconds;
        for (int i = 0; i < 3000; ++i) {
            const GroupingKey key({{"job", "probe"}, {"instance", QByteArray::number(i)}});
            QElapsedTimer timer;
            timer.start();
            (void)store.push(key, parsed[i % parsed.size()], PushMode::ReplaceAll);
            seconds.push_back(double(timer.nsecsElapsed()) / 1e9);
            store.remove(key);
        }
        return std::pair{medianOf(seconds), resident};
    };
    struct PushPoint
    {
        int groups;
        double seconds;
        qsizetype series;
    };
    std::vector<PushPoint> pushPoints;
    for (const int groups : {0, groupsFor100k / 10, groupsFor100k, groupsFor100k * 10}) {
        const auto [seconds, series] = pushCost(groups);
        pushPoints.push_back({groups, seconds, series});
    }

    // Render: the whole exposition of ~100k series, from scratch after a wipe-and-fill (every
    // family block rebuilt), after one push (the touched blocks rebuilt), and unchanged.
    MetricStore store;
    fill(store, parsed, groupsFor100k);
    const QByteArray exposition = store.exposition();
    const double renderAfterFill = timeIt(5, [&] { (void)store.exposition(); }, [&] {
        store.wipe();
        fill(store, parsed, groupsFor100k);
    });
    const double renderAfterPush = timeIt(21, [&] {
        (void)store.push(groupKey(3), parsed[5], PushMode::ReplaceAll);
        (void)store.exposition();
    });
    const double renderUnchanged = timeIt(21, [&] { (void)store.exposition(); });

    std::printf("QPushgateway core micro-benchmark (median of repeated runs)\n\n");
    std::printf("text parse: %lld bodies, %.2f MB, %lld series per body with the 2 push-time gauges\n",
                qlonglong(bodies.size()), double(totalBytes) / 1e6, qlonglong(seriesPerGroup));
    std::printf("  throughput                         %10.1f MB/s\n", double(totalBytes) / 1e6 / parseSeconds);
    std::printf("  per body                           %10.2f us\n\n", parseSeconds / double(bodies.size()) * 1e6);
    std::printf("push (PUT of one parsed body; median of 3,000, each timed alone):\n");
    for (const PushPoint &point : pushPoints) {
        std::printf("  into a store of %8lld other series  %8.2f us   ratio to empty %5.2f\n", qlonglong(point.series),
                    point.seconds * 1e6, point.seconds / pushPoints.front().seconds);
    }
    std::printf("\n");
    std::printf("exposition of %lld series (%.1f MB of text):\n", qlonglong(sampleLines(exposition)), double(exposition.size()) / 1e6);
    std::printf("  every block rebuilt (after a fill) %10.2f ms\n", renderAfterFill * 1e3);
    std::printf("  after one push (push + render)     %10.2f ms\n", renderAfterPush * 1e3);
    std::printf("  unchanged (cached)                 %10.3f ms\n", renderUnchanged * 1e3);
    return 0;
}
