#pragma once

#include "format/nameescaping.h"
#include "model/metric.h"

#include <QByteArray>
#include <QList>

namespace qpgw {

// Writers of the io.prometheus.client schema, for scrapes that ask for protobuf (behaviour spec
// section 3.3). Each family becomes one MetricFamily message, in the order given, with every
// field the model holds written as stored: created timestamps, exemplars, float counts and the
// native histogram part (only when the histogram has one), HELP only when set, and a metric's
// timestamp when it has one. Metric and label names that are not legacy-valid are escaped by
// `escaping`, as the text writer does; label values, HELP and exemplar labels are untouched.
// A metric's value goes into the field of its family's type; a scalar in a summary or histogram
// family (which the store never holds) is written as untyped.
// Integer and float counts: the model cannot tell "unset" from zero, so a float count is
// written only when non-zero, and its integer twin only when non-zero or when the float is
// zero (an integer histogram), which reads back into the same model.

// One varint-length-delimited MetricFamily message appended to `out` (a building block for
// responses assembled family by family).
void appendDelimitedFamily(QByteArray &out, const MetricFamily &family,
                           NameEscaping escaping = NameEscaping::Underscores);

// Content-Type application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
// encoding=delimited: one delimited message per family.
QByteArray writeDelimitedProtobuf(const QList<MetricFamily> &families,
                                  NameEscaping escaping = NameEscaping::Underscores);

// encoding=text: each family in multi-line protobuf text format followed by an empty line, as
// the reference writes it (Go's prototext.Format, then Println): UTF-8 strings as they are,
// doubles in Go's shortest form (1.2345675e+06). Go randomises prototext's whitespace; this
// output is always libprotobuf's layout. For people to read: not a stable format.
QByteArray writeProtobufText(const QList<MetricFamily> &families,
                             NameEscaping escaping = NameEscaping::Underscores);

// encoding=compact-text: each family in single-line protobuf text format on a line of its own.
QByteArray writeProtobufCompactText(const QList<MetricFamily> &families,
                                    NameEscaping escaping = NameEscaping::Underscores);

} // namespace qpgw
