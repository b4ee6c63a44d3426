// Google Play connector over real HTTP against the fake platform server: the service-account JWT grant
// and its cache, full runs across restarts, edits, quota errors and the 350-character reply limit.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/paging.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"
#include "tests/platforms/test_keys.h"

namespace odziv::platforms::testing {
namespace {

const std::string kReviews = "/androidpublisher/v3/applications/com.zrno.app/reviews";

std::unique_ptr<Connector> MakePlay(const Clock& clock) {
  auto& server = FakePlatformServer::Shared();
  setenv("ODZIV_TEST_PLAY_KEY", TestServiceAccountJson(server.url() + "/token").c_str(), 1);
  Source source;
  source.name = "zrno-play";
  source.platform = "google_play";
  source.settings = {{"base_url", server.url()}, {"package_name", "com.zrno.app"}, {"service_account", "env:ODZIV_TEST_PLAY_KEY"}};
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

void Serve(FakePlatformServer& server) {
  server.Route(Json(R"({"method":"POST","path":"/token","body":{"access_token":"play-at-1","expires_in":3599,"token_type":"Bearer"}})"));
  server.Route(Json(R"({"path":"/androidpublisher/v3/applications/com.zrno.app/reviews","body_file":"google_play/reviews_p1.json"})"));
  server.Route(Json(R"({"path":"/androidpublisher/v3/applications/com.zrno.app/reviews","match":{"token":"CgwIp2"},
                        "body_file":"google_play/reviews_p2.json"})"));
}

}  // namespace

TEST_CASE("GooglePlayConnector exchanges a signed JWT grant for a token and caches it") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  Serve(server);
  const Timestamp start = *ParseIsoTimestamp("2026-01-02T00:00:00Z");
  FakeClock clock(start);
  auto play = MakePlay(clock);
  REQUIRE(play->Fetch("").has_value());
  REQUIRE(play->Fetch("").has_value());
  CHECK(server.Count("POST", "/token") == 1);
  auto requests = server.Requests();
  auto grant = requests[0];
  CHECK(grant.body.starts_with("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="));
  auto assertion = QueryParameter("https://x/?" + grant.body, "assertion");
  REQUIRE(assertion.has_value());
  auto jwt = DecodeAndVerifyJwt(*assertion, TestRsaKeyPem());
  CHECK(jwt.signature_valid);
  CHECK(jwt.header.at("alg").as_string() == "RS256");
  CHECK(jwt.header.at("kid").as_string() == "5c1f0e2d3b4a59687766554433221100ffeeddcc");
  CHECK(jwt.claims.at("iss").as_string() == "odziv@zrno-play.iam.gserviceaccount.com");
  CHECK(jwt.claims.at("scope").as_string() == "https://www.googleapis.com/auth/androidpublisher");
  CHECK(jwt.claims.at("aud").as_string() == server.url() + "/token");
  CHECK(jwt.claims.at("exp").as_integer() - jwt.claims.at("iat").as_integer() == 3600);
  CHECK(requests[1].Header("Authorization") == "Bearer play-at-1");

  clock.Advance(std::chrono::minutes(59));  // past the renewal margin of a 3599 s token
  REQUIRE(play->Fetch("").has_value());
  CHECK(server.Count("POST", "/token") == 2);
  server.Fault(Json(R"({"kind":"expired_token","platform":"google","path":"/androidpublisher/"})"));
  REQUIRE(play->Fetch("").has_value());
  CHECK(server.Count("POST", "/token") == 3);
}

TEST_CASE("GooglePlayConnector reads every page of a run, then only reviews modified since, across restarts") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  Serve(server);
  FakeClock clock(*ParseIsoTimestamp("2026-01-02T00:00:00Z"));
  auto first = MakePlay(clock)->Fetch("");
  REQUIRE(first.has_value());
  CHECK(first->more);  // the first poll reads all 7 days too
  CHECK(first->posts.size() == 3);
  CHECK(first->posts.front().external_id == "12345678");  // oldest first
  CHECK(first->next_cursor.find("page=CgwIp2") != std::string::npos);

