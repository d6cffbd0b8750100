// console_stall: how long the desktop console's GUI event loop stalls at most while 1,000
// pushes a second go into 10,000 groups. A benchmark, not a test: it reports figures and fails
// only when the run itself is broken (the tree does not show every group, a push is refused,
// a connection fails).
//
// The real console runs: ConsoleController (the gateway on its own thread, in memory only, on a
// free 127.0.0.1 port) and a shown MainWindow (tree model, filter proxy, push log, status bar,
// metric viewer on a selected group). Pusher threads (neither the GUI's nor the gateway's) send
// PUTs over HTTP/1.1 keep-alive connections, each paced by an absolute schedule, so the rate is
// honest: a late push is sent at once and the lateness is reported. Two phases: the fill (one
// push to each group) and the steady load (--rate pushes a second for --seconds, to random
// groups; every --selected-every-th push goes to the group the viewer shows).
//
// Two measures of the GUI thread's stalls, kept per phase:
//   timer  a Qt::PreciseTimer on the GUI thread every --timer-ms; stall = gap between two
//          timeouts - interval;
//   probe  a probe thread posts a queued call to the GUI thread every --probe-ms, carrying its
//          post time; latency = when it ran - when it was posted. It waits behind everything
//          queued before it, which is what a user's click waits behind too.
//
// QT_QPA_PLATFORM defaults to offscreen (painting still happens, into an image); set it to
// xcb and run under a display (e.g. xvfb-run) for a real window.

#include "consolecontroller.h"
#include "groupfilterproxymodel.h"
#include "grouptreemodel.h"
#include "mainwindow.h"
#include "metricviewer.h"
#include "model/groupingkey.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTimer>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace qpgw;
using namespace qpgw::gui;
using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

namespace {

constexpr int InstancesPerJob = 100;
constexpr int IoTimeoutMs = 10000;

// ---------------------------------------------------------------------------------------------
// Options

struct Options
{
    double seconds = 20;
    double rate = 1000;
    double fillRate = -1; // < 0: the same as rate; 0: as fast as the gateway answers
    int groups = 10000;
    int connections = 4;
    int timerMs = 5;
    int probeMs = 2;
    int selectedEvery = 100;
    quint32 seed = 1;
};

std::optional<Options> parseOptions(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"How long the console's GUI event loop stalls while pushes pour in."_s);
    parser.addHelpOption();
    const QCommandLineOption seconds(u"seconds"_s, u"Length of the steady phase (default 20)."_s, u"N"_s, u"20"_s);
    const QCommandLineOption rate(u"rate"_s, u"Pushes per second in the steady phase (default 1000)."_s, u"N"_s, u"1000"_s);
    const QCommandLineOption fillRate(u"fill-rate"_s, u"Pushes per second in the fill; 0: as fast as answered (default: --rate)."_s, u"N"_s);
    const QCommandLineOption groups(u"groups"_s, u"Groups, 100 instances per job (default 10000)."_s, u"N"_s, u"10000"_s);
    const QCommandLineOption connections(u"connections"_s, u"Keep-alive connections, one pusher thread each (default 4)."_s, u"N"_s, u"4"_s);
    const QCommandLineOption timerMs(u"timer-ms"_s, u"Interval of the GUI-thread timer (default 5)."_s, u"MS"_s, u"5"_s);
    const QCommandLineOption probeMs(u"probe-ms"_s, u"Interval between probes posted to the GUI thread (default 2)."_s, u"MS"_s, u"2"_s);
    const QCommandLineOption selectedEvery(u"selected-every"_s, u"Every N-th steady push goes to the shown group; 0: none (default 100)."_s, u"N"_s, u"100"_s);
    const QCommandLineOption seed(u"seed"_s, u"Seed of the random group choice (default 1)."_s, u"N"_s, u"1"_s);
    parser.addOptions({seconds, rate, fillRate, groups, connections, timerMs, probeMs, selectedEvery, seed});
    parser.process(app);

    Options options;
    bool ok = true;
    auto number = [&](const QCommandLineOption &option, double min) {
        bool valid = false;
        const double value = parser.value(option).toDouble(&valid);
        if (!valid || !(value >= min)) {
            std::fprintf(stderr, "console_stall: invalid --%s\n", qPrintable(option.names().constFirst()));
            ok = false;
        }
        return value;
    };
    options.seconds = number(seconds, 0.1);
    options.rate = number(rate, 1);
    options.fillRate = parser.isSet(fillRate) ? number(fillRate, 0) : options.rate;
    options.groups = int(number(groups, 1));
    options.connections = int(number(connections, 1));
    options.timerMs = int(number(timerMs, 1));
    options.probeMs = int(number(probeMs, 1));
    options.selectedEvery = int(number(selectedEvery, 0));
    options.seed = quint32(number(seed, 0));
    if (!ok)
        return std::nullopt;
    return options;
}

