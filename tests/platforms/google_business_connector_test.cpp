// Google Business Profile connector over real HTTP against the fake platform server: the walk by update
// time across pages and restarts, edits, OAuth refresh, 429, the reply PUT and the brand's reply.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {
namespace {

const std::string kReviews = "/v4/accounts/111/locations/222/reviews";

std::unique_ptr<Connector> MakeGoogle(const std::map<std::string, std::string>& extra, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = "zrno-google";
  source.platform = "google";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()}, {"account_id", "111"}, {"location_id", "222"}};
  if (!extra.contains("refresh_token")) source.settings["token"] = "env:ODZIV_TEST_TOKEN";
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

void ServePages(FakePlatformServer& server) {
  server.Route(Json(R"({"path":"/v4/accounts/111/locations/222/reviews","body_file":"google/reviews_p1.json"})"));
  server.Route(Json(R"({"path":"/v4/accounts/111/locations/222/reviews","match":{"pageToken":"CiAKGjBpNDd2"},
                        "body_file":"google/reviews_p2.json"})"));
}

std::string Millis(std::string_view iso) { return std::to_string(ToUnixMillis(*ParseIsoTimestamp(iso))); }

}  // namespace

TEST_CASE("GoogleBusinessConnector's first poll reads one page, newest update first, and keeps its mark") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServePages(server);
  FakeClock clock(*ParseIsoTimestamp("2026-03-05T00:00:00Z"));
  auto page = MakeGoogle({}, clock)->Fetch("");
  REQUIRE(page.has_value());
  CHECK_FALSE(page->more);
  REQUIRE(page->posts.size() == 4);
  CHECK(page->posts.front().external_id == "Zk3Pq9Tt");  // oldest first
  CHECK(page->posts.back().external_id == "Qx7Rb2Lm");
  CHECK(page->next_cursor == "after_edge=Qx7Rb2Lm&after_ms=" + Millis("2026-03-04T18:02:11Z"));
  auto requests = server.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].query.find("orderBy=updateTime%20desc") != std::string::npos);
  CHECK(requests[0].query.find("pageSize=50") != std::string::npos);
  CHECK(requests[0].Header("Authorization") == "Bearer " + std::string(kTestToken));
}

TEST_CASE("GoogleBusinessConnector walks pages to its mark, resuming the run after a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServePages(server);
  FakeClock clock(*ParseIsoTimestamp("2026-03-05T00:00:00Z"));
  const std::string stored = "after_edge=Old1&after_ms=" + Millis("2026-02-20T00:00:00Z");
  auto first = MakeGoogle({}, clock)->Fetch(stored);
  REQUIRE(first.has_value());
  CHECK(first->more);
  CHECK(first->posts.size() == 4);
  CHECK(first->next_cursor.find("page=CiAKGjBpNDd2") != std::string::npos);
  CHECK(first->next_cursor.find("after_ms=" + Millis("2026-02-20T00:00:00Z")) != std::string::npos);

  auto second = MakeGoogle({}, clock)->Fetch(first->next_cursor);  // a new connector: a restart
  REQUIRE(second.has_value());
  CHECK_FALSE(second->more);
  REQUIRE(second->posts.size() == 1);
  CHECK(second->posts[0].external_id == "Hh1Ww8Ee");
  CHECK(second->next_cursor == "after_edge=Qx7Rb2Lm&after_ms=" + Millis("2026-03-04T18:02:11Z"));

  auto third = MakeGoogle({}, clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());
  CHECK(third->next_cursor == second->next_cursor);
}

TEST_CASE("GoogleBusinessConnector returns an edited review again, with its edit time") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServePages(server);
  FakeClock clock(*ParseIsoTimestamp("2026-03-05T00:00:00Z"));
  // Stored up to the review's first version (2026-03-02) and more: the edit on 03-03 is after the mark.
  auto page = MakeGoogle({}, clock)->Fetch("after_ms=" + Millis("2026-03-02T12:00:00Z"));
  REQUIRE(page.has_value());
  CHECK_FALSE(page->more);
  std::vector<std::string> ids;
  for (const auto& p : page->posts) ids.push_back(p.external_id);
  CHECK(ids == std::vector<std::string>{"AbFvOqn1", "AbFvOqn1/reply", "Qx7Rb2Lm"});  // by creation
  REQUIRE(page->posts[0].edited_at.has_value());
}

