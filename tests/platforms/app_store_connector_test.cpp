// App Store Connect connector over real HTTP against the fake platform server: the ES256 token and its
// reuse, links.next across restarts, 429 and 401, and a response followed from PENDING_PUBLISH to PUBLISHED.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"
#include "tests/platforms/test_keys.h"

namespace odziv::platforms::testing {
namespace {

const std::string kReviews = "/v1/apps/1234567890/customerReviews";

std::unique_ptr<Connector> MakeAppStore(const Clock& clock) {
  setenv("ODZIV_TEST_APP_STORE_KEY", TestEcKeyPem().c_str(), 1);
  Source source;
  source.name = "zrno-app-store";
  source.platform = "app_store";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()}, {"app_id", "1234567890"},
                     {"issuer_id", "57246542-96fe-1a63-e053-0824d011072a"}, {"key_id", "2X9R4HXF34"},
                     {"private_key", "env:ODZIV_TEST_APP_STORE_KEY"}};
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

void ServePages(FakePlatformServer& server) {
  server.Route(Json(R"({"path":"/v1/apps/1234567890/customerReviews","body_file":"app_store/reviews_p1.json"})"));
  server.Route(Json(R"({"path":"/v1/apps/1234567890/customerReviews","match":{"cursor":"Mg.AJ5rBz8"},"body_file":"app_store/reviews_p2.json"})"));
}

std::string BearerOf(const ReceivedRequest& r) { return r.Header("Authorization").substr(std::string("Bearer ").size()); }

}  // namespace

TEST_CASE("AppStoreConnector signs an ES256 token for 20 minutes and reuses it until shortly before") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServePages(server);
  const Timestamp start = *ParseIsoTimestamp("2026-03-04T12:00:00Z");
  FakeClock clock(start);
  auto store = MakeAppStore(clock);
  REQUIRE(store->Fetch("").has_value());
  clock.Advance(std::chrono::minutes(10));
  REQUIRE(store->Fetch("").has_value());
  clock.Advance(std::chrono::minutes(9));  // 19 minutes: within the renewal margin
  REQUIRE(store->Fetch("").has_value());
  auto requests = server.Requests();
  REQUIRE(requests.size() == 3);
  CHECK(BearerOf(requests[0]) == BearerOf(requests[1]));
  CHECK(BearerOf(requests[1]) != BearerOf(requests[2]));
  auto jwt = DecodeAndVerifyJwt(BearerOf(requests[0]), TestEcKeyPem());
  CHECK(jwt.signature_valid);
  CHECK(jwt.header.at("alg").as_string() == "ES256");
  CHECK(jwt.header.at("kid").as_string() == "2X9R4HXF34");
  CHECK(jwt.claims.at("iss").as_string() == "57246542-96fe-1a63-e053-0824d011072a");
  CHECK(jwt.claims.at("aud").as_string() == "appstoreconnect-v1");
  CHECK(jwt.claims.at("iat").as_integer() == ToUnixMillis(start) / 1000);
  CHECK(jwt.claims.at("exp").as_integer() - jwt.claims.at("iat").as_integer() == 1200);
  CHECK(requests[0].query.find("sort=-createdDate") != std::string::npos);
  CHECK(requests[0].query.find("include=response") != std::string::npos);
}

