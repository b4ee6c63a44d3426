// Error: the value every expected failure in odziv is reported as (network, remote API, rate limits,
// malformed input, database trouble, bad configuration). Bugs abort; exceptions from libraries are caught
// where they enter odziv and become an Error; no exception crosses a folder boundary.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace odziv {

// A small closed set: callers branch on the code, people read the message.
enum class ErrorCode {
  kInvalidArgument,     // the caller's input is wrong (bad option, bad id, bad request body)
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // a unique name or key is taken
  kFailedPrecondition,  // the thing exists but is in the wrong state for this
  kConfig,              // configuration is wrong; fatal at start-up (exit 78)
  kUnavailable,         // temporary failure: 5xx, timeout, connection reset; retry later
  kRateLimited,         // the remote side said to slow down; see Error::retry_after
  kUnauthenticated,     // credentials rejected or revoked: a person must act (401/403)
  kPermissionDenied,    // the person is known but may not do this (a viewer approving, another brand's data)
  kMalformed,           // a remote response or stored record does not have the expected shape
  kBusy,                // the database is locked by another process
  kReadOnly,            // the database or its directory cannot be written
  kInternal,            // an invariant of odziv itself broke
};

// The name used in logs, JSON error bodies and the CLI ("rate_limited").
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  // One line that says what is wrong and, where possible, how to fix it. Never contains secrets.
  std::string message;
  // Set with kRateLimited (and sometimes kUnavailable): the earliest the remote side wants to hear again.
  std::optional<std::chrono::seconds> retry_after;

  // Whether doing the same thing later may succeed without a person changing anything.
  bool retryable() const;

  // The same error with "context: " put in front of the message (lower layers add context, the layer
  // that handles the error logs it once).
  Error WithContext(std::string_view context) const;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

// Shorthand for `return Fail(ErrorCode::kNotFound, "no brand 'acme'");`
inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message), std::nullopt});
}
inline std::unexpected<Error> Fail(Error error) { return std::unexpected(std::move(error)); }

// "rate_limited: X said to wait (retry after 30 s)": for logs and the CLI.
std::string Describe(const Error& error);

}  // namespace odziv
