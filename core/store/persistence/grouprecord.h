#pragma once

// Internal to the persistence layer: a Group to and from its GroupRecord message, shared by
// the snapshot and the journal formats. Includes generated protobuf code, so only .cpp files
// of qpgw_core include it; nothing outside core/store/persistence needs it.

#include "model/error.h"
#include "model/groupingkey.h"
#include "store/group.h"

#include "store/persistence/persistence.pb.h"

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace qpgw {

// A little-endian fixed-width field, written at the end of `out` or read at `at`.
void appendLE32(QByteArray &out, quint32 value);
void appendLE64(QByteArray &out, quint64 value);
quint32 readLE32(const char *at);
quint64 readLE64(const char *at);

// The start both file formats share: `magic`, then a u32 version from 1 to `currentVersion`.
// Checks only as many bytes as `data` has (the caller decides what a short file means) and
// returns what is wrong, naming the `kind` ("snapshot", "journal"), or nothing.
std::optional<QString> checkMagicAndVersion(QByteArrayView data, QByteArrayView magic, quint32 currentVersion,
                                            QStringView kind);

void writeGroupingLabels(const GroupingKey &key,
                         google::protobuf::RepeatedPtrField<io::prometheus::client::LabelPair> *target);
void writeGroupRecord(const Group &group, persistence::GroupRecord *record);

// The key of grouping labels as stored: names non-empty, valid UTF-8 and not repeated, values
// valid UTF-8. The error says what is wrong, without context (the caller prefixes it).
Expected<GroupingKey> readGroupingLabels(
    const google::protobuf::RepeatedPtrField<io::prometheus::client::LabelPair> &labels);
// A whole group: its key as above, each family converted by the protobuf reader's rules, no
// family name twice.
Expected<Group> readGroupRecord(const persistence::GroupRecord &record);

} // namespace qpgw
