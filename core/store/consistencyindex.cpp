#include "consistencyindex.h"

#include "format/textwriter.h"
#include "model/names.h"
#include "format/utf8text.h"
#include "store/seriescheck.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace qpgw {
namespace {

// Suffixes under which a summary or histogram `x` writes its own series (`x_count`, ...).
constexpr std::array<QByteArrayView, 3> CollisionSuffixes = {"_count", "_sum", "_bucket"};

// Whether a series needs name escaping on output, so that the cached (underscore-escaped)
// text is not valid for other escaping schemes.
bool usesUtf8Names(QByteArrayView familyName, const Metric &metric)
{
    if (!isLegacyMetricName(familyName))
        return true;
    return std::any_of(metric.labels.cbegin(), metric.labels.cend(),
                       [](const LabelPair &pair) { return !isLegacyMetricName(pair.name); });
}

QString quoted(QByteArrayView name)
{
    return goQuoted(name);
}

} // namespace

bool ConsistencyIndex::SeriesKeyLess::operator()(const SeriesKey &a, const SeriesKey &b) const
{
    if (seriesLess(a.labels, b.labels))
        return true;
    if (seriesLess(b.labels, a.labels))
        return false;
    return a.groupId < b.groupId;
}

ConsistencyIndex::ConsistencyIndex(const QList<OwnFamily> &ownFamilies)
{
    for (const OwnFamily &own : ownFamilies)
        m_own.insert(own.name, own);
}

QStringList ConsistencyIndex::check(const QByteArray &groupId, const QMap<QByteArray, StoredFamily> &before,
                                    const QMap<QByteArray, StoredFamily> &after,
                                    const QList<QByteArray> &written) const
{
    QStringList errors;
    for (const QByteArray &name : written) {
        ++m_work;
        const auto previous = before.constFind(name);
        checkFamily(errors, groupId, *after.value(name).family,
                    previous != before.cend() ? previous->family.get() : nullptr, after);
    }
    return errors;
}

void ConsistencyIndex::checkFamily(QStringList &errors, const QByteArray &groupId, const MetricFamily &family,
                                   const MetricFamily *before, const QMap<QByteArray, StoredFamily> &after) const
{
    // A family without series is invisible, as in the reference's scrape: nothing to check.
    if (family.metrics.isEmpty())
        return;
    if (before && before->metrics.isEmpty())
        before = nullptr;
    const auto own = m_own.constFind(family.name);
    if (own != m_own.cend() && own->type != family.type) {
        errors.append(u"gathered metric family "_s + QString::fromUtf8(family.name) + u" has type "_s
                      + QString::fromLatin1(typeEnumName(family.type)) + u" but should have "_s
                      + QString::fromLatin1(typeEnumName(own->type)));
        return;
    }

    const auto indexed = m_families.find(family.name);
    if (indexed != m_families.cend()) {
        // Types the other groups give this name: the counts minus this group's old family.
        std::array<int, MetricTypeCount> others = indexed->second.groupsByType;
        if (before)
            --others[int(before->type)];
        for (int type = 0; type < MetricTypeCount; ++type) {
            if (type == int(family.type) || others[type] <= 0)
                continue;
            const QString expected = QString::fromLatin1(typeEnumName(MetricType(type)));
            for (const Metric &metric : family.metrics) {
                ++m_work;
                errors.append(u"collected metric "_s + describeSeries(family.name, family.type, metric)
                              + u" is not a "_s + expected);
            }
            return;
        }
    }

    auto duplicate = [&](const Metric &metric) {
        errors.append(u"collected metric "_s + describeSeries(family.name, family.type, metric)
                      + u" was collected before with the same name and label values"_s);
    };

    // The same series twice within this push.
    QList<const Metric *> sorted;
    sorted.reserve(family.metrics.size());
    for (const Metric &metric : family.metrics)
        sorted.append(&metric);
    std::sort(sorted.begin(), sorted.end(),
              [](const Metric *a, const Metric *b) { return seriesLess(a->labels, b->labels); });
    for (qsizetype i = 1; i < sorted.size(); ++i) {
        m_work += 1;
        if (sorted[i]->labels == sorted[i - 1]->labels)
            duplicate(*sorted[i]);
    }

    // The same series in another group: where this group held exactly these series before,
    // its own entries are known and another owner would be their neighbour; otherwise one
    // look-up per pushed series.
    m_work += family.metrics.size();
    if (indexed != m_families.cend()) {
        const auto &series = indexed->second.series;
        if (const FamilyHandles *handles = before && sameSeries(*before, family) ? findHandles(groupId, family.name) : nullptr) {
            for (qsizetype i = 0; i < family.metrics.size(); ++i) {
                if (hasOtherOwner(series, handles->series[std::size_t(i)]))
                    duplicate(family.metrics[i]);
            }
        } else {
            for (const Metric &metric : family.metrics) {
                for (auto it = series.lower_bound(SeriesKey{metric.labels, QByteArray()});
                     it != series.cend() && it->first.labels == metric.labels; ++it) {
                    ++m_work;
                    if (it->first.groupId != groupId) {
                        duplicate(metric);
                        break;
                    }
                }
            }
        }
    }

    checkSuffixCollisions(errors, groupId, family, after);
}

