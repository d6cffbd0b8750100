#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace qpgw {

// How names that are not legacy-valid are written on output (the `escaping=` Accept
// parameter, behaviour spec section 3.3), and the "U__" un-escaping of URL label names
// (section 2.4). One place for both directions, shared by the writers and the URL parser.
enum class NameEscaping : quint8 {
    Underscores, // every invalid character becomes '_' (the default)
    AllowUtf8,   // unchanged; the text format then quotes the name: {"a.b","l.x"="v"}
    Dots,        // '.' becomes "_dot_", '_' becomes "__", other invalid characters "__"
    Values,      // "U__" prefix, '_' becomes "__", invalid characters "_<hex>_"
};

// The scheme named by an `escaping=` parameter value: allow-utf-8, underscores, dots, values.
std::optional<NameEscaping> nameEscapingFromString(QByteArrayView value);
QByteArrayView nameEscapingToString(NameEscaping escaping);

// A metric or label name as `escaping` writes it. Names that are legacy-valid metric names
// are returned unchanged by every scheme (the reference escapes only names that need it).
QByteArray escapeName(QByteArrayView name, NameEscaping escaping);

// Reverses the Values scheme: "U__dotted_2e_name" gives "dotted.name", "__" gives '_',
// "_<1-6 hex digits>_" gives that code point. A name without the "U__" prefix, or with any
// malformed sequence (dangling '_', bad hex, surrogate, > U+10FFFF), is returned unchanged.
QByteArray unescapeValuesEncoding(QByteArrayView name);

} // namespace qpgw