// ---------------------------------------------------------------------------------------------
// Samples and summaries

struct Summary
{
    qsizetype count = 0;
    double maxMs = 0;
    double p99Ms = 0;
    double p50Ms = 0;

    QJsonObject toJson() const
    {
        return {{u"count"_s, double(count)}, {u"max_ms"_s, maxMs}, {u"p99_ms"_s, p99Ms}, {u"p50_ms"_s, p50Ms}};
    }
};

// Durations in microseconds.
class Samples
{
public:
    void add(qint64 us) { m_us.push_back(us); }
    void append(const Samples &other) { m_us.insert(m_us.end(), other.m_us.cbegin(), other.m_us.cend()); }
    qsizetype count() const { return qsizetype(m_us.size()); }

    Summary summary() const
    {
        Summary s;
        if (m_us.empty())
            return s;
        std::vector<qint64> sorted = m_us;
        std::sort(sorted.begin(), sorted.end());
        // Nearest rank.
        auto rank = [&](double p) {
            const auto index = size_t(std::ceil(p * double(sorted.size()))) - 1;
            return double(sorted[std::min(index, sorted.size() - 1)]) / 1000.0;
        };
        s.count = qsizetype(sorted.size());
        s.maxMs = double(sorted.back()) / 1000.0;
        s.p99Ms = rank(0.99);
        s.p50Ms = rank(0.50);
        return s;
    }

private:
    std::vector<qint64> m_us;
};

qint64 microsBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration_cast<microseconds>(to - from).count();
}

// ---------------------------------------------------------------------------------------------
// CPU time per thread, from /proc/self/task: the GUI thread (tid == pid), the gateway's thread
// (named "gateway" by ConsoleController) and everything else (pushers, probe, Qt's helpers).

struct CpuTicks
{
    qint64 gui = 0;
    qint64 gateway = 0;
    qint64 other = 0;
};

CpuTicks readCpuTicks()
{
    CpuTicks ticks;
    const QString self = QString::number(::getpid());
    const QStringList tasks = QDir(u"/proc/self/task"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &tid : tasks) {
        QFile file(u"/proc/self/task/"_s + tid + u"/stat"_s);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray stat = file.readAll();
        const qsizetype open = stat.indexOf('(');
        const qsizetype close = stat.lastIndexOf(')');
        if (open < 0 || close < open)
            continue;
        const QByteArray comm = stat.mid(open + 1, close - open - 1);
        // Fields after the command: state is field 3; utime and stime are fields 14 and 15.
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() < 13)
            continue;
        const qint64 cpu = fields[11].toLongLong() + fields[12].toLongLong();
        if (tid == self)
            ticks.gui += cpu;
        else if (comm == "gateway")
            ticks.gateway += cpu;
        else
            ticks.other += cpu;
    }
    return ticks;
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return u"?"_s;
    return QString::fromLatin1(file.readAll().split(' ').mid(0, 3).join(' '));
}

// ---------------------------------------------------------------------------------------------
// What is pushed

GroupingKey groupKey(int group)
{
    return GroupingKey(Labels{{QByteArrayLiteral("job"), "bench_" + QByteArray::number(group / InstancesPerJob)},
                              {QByteArrayLiteral("instance"), QByteArray::number(group % InstancesPerJob)}});
}

QByteArray groupPath(int group)
{
    return "/metrics/job/bench_" + QByteArray::number(group / InstancesPerJob) + "/instance/"
        + QByteArray::number(group % InstancesPerJob);
}

