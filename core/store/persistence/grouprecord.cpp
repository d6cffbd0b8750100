#include "grouprecord.h"

#include "format/protobufmodel.h"
#include "format/utf8text.h"

#include <QtEndian>

#include <string>

namespace qpgw {
namespace {

namespace pb = io::prometheus::client;
using namespace Qt::StringLiterals;

QByteArrayView view(const std::string &text)
{
    return QByteArrayView(text.data(), qsizetype(text.size()));
}

void setBytes(std::string *target, QByteArrayView bytes)
{
    target->assign(bytes.data(), size_t(bytes.size()));
}

} // namespace

void appendLE32(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToLittleEndian(value, bytes);
    out.append(bytes, 4);
}

void appendLE64(QByteArray &out, quint64 value)
{
    char bytes[8];
    qToLittleEndian(value, bytes);
    out.append(bytes, 8);
}

quint32 readLE32(const char *at)
{
    return qFromLittleEndian<quint32>(at);
}

quint64 readLE64(const char *at)
{
    return qFromLittleEndian<quint64>(at);
}

std::optional<QString> checkMagicAndVersion(QByteArrayView data, QByteArrayView magic, quint32 currentVersion,
                                            QStringView kind)
{
    const qsizetype magicBytes = std::min(data.size(), magic.size());
    if (data.first(magicBytes) != magic.first(magicBytes))
        return u"not a QPushgateway "_s + kind + u" (bad magic)"_s;
    if (data.size() < magic.size() + 4)
        return std::nullopt;
    const quint32 version = readLE32(data.data() + magic.size());
    if (version > currentVersion) {
        return kind + u" format version "_s + QString::number(version) + u" is newer than this build reads ("_s
            + QString::number(currentVersion) + u')';
    }
    if (version == 0)
        return kind + u" format version 0 does not exist"_s;
    return std::nullopt;
}

void writeGroupingLabels(const GroupingKey &key, google::protobuf::RepeatedPtrField<pb::LabelPair> *target)
{
    target->Reserve(int(key.labels().size()));
    for (const LabelPair &pair : key.labels()) {
        pb::LabelPair *label = target->Add();
        setBytes(label->mutable_name(), pair.name);
        setBytes(label->mutable_value(), pair.value);
    }
}

void writeGroupRecord(const Group &group, persistence::GroupRecord *record)
{
    writeGroupingLabels(group.key, record->mutable_grouping_label());
    record->mutable_family()->Reserve(int(group.families.size()));
    for (const StoredFamily &stored : group.families) {
        persistence::FamilyRecord *family = record->add_family();
        toMessage(*stored.family, family->mutable_family());
        family->set_last_write_unix_nanos(stored.lastWrite);
    }
}

Expected<GroupingKey> readGroupingLabels(const google::protobuf::RepeatedPtrField<pb::LabelPair> &labels)
{
    Labels pairs;
    pairs.reserve(labels.size());
    for (const pb::LabelPair &label : labels) {
        const QByteArrayView name = view(label.name());
        const QByteArrayView value = view(label.value());
        if (name.isEmpty())
            return Error{Error::Kind::Internal, u"grouping label without a name"_s};
        if (!name.isValidUtf8())
            return Error{Error::Kind::Internal, u"grouping label name "_s + goQuoted(name) + u" is not valid UTF-8"_s};
        if (!value.isValidUtf8())
            return Error{Error::Kind::Internal, u"grouping label "_s + goQuoted(name)
                                                    + u" has a value that is not valid UTF-8"_s};
        if (findLabel(pairs, name))
            return Error{Error::Kind::Internal, u"grouping label "_s + goQuoted(name) + u" appears twice"_s};
        pairs.append(LabelPair{name.toByteArray(), value.toByteArray()});
    }
    return GroupingKey(std::move(pairs));
}

Expected<Group> readGroupRecord(const persistence::GroupRecord &record)
{
    Expected<GroupingKey> key = readGroupingLabels(record.grouping_label());
    if (!key)
        return key.error();

    Group group;
    group.key = std::move(*key);
    for (const persistence::FamilyRecord &stored : record.family()) {
        if (!stored.has_family())
            return Error{Error::Kind::Internal, u"family record without a family"_s};
        Expected<MetricFamily> family = fromMessage(stored.family(), NameValidation::Utf8);
        if (!family)
            return Error{Error::Kind::Internal, family.error().message};
        if (group.families.contains(family->name))
            return Error{Error::Kind::Internal, u"family "_s + goQuoted(family->name) + u" appears twice"_s};
        const QByteArray name = family->name;
        group.families.insert(name, StoredFamily{std::make_shared<const MetricFamily>(std::move(*family)),
                                                 stored.last_write_unix_nanos()});
    }
    return group;
}

} // namespace qpgw
