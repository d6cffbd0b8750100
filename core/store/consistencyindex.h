#pragma once

#include "format/nameescaping.h"
#include "model/metric.h"
#include "store/group.h"
#include "store/ownfamilies.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QStringList>

#include <array>
#include <map>
#include <memory>
#include <vector>

namespace qpgw {

// What the store knows about every metric name across all groups, kept up to date change by
// change, so that checking a push and rendering a scrape never walk the whole store.
//
// Per metric name it holds: how many groups have the name with each type, each group's type
// and HELP, and every series in exposition order (the reference's order: fewer labels first,
// then label values; then grouping key) with that series' exposition text, rendered once when
// it was pushed. A scrape concatenates cached family blocks; a change re-renders only the
// blocks of the names it touched.
class ConsistencyIndex
{
public:
    explicit ConsistencyIndex(const QList<OwnFamily> &ownFamilies);

    // The reasons (empty if none) why group `groupId`, going from `before` to `after`, would be
    // inconsistent with the other groups and the gateway's own metrics. Only the families named
    // in `written` are checked: what a push does not write was consistent before and stays so.
    QStringList check(const QByteArray &groupId, const QMap<QByteArray, StoredFamily> &before,
                      const QMap<QByteArray, StoredFamily> &after, const QList<QByteArray> &written) const;

    // Records that family `name` of group `groupId` went from `before` to `after`; either may
    // be null (added, removed).
    void update(const QByteArray &groupId, const QByteArray &name, const MetricFamily *before,
                const std::shared_ptr<const MetricFamily> &after);
    void clear();

    // The text exposition of everything indexed, with `own` (the gateway's own families, any
    // order) merged in by name: a name both have shows once, under the gateway's type and
    // HELP, its series merged in exposition order.
    QByteArray render(NameEscaping escaping, const QList<MetricFamily> &own = {});

    // The same content as render(), as families (by name, series in exposition order): what
    // the protobuf and OpenMetrics writers get.
    QList<MetricFamily> gather(const QList<MetricFamily> &own = {}) const;

    quint64 workDone() const { return m_work; }

private:
    struct SeriesKey
    {
        Labels labels;
        QByteArray groupId;
    };
    struct SeriesKeyLess
    {
        bool operator()(const SeriesKey &a, const SeriesKey &b) const;
    };
    struct Series
    {
        MetricType type;
        std::shared_ptr<const MetricFamily> family; // keeps `metric` alive
        const Metric *metric;
        QByteArray text; // lines in text format 0.0.4 with underscore escaping
    };
    struct GroupEntry
    {
        MetricType type;
        std::optional<QByteArray> help;
    };
    using SeriesMap = std::map<SeriesKey, Series, SeriesKeyLess>;
    using GroupMap = std::map<QByteArray, GroupEntry>; // by grouping key id
    struct FamilyEntry
    {
        std::array<int, MetricTypeCount> groupsByType{};
        GroupMap groups;
        SeriesMap series;
        int seriesWithUtf8Names = 0;
        QByteArray block; // cached exposition of this family
        bool blockValid = false;
    };
    using FamilyMap = std::map<QByteArray, FamilyEntry>; // by name: the exposition's family order

    // Where one group's family sits in the ordered maps above (their iterators stay valid until
    // the entry is erased). The ordered maps cost a chain of cache misses per look-up once they
    // hold millions of series; with these, a push that repeats a family's series (the common
    // case: a batch job reporting new values) checks and updates it without a single look-up,
    // so its cost does not grow with the number of stored groups.
    struct FamilyHandles
    {
        QByteArray name;
        FamilyMap::iterator family;
        GroupMap::iterator group;
        std::vector<SeriesMap::iterator> series; // one per metric, in the family's order
    };
    using GroupHandles = std::vector<FamilyHandles>; // one group's families, sorted by name

    // The type the exposition shows for a name: the gateway's own, else that of the lowest
    // grouping key holding it. Unset when nobody has the name.
    std::optional<MetricType> shownType(const QByteArray &name) const;
    // The type `name` has after the group's change: the group's own new family if it has one,
    // else the other groups' (or the gateway's own).
    std::optional<MetricType> typeAfter(const QByteArray &name, const QByteArray &groupId,
                                        const QMap<QByteArray, StoredFamily> &after) const;
    void checkFamily(QStringList &errors, const QByteArray &groupId, const MetricFamily &family,
                     const MetricFamily *before, const QMap<QByteArray, StoredFamily> &after) const;
    void checkSuffixCollisions(QStringList &errors, const QByteArray &groupId, const MetricFamily &family,
                               const QMap<QByteArray, StoredFamily> &after) const;
    // Whether two versions of a family hold the same series (same labels, same order): the
    // index then updates its entries in place.
    static bool sameSeries(const MetricFamily &before, const MetricFamily &after);
    void removeSeries(FamilyEntry &family, const QByteArray &groupId, const QByteArray &name, const MetricFamily &before);
    void addSeries(FamilyMap::iterator family, const QByteArray &groupId, const QByteArray &name,
                   const std::shared_ptr<const MetricFamily> &after);
    void updateSeriesInPlace(const FamilyHandles &handles, const QByteArray &name,
                             const std::shared_ptr<const MetricFamily> &after);
    // Families whose block depends on `name` through suffix collisions (x_count, x_sum, x_bucket).
    void invalidateSuffixed(const QByteArray &name);
    bool collidesWithSuffixBase(const QByteArray &name) const;
    // What a scrape shows of one name: its type and HELP, and its series in exposition order
    // (the gateway's own merged in; inconsistent ones left out). `text` is the series' cached
    // lines, null for the gateway's own series.
    struct VisibleSeries
    {
        const Metric *metric;
        const QByteArray *text;
    };
    struct VisibleFamily
    {
        MetricType type = MetricType::Untyped;
        std::optional<QByteArray> help;
        std::vector<VisibleSeries> series;
    };
    VisibleFamily visibleFamily(const QByteArray &name, const FamilyEntry &family, const MetricFamily *own) const;
    void renderFamily(QByteArray &out, const QByteArray &name, const FamilyEntry &family,
                      NameEscaping escaping, bool cachedText, const MetricFamily *own = nullptr) const;
    // The stored families alone, with where each family's block starts.
    struct Rendered
    {
        QByteArray text;
        std::vector<std::pair<QByteArray, qsizetype>> blockStarts; // (name, offset), by name
    };
    const Rendered &renderStored(NameEscaping escaping);

    const FamilyHandles *findHandles(const QByteArray &groupId, const QByteArray &name) const;
    void setHandles(const QByteArray &groupId, FamilyHandles handles);
    void dropHandles(const QByteArray &groupId, const QByteArray &name);
    // Whether a series entry shares its labels with another group's entry: such entries are
    // neighbours, since the map orders by labels first.
    static bool hasOtherOwner(const SeriesMap &series, SeriesMap::const_iterator entry);

    QHash<QByteArray, OwnFamily> m_own;
    FamilyMap m_families;
    QHash<QByteArray, GroupHandles> m_handles; // by grouping key id
    int m_seriesWithUtf8Names = 0;
    Rendered m_rendered;         // cached: underscore escaping (or any, without UTF-8 names)
    Rendered m_renderedUncached; // the last rendering that needed another escaping
    bool m_renderedValid = false;
    mutable quint64 m_work = 0;
};

} // namespace qpgw
