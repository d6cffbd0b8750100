#pragma once

#include <QByteArrayView>

namespace qpgw {

// Which metric and label names a push may use. Legacy is the reference's default;
// Utf8 is what `--push.enable-utf8-names` switches on.
enum class NameValidation : quint8 {
    Legacy, // metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
    Utf8,   // any non-empty, valid UTF-8
};

bool isLegacyMetricName(QByteArrayView name);
bool isLegacyLabelName(QByteArrayView name);
bool isValidMetricName(QByteArrayView name, NameValidation validation);
bool isValidLabelName(QByteArrayView name, NameValidation validation);

// Label names starting with "__" are reserved for Prometheus' internal use.
inline bool isReservedLabelName(QByteArrayView name) { return name.startsWith("__"); }

} // namespace qpgw
