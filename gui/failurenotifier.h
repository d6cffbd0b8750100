#pragma once

#include "http/changerecord.h"

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <chrono>

namespace qpgw::gui {

// FailureNotifier: decides when the console should tell the user that pushes started failing
// (a tray notification). Fed every push and delete as the gateway answered it, it remembers
// which groups' last push was rejected. A group "starts failing" when a push to it is rejected
// while its previous push (as far as the notifier saw) was not; a group that keeps failing is
// not announced again until a push to it succeeds or it is deleted. Groups that start failing
// close together are announced once, after a short gathering interval, so that a broken
// deploy of fifty jobs is one notification, not fifty.
class FailureNotifier : public QObject
{
    Q_OBJECT

public:
    explicit FailureNotifier(QObject *parent = nullptr);

    void setGatheringInterval(std::chrono::milliseconds interval) { m_gather.setInterval(interval); }
    // While disabled, failures are still tracked (so that enabling it later does not announce
    // groups that were failing all along) but nothing is announced.
    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool isEnabled() const { return m_enabled; }

    // How many groups are failing now, as far as the pushes seen tell.
    int failingGroups() const { return int(m_failing.size()); }

    // One line each: the title and the message of a notification.
    static QString title(int groups);
    static QString message(const QStringList &groupingKeys, const QString &firstReason);

public Q_SLOTS:
    void record(const qpgw::http::ChangeRecord &change);

Q_SIGNALS:
    // `groupingKeys` started failing (in the order seen); `firstReason` is what the first one's
    // client was told.
    void startedFailing(const QStringList &groupingKeys, const QString &firstReason);

private:
    void announce();

    QSet<QString> m_failing; // grouping keys whose last push was rejected
    QStringList m_newlyFailing;
    QString m_firstReason;
    QTimer m_gather;
    bool m_enabled = true;
};

} // namespace qpgw::gui
