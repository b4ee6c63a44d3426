// Every recorded item of every platform, served by tests/fake_platform/recorded.json, is ingested by its
// connector with the source settings docs/platforms.md gives: the check behind `odziv poll SOURCE --once`
// against the fake server, without the daemon.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {
namespace {

struct Case {
  const char* platform;
  std::map<std::string, std::string> settings;
  std::size_t posts;
  const char* first_id;  // the oldest post
  const char* last_id;   // the newest post
};

TEST_CASE("recorded.json serves every recording, and each connector ingests all of its items") {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  web::json::value routes = web::json::value::object();
  routes["file"] = web::json::value::string(std::string(ODZIV_SOURCE_DIR) + "/tests/fake_platform/recorded.json");
  {
    HttpRequest request;
    request.method = "POST";
    request.url = server.url() + "/_fake/routes";
    request.body = routes.serialize();
    auto r = TestHttp().Send(request);
    REQUIRE(r.has_value());
    REQUIRE(r->status == 200);
  }
  const std::string url = server.url();
  const std::string token = "env:ODZIV_TEST_TOKEN";
  const std::vector<Case> cases = {
      {"x", {{"query", "Tweepy"}, {"token", token}}, 10, "1578511538419212288", "1578516068309794817"},
      {"x", {{"user_id", "783214"}, {"token", token}}, 10, "1578516107798884353", "1578516295611748353"},
      {"x", {{"query", "snowman"}, {"token", token}}, 4, "1275653067283759104", "1276035977375477760"},
      {"x", {{"user_id", "2244994945"}, {"token", token}}, 5, "1364367885582352386", "1364398068313903104"},
      {"mastodon", {{"token", token}}, 1, "117020577157693549", "117020577157693549"},
      {"reddit", {{"subreddit", "askreddit"}, {"auth_url", url}, {"client_id", "odziv"}, {"user_agent", "odziv-test"}},
       100, "t3_48f6io", "t3_48fbm9"},
      {"reddit", {{"username", "zrno"}, {"password", token}, {"limit", "16"}, {"auth_url", url}, {"client_id", "odziv"}},
       16, "t1_ekfncs9", "t1_ekftbox"},
      {"bluesky", {{"handle", "bskyr.bsky.social"}, {"app_password", token}}, 11,
       "at://did:plc:dvdagn45jd7yybrbsh3ygs5l/app.bsky.feed.post/3lffbrjglpc2u",
       "at://did:plc:lprqqpoyjspuma25n5gofocf/app.bsky.feed.post/3lmicbemya22g"},
      {"bluesky", {{"handle", "bskyr.bsky.social"}, {"app_password", token}, {"query", "redistricting"}}, 25, "",
       "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m"},
      {"rss", {{"url", url + "/feeds/github.atom"}}, 20, "tag:github.com,2008:Grit::Commit/d465158f77dcd9078697e6167b50abbfdfa8b1af",
       "tag:github.com,2008:Grit::Commit/d0a844662846cf3c83b94c637c1803f03db5a5b0"},
      {"rss", {{"url", url + "/feeds/onethingwell.rss"}}, 20, "http://onethingwell.org/post/125509667816",
       "http://onethingwell.org/post/127163643556"},
      {"rss", {{"url", url + "/feeds/youtube.xml"}}, 15, "", "yt:video:OCs1E0vP7Oc"},
      {"rss", {{"url", url + "/feeds/iso-8859-1.rss"}}, 1, "http://example.net/post/1", "http://example.net/post/1"},
      {"youtube", {{"channel_id", "UCa-vrCLQHviTOVnEKDOdetQ"}, {"token", token}}, 4, "UgwSRpgkjCe6OHHe3IJ4AaABAg",
       "UgyWeTdgc4sc1xgmbld4AaABAg"},
      {"youtube", {{"video_id", "F1UP7wRCPH8"}, {"token", token}}, 5, "UgwI_ylXVnzPS8Q-oAV4AaABAg", "UgyZ1jqkHKYvi1-ruOZ4AaABAg"},
      {"facebook", {{"page_id", "4"}, {"token", token}}, 5, "4_10113319652002411", "4_10113477241177441"},
      {"facebook", {{"page_id", "19292868552"}, {"post_id", "19292868552_10158407654328553"}, {"token", token}}, 15,
       "10158407654328553_10158407835073553", "10158407654328553_10158414644018553"},
      {"instagram", {{"ig_user_id", "17841406338772941"}, {"media_id", "17846368219941692"}, {"token", token}}, 2,
       "17874875428706419", "17858154961981086"},
  };
  FakeClock clock(FromUnixSeconds(1795000000));
  for (const auto& c : cases) {
    Source source;
    source.name = std::string("recorded-") + c.platform;
    source.platform = c.platform;
    source.settings = c.settings;
    source.settings["base_url"] = url;
    INFO(c.platform << " " << source.settings.begin()->second);
    auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
    REQUIRE(connector.has_value());
    // As `odziv poll --once` would: the first poll, then at once again while the platform has more.
    std::vector<Post> posts;
    std::string cursor;
    for (int round = 0; round < 5; ++round) {
      auto page = (*connector)->Fetch(cursor);
      REQUIRE(page.has_value());
      for (auto& p : page->posts) posts.push_back(std::move(p));
      cursor = page->next_cursor;
      if (!page->more) break;
    }
    REQUIRE(posts.size() == c.posts);
    if (*c.first_id) CHECK(posts.front().external_id == c.first_id);
    CHECK(posts.back().external_id == c.last_id);
    for (const auto& p : posts) {
      CHECK(p.platform == c.platform);
      CHECK(ToUnixMillis(p.created_at) > 0);
    }
  }
}

}  // namespace
}  // namespace odziv::platforms::testing