TEST_CASE("AppStoreConnector follows links.next to its mark, resuming after a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServePages(server);
  FakeClock clock(*ParseIsoTimestamp("2026-03-04T12:00:00Z"));
  const std::string stored = "after_ms=" + std::to_string(ToUnixMillis(*ParseIsoTimestamp("2017-01-01T00:00:00Z")));
  auto first = MakeAppStore(clock)->Fetch(stored);
  REQUIRE(first.has_value());
  CHECK(first->more);
  CHECK(first->posts.size() == 3);
  CHECK(first->next_cursor.find("page=%2Fv1%2Fapps%2F1234567890%2FcustomerReviews%3Fcursor%3DMg.AJ5rBz8") != std::string::npos);
  auto second = MakeAppStore(clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK_FALSE(second->more);
  REQUIRE(second->posts.size() == 1);
  CHECK(second->posts[0].external_id == "00000027-c3d4-0014-729e-fbd500000000");
  CHECK(second->next_cursor == "after_edge=00000029-1a2b-0014-729e-fbd500000000&after_ms=" +
                                   std::to_string(ToUnixMillis(*ParseIsoTimestamp("2026-03-03T21:15:00-08:00"))));
  auto third = MakeAppStore(clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());

  auto foreign = MakeAppStore(clock)->Fetch("page=%2Fv1%2Fapps%2F999%2FcustomerReviews%3Fcursor%3DX");
  REQUIRE_FALSE(foreign.has_value());
  CHECK(foreign.error().code == ErrorCode::kMalformed);
}

TEST_CASE("AppStoreConnector: RATE_LIMIT_EXCEEDED waits; a refused token is signed anew next time") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServePages(server);
  FakeClock clock(*ParseIsoTimestamp("2026-03-04T12:00:00Z"));
  auto store = MakeAppStore(clock);
  web::json::value fault = Json(R"({"kind":"status","status":429,"headers":{"X-Rate-Limit":"user-hour-lim:3500;user-hour-rem:0;"}})");
  fault["body"] = web::json::value::parse(ReadTestData("app_store/rate_limit.json"));
  server.Fault(fault);
  auto limited = store->Fetch("");
  REQUIRE_FALSE(limited.has_value());
  CHECK(limited.error().code == ErrorCode::kRateLimited);
  CHECK(limited.error().retry_after == std::chrono::seconds(60));
  CHECK(limited.error().message.find("too many requests") != std::string::npos);

  server.Fault(Json(R"({"kind":"status","status":401,"body":{"errors":[{"status":"401","code":"NOT_AUTHORIZED","title":"Authentication credentials are missing or invalid.","detail":"Provide a properly configured and signed bearer token."}]}})"));
  auto refused = store->Fetch("");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::kUnauthenticated);
  clock.Advance(std::chrono::seconds(1));
  REQUIRE(store->Fetch("").has_value());
  auto requests = server.Requests();
  REQUIRE(requests.size() == 3);
  CHECK(BearerOf(requests[1]) != BearerOf(requests[2]));
}

TEST_CASE("AppStoreConnector posts one response and reports it only once Apple has published it") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"method":"POST","path":"/v1/customerReviewResponses","status":201,"body_file":"app_store/response_created.json"})"));
  const std::string review = "00000029-1a2b-0014-729e-fbd500000000";
  web::json::value pending = Json(R"({"body_file":"app_store/response_created.json","times":1})");
  pending["path"] = web::json::value::string("/v1/customerReviews/" + review + "/response");
  server.Route(pending);
  FakeClock clock(*ParseIsoTimestamp("2026-03-04T12:00:00Z"));
  auto store = MakeAppStore(clock);
  auto published = store->Publish(ReplyRequest{review, "", "Izvinite, popravka stize u verziji 4.2.2.", "d-1"});
  REQUIRE(published.has_value());
  CHECK(published->external_id == "9b1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f");
  CHECK(server.Count("POST", "/v1/customerReviewResponses") == 1);
  auto sent = web::json::value::parse(server.Requests().back().body);
  CHECK(sent.at("data").at("relationships").at("review").at("data").at("id").as_string() == review);

  auto waiting = store->FindBrandReply(review);
  REQUIRE(waiting.has_value());
  CHECK_FALSE(waiting->has_value());  // PENDING_PUBLISH
  web::json::value live = Json(R"({"body_file":"app_store/response_published.json"})");
  live["path"] = web::json::value::string("/v1/customerReviews/" + review + "/response");
  server.Route(live);
  auto found = store->FindBrandReply(review);
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == "9b1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f");
  CHECK((*found)->from_brand);

  auto none = store->FindBrandReply("00000027-c3d4-0014-729e-fbd500000000");  // the fake server's 404
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());
}

}  // namespace odziv::platforms::testing