  auto second = MakePlay(clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK_FALSE(second->more);
  REQUIRE(second->posts.size() == 1);
  CHECK(second->next_cursor == "after_edge=gp%3AAOqpTOF-example2&after_ms=1767312000500");

  // The next run reads both pages again and returns nothing it returned before.
  auto third = MakePlay(clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());
  CHECK(third->more);
  auto fourth = MakePlay(clock)->Fetch(third->next_cursor);
  REQUIRE(fourth.has_value());
  CHECK(fourth->posts.empty());
  CHECK(fourth->next_cursor == second->next_cursor);

  // An edit moves lastModified past the mark: the review comes again.
  server.Route(Json(R"({"path":"/androidpublisher/v3/applications/com.zrno.app/reviews","body":{"reviews":[
      {"reviewId":"12345678","authorName":"Jane Bloggs","comments":[{"userComment":{"text":"Was the best app, now it logs me out.",
       "lastModified":{"seconds":"1767400000","nanos":0},"starRating":2}}]}]}})"));
  auto edited = MakePlay(clock)->Fetch(second->next_cursor);
  REQUIRE(edited.has_value());
  REQUIRE(edited->posts.size() == 1);
  CHECK(edited->posts[0].external_id == "12345678");
  CHECK(edited->posts[0].rating == 2);
}

TEST_CASE("GooglePlayConnector: quota errors wait, a refused grant needs a person") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  Serve(server);
  FakeClock clock(*ParseIsoTimestamp("2026-01-02T00:00:00Z"));
  auto play = MakePlay(clock);
  server.Fault(Json(R"({"kind":"status","status":429,"path":"/androidpublisher/",
      "body":{"error":{"code":429,"message":"Too many requests for androidpublisher.","status":"RESOURCE_EXHAUSTED"}}})"));
  auto limited = play->Fetch("");
  REQUIRE_FALSE(limited.has_value());
  CHECK(limited.error().code == ErrorCode::kRateLimited);
  CHECK(limited.error().retry_after.has_value());

  server.Reset();
  server.Route(Json(R"({"method":"POST","path":"/token","status":400,"body":{"error":"invalid_grant","error_description":"Invalid JWT Signature."}})"));
  auto refused = MakePlay(clock)->Fetch("");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::kUnauthenticated);
  CHECK(refused.error().message.find("Invalid JWT Signature") != std::string::npos);
}

TEST_CASE("GooglePlayConnector replies once within 350 characters and finds the developer's reply") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  Serve(server);
  server.Route(Json(R"({"method":"POST","path":"/androidpublisher/v3/applications/com.zrno.app/reviews/gp%3AAOqpTOE-example:reply",
                        "body_file":"google_play/reply.json"})"));
  server.Route(Json(R"({"path":"/androidpublisher/v3/applications/com.zrno.app/reviews/gp%3AAOqpTOE-example","body_file":"google_play/review_get.json"})"));
  FakeClock clock(*ParseIsoTimestamp("2026-01-02T00:00:00Z"));
  auto play = MakePlay(clock);
  // 350 characters of Cyrillic are 700 bytes: the limit counts characters.
  std::string longest;
  for (int i = 0; i < 350; ++i) longest += "ж";
  auto published = play->Publish(ReplyRequest{"gp:AOqpTOE-example", "", longest, "d-1"});
  REQUIRE(published.has_value());
  CHECK(published->external_id == "gp:AOqpTOE-example/reply");
  CHECK(server.Count("POST", kReviews + "/gp%3AAOqpTOE-example:reply") == 1);

  auto too_long = play->Publish(ReplyRequest{"gp:AOqpTOE-example", "", longest + "!", "d-2"});
  REQUIRE_FALSE(too_long.has_value());
  CHECK(too_long.error().code == ErrorCode::kFailedPrecondition);
  CHECK(too_long.error().message.find("351") != std::string::npos);
  CHECK(server.Count("POST", kReviews + "/gp%3AAOqpTOE-example:reply") == 1);

  auto found = play->FindBrandReply("gp:AOqpTOE-example");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->text == "Thanks, a fix is in 4.2.2.");
}

}  // namespace odziv::platforms::testing