std::optional<MetricType> ConsistencyIndex::typeAfter(const QByteArray &name, const QByteArray &groupId,
                                                      const QMap<QByteArray, StoredFamily> &after) const
{
    ++m_work;
    if (const auto mine = after.constFind(name); mine != after.cend() && !mine->family->metrics.isEmpty())
        return mine->family->type;
    if (const auto own = m_own.constFind(name); own != m_own.cend())
        return own->type;
    const auto indexed = m_families.find(name);
    if (indexed == m_families.cend())
        return std::nullopt;
    for (const auto &[otherGroup, entry] : indexed->second.groups) {
        if (otherGroup != groupId)
            return entry.type;
    }
    return std::nullopt;
}

void ConsistencyIndex::checkSuffixCollisions(QStringList &errors, const QByteArray &groupId, const MetricFamily &family,
                                             const QMap<QByteArray, StoredFamily> &after) const
{
    const QByteArray &name = family.name;
    for (const QByteArrayView suffix : CollisionSuffixes) {
        if (!name.endsWith(suffix))
            continue;
        const QByteArray base = name.chopped(suffix.size());
        const std::optional<MetricType> baseType = typeAfter(base, groupId, after);
        if (baseType == MetricType::Summary && suffix != "_bucket") {
            errors.append(u"collected metric named "_s + quoted(name) + u" collides with previously collected summary named "_s + quoted(base));
        } else if (baseType == MetricType::Histogram) {
            errors.append(u"collected metric named "_s + quoted(name) + u" collides with previously collected histogram named "_s + quoted(base));
        }
        break;
    }

    if (family.type != MetricType::Summary && family.type != MetricType::Histogram)
        return;
    for (const QByteArrayView suffix : CollisionSuffixes) {
        const bool histogramOnly = suffix == "_bucket";
        if (histogramOnly && family.type != MetricType::Histogram)
            continue;
        const QByteArray suffixed = name + suffix;
        if (typeAfter(suffixed, groupId, after)) {
            errors.append((histogramOnly ? u"collected histogram named "_s : u"collected histogram or summary named "_s)
                          + quoted(name) + u" collides with previously collected metric named "_s + quoted(suffixed));
        }
    }
}

void ConsistencyIndex::update(const QByteArray &groupId, const QByteArray &name, const MetricFamily *before,
                              const std::shared_ptr<const MetricFamily> &afterOrEmpty)
{
    ++m_work;
    // A family without series is invisible: it gives the name no type and shows nothing.
    if (before && before->metrics.isEmpty())
        before = nullptr;
    const std::shared_ptr<const MetricFamily> after =
        afterOrEmpty && !afterOrEmpty->metrics.isEmpty() ? afterOrEmpty : nullptr;
    if (!before && !after)
        return;

    // The common push repeats the same series with new values: then each index entry is
    // updated in place through the group's handles, without a look-up.
    if (before && after && sameSeries(*before, *after)) {
        if (const FamilyHandles *handles = findHandles(groupId, name)) {
            --handles->family->second.groupsByType[int(before->type)];
            ++handles->family->second.groupsByType[int(after->type)];
            handles->group->second = GroupEntry{after->type, after->help};
            updateSeriesInPlace(*handles, name, after);
            handles->family->second.blockValid = false;
            m_renderedValid = false;
            invalidateSuffixed(name);
            return;
        }
    }

    const auto entry = m_families.try_emplace(name).first;
    FamilyEntry &family = entry->second;
    if (before)
        removeSeries(family, groupId, name, *before);
    if (after)
        addSeries(entry, groupId, name, after);

    family.blockValid = false;
    m_renderedValid = false;
    invalidateSuffixed(name);
    if (family.groups.empty())
        m_families.erase(entry);
}

