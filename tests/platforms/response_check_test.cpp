// The one translation of platform signals into the scheduler's vocabulary, without a network.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "platforms/response_check.h"

namespace odziv::platforms {
namespace {

using std::chrono::seconds;

const Endpoint kEp{"p", "GET /x"};
const Timestamp kNow = FromUnixSeconds(1665183000);  // 2022-10-07T22:50:00Z

HttpResponse Response(int status, HttpHeaders headers = {}, std::string body = "") {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

Error Check(const HttpResponse& r, Dialect d, Purpose p = Purpose::kRead) {
  auto s = CheckResponse(r, kEp, d, p, kNow);
  REQUIRE_FALSE(s.has_value());
  return s.error();
}

TEST_CASE("2xx and 304 are not errors") {
  CHECK(CheckResponse(Response(200), kEp, Dialect::kX, Purpose::kRead, kNow).has_value());
  CHECK(CheckResponse(Response(201), kEp, Dialect::kX, Purpose::kWrite, kNow).has_value());
  CHECK(CheckResponse(Response(304), kEp, Dialect::kGeneric, Purpose::kRead, kNow).has_value());
}

TEST_CASE("429 with Retry-After in seconds or as a date") {
  auto e = Check(Response(429, {{"Retry-After", "30"}}), Dialect::kGeneric);
  CHECK(e.code == ErrorCode::kRateLimited);
  CHECK(e.retry_after == seconds(30));
  auto d = Check(Response(429, {{"retry-after", "Fri, 07 Oct 2022 22:52:00 GMT"}}), Dialect::kGeneric);
  CHECK(d.retry_after == seconds(120));
  auto none = Check(Response(429), Dialect::kGeneric);
  CHECK(none.retry_after == kDefaultRetryAfter);
}

TEST_CASE("X and Bluesky resets are epoch seconds, Reddit's are seconds until, Mastodon's an ISO time") {
  CHECK(Check(Response(429, {{"x-rate-limit-reset", "1665183229"}}), Dialect::kX).retry_after == seconds(229));
  CHECK(Check(Response(429, {{"RateLimit-Reset", "1665183060"}}), Dialect::kBluesky).retry_after == seconds(60));
  CHECK(Check(Response(429, {{"x-ratelimit-reset", "369"}}), Dialect::kReddit).retry_after == seconds(369));
  CHECK(Check(Response(429, {{"X-RateLimit-Reset", "2022-10-07T22:55:00.940463Z"}}), Dialect::kMastodon).retry_after ==
        seconds(301));
  // A reset already past still waits a second; one absurdly far waits at most a day.
  CHECK(Check(Response(429, {{"x-rate-limit-reset", "1665180000"}}), Dialect::kX).retry_after == seconds(1));
  CHECK(Check(Response(429, {{"x-rate-limit-reset", "1965180000"}}), Dialect::kX).retry_after == kMaxRetryAfter);
}

TEST_CASE("Meta rate-limit codes become retry-after from the business use case header") {
  for (int code : {4, 17, 32, 613, 80001}) {
    INFO(code);
    std::string body = fmt::format(R"({{"error":{{"message":"(#{}) limit","type":"OAuthException","code":{}}}}})", code, code);
    auto e = Check(Response(400, {{"X-Business-Use-Case-Usage",
                                   R"({"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":5}]})"}},
                            body),
                   Dialect::kMeta);
    CHECK(e.code == ErrorCode::kRateLimited);
    CHECK(e.retry_after == seconds(300));
    CHECK(e.message.find(fmt::format("code {}", code)) != std::string::npos);
  }
  auto no_hint = Check(Response(403, {}, R"({"error":{"message":"limit","code":4}})"), Dialect::kMeta);
  CHECK(no_hint.retry_after == kMetaDefaultRetryAfter);
}

TEST_CASE("Meta token and permission errors need a human; transient ones are retried") {
  CHECK(Check(Response(400, {}, R"({"error":{"message":"Session has expired","code":190,"error_subcode":463}})"),
              Dialect::kMeta).code == ErrorCode::kUnauthenticated);
  CHECK(Check(Response(403, {}, R"({"error":{"message":"perm","code":200}})"), Dialect::kMeta, Purpose::kWrite).code ==
        ErrorCode::kUnauthenticated);
  CHECK(Check(Response(500, {}, R"({"error":{"message":"try again","code":2,"is_transient":true}})"), Dialect::kMeta).code ==
        ErrorCode::kUnavailable);
  CHECK(Check(Response(400, {}, R"({"error":{"message":"bad field","code":100}})"), Dialect::kMeta).code == ErrorCode::kConfig);
}

TEST_CASE("Google quotaExceeded waits until midnight Pacific; rateLimitExceeded a minute") {
  auto q = Check(Response(403, {}, R"({"error":{"code":403,"message":"quota","errors":[{"reason":"quotaExceeded"}]}})"),
                 Dialect::kGoogle);
  CHECK(q.code == ErrorCode::kRateLimited);
  // 2022-10-07T22:50Z is 15:50 PDT; midnight PDT is 07:00Z next day: 8 h 10 min.
  CHECK(q.retry_after == seconds(8 * 3600 + 10 * 60));
  auto r = Check(Response(403, {}, R"({"error":{"code":403,"errors":[{"reason":"rateLimitExceeded"}]}})"), Dialect::kGoogle);
  CHECK(r.retry_after == kDefaultRetryAfter);
  auto perm = Check(Response(403, {}, R"({"error":{"code":403,"errors":[{"reason":"forbidden"}]}})"), Dialect::kGoogle);
  CHECK(perm.code == ErrorCode::kUnauthenticated);
}

TEST_CASE("Next Pacific midnight follows US daylight-saving time") {
  CHECK(FormatIsoTimestamp(NextPacificMidnight(*ParseIsoTimestamp("2026-01-15T12:00:00Z"))) == "2026-01-16T08:00:00Z");
  CHECK(FormatIsoTimestamp(NextPacificMidnight(*ParseIsoTimestamp("2026-07-15T06:59:00Z"))) == "2026-07-15T07:00:00Z");
  CHECK(FormatIsoTimestamp(NextPacificMidnight(*ParseIsoTimestamp("2026-07-15T07:00:00Z"))) == "2026-07-16T07:00:00Z");
  // 2026-03-08 is the second Sunday of March: the night before is still standard time.
  CHECK(FormatIsoTimestamp(NextPacificMidnight(*ParseIsoTimestamp("2026-03-07T12:00:00Z"))) == "2026-03-08T08:00:00Z");
  CHECK(FormatIsoTimestamp(NextPacificMidnight(*ParseIsoTimestamp("2026-03-08T12:00:00Z"))) == "2026-03-09T07:00:00Z");
}

TEST_CASE("401/403 need a human, 5xx and 408 are temporary, other 4xx are config or refused writes") {
  CHECK(Check(Response(401), Dialect::kX).code == ErrorCode::kUnauthenticated);
  CHECK(Check(Response(403), Dialect::kX).code == ErrorCode::kUnauthenticated);
  CHECK(Check(Response(403), Dialect::kX, Purpose::kWrite).code == ErrorCode::kFailedPrecondition);
  CHECK(Check(Response(401), Dialect::kX, Purpose::kWrite).code == ErrorCode::kUnauthenticated);
  auto unavailable = Check(Response(503, {{"Retry-After", "12"}}), Dialect::kMastodon);
  CHECK(unavailable.code == ErrorCode::kUnavailable);
  CHECK(unavailable.retry_after == seconds(12));
  CHECK(Check(Response(502, {}, "<html>Bad gateway</html>"), Dialect::kX).message == "p GET /x answered HTTP 502");
  CHECK(Check(Response(408), Dialect::kX).code == ErrorCode::kUnavailable);
  CHECK(Check(Response(404, {}, R"({"error":"Record not found"})"), Dialect::kMastodon).code == ErrorCode::kConfig);
  CHECK(Check(Response(422, {}, R"({"error":"Validation failed"})"), Dialect::kMastodon, Purpose::kWrite).message ==
        "p GET /x answered HTTP 422 (Validation failed)");
  CHECK(Check(Response(302), Dialect::kX).code == ErrorCode::kMalformed);
}

TEST_CASE("Platform error text is found in each platform's error shape") {
  CHECK(PlatformErrorText(R"({"title":"Too Many Requests","detail":"Too Many Requests detail"})", Dialect::kX) ==
        "Too Many Requests detail");
  CHECK(PlatformErrorText(R"({"errors":[{"code":88,"message":"Rate limit exceeded"}]})", Dialect::kX) == "Rate limit exceeded");
  CHECK(PlatformErrorText(R"({"error":"The access token is invalid"})", Dialect::kMastodon) == "The access token is invalid");
  CHECK(PlatformErrorText(R"({"error":{"message":"Invalid OAuth","code":190}})", Dialect::kMeta) == "code 190: Invalid OAuth");
  CHECK(PlatformErrorText(std::string(500, 'a'), Dialect::kGeneric).size() == 200 + std::string("…").size());
}

}  // namespace
}  // namespace odziv::platforms

namespace odziv::platforms {
namespace {

TEST_CASE("Bluesky's 400 ExpiredToken and InvalidToken are token trouble; other 400s are not") {
  const Endpoint ep{"bluesky", "GET app.bsky.feed.searchPosts"};
  const Timestamp now = FromUnixSeconds(1665183000);
  auto expired = CheckResponse(HttpResponse{400, {}, R"({"error":"ExpiredToken","message":"Token has expired"})"}, ep,
                               Dialect::kBluesky, Purpose::kRead, now);
  REQUIRE_FALSE(expired.has_value());
  CHECK(expired.error().code == ErrorCode::kUnauthenticated);
  CHECK(expired.error().message == "bluesky GET app.bsky.feed.searchPosts answered HTTP 400 (Token has expired)");
  auto invalid = CheckResponse(HttpResponse{400, {}, R"({"error":"InvalidToken"})"}, ep, Dialect::kBluesky,
                               Purpose::kWrite, now);
  REQUIRE_FALSE(invalid.has_value());
  CHECK(invalid.error().code == ErrorCode::kUnauthenticated);
  auto request = CheckResponse(HttpResponse{400, {}, R"({"error":"InvalidRequest","message":"bad q"})"}, ep,
                               Dialect::kBluesky, Purpose::kRead, now);
  REQUIRE_FALSE(request.has_value());
  CHECK(request.error().code == ErrorCode::kConfig);
  // Other platforms' bodies with the same words keep their meaning.
  auto other = CheckResponse(HttpResponse{400, {}, R"({"error":"ExpiredToken"})"}, ep, Dialect::kGeneric,
                             Purpose::kRead, now);
  REQUIRE_FALSE(other.has_value());
  CHECK(other.error().code == ErrorCode::kConfig);
}

}  // namespace
}  // namespace odziv::platforms