TEST_CASE("GoogleBusinessConnector obtains, caches and renews OAuth tokens from a refresh token") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServePages(server);
  server.Route(Json(R"({"method":"POST","path":"/token","body":{"access_token":"gbp-at-1","expires_in":3599,"token_type":"Bearer"}})"));
  setenv("ODZIV_TEST_GBP_REFRESH", "1//refresh-gbp", 1);
  setenv("ODZIV_TEST_GBP_CLIENT", "client-7.apps.googleusercontent.com", 1);
  FakeClock clock(*ParseIsoTimestamp("2026-03-05T00:00:00Z"));
  auto google = MakeGoogle({{"refresh_token", "env:ODZIV_TEST_GBP_REFRESH"},
                            {"client_id", "env:ODZIV_TEST_GBP_CLIENT"},
                            {"client_secret", "env:ODZIV_TEST_TOKEN"},
                            {"token_url", server.url() + "/token"}},
                           clock);
  REQUIRE(google->Fetch("").has_value());
  REQUIRE(google->Fetch("").has_value());
  CHECK(server.Count("POST", "/token") == 1);
  auto requests = server.Requests();
  CHECK(requests[0].body.find("grant_type=refresh_token") != std::string::npos);
  CHECK(requests[0].body.find("refresh_token=1%2F%2Frefresh-gbp") != std::string::npos);
  CHECK(requests[1].Header("Authorization") == "Bearer gbp-at-1");

  // An hour later the token is renewed before use; a 401 renews it at once and the read is sent again.
  clock.Advance(std::chrono::hours(1));
  REQUIRE(google->Fetch("").has_value());
  CHECK(server.Count("POST", "/token") == 2);
  server.Fault(Json(R"({"kind":"expired_token","platform":"google","path":"/v4/"})"));
  auto page = google->Fetch("");
  REQUIRE(page.has_value());
  CHECK(server.Count("POST", "/token") == 3);
  CHECK(server.Count("GET", kReviews) == 5);
}

TEST_CASE("GoogleBusinessConnector: a refused refresh token needs a person; 429 RESOURCE_EXHAUSTED waits") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServePages(server);
  server.Route(Json(R"({"method":"POST","path":"/token","status":400,
                        "body":{"error":"invalid_grant","error_description":"Token has been expired or revoked."}})"));
  setenv("ODZIV_TEST_GBP_REFRESH", "1//refresh-gbp", 1);
  FakeClock clock(*ParseIsoTimestamp("2026-03-05T00:00:00Z"));
  auto refused = MakeGoogle({{"refresh_token", "env:ODZIV_TEST_GBP_REFRESH"},
                             {"client_id", "env:ODZIV_TEST_GBP_REFRESH"},
                             {"client_secret", "env:ODZIV_TEST_TOKEN"},
                             {"token_url", server.url() + "/token"}},
                            clock)
                     ->Fetch("");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::kUnauthenticated);
  CHECK(refused.error().message.find("revoked") != std::string::npos);

  web::json::value fault = Json(R"({"kind":"status","status":429})");
  fault["body"] = web::json::value::parse(ReadTestData("google/rate_limit.json"));
  server.Fault(fault);
  auto limited = MakeGoogle({}, clock)->Fetch("");
  REQUIRE_FALSE(limited.has_value());
  CHECK(limited.error().code == ErrorCode::kRateLimited);
  CHECK(limited.error().retry_after == std::chrono::seconds(60));
  CHECK(limited.error().message.find("Requests per minute") != std::string::npos);
}

TEST_CASE("GoogleBusinessConnector replies with one PUT and finds the brand's reply in the review") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"method":"PUT","path":"/v4/accounts/111/locations/222/reviews/Qx7Rb2Lm/reply","body_file":"google/reply.json"})"));
  server.Route(Json(R"({"path":"/v4/accounts/111/locations/222/reviews/AbFvOqn1","body_file":"google/review_get.json"})"));
  server.Route(Json(R"({"path":"/v4/accounts/111/locations/222/reviews/Qx7Rb2Lm","body_file":"google/reviews_p2.json"})"));
  FakeClock clock(*ParseIsoTimestamp("2026-03-05T00:00:00Z"));
  auto google = MakeGoogle({}, clock);
  auto published = google->Publish(ReplyRequest{"Qx7Rb2Lm", "Qx7Rb2Lm", "Izvinite zbog kašnjenja.", "d-1"});
  REQUIRE(published.has_value());
  CHECK(published->external_id == "Qx7Rb2Lm/reply");
  CHECK(server.Count("PUT", kReviews + "/Qx7Rb2Lm/reply") == 1);
  CHECK(server.Requests().back().body == R"({"comment":"Izvinite zbog kašnjenja."})");

  auto found = google->FindBrandReply("AbFvOqn1");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->from_brand);
  CHECK((*found)->parent_id == "AbFvOqn1");

  auto malformed = google->FindBrandReply("Qx7Rb2Lm");  // answers a list, not a review
  REQUIRE_FALSE(malformed.has_value());
  CHECK(malformed.error().code == ErrorCode::kMalformed);

  auto refused = google->Publish(ReplyRequest{"", "", "text", "d-2"});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::kInvalidArgument);
}

}  // namespace odziv::platforms::testing