void ConsistencyIndex::updateSeriesInPlace(const FamilyHandles &handles, const QByteArray &name,
                                           const std::shared_ptr<const MetricFamily> &after)
{
    // A series repeated within the group (possible with the check off) has one entry, listed
    // once per repetition: the last repetition wins, as when it was added.
    for (qsizetype i = 0; i < after->metrics.size(); ++i) {
        ++m_work;
        const Metric &metric = after->metrics[i];
        Series &series = handles.series[std::size_t(i)]->second;
        series.type = after->type;
        series.family = after;
        series.metric = &metric;
        series.text.clear();
        writeMetricSamples(series.text, name, after->type, metric, NameEscaping::Underscores);
    }
}

const ConsistencyIndex::FamilyHandles *ConsistencyIndex::findHandles(const QByteArray &groupId,
                                                                     const QByteArray &name) const
{
    const auto group = m_handles.constFind(groupId);
    if (group == m_handles.cend())
        return nullptr;
    const auto it = std::lower_bound(group->cbegin(), group->cend(), name,
                                     [](const FamilyHandles &handles, const QByteArray &n) { return handles.name < n; });
    return it != group->cend() && it->name == name ? &*it : nullptr;
}

void ConsistencyIndex::setHandles(const QByteArray &groupId, FamilyHandles handles)
{
    GroupHandles &group = m_handles[groupId];
    const auto it = std::lower_bound(group.begin(), group.end(), handles.name,
                                     [](const FamilyHandles &h, const QByteArray &n) { return h.name < n; });
    if (it != group.end() && it->name == handles.name)
        *it = std::move(handles);
    else
        group.insert(it, std::move(handles));
}

void ConsistencyIndex::dropHandles(const QByteArray &groupId, const QByteArray &name)
{
    const auto group = m_handles.find(groupId);
    if (group == m_handles.end())
        return;
    const auto it = std::lower_bound(group->begin(), group->end(), name,
                                     [](const FamilyHandles &h, const QByteArray &n) { return h.name < n; });
    if (it != group->end() && it->name == name)
        group->erase(it);
    if (group->empty())
        m_handles.erase(group);
}

bool ConsistencyIndex::hasOtherOwner(const SeriesMap &series, SeriesMap::const_iterator entry)
{
    if (entry != series.cbegin() && std::prev(entry)->first.labels == entry->first.labels)
        return true;
    const auto next = std::next(entry);
    return next != series.cend() && next->first.labels == entry->first.labels;
}

bool ConsistencyIndex::sameSeries(const MetricFamily &before, const MetricFamily &after)
{
    if (before.metrics.size() != after.metrics.size())
        return false;
    for (qsizetype i = 0; i < before.metrics.size(); ++i) {
        if (before.metrics[i].labels != after.metrics[i].labels)
            return false;
    }
    return true;
}

void ConsistencyIndex::removeSeries(FamilyEntry &family, const QByteArray &groupId, const QByteArray &name,
                                    const MetricFamily &before)
{
    --family.groupsByType[int(before.type)];
    family.groups.erase(groupId);
    dropHandles(groupId, name);
    for (const Metric &metric : before.metrics) {
        ++m_work;
        const auto series = family.series.find(SeriesKey{metric.labels, groupId});
        if (series == family.series.end())
            continue; // a repeated series of the same group, indexed once
        if (usesUtf8Names(name, metric)) {
            --family.seriesWithUtf8Names;
            --m_seriesWithUtf8Names;
        }
        family.series.erase(series);
    }
}

void ConsistencyIndex::addSeries(FamilyMap::iterator entry, const QByteArray &groupId, const QByteArray &name,
                                 const std::shared_ptr<const MetricFamily> &after)
{
    FamilyEntry &family = entry->second;
    ++family.groupsByType[int(after->type)];
    FamilyHandles handles{name, entry, family.groups.insert_or_assign(groupId, GroupEntry{after->type, after->help}).first, {}};
    handles.series.reserve(std::size_t(after->metrics.size()));
    for (const Metric &metric : after->metrics) {
        ++m_work;
        Series series{after->type, after, &metric, QByteArray()};
        writeMetricSamples(series.text, name, after->type, metric, NameEscaping::Underscores);
        const auto [it, inserted] = family.series.try_emplace(SeriesKey{metric.labels, groupId}, std::move(series));
        if (!inserted) {
            // A series repeated within the group (the check is off): the last one wins.
            it->second = Series{after->type, after, &metric, QByteArray()};
            writeMetricSamples(it->second.text, name, after->type, metric, NameEscaping::Underscores);
        } else if (usesUtf8Names(name, metric)) {
            ++family.seriesWithUtf8Names;
            ++m_seriesWithUtf8Names;
        }
        handles.series.push_back(it);
    }
    setHandles(groupId, std::move(handles));
}

