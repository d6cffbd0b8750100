#pragma once

#include "model/groupingkey.h"
#include "store/group.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

namespace qpgw {

class MetricStore;

// StoreObserver: the store's signals turned into values that may cross threads.
//
// MetricStore is not thread-safe and its signals carry only keys, so a reader on another thread
// (the desktop console) cannot look a group up itself. The observer lives on the store's thread,
// reads the store there as each change is applied, and re-emits the change with what a reader
// needs: the group's snapshot (immutable, safe to hold on any thread), or its key. Receivers on
// another thread connect with the default (queued) connection and get the changes in the order
// the store made them.
//
// Create it on the store's thread (or before the store's thread starts, then move it along with
// the store). It never changes the store.
class StoreObserver : public QObject
{
    Q_OBJECT

public:
    explicit StoreObserver(const MetricStore &store, QObject *parent = nullptr);

public Q_SLOTS:
    // Emits currentGroups() with every stored group. Runs on the observer's thread: from another
    // thread, call it through QMetaObject::invokeMethod.
    void publishAll();

Q_SIGNALS:
    // A group was created or changed (successful or rejected push, restore): its new state.
    void groupUpdated(const qpgw::GroupSnapshot &group);
    void groupRemoved(const qpgw::GroupingKey &key);
    void wiped();
    // A push to `key` was rejected with `reason` (the text the client got). For an existing
    // group, groupUpdated() with its new failure time came just before.
    void pushFailed(const qpgw::GroupingKey &key, const QString &reason);
    // Every stored group at one moment, ordered by key (the answer to publishAll()).
    void currentGroups(const QList<qpgw::GroupSnapshot> &groups);

private:
    void onGroupChanged(const GroupingKey &key);

    const MetricStore &m_store;
};

} // namespace qpgw

// For queued delivery and QVariant. GroupingKey needs no declaration (Qt 6 derives metatypes
// from the type; MetricStore's signals already use it); the observer registers both names.
Q_DECLARE_METATYPE(qpgw::GroupSnapshot)
