#include "seriescheck.h"

#include "format/textwriter.h"
#include "format/utf8text.h"
#include "store/group.h"

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

QString valueText(MetricType type, const MetricValue &value)
{
    if (const auto *scalar = std::get_if<ScalarValue>(&value)) {
        const QString number = QString::fromLatin1(formatGoFloat(scalar->value));
        switch (type) {
        case MetricType::Counter: return u"counter:{value:"_s + number + u'}';
        case MetricType::Gauge: return u"gauge:{value:"_s + number + u'}';
        default: return u"untyped:{value:"_s + number + u'}';
        }
    }
    if (const auto *summary = std::get_if<SummaryValue>(&value)) {
        return u"summary:{sample_count:"_s + QString::number(summary->sampleCount) + u" sample_sum:"_s
            + QString::fromLatin1(formatGoFloat(summary->sampleSum)) + u'}';
    }
    const auto &histogram = std::get<HistogramValue>(value);
    return u"histogram:{sample_count:"_s + QString::number(histogram.sampleCount) + u" sample_sum:"_s
        + QString::fromLatin1(formatGoFloat(histogram.sampleSum)) + u'}';
}

} // namespace

bool hasTimestamps(const QList<MetricFamily> &families)
{
    for (const MetricFamily &family : families) {
        for (const Metric &metric : family.metrics) {
            if (metric.timestampMs)
                return true;
        }
    }
    return false;
}

void sanitise(QList<MetricFamily> &families, const GroupingKey &key)
{
    for (MetricFamily &family : families) {
        for (Metric &metric : family.metrics) {
            for (const LabelPair &pair : key.labels())
                setLabel(metric.labels, pair.name, pair.value);
            if (!findLabel(metric.labels, "instance"))
                metric.labels.append(LabelPair{"instance"_ba, QByteArray()});
            sortByName(metric.labels);
        }
    }
}

QStringList checkSeries(const QList<MetricFamily> &families)
{
    QStringList errors;
    for (const MetricFamily &family : families) {
        for (const Metric &metric : family.metrics) {
            auto fail = [&](const QString &what) {
                errors.append(u"collected metric "_s + describeSeries(family.name, family.type, metric) + u' ' + what);
            };
            if (!valueMatchesType(metric.value, family.type)) {
                fail(u"is not a "_s + QString::fromLatin1(typeEnumName(family.type)));
                continue;
            }
            const QByteArray *previousName = nullptr;
            for (const LabelPair &pair : metric.labels) {
                const QString name = QString::fromUtf8(pair.name);
                if (previousName && *previousName == pair.name)
                    fail(u"has two or more labels with the same name: "_s + name);
                if (pair.name.isEmpty() || !pair.name.isValidUtf8() || pair.name.startsWith("__"))
                    fail(u"has a label with an invalid name: "_s + name);
                if (family.type == MetricType::Summary && pair.name == "quantile")
                    fail(u"must not have an explicit \"quantile\" label"_s);
                if (!pair.value.isValidUtf8())
                    fail(u"has a label named "_s + goQuoted(pair.name) + u" whose value is not utf8: "_s + goQuoted(pair.value));
                previousName = &pair.name;
            }
        }
    }
    return errors;
}

QString describeSeries(QByteArrayView familyName, MetricType type, const Metric &metric)
{
    QString text = goQuoted(familyName) + u" { "_s;
    for (const LabelPair &pair : metric.labels)
        text += u"label:{name:"_s + goQuoted(pair.name) + u" value:"_s + goQuoted(pair.value) + u"} "_s;
    return text + valueText(type, metric.value) + u" }"_s;
}

QString rejectionMessage(const QStringList &errors)
{
    QString message = u"pushed metrics are invalid or inconsistent with existing metrics: "_s;
    if (errors.size() == 1)
        return message + errors.constFirst();
    message += QString::number(errors.size()) + u" error(s) occurred:"_s;
    for (const QString &error : errors)
        message += u"\n* "_s + error;
    return message;
}

} // namespace qpgw
