#include "group.h"

namespace qpgw {
namespace {

std::optional<double> gaugeValue(const Group &group, QByteArrayView name)
{
    const auto it = group.families.constFind(name.toByteArray());
    if (it == group.families.cend() || it->family->metrics.isEmpty())
        return std::nullopt;
    const ScalarValue *scalar = it->family->metrics.constFirst().scalar();
    return scalar ? std::optional<double>(scalar->value) : std::nullopt;
}

} // namespace

double Group::pushTimeSeconds() const
{
    return gaugeValue(*this, PushTimeMetricName).value_or(0);
}

double Group::pushFailureTimeSeconds() const
{
    return gaugeValue(*this, PushFailureTimeMetricName).value_or(0);
}

bool Group::lastPushSucceeded() const
{
    const std::optional<double> success = gaugeValue(*this, PushTimeMetricName);
    const std::optional<double> failure = gaugeValue(*this, PushFailureTimeMetricName);
    return !(success && failure && *failure > *success);
}

qsizetype Group::seriesCount() const
{
    qsizetype count = 0;
    for (const StoredFamily &stored : families)
        count += stored.family->metrics.size();
    return count;
}

Labels seriesLabelsOf(const GroupingKey &key)
{
    Labels labels = key.labels();
    if (!key.value("instance")) {
        labels.append(LabelPair{QByteArrayLiteral("instance"), QByteArray()});
        sortByName(labels);
    }
    return labels;
}

std::shared_ptr<const MetricFamily> makeGaugeFamily(QByteArrayView name, QByteArrayView help,
                                                    const Labels &labels, double value)
{
    auto family = std::make_shared<MetricFamily>();
    family->name = name.toByteArray();
    family->help = help.toByteArray();
    family->type = MetricType::Gauge;
    family->metrics.append(Metric{labels, ScalarValue{value, {}, {}}, std::nullopt});
    return family;
}

double unixNanosToSeconds(UnixNanos nanos)
{
    return double(nanos) / 1e9;
}

} // namespace qpgw
