#pragma once

#include "model/metrictype.h"

#include <QByteArray>
#include <QList>

namespace qpgw {

// A metric family the gateway exposes about itself. Pushed metrics of the same name must have
// the same type, and show the gateway's HELP.
struct OwnFamily
{
    QByteArray name;
    MetricType type = MetricType::Untyped;
    QByteArray help;
};

// The reference's own metric families that QPushgateway also exposes, with the same names,
// types and HELP texts (behaviour spec section 3.1): process_* from /proc and pushgateway_*.
// Go runtime metrics (go_*) do not exist here.
QList<OwnFamily> gatewayOwnFamilies();

} // namespace qpgw
