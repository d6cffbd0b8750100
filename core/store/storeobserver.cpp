#include "storeobserver.h"

#include "store/metricstore.h"

#include <QThread>

namespace qpgw {

StoreObserver::StoreObserver(const MetricStore &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    // The names the signal signatures use, for queued delivery and string-based connections.
    qRegisterMetaType<GroupingKey>("qpgw::GroupingKey");
    qRegisterMetaType<GroupSnapshot>("qpgw::GroupSnapshot");
    qRegisterMetaType<QList<GroupSnapshot>>("QList<qpgw::GroupSnapshot>");

    // Direct: the slots run where the store emits, the one thread on which reading it is safe.
    connect(&store, &MetricStore::groupChanged, this, &StoreObserver::onGroupChanged, Qt::DirectConnection);
    connect(&store, &MetricStore::groupRemoved, this, &StoreObserver::groupRemoved, Qt::DirectConnection);
    connect(&store, &MetricStore::wiped, this, &StoreObserver::wiped, Qt::DirectConnection);
    connect(&store, &MetricStore::pushFailed, this, &StoreObserver::pushFailed, Qt::DirectConnection);
}

void StoreObserver::publishAll()
{
    Q_ASSERT(QThread::currentThread() == m_store.thread());
    Q_EMIT currentGroups(m_store.groups());
}

void StoreObserver::onGroupChanged(const GroupingKey &key)
{
    // The store emits groupChanged only for a group that exists after the change.
    if (GroupSnapshot group = m_store.group(key))
        Q_EMIT groupUpdated(group);
}

} // namespace qpgw
