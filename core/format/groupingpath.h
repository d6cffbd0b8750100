#pragma once

#include "model/error.h"
#include "model/groupingkey.h"
#include "model/names.h"

#include <QByteArray>
#include <QByteArrayView>

namespace qpgw {

// Turns the grouping part of a push URL into a GroupingKey, with the reference's rules
// (behaviour spec sections 2.1-2.4):
//   /job/<job>{/<name>/<value>}
//   /job@base64/<b64 job>{/<name>[@base64]/<value or b64>}
// `encodedPath` is the request path below the `/metrics` route, still percent-encoded
// ("/job/j/a%2Fb"). It is percent-decoded first, so "%2F" separates segments, as upstream.
// Base64 uses the URL-safe alphabet; padding is optional; "=" alone is the empty value.
// With NameValidation::Utf8, label names starting with "U__" are un-escaped
// ("U__dotted_2e_name" -> "dotted.name").
// Errors (all Error::Kind::BadRequest), with the reference's fixed prefixes:
//   job name is required
//   improper label name "<name>"
//   odd number of components in label string "<labels>"
//   invalid base64 encoding in job name "...": <reason>
//   invalid base64 encoding for label <name>="<raw>": <reason>
// Unlike the reference, a job or label value that is not valid UTF-8 is rejected here, before
// any group exists, so one bad push cannot break every later scrape.
Expected<GroupingKey> parseGroupingPath(QByteArrayView encodedPath,
                                        NameValidation validation = NameValidation::Legacy);

// The inverse: a path that parseGroupingPath() turns back into `key` under either validation
// mode (names that are not legacy-valid are written in the U__ escaping and need Utf8 mode).
QByteArray groupingKeyToPath(const GroupingKey &key);

// The pieces, for reuse and tests.
// Go's base64.RawURLEncoding after stripping all trailing '='; on failure the error text is
// Go's ("illegal base64 data at input byte N").
Expected<QByteArray> decodeBase64Url(QByteArrayView encoded);
QByteArray encodeBase64Url(QByteArrayView raw); // no padding

} // namespace qpgw