// A batch job's metrics, 20 series: a counter (2), gauges (9), a 7-bucket histogram with _sum
// and _count (9). The values move with `seq`, so every push changes the group.
QByteArray pushBody(qint64 seq)
{
    QByteArray out;
    out += "# HELP bench_items_processed_total Items the batch job processed.\n"
           "# TYPE bench_items_processed_total counter\n"
           "bench_items_processed_total{result=\"ok\"} " + QByteArray::number(seq * 17) + "\n"
           "bench_items_processed_total{result=\"failed\"} " + QByteArray::number(seq % 13) + "\n"
           "# HELP bench_last_success_timestamp_seconds When the job last succeeded.\n"
           "# TYPE bench_last_success_timestamp_seconds gauge\n"
           "bench_last_success_timestamp_seconds " + QByteArray::number(1.7637e9 + double(seq) / 1000.0, 'f', 3) + "\n"
           "# TYPE bench_run_duration_seconds gauge\n"
           "bench_run_duration_seconds " + QByteArray::number(double(seq % 997) / 10.0) + "\n"
           "# TYPE bench_memory_bytes gauge\n"
           "bench_memory_bytes{kind=\"rss\"} " + QByteArray::number(1048576 + seq % 65536) + "\n"
           "bench_memory_bytes{kind=\"heap\"} " + QByteArray::number(524288 + seq % 32768) + "\n"
           "# TYPE bench_queue_length gauge\n";
    for (const char *queue : {"in", "out", "retry"})
        out += "bench_queue_length{queue=\"" + QByteArray(queue) + "\"} " + QByteArray::number(seq % 101) + "\n";
    out += "# TYPE bench_workers gauge\n"
           "bench_workers{pool=\"a\"} 4\n"
           "bench_workers{pool=\"b\"} " + QByteArray::number(seq % 8) + "\n"
           "# HELP bench_batch_size Items per batch.\n"
           "# TYPE bench_batch_size histogram\n";
    qint64 cumulative = 0;
    for (const char *bound : {"1", "5", "10", "50", "100", "500", "+Inf"}) {
        cumulative += seq % 5 + 1;
        out += "bench_batch_size_bucket{le=\"" + QByteArray(bound) + "\"} " + QByteArray::number(cumulative) + "\n";
    }
    out += "bench_batch_size_sum " + QByteArray::number(cumulative * 37) + "\n"
           "bench_batch_size_count " + QByteArray::number(cumulative) + "\n";
    return out;
}

// ---------------------------------------------------------------------------------------------
// A blocking HTTP/1.1 client over one keep-alive connection. Lives on the thread that made it.

class HttpConnection
{
public:
    HttpConnection(QString host, quint16 port)
        : m_host(std::move(host))
        , m_port(port)
    {
    }

    // Sends one request; the status of the answer, or -1 with `error` set.
    int send(const QByteArray &method, const QByteArray &path, const QByteArray &body, QString *error)
    {
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            m_buffer.clear();
            m_socket.abort();
            m_socket.connectToHost(m_host, m_port);
            if (!m_socket.waitForConnected(IoTimeoutMs))
                return fail(error, u"connect: "_s + m_socket.errorString());
            ++m_connects;
        }
        const QByteArray request = method + ' ' + path + " HTTP/1.1\r\n"
            "Host: " + m_host.toLatin1() + ':' + QByteArray::number(m_port) + "\r\n"
            "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        m_socket.write(request);
        while (m_socket.bytesToWrite() > 0) {
            if (!m_socket.waitForBytesWritten(IoTimeoutMs))
                return fail(error, u"write: "_s + m_socket.errorString());
        }

        qsizetype headerEnd = -1;
        while ((headerEnd = m_buffer.indexOf("\r\n\r\n")) < 0) {
            if (!readMore(error))
                return -1;
        }
        const QByteArray head = m_buffer.left(headerEnd);
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> statusLine = lines.constFirst().trimmed().split(' ');
        bool ok = false;
        const int status = statusLine.size() >= 2 ? statusLine[1].toInt(&ok) : 0;
        if (!ok)
            return fail(error, u"bad status line: "_s + QString::fromLatin1(lines.constFirst().trimmed()));
        qint64 length = 0;
        bool close = false;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon < 0)
                continue;
            const QByteArray name = lines[i].left(colon).trimmed().toLower();
            const QByteArray value = lines[i].mid(colon + 1).trimmed().toLower();
            if (name == "content-length")
                length = value.toLongLong();
            else if (name == "connection" && value == "close")
                close = true;
            else if (name == "transfer-encoding")
                return fail(error, u"unexpected Transfer-Encoding: "_s + QString::fromLatin1(value));
        }
        while (m_buffer.size() < headerEnd + 4 + length) {
            if (!readMore(error))
                return -1;
        }
        m_lastBody = m_buffer.mid(headerEnd + 4, length);
        m_buffer.remove(0, headerEnd + 4 + length);
        if (close)
            m_socket.disconnectFromHost();
        return status;
    }

    const QByteArray &lastBody() const { return m_lastBody; }
    int connects() const { return m_connects; }

