#pragma once

#include "model/error.h"
#include "model/metric.h"
#include "model/names.h"

#include <QByteArrayView>
#include <QList>

namespace qpgw {

// Parses a push body of varint-length-delimited io.prometheus.client.MetricFamily messages
// (Content-Type application/vnd.google.protobuf; encoding=delimited), with the acceptance
// rules of the reference (behaviour spec sections 0 item 13, 2.5, 2.7 and 8):
//  - the end of the body between two messages ends the stream; an empty body is an empty push;
//  - a later family with the same name replaces the earlier one: its content takes the
//    earlier family's position, so families come back in order of first appearance, as the
//    text parser returns them;
//  - families without metrics are kept; a missing `type` means COUNTER (proto2 default);
//  - every field the model has is kept as received, unvalidated: exemplars, created
//    timestamps, float counts, the native histogram part; `timestamp_ms` too, so that the
//    store can reject it; `unit` is dropped (the model has none, the reference never shows it);
//  - labels stay in the order they came in (the store sorts them when it sanitises a series).
// Names follow the reference's protobuf rules, which do not depend on `validation` (it is
// taken for symmetry with parseTextFormat): metric names are not checked against the legacy
// rules (the writers escape them on output), label names must be non-empty, valid UTF-8 and
// not start with "__", and no metric may repeat a label name. Beyond the reference, an empty
// family name and any name or label value that is not valid UTF-8 are rejected here, so that
// no push can make later scrapes fail.
// On failure the error is a bad request naming the message (1-based) and the byte offset of
// its length prefix: `protobuf parsing error in message 3 at byte 120: <what>`.
// Pure function: no I/O, no global state, never crashes, hangs or allocates by a declared
// length on any input.
Expected<QList<MetricFamily>> parseDelimitedProtobuf(QByteArrayView body,
                                                     NameValidation validation = NameValidation::Legacy);

} // namespace qpgw
