#include "recovery.h"

#include "store/persistence/journalformat.h"
#include "store/persistence/snapshotwriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>

#include <algorithm>

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

QString journalPrefix(const QString &snapshotPath)
{
    return QFileInfo(snapshotPath).fileName() + u".journal."_s;
}

Error recoveryError(const QString &message)
{
    return Error{Error::Kind::Internal, message};
}

} // namespace

QString journalFilePath(const QString &snapshotPath, quint64 generation)
{
    return snapshotPath + u".journal."_s + QString::number(generation);
}

QList<quint64> journalGenerations(const QString &snapshotPath)
{
    const QString prefix = journalPrefix(snapshotPath);
    // Every file, filtered here: a name filter would read wildcards in the snapshot's name.
    const QStringList names = QFileInfo(snapshotPath).absoluteDir().entryList(QDir::Files | QDir::Hidden);
    QList<quint64> generations;
    for (const QString &name : names) {
        if (!name.startsWith(prefix))
            continue;
        const QStringView digits = QStringView(name).sliced(prefix.size());
        const bool allDigits = !digits.isEmpty()
            && std::all_of(digits.begin(), digits.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
        bool ok = false;
        const quint64 generation = digits.toULongLong(&ok);
        if (allDigits && ok)
            generations.append(generation);
    }
    std::sort(generations.begin(), generations.end());
    return generations;
}

Expected<RecoveredState> recoverState(const QString &snapshotPath)
{
    RecoveredState state;
    QMap<GroupingKey, Group> groups;

    const bool haveSnapshot = QFileInfo::exists(snapshotPath);
    if (haveSnapshot) {
        Expected<Snapshot> snapshot = loadSnapshotFile(snapshotPath);
        if (!snapshot)
            return snapshot.error();
        state.snapshotGeneration = snapshot->generation;
        for (Group &group : snapshot->groups)
            groups.insert(group.key, std::move(group));
    }
    state.lastGeneration = state.snapshotGeneration;

    bool replayedAny = false;
    for (const quint64 generation : journalGenerations(snapshotPath)) {
        const QString path = journalFilePath(snapshotPath, generation);
        state.lastGeneration = std::max(state.lastGeneration, generation);
        if (generation < state.snapshotGeneration) {
            state.warnings.append(u"ignoring journal "_s + path + u": snapshot generation "_s
                                  + QString::number(state.snapshotGeneration) + u" already holds it"_s);
            continue;
        }
        if (!haveSnapshot && !replayedAny && generation > 1) {
            return recoveryError(u"journal "_s + path + u" continues snapshot generation "_s
                                 + QString::number(generation) + u", but the snapshot "_s + snapshotPath
                                 + u" is missing"_s);
        }

        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return recoveryError(u"cannot read journal "_s + path + u": "_s + file.errorString());
        const QByteArray bytes = file.readAll();
        if (file.error() != QFileDevice::NoError)
            return recoveryError(u"cannot read journal "_s + path + u": "_s + file.errorString());

        Expected<JournalReadResult> journal = readJournal(bytes);
        if (!journal)
            return recoveryError(path + u": "_s + journal.error().message);
        const bool headerTorn = journal->tornTail && journal->validBytes == 0;
        if (!headerTorn && journal->generation != generation) {
            return recoveryError(path + u": the header says generation "_s
                                 + QString::number(journal->generation) + u", the file name "_s
                                 + QString::number(generation));
        }
        if (journal->tornTail)
            state.warnings.append(path + u": "_s + journal->warning);
        for (const JournalEntry &entry : std::as_const(journal->entries))
            applyJournalEntry(groups, entry);
        state.replayedRecords += journal->entries.size();
        replayedAny = true;
    }

    state.groups = groups.values();
    return state;
}

} // namespace qpgw