private:
    bool readMore(QString *error)
    {
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(IoTimeoutMs)) {
            fail(error, u"read: "_s + m_socket.errorString());
            return false;
        }
        m_buffer += m_socket.readAll();
        return true;
    }

    int fail(QString *error, const QString &what)
    {
        *error = what;
        m_socket.abort();
        return -1;
    }

    QString m_host;
    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_lastBody;
    int m_connects = 0;
};

// ---------------------------------------------------------------------------------------------
// Pushers: one thread per connection; push n (0-based, of `count`) goes out on thread
// n % connections at start + n / rate, or at once when it is late.

struct PushPlan
{
    QString host;
    quint16 port = 0;
    qint64 count = 0;
    double rate = 0;  // 0: unpaced
    bool fill = true; // push n goes to group n; else to a random group
    int groups = 0;
    int selectedEvery = 0;
    int selectedGroup = 0;
    quint32 seed = 1;
    qint64 seqBase = 0; // makes every body of the run distinct
};

struct PushResult
{
    qint64 sent = 0;
    qint64 ok = 0;
    qint64 failedRequests = 0; // no answer at all
    std::map<int, qint64> non2xx; // status -> count
    QString firstProblem;
    Samples latency;  // request sent -> answer read
    Samples lateness; // scheduled -> sent
    int connects = 0;
    Clock::time_point end;

    void merge(const PushResult &other)
    {
        sent += other.sent;
        ok += other.ok;
        failedRequests += other.failedRequests;
        for (const auto &[status, count] : other.non2xx)
            non2xx[status] += count;
        if (firstProblem.isEmpty())
            firstProblem = other.firstProblem;
        latency.append(other.latency);
        lateness.append(other.lateness);
        connects += other.connects;
        end = std::max(end, other.end);
    }
    qint64 non2xxTotal() const
    {
        qint64 total = 0;
        for (const auto &[status, count] : non2xx)
            total += count;
        return total;
    }
};

class PushRun
{
public:
    PushRun(PushPlan plan, int connections)
        : m_plan(std::move(plan))
        , m_results(size_t(connections))
    {
        m_start = Clock::now();
        for (int k = 0; k < connections; ++k)
            m_threads.emplace_back([this, k, connections] { run(k, connections); });
    }
    ~PushRun()
    {
        stop();
        join();
    }

    void stop() { m_stop = true; }
    bool finished() const { return m_finished.load() == int(m_threads.size()); }
    qint64 answered() const { return m_answered.load(); }
    Clock::time_point start() const { return m_start; }

    PushResult join()
    {
        for (std::thread &thread : m_threads) {
            if (thread.joinable())
                thread.join();
        }
        PushResult total;
        total.end = m_start;
        for (const PushResult &result : m_results)
            total.merge(result);
        return total;
    }

private:
    void run(int k, int connections)
    {
        ::pthread_setname_np(::pthread_self(), ("pusher-" + std::to_string(k)).c_str());
        PushResult &result = m_results[size_t(k)];
        HttpConnection connection(m_plan.host, m_plan.port);
        std::mt19937 random(m_plan.seed * 7919u + quint32(k));
        std::uniform_int_distribution<int> anyGroup(0, m_plan.groups - 1);
        for (qint64 n = k; n < m_plan.count && !m_stop; n += connections) {
            const Clock::time_point due = m_plan.rate > 0
                ? m_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(double(n) / m_plan.rate))
                : Clock::now();
            std::this_thread::sleep_until(due);
            int group = 0;
            if (m_plan.fill)
                group = int(n);
            else if (m_plan.selectedEvery > 0 && n % m_plan.selectedEvery == 0)
                group = m_plan.selectedGroup;
            else
                group = anyGroup(random);

            const QByteArray body = pushBody(m_plan.seqBase + n);
            const Clock::time_point sent = Clock::now();
            result.lateness.add(std::max<qint64>(0, microsBetween(due, sent)));
            QString error;
            const int status = connection.send("PUT", groupPath(group), body, &error);
            result.latency.add(microsBetween(sent, Clock::now()));
            ++result.sent;
            if (status < 0) {
                ++result.failedRequests;
                if (result.firstProblem.isEmpty())
                    result.firstProblem = error;
            } else if (status / 100 == 2) {
                ++result.ok;
            } else {
                ++result.non2xx[status];
                if (result.firstProblem.isEmpty())
                    result.firstProblem = u"HTTP %1: %2"_s.arg(status).arg(QString::fromUtf8(connection.lastBody().trimmed()));
            }
            ++m_answered;
        }
        result.connects = connection.connects();
        result.end = Clock::now();
        ++m_finished;
    }

    PushPlan m_plan;
    Clock::time_point m_start;
    std::vector<PushResult> m_results;
    std::vector<std::thread> m_threads;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_finished{0};
    std::atomic<qint64> m_answered{0};
};

