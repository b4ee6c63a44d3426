#include <catch2/catch.hpp>

#include "core/error.h"

using namespace odziv;

TEST_CASE("Errors say whether a retry may help and keep context") {
  CHECK(Error{ErrorCode::kRateLimited, "slow down", std::chrono::seconds(30)}.retryable());
  CHECK(Error{ErrorCode::kUnavailable, "503", {}}.retryable());
  CHECK_FALSE(Error{ErrorCode::kUnauthenticated, "token revoked", {}}.retryable());
  CHECK_FALSE(Error{ErrorCode::kMalformed, "bad json", {}}.retryable());
  Error e = Error{ErrorCode::kRateLimited, "429", std::chrono::seconds(12)}.WithContext("x search");
  CHECK(Describe(e) == "rate_limited: x search: 429 (retry after 12 s)");
}
