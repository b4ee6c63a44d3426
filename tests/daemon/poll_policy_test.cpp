#include <catch2/catch.hpp>

#include "daemon/logging.h"
#include "daemon/poll_policy.h"

using namespace odziv;
using namespace odziv::daemon;
using std::chrono::seconds;

namespace {
const Timestamp kNow = FromUnixSeconds(1'800'000'000);
}

TEST_CASE("NextPollAfterSuccess spreads polls within the jitter around the interval") {
  PollPolicy policy;
  policy.jitter = 0.1;
  CHECK(NextPollAfterSuccess(kNow, seconds(60), false, policy, 0.0) == kNow + seconds(54));
  CHECK(NextPollAfterSuccess(kNow, seconds(60), false, policy, 0.5) == kNow + seconds(60));
  CHECK(NextPollAfterSuccess(kNow, seconds(60), false, policy, 0.999) < kNow + seconds(66));
}

TEST_CASE("NextPollAfterSuccess polls at once when the platform has the next page ready") {
  CHECK(NextPollAfterSuccess(kNow, seconds(60), true, PollPolicy{}, 0.7) == kNow);
}

TEST_CASE("FirstPollTime spreads sources that start together over a fraction of their interval") {
  PollPolicy policy;
  policy.jitter = 0.2;
  CHECK(FirstPollTime(kNow, seconds(100), policy, 0.0) == kNow);
  CHECK(FirstPollTime(kNow, seconds(100), policy, 0.5) == kNow + seconds(10));
}

TEST_CASE("DecideAfterFailure obeys the platform's retry-after") {
  Source source;
  PollPolicy policy;
  policy.jitter = 0.0;
  Error limited{ErrorCode::kRateLimited, "x: 429", seconds(900)};
  PollFailure f = DecideAfterFailure(source, limited, kNow, seconds(60), policy, 0.3);
  CHECK(f.health == SourceHealth::kDegraded);
  CHECK(f.consecutive_failures == 1);
  REQUIRE(f.next_poll_at);
  CHECK(*f.next_poll_at == kNow + seconds(900));
  CHECK(f.error.find("rate_limited") != std::string::npos);
}

TEST_CASE("DecideAfterFailure backs off exponentially up to the limit on repeated temporary failures") {
  Source source;
  PollPolicy policy;
  policy.jitter = 0.0;
  policy.first_backoff = seconds(30);
  policy.max_backoff = seconds(600);
  Error down{ErrorCode::kUnavailable, "503", std::nullopt};
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 7; ++i) {
    PollFailure f = DecideAfterFailure(source, down, kNow, seconds(60), policy, 0.0);
    waits.push_back(std::chrono::duration_cast<seconds>(*f.next_poll_at - kNow).count());
    source.consecutive_failures = f.consecutive_failures;
  }
  CHECK(waits == std::vector<std::int64_t>{30, 60, 120, 240, 480, 600, 600});
}

TEST_CASE("DecideAfterFailure honours a Retry-After on a temporary failure when it is longer than the backoff") {
  Source source;
  PollPolicy policy;
  policy.jitter = 0.0;
  Error down{ErrorCode::kUnavailable, "503", seconds(120)};
  CHECK(*DecideAfterFailure(source, down, kNow, seconds(60), policy, 0.0).next_poll_at == kNow + seconds(120));
}

TEST_CASE("DecideAfterFailure stops polling and asks for a person when credentials are rejected") {
  Source source;
  for (ErrorCode code : {ErrorCode::kUnauthenticated, ErrorCode::kConfig}) {
    PollFailure f = DecideAfterFailure(source, Error{code, "token revoked", std::nullopt}, kNow, seconds(60), PollPolicy{}, 0.0);
    CHECK(f.health == SourceHealth::kNeedsHuman);
    CHECK_FALSE(f.next_poll_at.has_value());
  }
}

TEST_CASE("DecideAfterFailure keeps a credential the platform repeated out of the stored error") {
  RegisterSecret("resolved-platform-credential");
  Source source;
  const Error refused{ErrorCode::kUnauthenticated,
                      "401: token resolved-platform-credential is not valid (Bearer abcdef123456)", std::nullopt};
  PollFailure f = DecideAfterFailure(source, refused, kNow, seconds(60), PollPolicy{}, 0.5);
  CHECK(f.health == SourceHealth::kNeedsHuman);
  CHECK(f.error.find("resolved-platform-credential") == std::string::npos);
  CHECK(f.error.find("abcdef123456") == std::string::npos);
  CHECK(f.error.find("401: token") != std::string::npos);
}
