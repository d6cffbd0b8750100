#pragma once

#include "format/nameescaping.h"
#include "model/error.h"
#include "model/groupingkey.h"
#include "model/metric.h"
#include "store/group.h"
#include "store/ownfamilies.h"

#include <QHash>
#include <QList>
#include <QObject>

#include <functional>
#include <map>
#include <memory>

namespace qpgw {

class ConsistencyIndex;

// How a push treats the families a group already has.
enum class PushMode {
    ReplaceAll,       // PUT: the group keeps only its push-time gauges, then gets the pushed families
    ReplaceSameNames, // POST: pushed families replace same-named ones; the others stay
};

// MetricStore: every group the gateway holds, and the one way to change them.
//
// Contract (the architecture depends on it; see DESIGN.md):
//
// One write path. HTTP handlers, the desktop console and the admin API change groups only
// through push(), remove() and wipe(). Nothing else mutates a group.
//
// Thread. The store lives on the gateway's thread; call every method there. Other threads
// (the desktop console) connect to the signals with queued connections and read snapshots.
//
// Atomic pushes. push() validates, sanitises, checks and applies a push whole, or rejects it
// whole with a reason: the store never holds half a push. A rejected push changes exactly one
// thing, the group's failure time (behaviour spec section 2.9): the group is created when
// missing, push_failure_time_seconds is set to the time of the push, and push_time_seconds is
// created as 0 when missing. One exception: with the consistency check on, a new group whose
// own push-time gauges would repeat another group's series is not created at all. Errors that
// are not the store's to judge (a malformed URL or body) never reach it and change nothing.
//
// What push() does, in order:
//  1. rejects any metric with a timestamp ("pushed metrics must not have timestamps");
//  2. sanitises every series: grouping labels overwrite or join body labels, `instance=""` is
//     added when missing, labels are sorted by name;
//  3. checks every series on its own: label names (non-empty UTF-8, no "__" prefix), no label
//     name twice, values valid UTF-8, no "quantile" label on a summary, value matches type.
//     These run even with the consistency check off, so that a scrape never has to fail;
//  4. unless the consistency check is off, checks the push against everything stored: same
//     type per metric name across groups and against the gateway's own metrics, no series
//     twice (within the push or across groups, push_time_seconds included), no `x_count`,
//     `x_sum` or `x_bucket` next to a summary or histogram `x`. HELP may differ between
//     groups. The check runs against an index kept up to date on every change, so its cost
//     grows with the size of the push, not with the number of stored groups or series;
//  5. applies: PUT drops the group's other families first; push_time_seconds becomes the push
//     time (a pushed family of that name is discarded); push_failure_time_seconds is created
//     as 0 when missing (a pushed family of that name replaces it only in an existing group);
//     every written family is stamped with the push time.
// Rejections carry the reference's text: "pushed metrics are invalid or inconsistent with
// existing metrics: <reason>", several reasons as "N error(s) occurred:\n* <reason>...".
//
// Signals, emitted synchronously after the change is applied, in this order:
//  - successful push: groupChanged(key) (a key seen for the first time means a new group);
//  - rejected push: groupChanged(key), then pushFailed(key, reason); only pushFailed when
//    the group did not exist and its own push-time gauges would repeat another group's series
//    (keys {job="j"} and {job="j",instance=""}), in which case it is not created;
//  - remove() of an existing group: groupAboutToBeRemoved(key), then groupRemoved(key);
//    removing a key that does not exist is a no-op and emits nothing;
//  - wipe(): wiped() once, after every group is gone (no per-group signals).
//
// Snapshots. group() and groups() return immutable snapshots (std::shared_ptr<const Group>)
// that stay valid and unchanged however the store changes afterwards. Families inside them
// are shared with the store, never copied per read.
//
// Exposition. exposition() returns the text a scrape serves for the stored groups (families
// by name, series in the reference's order, the push-time gauges included). It is assembled
// from text cached per series at push time; a change re-renders only what it touched. With
// the consistency check off, inconsistent data is left out of the exposition rather than
// failing it: series whose type differs from the family's (the type of the lowest grouping
// key, or the gateway's own), repeated series (the lowest grouping key wins), and `x_count`
// style families that collide with a summary or histogram `x`. HELP, when groups disagree,
// is that of the lowest grouping key that has one; the gateway's own names always show the
// gateway's HELP. A family without series is invisible (as in the reference's scrape): it is
// stored and listed in snapshots, but gives its name no type, no HELP and nothing to check.
class MetricStore : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        // --push.disable-consistency-check sets this to false.
        bool consistencyCheck = true;
        // The gateway's own metric families: a push may not give them another type, and
        // their HELP is always the gateway's.
        QList<OwnFamily> ownFamilies = gatewayOwnFamilies();
        // Source of "now" for push times; tests pin it. Defaults to the system clock.
        std::function<UnixNanos()> clock;
    };

    explicit MetricStore(QObject *parent = nullptr);
    explicit MetricStore(Options options, QObject *parent = nullptr);
    ~MetricStore() override;

    bool consistencyCheck() const { return m_options.consistencyCheck; }

    // Applies a push to the group `key`, or rejects it (see the contract above). On success
    // returns nothing; on rejection an Error of kind Rejected whose message is the client's.
    std::optional<Error> push(const GroupingKey &key, QList<MetricFamily> families, PushMode mode);
    // Removes the group with exactly this key, if any. There is no prefix or job-wide removal.
    void remove(const GroupingKey &key);
    // Removes every group.
    void wipe();
    // Puts groups back as a previous run left them (persistence): no check, no new push
    // times; a group with the key of a stored one replaces it. Emits groupChanged() for each.
    void restore(QList<Group> groups);

    GroupSnapshot group(const GroupingKey &key) const;
    // Every group, ordered by grouping key (GroupingKey::operator<).
    QList<GroupSnapshot> groups() const;
    qsizetype groupCount() const { return m_groups.size(); }
    qsizetype seriesCount() const { return m_seriesCount; }

    // The exposition of all stored groups in text format 0.0.4, names escaped by `escaping`.
    QByteArray exposition(NameEscaping escaping = NameEscaping::Underscores);
    // The same with the gateway's own families merged in by name (what a scrape serves): a
    // name in both shows once, with the gateway's type and HELP and all series in order.
    QByteArray exposition(const QList<MetricFamily> &ownFamilies, NameEscaping escaping = NameEscaping::Underscores);
    // The same content as families, for the protobuf and OpenMetrics writers: families by
    // name, series in exposition order, native histograms and exemplars as pushed.
    QList<MetricFamily> gatheredFamilies(const QList<MetricFamily> &ownFamilies = {}) const;

    // Units of work done so far by pushes, removes and wipes: one per group, family and series
    // looked at or changed. Not a clock: it lets tests prove that a push costs the same in a
    // full store as in an empty one.
    quint64 workDone() const;

Q_SIGNALS:
    void groupChanged(const qpgw::GroupingKey &key);
    void groupAboutToBeRemoved(const qpgw::GroupingKey &key);
    void groupRemoved(const qpgw::GroupingKey &key);
    void wiped();
    void pushFailed(const qpgw::GroupingKey &key, const QString &reason);

private:
    std::optional<Error> rejectPush(const GroupingKey &key, UnixNanos now, const QString &reason);
    void publish(std::shared_ptr<Group> next, const Group *previous, const QList<QByteArray> &changed);

    Options m_options;
    QHash<GroupingKey, GroupSnapshot> m_groups; // hashed: a push finds its group in constant time
    std::unique_ptr<ConsistencyIndex> m_index;
    qsizetype m_seriesCount = 0;
};

} // namespace qpgw
