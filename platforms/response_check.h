// ResponseCheck: the one translation from what a platform's HTTP answer says to the scheduler's
// vocabulary (platforms/connector.h). Every connector sends through SendChecked, so that 429s, reset
// headers, Meta's and Google's error bodies, revoked tokens and 5xx mean the same thing on every platform.
// Pure apart from SendChecked; "now" comes from the caller's Clock so that epoch and ISO resets are testable.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/http_client.h"
#include "core/timestamp.h"
#include "platforms/json_reader.h"

namespace odziv::platforms {

// How a platform says "slow down" and how its error bodies look.
enum class Dialect {
  kGeneric,   // Retry-After only (RSS, webhooks)
  kX,         // x-rate-limit-reset: Unix epoch seconds; {"title","detail"} or {"errors":[{"message"}]}
  kReddit,    // x-ratelimit-reset: seconds until the window resets
  kMastodon,  // X-RateLimit-Reset: ISO 8601 time; {"error": "…"}
  kBluesky,   // RateLimit-Reset: Unix epoch seconds; {"error","message"}
  kMeta,      // Facebook and Instagram: {"error":{"code",…}} with codes 4/17/32/613/80001…, usage headers
  kGoogle,    // YouTube and other Google APIs: {"error":{"errors":[{"reason"}]}}: quotaExceeded, rateLimitExceeded
};

// Reads and writes differ in what a refused request means: a read the platform refuses (400, 404) means
// the source's settings cannot work (kConfig); a refused write means this one reply cannot be posted
// (kFailedPrecondition, with the platform's words) while the source stays healthy.
enum class Purpose { kRead, kWrite };

// Used when a platform says to slow down but not for how long.
inline constexpr std::chrono::seconds kDefaultRetryAfter{60};
// Meta's windows slide over an hour; without an estimate, a quarter of it.
inline constexpr std::chrono::seconds kMetaDefaultRetryAfter{900};
// A reset further away than this is treated as this (a clock far off, or a hostile header).
inline constexpr std::chrono::seconds kMaxRetryAfter{24 * 3600};

// Ok for 2xx and 304. Otherwise the Error for `response`:
//   kRateLimited + retry_after  429; X/Reddit/Mastodon/Bluesky reset headers; Retry-After (seconds or date);
//                               Meta codes 4, 17, 32, 613, 80001–80014 (retry from
//                               X-Business-Use-Case-Usage estimated_time_to_regain_access);
//                               Google quotaExceeded (until the next midnight Pacific time, when YouTube
//                               quotas reset) and rateLimitExceeded
//   kUnauthenticated            401, 403, Meta code 190 / 102 / 10 / 200–299, revoked or expired tokens,
//                               Bluesky's 400 ExpiredToken / InvalidToken
//   kUnavailable                5xx, 408, Meta is_transient / codes 1, 2 (retry_after from Retry-After if sent)
//   kConfig / kFailedPrecondition  other 4xx for a read / a write
// The message names the endpoint, the status and the platform's own words (at most 200 characters).
[[nodiscard]] Status CheckResponse(const HttpResponse& response, const Endpoint& endpoint, Dialect dialect,
                                   Purpose purpose, Timestamp now);

// The wait a response asks for, from Retry-After or the dialect's reset header; nullopt when it says none.
std::optional<std::chrono::seconds> RetryAfterOf(const HttpResponse& response, Dialect dialect, Timestamp now);

// The next 00:00 in America/Los_Angeles after `now` (US daylight-saving rules), when Google quotas reset.
Timestamp NextPacificMidnight(Timestamp now);

// The platform's own error text from a body, cut to `max_chars`; empty when the body has none.
std::string PlatformErrorText(std::string_view body, Dialect dialect, std::size_t max_chars = 200);

// Sends `request` and checks the answer with CheckResponse. Transport errors keep their code (kUnavailable
// for timeouts and resets) and gain the endpoint as context. The URL's query is never put in messages.
[[nodiscard]] Result<HttpResponse> SendChecked(HttpClient& http, const HttpRequest& request, const Endpoint& endpoint,
                                               Dialect dialect, Purpose purpose, Timestamp now);

}  // namespace odziv::platforms
