#pragma once

#include <QObject>

#include <initializer_list>

class QSocketNotifier;

namespace qpgw {

// Turns SIGTERM, SIGINT (or any given signals) into a Qt signal on the event loop, through a
// self-pipe: the handler only writes one byte, everything else runs as a normal slot.
// One watcher per process (signal dispositions are process-wide).
class UnixSignals : public QObject
{
    Q_OBJECT

public:
    UnixSignals(std::initializer_list<int> signalNumbers, QObject *parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void received(int signalNumber);

private:
    void readPipe();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace qpgw
