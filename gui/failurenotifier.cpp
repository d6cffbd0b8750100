#include "failurenotifier.h"

namespace qpgw::gui {

using namespace Qt::StringLiterals;

namespace {

constexpr std::chrono::milliseconds DefaultGathering{1500};
// Never more groups remembered than this: a client pushing to ever new keys that all fail
// must not grow the console's memory without bound. Past it the notifier starts afresh.
constexpr qsizetype MaxTrackedGroups = 100'000;
// How many keys a notification names; the rest are counted.
constexpr qsizetype NamedInMessage = 3;

} // namespace

FailureNotifier::FailureNotifier(QObject *parent)
    : QObject(parent)
{
    m_gather.setSingleShot(true);
    m_gather.setInterval(DefaultGathering);
    connect(&m_gather, &QTimer::timeout, this, &FailureNotifier::announce);
}

void FailureNotifier::record(const http::ChangeRecord &change)
{
    if (change.method == "DELETE") {
        // A deleted group has no pushes to fail any more.
        if (change.succeeded())
            m_failing.remove(change.groupingKey);
        return;
    }
    if (change.succeeded()) {
        m_failing.remove(change.groupingKey);
        return;
    }
    if (m_failing.contains(change.groupingKey))
        return;
    if (m_failing.size() >= MaxTrackedGroups)
        m_failing.clear();
    m_failing.insert(change.groupingKey);
    if (!m_enabled)
        return;
    if (m_newlyFailing.isEmpty())
        m_firstReason = change.reason;
    m_newlyFailing.append(change.groupingKey);
    if (!m_gather.isActive())
        m_gather.start();
}

void FailureNotifier::announce()
{
    if (m_newlyFailing.isEmpty())
        return;
    const QStringList keys = std::exchange(m_newlyFailing, {});
    Q_EMIT startedFailing(keys, std::exchange(m_firstReason, {}));
}

QString FailureNotifier::title(int groups)
{
    return tr("Pushes to %n group(s) started failing", nullptr, groups);
}

QString FailureNotifier::message(const QStringList &groupingKeys, const QString &firstReason)
{
    QString text = groupingKeys.mid(0, NamedInMessage).join(u"\n"_s);
    if (groupingKeys.size() > NamedInMessage)
        text += u"\n"_s + tr("and %n more", nullptr, int(groupingKeys.size() - NamedInMessage));
    if (!firstReason.isEmpty())
        text += u"\n"_s + firstReason;
    return text;
}

} // namespace qpgw::gui
