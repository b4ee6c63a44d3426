// Trustpilot connector over real HTTP against the fake platform server: start time and page paging across
// restarts, the business-user token and its refresh (with Trustpilot's own 429), replies.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {
namespace {

const std::string kReviews = "/v1/private/business-units/46d6a890000064000500e0c3/reviews";
const std::string kToken = "/v1/oauth/oauth-business-users-for-applications/accesstoken";
const std::string kRefresh = "/v1/oauth/oauth-business-users-for-applications/refresh";

std::unique_ptr<Connector> MakeTrustpilot(const std::map<std::string, std::string>& extra, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  setenv("ODZIV_TEST_TP_KEY", "key-zrno", 1);
  setenv("ODZIV_TEST_TP_USER", "ops@zrno.example", 1);
  Source source;
  source.name = "zrno-trustpilot";
  source.platform = "trustpilot";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()},
                     {"business_unit_id", "46d6a890000064000500e0c3"},
                     {"business_user_id", "507f191e810c19729de860ee"},
                     {"api_key", "env:ODZIV_TEST_TP_KEY"},
                     {"api_secret", "env:ODZIV_TEST_TOKEN"}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

void ServeToken(FakePlatformServer& server) {
  web::json::value route = Json(R"({"method":"POST","body_file":"trustpilot/token.json"})");
  route["path"] = web::json::value::string(kToken);
  server.Route(route);
}

void ServeReviews(FakePlatformServer& server, const std::map<std::string, std::string>& match, std::string file) {
  web::json::value route = web::json::value::object();
  route["path"] = web::json::value::string(kReviews);
  route["match"] = web::json::value::object();
  for (const auto& [k, v] : match) route["match"][k] = web::json::value::string(v);
  route["body_file"] = web::json::value::string(file);
  server.Route(route);
}

}  // namespace

TEST_CASE("TrustpilotConnector reads from the newest review's second, page by page, across restarts") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeToken(server);
  ServeReviews(server, {}, "trustpilot/reviews_p1.json");
  ServeReviews(server, {{"startDateTime", "2026-03-02T17:45:10"}}, "trustpilot/reviews_empty.json");
  FakeClock clock(*ParseIsoTimestamp("2026-03-04T12:00:00Z"));
  auto first = MakeTrustpilot({{"per_page", "2"}}, clock)->Fetch("");
  REQUIRE(first.has_value());
  CHECK(first->more);  // a full page
  REQUIRE(first->posts.size() == 3);
  CHECK(first->posts[0].external_id == "507f191e810c19729de860ea");
  CHECK(first->posts[1].external_id == "507f191e810c19729de860ea/reply");
  CHECK(first->next_cursor ==
        "after_edge=507f191e810c19729de860ec&after_ms=" + std::to_string(ToUnixMillis(*ParseIsoTimestamp("2026-03-02T17:45:10.250Z"))));

  auto second = MakeTrustpilot({{"per_page", "2"}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK(second->posts.empty());
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == first->next_cursor);

  auto requests = server.Requests();
  std::vector<std::string> queries;
  for (const auto& r : requests)
    if (r.path == kReviews) queries.push_back(r.query);
  REQUIRE(queries.size() == 2);
  CHECK(queries[0].find("startDateTime=2026-02-25T12%3A00%3A00") != std::string::npos);  // 7 days back
  CHECK(queries[0].find("orderBy=createdat.asc") != std::string::npos);
  CHECK(queries[0].find("page=1") != std::string::npos);
  CHECK(queries[1].find("startDateTime=2026-03-02T17%3A45%3A10") != std::string::npos);
}

TEST_CASE("TrustpilotConnector turns the page when a whole page shares the mark's second") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeToken(server);
  ServeReviews(server, {}, "trustpilot/reviews_p1.json");
  ServeReviews(server, {{"page", "2"}}, "trustpilot/reviews_empty.json");
  FakeClock clock(*ParseIsoTimestamp("2026-03-04T12:00:00Z"));
  const std::string stored = "after_edge=507f191e810c19729de860ea%7C507f191e810c19729de860ec&after_ms=" +
                             std::to_string(ToUnixMillis(*ParseIsoTimestamp("2026-03-02T17:45:10.250Z")));
  auto stuck = MakeTrustpilot({{"per_page", "2"}}, clock)->Fetch(stored);
  REQUIRE(stuck.has_value());
  CHECK(stuck->posts.empty());
  CHECK(stuck->more);
  CHECK(stuck->next_cursor.find("page=2") != std::string::npos);
  auto next = MakeTrustpilot({{"per_page", "2"}}, clock)->Fetch(stuck->next_cursor);
  REQUIRE(next.has_value());
  CHECK_FALSE(next->more);
  CHECK(next->next_cursor.find("page=") == std::string::npos);
  CHECK(server.Requests().back().query.find("page=2") != std::string::npos);
}

