#include "ownfamilies.h"

using namespace Qt::StringLiterals;

namespace qpgw {

QList<OwnFamily> gatewayOwnFamilies()
{
    using T = MetricType;
    return {
        {"process_cpu_seconds_total"_ba, T::Counter, "Total user and system CPU time spent in seconds."_ba},
        {"process_max_fds"_ba, T::Gauge, "Maximum number of open file descriptors."_ba},
        {"process_network_receive_bytes_total"_ba, T::Counter, "Number of bytes received by the process over the network."_ba},
        {"process_network_transmit_bytes_total"_ba, T::Counter, "Number of bytes sent by the process over the network."_ba},
        {"process_open_fds"_ba, T::Gauge, "Number of open file descriptors."_ba},
        {"process_resident_memory_bytes"_ba, T::Gauge, "Resident memory size in bytes."_ba},
        {"process_start_time_seconds"_ba, T::Gauge, "Start time of the process since unix epoch in seconds."_ba},
        {"process_virtual_memory_bytes"_ba, T::Gauge, "Virtual memory size in bytes."_ba},
        {"process_virtual_memory_max_bytes"_ba, T::Gauge, "Maximum amount of virtual memory available in bytes."_ba},
        {"pushgateway_build_info"_ba, T::Gauge,
         "A metric with a constant '1' value labeled by version, revision, branch, goversion from which pushgateway was built, and the goos and goarch for the build."_ba},
        {"pushgateway_http_push_duration_seconds"_ba, T::Summary, "HTTP request duration for pushes to the Pushgateway."_ba},
        {"pushgateway_http_push_size_bytes"_ba, T::Summary, "HTTP request size for pushes to the Pushgateway."_ba},
        {"pushgateway_http_requests_total"_ba, T::Counter, "Total HTTP requests processed by the Pushgateway, excluding scrapes."_ba},
    };
}

} // namespace qpgw
