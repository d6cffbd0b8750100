#pragma once

// One io.prometheus.client.MetricFamily message to and from the model, for code inside
// qpgw_core that keeps the model in protobuf messages of its own (the persistence layer's
// snapshot and journal). The conversions are the protobuf reader's and writer's, so every
// field round-trips the same way a push and a protobuf scrape do (see protobufreader.h and
// protobufwriter.h). qpgw_core links the generated code privately: include this header from
// .cpp files of the core only.

#include "model/error.h"
#include "model/metric.h"
#include "model/names.h"

namespace io::prometheus::client {
class MetricFamily;
}

namespace qpgw {

// Fills `message` (which should be empty) with `family`, names written as they are (no
// escaping): what goes in comes back out of fromMessage(). Defined in protobufwriter.cpp.
void toMessage(const MetricFamily &family, io::prometheus::client::MetricFamily *message);

// The family in `message`, checked by the protobuf reader's rules (label names, UTF-8, the
// value field of the family's type); the error is a bad request whose text names the problem
// without a message index. Defined in protobufreader.cpp.
Expected<MetricFamily> fromMessage(const io::prometheus::client::MetricFamily &message,
                                   NameValidation validation);

} // namespace qpgw
