// The X and Mastodon connectors' replies against the fake server's stateful replies: a published reply is
// found again, Mastodon's Idempotency-Key keeps a retried send from posting twice, and a reply the platform
// stored before the connection was lost is visible although Publish failed (the case an exactly-once
// delivery must recover from).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/clock.h"
#include "platforms/registry.h"
#include "platforms/x_connector.h"
#include "tests/platforms/connector_contract.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms::testing {
namespace {

std::unique_ptr<Connector> Make(std::string platform, const std::map<std::string, std::string>& extra,
                                HttpClient& http, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = "zrno-" + platform;
  source.platform = std::move(platform);
  source.settings = {{"base_url", FakePlatformServer::Shared().url()}, {"token", "env:ODZIV_TEST_TOKEN"}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{http, clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

std::unique_ptr<Connector> MakeX(const Clock& clock, HttpClient& http = TestHttp()) {
  return Make("x", {{"query", "zrno"}, {"user_id", "99"}, {"brand_handle", "zrno"}}, http, clock);
}

std::unique_ptr<Connector> MakeMastodon(const Clock& clock, HttpClient& http = TestHttp()) {
  return Make("mastodon", {{"account_id", "77"}}, http, clock);
}

void ServeX(FakePlatformServer& server) {
  server.Reset();
  server.EnableReplies(Json(R"({"platform":"x","brand_handle":"zrno","brand_user_id":"99"})"));
}

void ServeMastodon(FakePlatformServer& server) {
  server.Reset();
  server.EnableReplies(Json(R"({"platform":"mastodon","brand_acct":"zrno","brand_account_id":"77"})"));
  // The post being answered: the connector reads it first for the author and the visibility.
  server.Route(Json(R"({"path":"/api/v1/statuses/500","body":{"id":"500","created_at":"2026-11-20T10:00:00Z",
      "visibility":"public","content":"<p>gdje je paket?</p>","account":{"id":"9","acct":"ana"}}})"));
}

// A client that gives up quickly, for answers the server withholds.
HttpClient& ImpatientHttp() {
  static std::unique_ptr<HttpClient> client = [] {
    HttpClientOptions options;
    options.default_timeout = std::chrono::milliseconds(300);
    return MakeCpprestHttpClient(options);
  }();
  return *client;
}

TEST_CASE("Fake X replies: a published reply is found as the brand's reply, with an id that carries its time") {
  auto& server = FakePlatformServer::Shared();
  ServeX(server);
  FakeClock clock(FromUnixSeconds(1795000000));
  auto x = MakeX(clock);
  auto none = x->FindBrandReply("1578516068309794817");
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());

  auto published = x->Publish(ReplyRequest{"1578516068309794817", "1578516068309794817", "Hvala, javljamo se!", "d-1"});
  REQUIRE(published.has_value());
  auto when = XSnowflakeTime(published->external_id);
  REQUIRE(when.has_value());
  CHECK(std::chrono::abs(*when - std::chrono::system_clock::now()) < std::chrono::minutes(5));

  auto found = x->FindBrandReply("1578516068309794817");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == published->external_id);
  CHECK((*found)->text == "Hvala, javljamo se!");
  CHECK((*found)->parent_id == "1578516068309794817");
  CHECK((*found)->author.handle == "@zrno");
  CHECK((*found)->from_brand);

  // Another post's thread holds no reply.
  auto other = x->FindBrandReply("1578516068309794818");
  REQUIRE(other.has_value());
  CHECK_FALSE(other->has_value());

  auto second = x->Publish(ReplyRequest{"1578516068309794818", "1578516068309794818", "Drugi odgovor", "d-2"});
  REQUIRE(second.has_value());
  CHECK(XIdGreater(second->external_id, published->external_id));
  auto replies = server.Replies().as_array();
  REQUIRE(replies.size() == 2);
  CHECK(replies.at(0).at("platform").as_string() == "x");
  CHECK(replies.at(0).at("in_reply_to").as_string() == "1578516068309794817");
  CHECK(replies.at(1).at("text").as_string() == "Drugi odgovor");
}

TEST_CASE("Fake Mastodon replies: the same Idempotency-Key twice makes one status") {
  auto& server = FakePlatformServer::Shared();
  ServeMastodon(server);
  FakeClock clock(FromUnixSeconds(1795000000));
  auto mastodon = MakeMastodon(clock);
  auto first = mastodon->Publish(ReplyRequest{"500", "500", "Paket stiže sutra.", "delivery-7"});
  REQUIRE(first.has_value());
  auto again = mastodon->Publish(ReplyRequest{"500", "500", "Paket stiže sutra.", "delivery-7"});
  REQUIRE(again.has_value());
  CHECK(again->external_id == first->external_id);
  auto replies = server.Replies().as_array();
  REQUIRE(replies.size() == 1);
  CHECK(replies.at(0).at("idempotency_key").as_string() == "delivery-7");
  CHECK(replies.at(0).at("text").as_string() == "@ana Paket stiže sutra.");

  auto other = mastodon->Publish(ReplyRequest{"500", "500", "Paket stiže sutra.", "delivery-8"});
  REQUIRE(other.has_value());
  CHECK(other->external_id != first->external_id);

  auto found = mastodon->FindBrandReply("500");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == first->external_id);  // the earliest of the brand's replies
  CHECK((*found)->from_brand);
  CHECK((*found)->text == "@ana Paket stiže sutra.");
}

