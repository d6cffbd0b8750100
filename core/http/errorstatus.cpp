#include "errorstatus.h"

namespace qpgw::http {

int statusFor(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::BadRequest:
    case Error::Kind::Rejected: return 400;
    case Error::Kind::PayloadTooLarge: return 413;
    case Error::Kind::UnsupportedMediaType: return 415;
    case Error::Kind::Internal: return 500;
    }
    return 500;
}

HttpResponse errorResponse(const Error &error)
{
    return HttpResponse::error(statusFor(error.kind), error.message);
}

} // namespace qpgw::http