// ---------------------------------------------------------------------------------------------
// The recorder: lives on the GUI thread and keeps everything per phase.

enum class Phase { Setup, Fill, Settle, Steady, Drain, Count };

struct PhaseRecord
{
    Samples timerStalls;
    Samples probeLatency;
    qint64 dataChanged = 0;        // tree model signals
    qint64 rowsInsertedSignals = 0;
    qint64 rowsInserted = 0;       // rows, over all those signals
    qint64 proxyLayoutChanged = 0; // the sorting filter proxy re-sorting
    qint64 changesApplied = 0;     // coalesced batches the tree applied
    qint64 viewerUpdates = 0;      // new snapshots of the shown group reaching the viewer
    double guiCpuSeconds = 0;
    double gatewayCpuSeconds = 0;
    double otherCpuSeconds = 0;
    double wallSeconds = 0;
};

class Recorder : public QObject
{
public:
    Recorder(MainWindow &window, std::chrono::milliseconds timerInterval)
        : m_window(window)
        , m_interval(timerInterval)
    {
        GroupTreeModel *tree = window.treeModel();
        // Connected after MainWindow's own slot: when ours runs, the viewer has its new group.
        connect(tree, &GroupTreeModel::changesApplied, this, [this] {
            ++current().changesApplied;
            const GroupSnapshot shown = m_window.viewer()->group();
            if (shown && shown != m_lastShown)
                ++current().viewerUpdates;
            m_lastShown = shown;
        });
        connect(tree, &QAbstractItemModel::dataChanged, this, [this] { ++current().dataChanged; });
        connect(tree, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
            ++current().rowsInsertedSignals;
            current().rowsInserted += last - first + 1;
        });
        connect(window.filterModel(), &QAbstractItemModel::layoutChanged, this, [this] { ++current().proxyLayoutChanged; });

        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(m_interval);
        const qint64 intervalUs = std::chrono::duration_cast<microseconds>(m_interval).count();
        connect(&m_timer, &QTimer::timeout, this, [this, intervalUs] {
            const Clock::time_point now = Clock::now();
            if (m_lastTick)
                current().timerStalls.add(std::max<qint64>(0, microsBetween(*m_lastTick, now) - intervalUs));
            m_lastTick = now;
        });
        m_timer.start();
        m_phaseStart = Clock::now();
        m_phaseCpu = readCpuTicks();
    }

    // Runs on the GUI thread, posted by the probe thread.
    void probe(Clock::time_point posted) { current().probeLatency.add(microsBetween(posted, Clock::now())); }

    void enter(Phase phase)
    {
        const Clock::time_point now = Clock::now();
        const CpuTicks cpu = readCpuTicks();
        const double tick = double(::sysconf(_SC_CLK_TCK));
        PhaseRecord &done = current();
        done.wallSeconds += std::chrono::duration<double>(now - m_phaseStart).count();
        done.guiCpuSeconds += double(cpu.gui - m_phaseCpu.gui) / tick;
        done.gatewayCpuSeconds += double(cpu.gateway - m_phaseCpu.gateway) / tick;
        done.otherCpuSeconds += double(cpu.other - m_phaseCpu.other) / tick;
        m_phase = phase;
        m_phaseStart = now;
        m_phaseCpu = cpu;
        m_lastTick.reset(); // a gap spanning two phases counts for neither
    }

    const PhaseRecord &record(Phase phase) const { return m_records[size_t(phase)]; }

private:
    PhaseRecord &current() { return m_records[size_t(m_phase)]; }

    MainWindow &m_window;
    std::chrono::milliseconds m_interval;
    QTimer m_timer;
    std::optional<Clock::time_point> m_lastTick;
    Phase m_phase = Phase::Setup;
    Clock::time_point m_phaseStart;
    CpuTicks m_phaseCpu;
    GroupSnapshot m_lastShown;
    std::array<PhaseRecord, size_t(Phase::Count)> m_records;
};