void ConsistencyIndex::clear()
{
    m_work += m_families.size();
    m_families.clear();
    m_handles.clear();
    m_seriesWithUtf8Names = 0;
    m_rendered = {};
    m_renderedValid = false;
}

void ConsistencyIndex::invalidateSuffixed(const QByteArray &name)
{
    for (const QByteArrayView suffix : CollisionSuffixes) {
        const auto suffixed = m_families.find(name + suffix);
        if (suffixed != m_families.end())
            suffixed->second.blockValid = false;
    }
}

std::optional<MetricType> ConsistencyIndex::shownType(const QByteArray &name) const
{
    if (const auto own = m_own.constFind(name); own != m_own.cend())
        return own->type;
    const auto indexed = m_families.find(name);
    if (indexed == m_families.cend() || indexed->second.groups.empty())
        return std::nullopt;
    return indexed->second.groups.begin()->second.type;
}

bool ConsistencyIndex::collidesWithSuffixBase(const QByteArray &name) const
{
    for (const QByteArrayView suffix : CollisionSuffixes) {
        if (!name.endsWith(suffix))
            continue;
        const std::optional<MetricType> baseType = shownType(name.chopped(suffix.size()));
        return baseType == MetricType::Histogram || (baseType == MetricType::Summary && suffix != "_bucket");
    }
    return false;
}

ConsistencyIndex::VisibleFamily ConsistencyIndex::visibleFamily(const QByteArray &name, const FamilyEntry &family,
                                                                const MetricFamily *own) const
{
    VisibleFamily visible;
    // With the consistency check on, nothing below is ever left out; with it off, inconsistent
    // series are left out so that the rest of the scrape still works.
    if (!own && collidesWithSuffixBase(name))
        return visible;
    visible.type = own ? own->type : *shownType(name);
    if (own) {
        visible.help = own->help;
    } else if (const auto reserved = m_own.constFind(name); reserved != m_own.cend()) {
        visible.help = reserved->help;
    } else {
        for (const auto &[groupId, entry] : family.groups) {
            if (entry.help) {
                visible.help = entry.help;
                break;
            }
        }
    }

    // The gateway's own series, sorted, are merged into the stored ones (already in order);
    // of series with equal labels only the first is shown.
    QList<const Metric *> ownSeries;
    if (own) {
        for (const Metric &metric : own->metrics)
            ownSeries.append(&metric);
        std::sort(ownSeries.begin(), ownSeries.end(),
                  [](const Metric *a, const Metric *b) { return seriesLess(a->labels, b->labels); });
    }
    auto nextOwn = ownSeries.cbegin();
    visible.series.reserve(family.series.size() + std::size_t(ownSeries.size()));
    auto addSeries = [&](const Metric *metric, const QByteArray *text) {
        if (visible.series.empty() || visible.series.back().metric->labels != metric->labels)
            visible.series.push_back(VisibleSeries{metric, text});
    };
    auto emitOwnUpTo = [&](const Labels *limit) {
        for (; nextOwn != ownSeries.cend() && (!limit || !seriesLess(*limit, (*nextOwn)->labels)); ++nextOwn)
            addSeries(*nextOwn, nullptr);
    };
    for (const auto &[key, series] : family.series) {
        if (series.type != visible.type)
            continue;
        emitOwnUpTo(&key.labels);
        addSeries(series.metric, &series.text);
    }
    emitOwnUpTo(nullptr);
    return visible;
}

void ConsistencyIndex::renderFamily(QByteArray &out, const QByteArray &name, const FamilyEntry &family,
                                    NameEscaping escaping, bool cachedText, const MetricFamily *own) const
{
    const VisibleFamily visible = visibleFamily(name, family, own);
    if (visible.series.empty())
        return;
    writeFamilyHeader(out, name, visible.help, visible.type, escaping);
    for (const VisibleSeries &series : visible.series) {
        if (cachedText && series.text)
            out += *series.text;
        else
            writeMetricSamples(out, name, visible.type, *series.metric, escaping);
    }
}

