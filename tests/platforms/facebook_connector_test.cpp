// Facebook connector over real HTTP against the fake platform server.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {
namespace {

std::unique_ptr<Connector> MakeFacebook(const std::map<std::string, std::string>& extra, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = "zrno-facebook";
  source.platform = "facebook";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()}, {"page_id", "19292868552"}, {"token", "env:ODZIV_TEST_TOKEN"}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

TEST_CASE("FacebookConnector pages a post's comments oldest first and resumes across a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  const std::string post = "19292868552_10158407654328553";
  server.Route(Json(R"({"path":"/v21.0/19292868552_10158407654328553/comments","body_file":"facebook/python-facebook__comments__comments_p1.json"})"));
  server.Route(Json(R"({"path":"/v21.0/19292868552_10158407654328553/comments","match":{"after":"after"},
                        "body_file":"facebook/python-facebook__comments__comments_p2.json"})"));
  server.Route(Json(R"({"path":"/v21.0/19292868552_10158407654328553/comments","match":{"since":"1628925882"},"body":{"data":[]}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto first = MakeFacebook({{"post_id", post}}, clock)->Fetch("");
  REQUIRE(first.has_value());
  CHECK(first->posts.size() == 10);
  CHECK(first->more);
  auto second = MakeFacebook({{"post_id", post}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK(second->posts.size() == 5);
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == "after_edge=10158407654328553_10158414644018553&after_ms=1628925882000");
  auto third = MakeFacebook({{"post_id", post}}, clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());

  auto requests = server.Requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].query.find("order=chronological") != std::string::npos);
  CHECK(requests[0].query.find("filter=stream") != std::string::npos);
  CHECK(requests[1].query.find("after=after") != std::string::npos);
  CHECK(requests[1].query.find("access_token") == std::string::npos);
  CHECK(requests[1].Header("Authorization") == "Bearer " + std::string(kTestToken));
  CHECK(requests[2].query.find("since=1628925882") != std::string::npos);
}

TEST_CASE("FacebookConnector reads the feed window to its end before moving the watermark") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/v21.0/4/feed","body_file":"facebook/python-facebook__posts__feed_fields_p1.json"})"));
  server.Route(Json(R"({"path":"/v21.0/4/feed","match":{"until":"1624385168"},"body":{"data":[
      {"id":"4_1","message":"older post","created_time":"2021-06-01T10:00:00+0000",
       "comments":{"data":[{"id":"1_9","message":"new comment on an old post","created_time":"2021-07-05T10:00:00+0000"}]}}]}})"));
  FakeClock clock(*ParseIsoTimestamp("2021-07-06T00:00:00Z"));
  // A watermark before the newest post: the run returns what is newer, on both pages.
  const std::string cursor = "after_ms=1625000000000";
  auto first = MakeFacebook({{"page_id", "4"}}, clock)->Fetch(cursor);
  REQUIRE(first.has_value());
  REQUIRE(first->posts.size() == 2);  // July 2 and July 4
  CHECK(first->more);
  CHECK(first->next_cursor.find("after_ms=1625000000000") != std::string::npos);
  auto second = MakeFacebook({{"page_id", "4"}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  REQUIRE(second->posts.size() == 1);
  CHECK(second->posts[0].external_id == "1_9");
  CHECK(second->posts[0].parent_id == "4_1");
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == "after_edge=1_9&after_ms=1625479200000");
  auto requests = server.Requests();
  CHECK(requests[0].query.find("since=1624924800") != std::string::npos);  // 7 days back
}

TEST_CASE("FacebookConnector turns Meta's throttling codes into retry-after") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Fault(Json(R"({"kind":"rate_limit","platform":"meta","code":32,"retry_after":780})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeFacebook({}, clock)->Fetch("");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kRateLimited);
  CHECK(page.error().retry_after == std::chrono::minutes(13));
  CHECK(page.error().message.find("code 32") != std::string::npos);
}

TEST_CASE("FacebookConnector replies with a form message and finds the Page's own reply") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"method":"POST","path":"/v21.0/1_2/comments","body_file":"facebook/python-facebook__comments__create_resp.json"})"));
  server.Route(Json(R"({"path":"/v21.0/1_2/comments","body":{"data":[
      {"id":"2_3","message":"hm","created_time":"2026-11-20T10:01:00+0000","from":{"id":"55","name":"Bo"}},
      {"id":"2_4","message":"Hvala!","created_time":"2026-11-20T10:02:00+0000","from":{"id":"19292868552","name":"Zrno"}}]}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto fb = MakeFacebook({}, clock);
  auto reply = fb->Publish(ReplyRequest{"1_2", "1_2", "Hvala & doviđenja!", "d"});
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "245778718206154_229887283291835");
  CHECK(server.Requests()[0].body == "message=Hvala%20%26%20dovi%C4%91enja%21");
  auto found = fb->FindBrandReply("1_2");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == "2_4");
}

}  // namespace
}  // namespace odziv::platforms::testing
