#include "core/error.h"

#include <fmt/format.h>

namespace odziv {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kConfig: return "config";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kBusy: return "busy";
    case ErrorCode::kReadOnly: return "read_only";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

bool Error::retryable() const {
  switch (code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kRateLimited:
    case ErrorCode::kBusy:
      return true;
    default:
      return false;
  }
}

Error Error::WithContext(std::string_view context) const {
  Error out = *this;
  out.message = fmt::format("{}: {}", context, message);
  return out;
}

std::string Describe(const Error& error) {
  if (error.retry_after) {
    return fmt::format("{}: {} (retry after {} s)", ErrorCodeName(error.code), error.message,
                       error.retry_after->count());
  }
  return fmt::format("{}: {}", ErrorCodeName(error.code), error.message);
}

}  // namespace odziv