QList<MetricFamily> ConsistencyIndex::gather(const QList<MetricFamily> &own) const
{
    QMap<QByteArray, const MetricFamily *> ownByName;
    for (const MetricFamily &family : own)
        ownByName.insert(family.name, &family);
    const FamilyEntry none;

    QList<MetricFamily> result;
    result.reserve(qsizetype(m_families.size()) + own.size());
    auto append = [&](const QByteArray &name, const FamilyEntry &family, const MetricFamily *ownFamily) {
        const VisibleFamily visible = visibleFamily(name, family, ownFamily);
        if (visible.series.empty())
            return;
        MetricFamily &gathered = result.emplace_back(MetricFamily{name, visible.help, visible.type, {}});
        gathered.metrics.reserve(qsizetype(visible.series.size()));
        for (const VisibleSeries &series : visible.series)
            gathered.metrics.append(*series.metric);
    };
    auto nextOwn = ownByName.cbegin();
    for (const auto &[name, family] : m_families) {
        for (; nextOwn != ownByName.cend() && nextOwn.key() < name; ++nextOwn)
            append(nextOwn.key(), none, nextOwn.value());
        const bool both = nextOwn != ownByName.cend() && nextOwn.key() == name;
        append(name, family, both ? nextOwn.value() : nullptr);
        if (both)
            ++nextOwn;
    }
    for (; nextOwn != ownByName.cend(); ++nextOwn)
        append(nextOwn.key(), none, nextOwn.value());
    return result;
}

const ConsistencyIndex::Rendered &ConsistencyIndex::renderStored(NameEscaping escaping)
{
    const bool cachedText = escaping == NameEscaping::Underscores || m_seriesWithUtf8Names == 0;
    if (cachedText && m_renderedValid)
        return m_rendered;

    Rendered &rendered = cachedText ? m_rendered : m_renderedUncached;
    const qsizetype expected = m_rendered.text.size();
    rendered.text.clear();
    rendered.text.reserve(expected + expected / 8);
    rendered.blockStarts.clear();
    rendered.blockStarts.reserve(m_families.size());
    for (auto &[name, family] : m_families) {
        rendered.blockStarts.emplace_back(name, rendered.text.size());
        if (!cachedText) {
            renderFamily(rendered.text, name, family, escaping, false);
            continue;
        }
        if (!family.blockValid) {
            family.block.clear();
            renderFamily(family.block, name, family, NameEscaping::Underscores, true);
            family.blockValid = true;
        }
        rendered.text += family.block;
    }
    m_renderedValid = m_renderedValid || cachedText;
    return rendered;
}

QByteArray ConsistencyIndex::render(NameEscaping escaping, const QList<MetricFamily> &own)
{
    const Rendered &stored = renderStored(escaping);
    if (own.isEmpty())
        return stored.text;

    QList<const MetricFamily *> ownByName;
    for (const MetricFamily &family : own)
        ownByName.append(&family);
    std::sort(ownByName.begin(), ownByName.end(),
              [](const MetricFamily *a, const MetricFamily *b) { return a->name < b->name; });

    // Copy the stored text up to where each own family belongs; where a name is in both,
    // write the merged family in place of the stored block.
    QByteArray out;
    out.reserve(stored.text.size() + 4096);
    qsizetype copied = 0;
    const auto &starts = stored.blockStarts;
    for (const MetricFamily *family : ownByName) {
        const auto at = std::lower_bound(starts.cbegin(), starts.cend(), family->name,
                                         [](const auto &start, const QByteArray &name) { return start.first < name; });
        const qsizetype offset = at != starts.cend() ? at->second : stored.text.size();
        out += QByteArrayView(stored.text).sliced(copied, offset - copied);
        copied = offset;
        if (at != starts.cend() && at->first == family->name) {
            renderFamily(out, family->name, m_families.at(family->name), escaping,
                         escaping == NameEscaping::Underscores || m_seriesWithUtf8Names == 0, family);
            copied = std::next(at) != starts.cend() ? std::next(at)->second : stored.text.size();
        } else {
            writeFamily(out, *family, escaping);
        }
    }
    out += QByteArrayView(stored.text).sliced(copied);
    return out;
}

} // namespace qpgw