// Posts a probe to the recorder every `interval`, from its own thread.
class ProbeThread
{
public:
    ProbeThread(Recorder &recorder, std::chrono::milliseconds interval)
        : m_thread([this, &recorder, interval] {
            ::pthread_setname_np(::pthread_self(), "probe");
            Clock::time_point next = Clock::now();
            while (!m_stop) {
                next += interval;
                std::this_thread::sleep_until(next);
                const Clock::time_point posted = Clock::now();
                QMetaObject::invokeMethod(&recorder, [&recorder, posted] { recorder.probe(posted); }, Qt::QueuedConnection);
            }
        })
    {
    }
    ~ProbeThread()
    {
        m_stop = true;
        m_thread.join();
    }

private:
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// ---------------------------------------------------------------------------------------------

// Runs the event loop until `done` holds or `timeoutMs` passed; returns `done()`.
bool runUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    const QDeadlineTimer deadline(timeoutMs);
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || deadline.hasExpired())
            loop.quit();
    });
    poll.start();
    loop.exec();
    return done();
}

int groupsInTree(const GroupTreeModel &tree)
{
    int groups = 0;
    for (int row = 0, jobs = tree.rowCount(); row < jobs; ++row)
        groups += tree.rowCount(tree.index(row, 0));
    return groups;
}

struct PhaseReport
{
    const char *name;
    PushResult push;
    double pushSeconds = 0; // first scheduled push to the last answer
    const PhaseRecord *record = nullptr;

    double achievedRate() const { return pushSeconds > 0 ? double(push.ok + push.non2xxTotal()) / pushSeconds : 0; }

    QJsonObject toJson() const
    {
        QJsonObject non2xx;
        for (const auto &[status, count] : push.non2xx)
            non2xx[QString::number(status)] = double(count);
        const PhaseRecord &r = *record;
        return {
            {u"pushes"_s, double(push.sent)},
            {u"push_seconds"_s, pushSeconds},
            {u"achieved_rate"_s, achievedRate()},
            {u"non_2xx"_s, non2xx},
            {u"failed_requests"_s, double(push.failedRequests)},
            {u"push_latency"_s, push.latency.summary().toJson()},
            {u"push_lateness"_s, push.lateness.summary().toJson()},
            {u"timer_stall"_s, r.timerStalls.summary().toJson()},
            {u"probe_latency"_s, r.probeLatency.summary().toJson()},
            {u"tree_data_changed"_s, double(r.dataChanged)},
            {u"tree_rows_inserted_signals"_s, double(r.rowsInsertedSignals)},
            {u"tree_rows_inserted"_s, double(r.rowsInserted)},
            {u"tree_batches"_s, double(r.changesApplied)},
            {u"proxy_layout_changed"_s, double(r.proxyLayoutChanged)},
            {u"viewer_updates"_s, double(r.viewerUpdates)},
            {u"phase_seconds"_s, r.wallSeconds},
            {u"cpu_gui_pct"_s, r.wallSeconds > 0 ? 100 * r.guiCpuSeconds / r.wallSeconds : 0},
            {u"cpu_gateway_pct"_s, r.wallSeconds > 0 ? 100 * r.gatewayCpuSeconds / r.wallSeconds : 0},
            {u"cpu_other_pct"_s, r.wallSeconds > 0 ? 100 * r.otherCpuSeconds / r.wallSeconds : 0},
        };
    }
};

