#pragma once

#include "http/buildinfo.h"
#include "http/processmetrics.h"
#include "http/slidingquantiles.h"
#include "model/metric.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <functional>
#include <map>
#include <tuple>

namespace qpgw::http {

// The gateway's own metrics, as model values for the scrape handler to merge with the
// store's exposition (behaviour spec sections 1.6 and 3.1):
// - pushgateway_build_info: gauge 1, labelled from a BuildInfo;
// - pushgateway_http_requests_total{code,handler,method}: counter;
// - pushgateway_http_push_duration_seconds{method} and pushgateway_http_push_size_bytes{method}:
//   summaries with Go's objectives 0.1, 0.5, 0.9 over a 10-minute window in 5 age buckets,
//   _sum and _count since start (see SlidingQuantiles for the estimate and its error);
// - process_*, from a ProcessMetrics::Sample.
// Like Go's metric vectors, an http family appears only once it has a series. Names, types and
// HELP come from gatewayOwnFamilies(). Counters and summaries carry their creation time, as
// client_golang's do (the protobuf exposition shows it; text 0.0.4 cannot).
//
// Not thread-safe: it lives on the gateway's thread, with the handlers that feed it.
class SelfMetrics
{
public:
    // Milliseconds since the Unix epoch. It must not go backwards: it places observations in
    // the summary window. The default reads the wall clock once and then moves it on with a
    // monotonic timer, so that a clock step moves neither the window nor creation times.
    using Clock = std::function<qint64()>;

    explicit SelfMetrics(Clock clock = {});

    // One request served by `handler` (a route's name, "push", "delete", "api/v1/status", ...),
    // answered with `statusCode`; `method` lower-case ("get", "put", ...; "unknown" for a
    // method Go does not know, which the caller decides).
    void countRequest(QByteArrayView handler, int statusCode, QByteArrayView method);
    // One request that reached the push handler ("put" or "post"), whatever its outcome.
    void observePush(QByteArrayView method, double durationSeconds, double requestSizeBytes);

    // Every own family that has series, sorted by name, series by seriesLess(), labels by name.
    QList<MetricFamily> families(const BuildInfo &build, const ProcessMetrics::Sample &process) const;

    // The objectives of both push summaries, ascending.
    static constexpr double QuantileRanks[] = {0.1, 0.5, 0.9};

private:
    struct Counter
    {
        double value = 0;
        qint64 createdMs = 0;
    };
    // One summary series: all-time sum and count, windowed quantiles.
    struct Summary
    {
        explicit Summary(qint64 nowMs) : createdMs(nowMs), window(nowMs) {}
        quint64 count = 0;
        double sum = 0;
        qint64 createdMs;
        SlidingQuantiles window;
    };
    struct PushSeries
    {
        explicit PushSeries(qint64 nowMs) : duration(nowMs), size(nowMs) {}
        Summary duration;
        Summary size;
    };

    // Looked up with views, so counting a request allocates only for a new series.
    using RequestKey = std::tuple<int, QByteArray, QByteArray>; // code, handler, method
    struct RequestKeyLess
    {
        using is_transparent = void;
        using View = std::tuple<int, QByteArrayView, QByteArrayView>;
        static View view(const RequestKey &key) { return {std::get<0>(key), std::get<1>(key), std::get<2>(key)}; }
        static const View &view(const View &key) { return key; }
        template<typename A, typename B>
        bool operator()(const A &a, const B &b) const { return view(a) < view(b); }
    };
    struct MethodLess
    {
        using is_transparent = void;
        bool operator()(QByteArrayView a, QByteArrayView b) const { return a < b; }
    };

    // The series of one of the two push summaries (`which`: duration or size), one per method.
    QList<Metric> summaryMetrics(Summary PushSeries::*which, qint64 nowMs) const;

    Clock m_clock;
    std::map<RequestKey, Counter, RequestKeyLess> m_requests;
    std::map<QByteArray, PushSeries, MethodLess> m_pushes;
};

} // namespace qpgw::http