TEST_CASE("Fake X replies: a reply stored before the connection dropped fails Publish yet is found") {
  auto& server = FakePlatformServer::Shared();
  ServeX(server);
  server.Fault(Json(R"({"kind":"store_then_drop","method":"POST","path":"/2/tweets"})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto x = MakeX(clock);
  auto published = x->Publish(ReplyRequest{"1578516068309794817", "1578516068309794817", "Hvala!", "d-1"});
  REQUIRE_FALSE(published.has_value());
  CHECK(published.error().retryable());
  auto replies = server.Replies().as_array();
  REQUIRE(replies.size() == 1);
  auto found = x->FindBrandReply("1578516068309794817");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == replies.at(0).at("id").as_string());
}

TEST_CASE("Fake Mastodon replies: after a dropped answer, the retry with the same key returns the stored status") {
  auto& server = FakePlatformServer::Shared();
  ServeMastodon(server);
  server.Fault(Json(R"({"kind":"store_then_drop","method":"POST","path":"/api/v1/statuses"})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto mastodon = MakeMastodon(clock);
  auto lost = mastodon->Publish(ReplyRequest{"500", "500", "Hvala!", "delivery-9"});
  REQUIRE_FALSE(lost.has_value());
  CHECK(lost.error().retryable());
  auto replies = server.Replies().as_array();
  REQUIRE(replies.size() == 1);
  const std::string stored = replies.at(0).at("id").as_string();

  auto found = mastodon->FindBrandReply("500");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == stored);

  auto retried = mastodon->Publish(ReplyRequest{"500", "500", "Hvala!", "delivery-9"});
  REQUIRE(retried.has_value());
  CHECK(retried->external_id == stored);
  CHECK(server.Replies().as_array().size() == 1);
}

TEST_CASE("Fake X replies: a stalled answer times the client out with the reply stored") {
  auto& server = FakePlatformServer::Shared();
  ServeX(server);
  server.Fault(Json(R"({"kind":"store_then_stall","method":"POST","path":"/2/tweets"})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto x = MakeX(clock, ImpatientHttp());
  auto published = x->Publish(ReplyRequest{"1578516068309794817", "1578516068309794817", "Hvala!", "d-1"});
  REQUIRE_FALSE(published.has_value());
  CHECK(published.error().code == ErrorCode::kUnavailable);
  CHECK(server.Replies().as_array().size() == 1);
  auto found = MakeX(clock)->FindBrandReply("1578516068309794817");
  REQUIRE(found.has_value());
  CHECK(found->has_value());
}

TEST_CASE("Fake X replies: a stalled answer is sent once released") {
  auto& server = FakePlatformServer::Shared();
  ServeX(server);
  server.Fault(Json(R"({"kind":"store_then_stall","method":"POST","path":"/2/tweets"})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto x = MakeX(clock);  // 2 s timeout: the release comes well before
  Result<PublishedReply> published = std::unexpected(Error{});
  std::thread sender([&] { published = x->Publish(ReplyRequest{"1578516068309794817", "1578516068309794817", "Hvala!", "d-1"}); });
  // The reply is stored before the answer is held: once it is listed, the request is waiting.
  bool stored = false;
  for (int i = 0; i < 5000 && !stored; ++i) stored = server.Replies().as_array().size() == 1;
  server.Release();
  sender.join();
  REQUIRE(stored);
  REQUIRE(published.has_value());
  CHECK(published->external_id == server.Replies().as_array().at(0).at("id").as_string());
}

}  // namespace
}  // namespace odziv::platforms::testing