void printTable(const std::vector<PhaseReport> &phases)
{
    std::printf("\n%-7s %7s %7s %8s %7s %9s %9s | %-22s | %-22s\n", "phase", "pushes", "seconds", "rate/s", "non-2xx",
                "late p99", "late max", "timer stall max/p99/p50", "probe lat. max/p99/p50");
    for (const PhaseReport &p : phases) {
        const Summary late = p.push.lateness.summary();
        const Summary timer = p.record->timerStalls.summary();
        const Summary probe = p.record->probeLatency.summary();
        std::printf("%-7s %7lld %7.2f %8.1f %7lld %7.1fms %7.1fms | %6.1f %6.2f %6.2f ms | %6.1f %6.2f %6.2f ms\n", p.name,
                    static_cast<long long>(p.push.sent), p.pushSeconds, p.achievedRate(),
                    static_cast<long long>(p.push.non2xxTotal() + p.push.failedRequests), late.p99Ms, late.maxMs,
                    timer.maxMs, timer.p99Ms, timer.p50Ms, probe.maxMs, probe.p99Ms, probe.p50Ms);
    }
    std::printf("\n%-7s %9s %9s %9s %9s %8s %7s | %-8s %8s %8s %8s | %s\n", "phase", "batches", "dataChgd", "rowsIns",
                "(rows)", "layouts", "viewer", "wall s", "GUI cpu", "gw cpu", "other", "push latency p50/p99/max");
    for (const PhaseReport &p : phases) {
        const PhaseRecord &r = *p.record;
        const Summary latency = p.push.latency.summary();
        auto pct = [&](double cpu) { return r.wallSeconds > 0 ? 100 * cpu / r.wallSeconds : 0; };
        std::printf("%-7s %9lld %9lld %9lld %9lld %8lld %7lld | %8.2f %7.0f%% %7.0f%% %7.0f%% | %.2f / %.2f / %.1f ms\n",
                    p.name, static_cast<long long>(r.changesApplied), static_cast<long long>(r.dataChanged),
                    static_cast<long long>(r.rowsInsertedSignals), static_cast<long long>(r.rowsInserted),
                    static_cast<long long>(r.proxyLayoutChanged), static_cast<long long>(r.viewerUpdates), r.wallSeconds,
                    pct(r.guiCpuSeconds), pct(r.gatewayCpuSeconds), pct(r.otherCpuSeconds), latency.p50Ms, latency.p99Ms,
                    latency.maxMs);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // Settings (window geometry) go to a test location, never the user's console's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"qpgw-bench"_s);
    QCoreApplication::setApplicationName(u"console_stall"_s);
    const std::optional<Options> parsed = parseOptions(app);
    if (!parsed)
        return 2;
    const Options &options = *parsed;
    const std::chrono::milliseconds timerInterval(options.timerMs);

    // 1. The console: the gateway on its thread, the window shown.
    GatewayConfig config;
    config.listenAddresses = {u"127.0.0.1:0"_s};
    config.persistenceFile.clear();
    config.logLevel = LogLevel::Warn;
    ConsoleController controller(config);
    if (const std::optional<QString> error = controller.start()) {
        std::fprintf(stderr, "console_stall: the gateway did not start: %s\n", qPrintable(*error));
        return 1;
    }
    const QString address = controller.listeningAddresses().constFirst();
    const QString host = address.section(u':', 0, -2);
    const auto port = quint16(address.section(u':', -1).toUInt());

    int status = 0;
    std::vector<PhaseReport> phases;
    QJsonObject summary;
    {
        MainWindow window(controller);
        window.show();
        Recorder recorder(window, timerInterval);
        runUntil([] { return false; }, 300); // let the window settle (first layout and paint)

        const int jobs = (options.groups + InstancesPerJob - 1) / InstancesPerJob;
        const QByteArray sampleBody = pushBody(0);
        std::printf("console_stall: %d groups (%d jobs x up to %d instances), %lld series per body (%lld bytes), "
                    "%d keep-alive connections, platform %s, gateway on %s\n",
                    options.groups, jobs, InstancesPerJob,
                    static_cast<long long>(sampleBody.count('\n') - sampleBody.count("\n#") - 1),
                    static_cast<long long>(sampleBody.size()), options.connections,
                    qPrintable(QGuiApplication::platformName()), qPrintable(address));
        std::printf("load average before: %s; %d cores online\n", qPrintable(loadAverage()), int(::sysconf(_SC_NPROCESSORS_ONLN)));
        std::fflush(stdout);

        ProbeThread probes(recorder, std::chrono::milliseconds(options.probeMs));
        GroupTreeModel &tree = *window.treeModel();

        // 2. Fill: one push to each group.
        PushPlan plan;
        plan.host = host;
        plan.port = port;
        plan.groups = options.groups;
        plan.seed = options.seed;
        plan.count = options.groups;
        plan.rate = options.fillRate;
        plan.fill = true;
        recorder.enter(Phase::Fill);
        PushResult fill;
        Clock::time_point fillStart;
        {
            PushRun run(plan, options.connections);
            fillStart = run.start();
            const int budgetMs = int(1000 * (options.fillRate > 0 ? double(options.groups) / options.fillRate : 0)) + 120000;
            runUntil([&] { return run.finished() && groupsInTree(tree) >= options.groups; }, budgetMs);
            run.stop();
            fill = run.join();
        }
        recorder.enter(Phase::Settle);
        phases.push_back({"fill", fill, std::chrono::duration<double>(fill.end - fillStart).count(), &recorder.record(Phase::Fill)});
        const int afterFill = groupsInTree(tree);
        std::printf("fill done: %d groups in the tree\n", afterFill);
        std::fflush(stdout);

        // The shown group: the viewer follows its pushes.
        const int selected = options.groups / 2;
        if (!window.selectGroup(groupKey(selected))) {
            std::fprintf(stderr, "console_stall: cannot select group %d in the tree\n", selected);
            status = 1;
        }
        runUntil([] { return false; }, 500);

        // 3. Steady load.
        plan.count = qint64(std::llround(options.rate * options.seconds));
        plan.rate = options.rate;
        plan.fill = false;
        plan.selectedEvery = options.selectedEvery;
        plan.selectedGroup = selected;
        plan.seqBase = options.groups;
        recorder.enter(Phase::Steady);
        PushResult steady;
        Clock::time_point steadyStart;
        {
            PushRun run(plan, options.connections);
            steadyStart = run.start();
            runUntil([&] { return run.finished(); }, int(options.seconds * 1000) + 120000);
            run.stop();
            steady = run.join();
        }
        recorder.enter(Phase::Drain);
        phases.push_back({"steady", steady, std::chrono::duration<double>(steady.end - steadyStart).count(), &recorder.record(Phase::Steady)});

        // 4. The tree must show every group, once the last batch is applied.
        runUntil([] { return false; }, 500);
        tree.applyPendingChanges();
        const int finalGroups = groupsInTree(tree);
        const GroupSnapshot shown = window.viewer()->group();
        const bool viewerOk = shown && shown->key == groupKey(selected);

        printTable(phases);
        std::printf("\ntree: %d groups in %d jobs (expected %d); viewer shows %s\n", finalGroups, tree.rowCount(),
                    options.groups, viewerOk ? qPrintable(shown->key.toDisplayString()) : "the wrong group");
        std::printf("status bar: %s\n", qPrintable(window.statusText()));
        std::printf("load average after: %s\n", qPrintable(loadAverage()));

        const Summary steadyTimer = recorder.record(Phase::Steady).timerStalls.summary();
        const Summary steadyProbe = recorder.record(Phase::Steady).probeLatency.summary();
        const double worstMax = std::max(steadyTimer.maxMs, steadyProbe.maxMs);
        const double worstP99 = std::max(steadyTimer.p99Ms, steadyProbe.p99Ms);
        const bool targetMet = worstMax < 100 && worstP99 < 16;
        std::printf("target (steady phase, both measures): max < 100 ms and p99 < 16 ms: %s (max %.1f ms, p99 %.2f ms)\n",
                    targetMet ? "met" : "MISSED", worstMax, worstP99);

        bool ok = true;
        if (finalGroups != options.groups) {
            std::fprintf(stderr, "console_stall: FAILED: the tree shows %d groups, expected %d\n", finalGroups, options.groups);
            ok = false;
        }
        if (!viewerOk) {
            std::fprintf(stderr, "console_stall: FAILED: the viewer does not show the selected group\n");
            ok = false;
        }
        for (const PhaseReport &p : phases) {
            if (p.push.non2xxTotal() + p.push.failedRequests > 0) {
                std::fprintf(stderr, "console_stall: FAILED: %lld %s pushes were not answered 2xx; first: %s\n",
                             static_cast<long long>(p.push.non2xxTotal() + p.push.failedRequests), p.name,
                             qPrintable(p.push.firstProblem));
                ok = false;
            }
        }
        if (!ok)
            status = 1;

        summary = {
            {u"bench"_s, u"console_stall"_s},
            {u"platform"_s, QGuiApplication::platformName()},
            {u"groups"_s, options.groups},
            {u"rate"_s, options.rate},
            {u"fill_rate"_s, options.fillRate},
            {u"seconds"_s, options.seconds},
            {u"connections"_s, options.connections},
            {u"timer_ms"_s, options.timerMs},
            {u"probe_ms"_s, options.probeMs},
            {u"fill"_s, phases[0].toJson()},
            {u"steady"_s, phases[1].toJson()},
            {u"tree_groups"_s, finalGroups},
            {u"tree_jobs"_s, tree.rowCount()},
            {u"target_met"_s, targetMet},
            {u"ok"_s, ok},
        };
    } // the window goes before the controller stops the gateway it shows

    std::printf("%s\n", QJsonDocument(summary).toJson(QJsonDocument::Compact).constData());
    controller.shutdown();
    return status;
}
