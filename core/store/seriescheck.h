#pragma once

#include "model/groupingkey.h"
#include "model/metric.h"

#include <QList>
#include <QStringList>

namespace qpgw {

// The checks a push must pass series by series, whatever else is stored. They run even with
// the consistency check off, so that no stored series can make a scrape fail.

// True if any metric carries a client timestamp (the store rejects those pushes).
bool hasTimestamps(const QList<MetricFamily> &families);

// Applies the grouping key to every series (behaviour spec section 2.6): grouping labels
// overwrite or join the body's labels, `instance=""` is added when missing, labels are sorted.
void sanitise(QList<MetricFamily> &families, const GroupingKey &key);

// Errors of sanitised families, one per offending series: a label name that is empty, not
// UTF-8 or starts with "__"; a label name twice; a label value that is not UTF-8; a "quantile"
// label on a summary; a value that does not match the family's type.
QStringList checkSeries(const QList<MetricFamily> &families);

// A series as error messages show it: `"name" { label:{name:"a" value:"b"} gauge:{value:1} }`,
// in the spirit of the reference's protobuf text form.
QString describeSeries(QByteArrayView familyName, MetricType type, const Metric &metric);

// The text of a rejected push, as the client gets it: the reference's fixed prefix, then the
// reason, or "N error(s) occurred:" and one "\n* reason" per error.
QString rejectionMessage(const QStringList &errors);

} // namespace qpgw