TEST_CASE("TrustpilotConnector exchanges the business user's password once, then refreshes, waiting out a 429") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeToken(server);
  ServeReviews(server, {}, "trustpilot/reviews_empty.json");
  FakeClock clock(*ParseIsoTimestamp("2026-03-04T12:00:00Z"));
  auto tp = MakeTrustpilot({{"username", "env:ODZIV_TEST_TP_USER"}, {"password", "env:ODZIV_TEST_TOKEN"}}, clock);
  REQUIRE(tp->Fetch("").has_value());
  REQUIRE(tp->Fetch("").has_value());
  CHECK(server.Count("POST", kToken) == 1);
  auto exchange = server.Requests().front();
  CHECK(exchange.Header("Authorization") == "Basic a2V5LXpybm86dG9rLVNFQ1JFVC01ZjJiOWMxZTdk");  // key-zrno:<secret>
  CHECK(exchange.body.find("grant_type=password") != std::string::npos);
  CHECK(exchange.body.find("username=ops%40zrno.example") != std::string::npos);
  CHECK(server.Requests().back().Header("Authorization") == "Bearer " + std::string(kTestToken));

  // 100 hours later the token is about to expire; the refresh endpoint says to slow down.
  clock.Advance(std::chrono::hours(100));
  web::json::value limited = Json(R"({"method":"POST","status":429,"headers":{"Retry-After":"600"},"body":{"message":"Too many requests"},"times":1})");
  limited["path"] = web::json::value::string(kRefresh);
  server.Route(limited);
  auto throttled = tp->Fetch("");
  REQUIRE_FALSE(throttled.has_value());
  CHECK(throttled.error().code == ErrorCode::kRateLimited);
  CHECK(throttled.error().retry_after == std::chrono::seconds(600));
  clock.Advance(std::chrono::seconds(300));
  auto still = tp->Fetch("");
  REQUIRE_FALSE(still.has_value());
  CHECK(still.error().retry_after == std::chrono::seconds(300));
  CHECK(server.Count("POST", kRefresh) == 1);  // not asked again while the wait lasts

  clock.Advance(std::chrono::seconds(300));
  web::json::value refresh = Json(R"({"method":"POST","body_file":"trustpilot/refresh.json"})");
  refresh["path"] = web::json::value::string(kRefresh);
  server.Route(refresh);
  REQUIRE(tp->Fetch("").has_value());
  CHECK(server.Count("POST", kRefresh) == 2);
  auto requests = server.Requests();
  CHECK(requests[requests.size() - 2].body == "grant_type=refresh_token&refresh_token=rt-zrno-1");
  CHECK(requests.back().Header("Authorization") == "Bearer tp-at-2");
  CHECK(server.Count("POST", kToken) == 1);
}

TEST_CASE("TrustpilotConnector: an expired refresh token starts a new grant; a 401 renews the token once") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeToken(server);
  ServeReviews(server, {}, "trustpilot/reviews_empty.json");
  web::json::value refused = Json(R"({"method":"POST","status":401,"body":{"error":"invalid_grant"}})");
  refused["path"] = web::json::value::string(kRefresh);
  server.Route(refused);
  FakeClock clock(*ParseIsoTimestamp("2026-03-04T12:00:00Z"));
  auto tp = MakeTrustpilot({}, clock);
  REQUIRE(tp->Fetch("").has_value());
  server.Fault(Json(R"({"kind":"expired_token","path":"/v1/private/"})"));
  REQUIRE(tp->Fetch("").has_value());  // 401, refresh refused, new client_credentials grant, sent again
  CHECK(server.Count("POST", kRefresh) == 1);
  CHECK(server.Count("POST", kToken) == 2);
  CHECK(server.Count("GET", kReviews) == 3);
}

TEST_CASE("TrustpilotConnector replies once as the business user, and finds the company reply") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeToken(server);
  server.Route(Json(R"({"method":"POST","path":"/v1/private/reviews/507f191e810c19729de860ec/reply","status":201,"body":""})"));
  server.Route(Json(R"({"path":"/v1/reviews/507f191e810c19729de860ea","body_file":"trustpilot/review_get.json"})"));
  server.Route(Json(R"({"path":"/v1/reviews/507f191e810c19729de860ec","body":"{\"id\":"})"));
  FakeClock clock(*ParseIsoTimestamp("2026-03-04T12:00:00Z"));
  auto tp = MakeTrustpilot({}, clock);
  auto published = tp->Publish(ReplyRequest{"507f191e810c19729de860ec", "", "Izvinite, provjeravamo.", "d-1"});
  REQUIRE(published.has_value());
  CHECK(published->external_id == "507f191e810c19729de860ec/reply");
  CHECK(server.Count("POST", "/v1/private/reviews/507f191e810c19729de860ec/reply") == 1);
  CHECK(server.Requests().back().body ==
        R"({"authorBusinessUserId":"507f191e810c19729de860ee","message":"Izvinite, provjeravamo."})");

  auto found = tp->FindBrandReply("507f191e810c19729de860ea");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->text == "We are sorry, the courier lost a day.");
  auto broken = tp->FindBrandReply("507f191e810c19729de860ec");
  REQUIRE_FALSE(broken.has_value());
  CHECK(broken.error().code == ErrorCode::kMalformed);

  auto no_user = MakeTrustpilot({{"business_user_id", ""}}, clock)->Publish(ReplyRequest{"507f", "", "x", "d-2"});
  REQUIRE_FALSE(no_user.has_value());
  CHECK(no_user.error().code == ErrorCode::kConfig);
}

}  // namespace odziv::platforms::testing
