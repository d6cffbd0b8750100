#include "selfmetrics.h"

#include "model/labels.h"
#include "store/ownfamilies.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace qpgw::http {
namespace {

SelfMetrics::Clock monotonicWallClock()
{
    QElapsedTimer timer;
    timer.start();
    const qint64 wallAtStart = QDateTime::currentMSecsSinceEpoch();
    return [timer, wallAtStart] { return wallAtStart + timer.elapsed(); };
}

// An empty family of one of the gateway's own names, with the type and HELP they always have.
class OwnFamilies
{
public:
    OwnFamilies() : m_families(gatewayOwnFamilies()) {}

    MetricFamily make(QByteArrayView name) const
    {
        const auto own = std::find_if(m_families.cbegin(), m_families.cend(),
                                      [name](const OwnFamily &family) { return family.name == name; });
        Q_ASSERT_X(own != m_families.cend(), "SelfMetrics", "not a name of gatewayOwnFamilies()");
        if (own == m_families.cend())
            return MetricFamily{name.toByteArray(), std::nullopt, MetricType::Untyped, {}};
        return MetricFamily{own->name, own->help, own->type, {}};
    }

private:
    QList<OwnFamily> m_families;
};

Metric scalarMetric(Labels labels, double value, std::optional<TimestampMs> createdMs = std::nullopt)
{
    return Metric{std::move(labels), ScalarValue{value, std::nullopt, createdMs}, std::nullopt};
}

void appendScalarFamily(QList<MetricFamily> &families, const OwnFamilies &own, QByteArrayView name,
                        const std::optional<double> &value)
{
    if (!value)
        return;
    MetricFamily family = own.make(name);
    family.metrics.append(scalarMetric({}, *value));
    families.append(std::move(family));
}

} // namespace

SelfMetrics::SelfMetrics(Clock clock)
    : m_clock(clock ? std::move(clock) : monotonicWallClock())
{
}

void SelfMetrics::countRequest(QByteArrayView handler, int statusCode, QByteArrayView method)
{
    const RequestKeyLess::View key{statusCode, handler, method};
    auto it = m_requests.find(key);
    if (it == m_requests.end()) {
        it = m_requests.emplace(RequestKey{statusCode, handler.toByteArray(), method.toByteArray()},
                                Counter{0, m_clock()}).first;
    }
    it->second.value += 1;
}

void SelfMetrics::observePush(QByteArrayView method, double durationSeconds, double requestSizeBytes)
{
    const qint64 now = m_clock();
    auto it = m_pushes.find(method);
    if (it == m_pushes.end())
        it = m_pushes.emplace(method.toByteArray(), PushSeries(now)).first;
    const auto observe = [now](Summary &summary, double value) {
        ++summary.count;
        summary.sum += value;
        summary.window.observe(value, now);
    };
    observe(it->second.duration, durationSeconds);
    observe(it->second.size, requestSizeBytes);
}

QList<MetricFamily> SelfMetrics::families(const BuildInfo &build,
                                          const ProcessMetrics::Sample &process) const
{
    const qint64 now = m_clock();
    const OwnFamilies own;
    QList<MetricFamily> families;

    MetricFamily buildInfo = own.make("pushgateway_build_info");
    buildInfo.metrics.append(scalarMetric({{"branch"_ba, build.branch},
                                           {"goarch"_ba, build.goArch},
                                           {"goos"_ba, build.goOs},
                                           {"goversion"_ba, build.goVersion},
                                           {"revision"_ba, build.revision},
                                           {"tags"_ba, build.tags},
                                           {"version"_ba, build.version}},
                                          1));
    families.append(std::move(buildInfo));

    if (!m_requests.empty()) {
        MetricFamily requests = own.make("pushgateway_http_requests_total");
        for (const auto &[key, counter] : m_requests) {
            const auto &[code, handler, method] = key;
            requests.metrics.append(scalarMetric({{"code"_ba, QByteArray::number(code)},
                                                  {"handler"_ba, handler},
                                                  {"method"_ba, method}},
                                                 counter.value, counter.createdMs));
        }
        families.append(std::move(requests));
    }

    if (!m_pushes.empty()) {
        MetricFamily duration = own.make("pushgateway_http_push_duration_seconds");
        duration.metrics = summaryMetrics(&PushSeries::duration, now);
        families.append(std::move(duration));
        MetricFamily size = own.make("pushgateway_http_push_size_bytes");
        size.metrics = summaryMetrics(&PushSeries::size, now);
        families.append(std::move(size));
    }

    appendScalarFamily(families, own, "process_cpu_seconds_total", process.cpuSecondsTotal);
    appendScalarFamily(families, own, "process_max_fds", process.maxFds);
    appendScalarFamily(families, own, "process_network_receive_bytes_total", process.networkReceiveBytesTotal);
    appendScalarFamily(families, own, "process_network_transmit_bytes_total", process.networkTransmitBytesTotal);
    appendScalarFamily(families, own, "process_open_fds", process.openFds);
    appendScalarFamily(families, own, "process_resident_memory_bytes", process.residentMemoryBytes);
    appendScalarFamily(families, own, "process_start_time_seconds", process.startTimeSeconds);
    appendScalarFamily(families, own, "process_virtual_memory_bytes", process.virtualMemoryBytes);
    appendScalarFamily(families, own, "process_virtual_memory_max_bytes", process.virtualMemoryMaxBytes);

    // The labels above are written in name order; the series and families are sorted here,
    // so the order holds whatever order the maps keep.
    for (MetricFamily &family : families) {
        std::sort(family.metrics.begin(), family.metrics.end(),
                  [](const Metric &a, const Metric &b) { return seriesLess(a.labels, b.labels); });
    }
    std::sort(families.begin(), families.end(),
              [](const MetricFamily &a, const MetricFamily &b) { return a.name < b.name; });
    return families;
}

QList<Metric> SelfMetrics::summaryMetrics(Summary PushSeries::*which, qint64 nowMs) const
{
    QList<Metric> metrics;
    for (const auto &[method, series] : m_pushes) {
        const Summary &summary = series.*which;
        SummaryValue value;
        value.sampleCount = summary.count;
        value.sampleSum = summary.sum;
        value.quantiles = summary.window.quantiles(QuantileRanks, nowMs);
        value.createdTimestampMs = summary.createdMs;
        metrics.append(Metric{{{"method"_ba, method}}, value, std::nullopt});
    }
    return metrics;
}

} // namespace qpgw::http
