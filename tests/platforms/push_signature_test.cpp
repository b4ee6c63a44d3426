#include "platforms/push_signature.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "platforms/webhook_connector.h"

namespace odziv::platforms {
namespace {

const Timestamp kNow = FromUnixSeconds(1'780'000'000);
constexpr std::string_view kSecret = "s3cret-key";
constexpr std::string_view kBody = R"({"posts":[{"id":"p-1","text":"hello"}]})";

std::string Sign(std::string_view body, std::string_view secret, std::int64_t t) {
  return fmt::format("t={},v1={}", t, HmacSha256Hex(secret, fmt::format("{}.{}", t, body)));
}

bool Refused(const Status& status, std::string_view reason) {
  return !status && status.error().code == ErrorCode::kUnauthenticated &&
         status.error().message.find(reason) != std::string::npos;
}

TEST_CASE("HmacSha256Hex matches the RFC 4231 test vector") {
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("VerifyOdzivSignature accepts a body signed with the source's secret now") {
  CHECK(VerifyOdzivSignature(Sign(kBody, kSecret, 1'780'000'000), kBody, kSecret, kNow));
  // Within the tolerance either way (the sender's clock may be a little ahead).
  CHECK(VerifyOdzivSignature(Sign(kBody, kSecret, 1'780'000'000 - 299), kBody, kSecret, kNow));
  CHECK(VerifyOdzivSignature(Sign(kBody, kSecret, 1'780'000'000 + 299), kBody, kSecret, kNow));
}

TEST_CASE("VerifyOdzivSignature accepts any matching v1 while a secret is rotated") {
  std::string header = Sign(kBody, "old-secret", 1'780'000'000) + "," +
                       fmt::format("v1={}", HmacSha256Hex(kSecret, fmt::format("1780000000.{}", kBody)));
  CHECK(VerifyOdzivSignature(header, kBody, kSecret, kNow));
}

TEST_CASE("VerifyOdzivSignature refuses a forged signature, a wrong secret and an altered body") {
  CHECK(Refused(VerifyOdzivSignature(fmt::format("t=1780000000,v1={}", std::string(64, '0')), kBody, kSecret, kNow),
                "does not match"));
  CHECK(Refused(VerifyOdzivSignature(Sign(kBody, "wrong", 1'780'000'000), kBody, kSecret, kNow), "does not match"));
  CHECK(Refused(VerifyOdzivSignature(Sign(kBody, kSecret, 1'780'000'000), std::string(kBody) + " ", kSecret, kNow),
                "does not match"));
  // The timestamp is signed: moving it invalidates the signature.
  std::string header = Sign(kBody, kSecret, 1'780'000'000);
  header.replace(header.find("1780000000"), 10, "1780000001");
  CHECK(Refused(VerifyOdzivSignature(header, kBody, kSecret, kNow), "does not match"));
}

TEST_CASE("VerifyOdzivSignature refuses a replayed request whose timestamp is over 5 minutes old") {
  CHECK(Refused(VerifyOdzivSignature(Sign(kBody, kSecret, 1'780'000'000 - 301), kBody, kSecret, kNow), "301 s"));
  CHECK(Refused(VerifyOdzivSignature(Sign(kBody, kSecret, 1'780'000'000 + 3600), kBody, kSecret, kNow), "3600 s"));
}

TEST_CASE("VerifyOdzivSignature refuses timestamps at the ends of the integer range") {
  // The distance to now does not fit a signed 64-bit integer: it must be computed without overflowing.
  CHECK(Refused(VerifyOdzivSignature("t=-9223372036854775808,v1=00", kBody, kSecret, kNow), "from now"));
  CHECK(Refused(VerifyOdzivSignature("t=9223372036854775807,v1=00", kBody, kSecret, kNow), "from now"));
}

TEST_CASE("VerifyOdzivSignature refuses a missing or malformed header") {
  CHECK(Refused(VerifyOdzivSignature(std::nullopt, kBody, kSecret, kNow), "missing"));
  CHECK(Refused(VerifyOdzivSignature("", kBody, kSecret, kNow), "missing"));
  CHECK(Refused(VerifyOdzivSignature("v1=abc", kBody, kSecret, kNow), "t=<unix seconds>"));
  CHECK(Refused(VerifyOdzivSignature("t=1780000000", kBody, kSecret, kNow), "t=<unix seconds>"));
  CHECK(Refused(VerifyOdzivSignature("t=soon,v1=abc", kBody, kSecret, kNow), "not a number"));
}

TEST_CASE("VerifyMetaSignature checks sha256=<hex HMAC of the raw body> with the app secret") {
  const std::string good = "sha256=" + HmacSha256Hex("app-secret", kBody);
  CHECK(VerifyMetaSignature(good, kBody, "app-secret"));
  std::string upper = good;
  for (std::size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  CHECK(VerifyMetaSignature(upper, kBody, "app-secret"));
  CHECK(Refused(VerifyMetaSignature(good, kBody, "other-secret"), "does not match"));
  CHECK(Refused(VerifyMetaSignature(good, std::string(kBody) + "x", "app-secret"), "does not match"));
  CHECK(Refused(VerifyMetaSignature("sha1=" + HmacSha256Hex("app-secret", kBody), kBody, "app-secret"), "sha256="));
  CHECK(Refused(VerifyMetaSignature(std::nullopt, kBody, "app-secret"), "missing"));
}

TEST_CASE("ParseWebhookPush reads every documented field of the generic format") {
  auto posts = ParseWebhookPush(
      R"({"posts":[{"id":"f-1","text":"Broken on arrival","kind":"review","rating":1,"language":"en",
          "author":{"id":"u1","handle":"@ana","name":"Ana","reach":1200},"created_at":"2026-11-01T10:00:00Z",
          "thread_id":"t-9","parent_id":"f-0","url":"https://shop.example/r/f-1"},{"id":42}]})",
      kNow);
  REQUIRE(posts);
  REQUIRE(posts->size() == 2);
  const Post& p = (*posts)[0];
  CHECK(p.platform == "webhook");
  CHECK(p.external_id == "f-1");
  CHECK(p.text == "Broken on arrival");
  CHECK(p.kind == PostKind::kReview);
  CHECK(p.rating == 1);
  CHECK(p.language == "en");
  CHECK(p.author.id == "u1");
  CHECK(p.author.handle == "@ana");
  CHECK(p.author.name == "Ana");
  CHECK(p.author.reach == 1200);
  CHECK(p.created_at == *ParseIsoTimestamp("2026-11-01T10:00:00Z"));
  CHECK(p.thread_id == "t-9");
  CHECK(p.parent_id == "f-0");
  CHECK(p.url == "https://shop.example/r/f-1");
  const Post& q = (*posts)[1];
  CHECK(q.external_id == "42");
  CHECK(q.thread_id == "42");
  CHECK(q.kind == PostKind::kMention);
  CHECK(q.created_at == kNow);
}

TEST_CASE("ParseWebhookPush refuses a malformed body with the reason") {
  auto reason = [](std::string_view body) {
    auto posts = ParseWebhookPush(body, kNow);
    REQUIRE_FALSE(posts);
    CHECK(posts.error().code == ErrorCode::kMalformed);
    return posts.error().message;
  };
  CHECK(reason("not json").find("not JSON") != std::string::npos);
  CHECK(reason(R"({"items":[]})").find("\"posts\" array") != std::string::npos);
  CHECK(reason(R"({"posts":[{"text":"x"}]})").find("post 0: field 'id'") != std::string::npos);
  CHECK(reason(R"({"posts":[{"id":"a"},{"id":"b","kind":"shout"}]})").find("post 1: kind 'shout'") !=
        std::string::npos);
  CHECK(reason(R"({"posts":[{"id":"a","rating":6}]})").find("rating") != std::string::npos);
  CHECK(reason(R"({"posts":[{"id":"a","created_at":"yesterday"}]})").find("ISO 8601") != std::string::npos);
  CHECK(reason(R"({"posts":[{"id":"a","text":{"x":1}}]})").find("'text' must be a string") != std::string::npos);
  CHECK(reason(R"({"posts":[{"id":"a","author":"ana"}]})").find("author must be an object") != std::string::npos);
  std::string many = R"({"posts":[)";
  for (std::size_t i = 0; i <= kMaxPostsPerPush; ++i) many += fmt::format("{}{{\"id\":\"{}\"}}", i ? "," : "", i);
  many += "]}";
  CHECK(reason(many).find("at most") != std::string::npos);
}

class UnusedHttp final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest&) override {
    return Fail(ErrorCode::kInternal, "the webhook connector must not call out");
  }
};

TEST_CASE("The webhook connector polls an empty page and keeps the cursor") {
  Source source;
  source.name = "shop";
  source.platform = "webhook";
  FakeClock clock(kNow);
  UnusedHttp http;
  auto connector = MakeWebhookConnector(source, ConnectorContext{http, clock});
  REQUIRE(connector);
  auto page = (*connector)->Fetch("keep-me");
  REQUIRE(page);
  CHECK(page->posts.empty());
  CHECK(page->next_cursor == "keep-me");
  CHECK_FALSE(page->more);
  auto reply = (*connector)->Publish(ReplyRequest{"f-1", "f-1", "thanks", "k"});
  REQUIRE_FALSE(reply);
  CHECK(reply.error().code == ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace odziv::platforms
