#pragma once

#include "http/httpmessage.h"
#include "model/error.h"

namespace qpgw::http {

// The one place where an error becomes an HTTP status.
int statusFor(Error::Kind kind);
// The response for an error, in the reference's shape.
HttpResponse errorResponse(const Error &error);

} // namespace qpgw::http
