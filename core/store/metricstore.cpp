#include "metricstore.h"

#include "store/consistencyindex.h"
#include "store/seriescheck.h"

#include <chrono>

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

UnixNanos systemNow()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

bool isPushTimeGauge(const QByteArray &name)
{
    return name == PushTimeMetricName || name == PushFailureTimeMetricName;
}

} // namespace

MetricStore::MetricStore(QObject *parent)
    : MetricStore(Options(), parent)
{
}

MetricStore::MetricStore(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_index(std::make_unique<ConsistencyIndex>(m_options.ownFamilies))
{
    if (!m_options.clock)
        m_options.clock = systemNow;
}

MetricStore::~MetricStore() = default;

std::optional<Error> MetricStore::push(const GroupingKey &key, QList<MetricFamily> families, PushMode mode)
{
    const UnixNanos now = m_options.clock();
    if (hasTimestamps(families))
        return rejectPush(key, now, rejectionMessage({u"pushed metrics must not have timestamps"_s}));

    sanitise(families, key);
    QStringList errors = checkSeries(families);

    const auto existing = m_groups.find(key);
    const Group *previous = existing != m_groups.end() ? existing->get() : nullptr;
    auto next = std::make_shared<Group>();
    next->key = key;
    QList<QByteArray> changed; // every family name whose content differs from `previous`
    if (previous) {
        next->families = previous->families; // shares the family data; detaches the map only
        if (mode == PushMode::ReplaceAll) {
            for (auto it = next->families.begin(); it != next->families.end();) {
                if (isPushTimeGauge(it.key())) {
                    ++it;
                } else {
                    changed.append(it.key());
                    it = next->families.erase(it);
                }
            }
        }
    }

    QList<QByteArray> written;
    for (MetricFamily &family : families) {
        // The gateway owns push_time_seconds; a pushed push_failure_time_seconds replaces the
        // gateway's only in a group that already has one (the reference's behaviour).
        if (family.name == PushTimeMetricName || (family.name == PushFailureTimeMetricName && !previous))
            continue;
        const QByteArray name = family.name;
        next->families.insert(name, StoredFamily{std::make_shared<const MetricFamily>(std::move(family)), now});
        written.append(name);
    }
    const Labels gaugeLabels = seriesLabelsOf(key);
    next->families.insert(PushTimeMetricName.toByteArray(),
                          StoredFamily{makeGaugeFamily(PushTimeMetricName, PushTimeHelp, gaugeLabels, unixNanosToSeconds(now)), now});
    written.append(PushTimeMetricName.toByteArray());
    if (!next->families.contains(PushFailureTimeMetricName.toByteArray())) {
        next->families.insert(PushFailureTimeMetricName.toByteArray(),
                              StoredFamily{makeGaugeFamily(PushFailureTimeMetricName, PushFailureTimeHelp, gaugeLabels, 0), now});
        written.append(PushFailureTimeMetricName.toByteArray());
    }
    // A family pushed twice in one request: the later one won above; check it once.
    std::sort(written.begin(), written.end());
    written.erase(std::unique(written.begin(), written.end()), written.end());

    if (errors.isEmpty() && m_options.consistencyCheck)
        errors = m_index->check(key.id(), previous ? previous->families : QMap<QByteArray, StoredFamily>(), next->families, written);
    if (!errors.isEmpty())
        return rejectPush(key, now, rejectionMessage(errors));

    // A PUT that drops a family and pushes one of the same name lists the name twice.
    changed += written;
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    publish(std::move(next), previous, changed);
    Q_EMIT groupChanged(key);
    return std::nullopt;
}

std::optional<Error> MetricStore::rejectPush(const GroupingKey &key, UnixNanos now, const QString &reason)
{
    const auto existing = m_groups.find(key);
    const Group *previous = existing != m_groups.end() ? existing->get() : nullptr;
    auto next = std::make_shared<Group>();
    next->key = key;
    if (previous)
        next->families = previous->families;

    const Labels gaugeLabels = seriesLabelsOf(key);
    QList<QByteArray> changed{PushFailureTimeMetricName.toByteArray()};
    next->families.insert(PushFailureTimeMetricName.toByteArray(),
                          StoredFamily{makeGaugeFamily(PushFailureTimeMetricName, PushFailureTimeHelp, gaugeLabels, unixNanosToSeconds(now)), now});
    if (!next->families.contains(PushTimeMetricName.toByteArray())) {
        next->families.insert(PushTimeMetricName.toByteArray(),
                              StoredFamily{makeGaugeFamily(PushTimeMetricName, PushTimeHelp, gaugeLabels, 0), now});
        changed.append(PushTimeMetricName.toByteArray());
    }

    // A new group whose own gauges would be invalid series (a grouping label named "__x",
    // possible with UTF-8 names) or repeat another group's series (the keys {job="j"} and
    // {job="j",instance=""} label their series alike) is not created: the reference creates it
    // and from then on fails every scrape. The client still gets the reason.
    const bool gaugesInvalid = !previous
        && !checkSeries({*next->families.value(PushFailureTimeMetricName.toByteArray()).family}).isEmpty();
    const bool gaugesCollide = !previous && m_options.consistencyCheck
        && !m_index->check(key.id(), {}, next->families, changed).isEmpty();
    if (gaugesInvalid || gaugesCollide) {
        Q_EMIT pushFailed(key, reason);
        return Error::rejected(reason);
    }

    publish(std::move(next), previous, changed);
    Q_EMIT groupChanged(key);
    Q_EMIT pushFailed(key, reason);
    return Error::rejected(reason);
}

void MetricStore::publish(std::shared_ptr<Group> next, const Group *previous, const QList<QByteArray> &changed)
{
    for (const QByteArray &name : changed) {
        const MetricFamily *before = nullptr;
        if (previous) {
            const auto it = previous->families.constFind(name);
            if (it != previous->families.cend())
                before = it->family.get();
        }
        const auto it = next->families.constFind(name);
        const std::shared_ptr<const MetricFamily> after = it != next->families.cend() ? it->family : nullptr;
        m_seriesCount += (after ? after->metrics.size() : 0) - (before ? before->metrics.size() : 0);
        m_index->update(next->key.id(), name, before, after);
    }
    // `previous` stays alive until here: its snapshot is replaced only now.
    m_groups[next->key] = std::move(next);
}

void MetricStore::remove(const GroupingKey &key)
{
    if (m_groups.find(key) == m_groups.end())
        return;
    Q_EMIT groupAboutToBeRemoved(key);
    // Looked up again: a slot connected directly may have changed the store.
    const auto existing = m_groups.find(key);
    if (existing == m_groups.end())
        return;
    const GroupSnapshot removed = *existing;
    for (auto it = removed->families.cbegin(); it != removed->families.cend(); ++it) {
        m_seriesCount -= it->family->metrics.size();
        m_index->update(key.id(), it.key(), it->family.get(), nullptr);
    }
    m_groups.erase(existing);
    Q_EMIT groupRemoved(key);
}

void MetricStore::wipe()
{
    m_groups.clear();
    m_index->clear();
    m_seriesCount = 0;
    Q_EMIT wiped();
}

void MetricStore::restore(QList<Group> groups)
{
    for (Group &group : groups) {
        const GroupingKey key = group.key;
        auto next = std::make_shared<Group>(std::move(group));
        const auto existing = m_groups.find(key);
        const GroupSnapshot previous = existing != m_groups.end() ? *existing : nullptr;
        QList<QByteArray> changed = next->families.keys();
        if (previous)
            changed += previous->families.keys();
        std::sort(changed.begin(), changed.end());
        changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
        publish(std::move(next), previous.get(), changed);
        Q_EMIT groupChanged(key);
    }
}

GroupSnapshot MetricStore::group(const GroupingKey &key) const
{
    return m_groups.value(key);
}

QList<GroupSnapshot> MetricStore::groups() const
{
    QList<GroupSnapshot> result = m_groups.values();
    std::sort(result.begin(), result.end(),
              [](const GroupSnapshot &a, const GroupSnapshot &b) { return a->key < b->key; });
    return result;
}

QByteArray MetricStore::exposition(NameEscaping escaping)
{
    return m_index->render(escaping);
}

QByteArray MetricStore::exposition(const QList<MetricFamily> &ownFamilies, NameEscaping escaping)
{
    return m_index->render(escaping, ownFamilies);
}

QList<MetricFamily> MetricStore::gatheredFamilies(const QList<MetricFamily> &ownFamilies) const
{
    return m_index->gather(ownFamilies);
}

quint64 MetricStore::workDone() const
{
    return m_index->workDone();
}

} // namespace qpgw
