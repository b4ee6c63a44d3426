// Instagram connector over real HTTP against the fake platform server.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/instagram_connector.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {
namespace {

Source InstagramSource(const std::map<std::string, std::string>& extra) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = "zrno-instagram";
  source.platform = "instagram";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()}, {"ig_user_id", "17841406338772941"},
                     {"token", "env:ODZIV_TEST_TOKEN"}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  return source;
}

std::unique_ptr<Connector> MakeInstagram(const std::map<std::string, std::string>& extra, const Clock& clock) {
  auto connector = MakeConnector(InstagramSource(extra), ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

void ServeMediaComments(FakePlatformServer& server) {
  server.Route(Json(R"({"path":"/v21.0/17846368219941692/comments","body_file":"instagram/python-facebook__medias__comments_p1.json"})"));
  server.Route(Json(R"({"path":"/v21.0/17846368219941692/comments","match":{"after":"after"},
                        "body_file":"instagram/python-facebook__medias__comments_p2.json"})"));
}

TEST_CASE("InstagramConnector walks newest-first comment pages to the watermark across a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeMediaComments(server);
  FakeClock clock(FromUnixSeconds(1795000000));
  // Stored before: everything up to 2020-01-01.
  const std::string cursor = "after_ms=1577836800000";
  auto first = MakeInstagram({{"media_id", "17846368219941692"}}, clock)->Fetch(cursor);
  REQUIRE(first.has_value());
  CHECK(first->posts.size() == 2);
  CHECK(first->more);
  auto second = MakeInstagram({{"media_id", "17846368219941692"}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  REQUIRE(second->posts.size() == 2);
  CHECK(second->posts[0].external_id == "17914413430382429");
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == "after_edge=17858154961981086&after_ms=1591009012000");
  // Nothing new: page 1 is behind the watermark, no second request.
  auto third = MakeInstagram({{"media_id", "17846368219941692"}}, clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());
  CHECK_FALSE(third->more);
  CHECK(server.Requests().size() == 3);
  CHECK(server.Requests()[1].query == "pretty=0&limit=2&after=after");
}

TEST_CASE("InstagramConnector replies to the thread's top-level comment and to mentions") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"method":"POST","path":"/v21.0/C1/replies","body":{"id":"17873440459141021"}})"));
  server.Route(Json(R"({"method":"POST","path":"/v21.0/17841406338772941/mentions","body":{"id":"17873440459141022"}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto instagram = MakeInstagram({}, clock);
  auto reply = instagram->Publish(ReplyRequest{"R1", "C1", "Hvala!", "d"});
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "17873440459141021");
  auto mention = instagram->Publish(ReplyRequest{"17967008497439572", "mention:1799", "Hvala!", "d2"});
  REQUIRE(mention.has_value());
  CHECK(mention->external_id == "17873440459141022");
  auto requests = server.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].body == "message=Hvala%21");
  CHECK(requests[1].body == "comment_id=17967008497439572&media_id=1799&message=Hvala%21");
}

TEST_CASE("A webhook mention is fetched as a post") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/v21.0/17841406338772941","body_file":"instagram/python-facebook__users__mentioned_comment.json"})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto post = FetchInstagramMention(InstagramSource({}), ConnectorContext{TestHttp(), clock},
                                    InstagramMention{"17841406338772941", "17967008497439572", "1799"});
  REQUIRE(post.has_value());
  CHECK(post->external_id == "17967008497439572");
  CHECK(post->thread_id == "mention:1799");
  CHECK(server.Requests()[0].query.find("mentioned_comment.comment_id%2817967008497439572%29") != std::string::npos);
}

TEST_CASE("InstagramConnector reads comments of recent media and finds the account's replies") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/v21.0/17841406338772941/media","body":{"data":[{"id":"M1","permalink":"https://www.instagram.com/p/abc/",
      "comments":{"data":[{"id":"C1","text":"Kad?","timestamp":"2026-11-20T10:00:00+0000","username":"ana"}]}}]}})"));
  server.Route(Json(R"({"path":"/v21.0/C1/replies","body":{"data":[{"id":"R9","text":"Sutra!","timestamp":"2026-11-20T10:05:00+0000","username":"zrno"}]}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto instagram = MakeInstagram({{"username", "@zrno"}}, clock);
  auto page = instagram->Fetch("");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 1);
  CHECK(page->posts[0].external_id == "C1");
  auto found = instagram->FindBrandReply("C1");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == "R9");
}

}  // namespace
}  // namespace odziv::platforms::testing
