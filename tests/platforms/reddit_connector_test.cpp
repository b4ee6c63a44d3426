// Reddit connector over real HTTP against the fake platform server: the OAuth token exchange (grants,
// renewal before expiry and after a 401), `before` paging across restarts, Reddit's rate-limit headers,
// replies with /api/comment and the brand's own replies.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/base64.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms::testing {
namespace {

constexpr std::string_view kUserAgent = "linux:odziv-test:0.1 (by /u/zrno_official)";

std::unique_ptr<Connector> MakeReddit(const std::map<std::string, std::string>& extra, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  const std::string& url = FakePlatformServer::Shared().url();
  Source source;
  source.name = "zrno-reddit";
  source.platform = "reddit";
  source.settings = {{"base_url", url},
                     {"auth_url", url},
                     {"client_id", "odziv-test"},
                     {"client_secret", "env:ODZIV_TEST_TOKEN"},
                     {"user_agent", std::string(kUserAgent)}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  if (!connector) FAIL(Describe(connector.error()));
  return std::move(*connector);
}

// A token endpoint that issues "tok-1", "tok-2", … valid for an hour.
void ServeTokens(FakePlatformServer& server) {
  server.Route(Json(R"({"method":"POST","path":"/api/v1/access_token","numbered":true,
                        "body":{"access_token":"tok-#{n}","token_type":"bearer","expires_in":3600,"scope":"*"}})"));
}

std::string Link(std::string_view id, int minute) {
  return fmt::format(R"({{"kind":"t3","data":{{"name":"t3_{0}","id":"{0}","title":"Zrno {0}","selftext":"",
      "author":"ana","author_fullname":"t2_ana","created_utc":{1}.0,"permalink":"/r/zrno/comments/{0}/x/"}}}})",
                     id, 1795000000 + minute * 60);
}

std::string Listing(const std::vector<std::string>& children, std::string_view after = "") {
  std::string joined;
  for (const auto& c : children) joined += (joined.empty() ? "" : ",") + c;
  return fmt::format(R"({{"kind":"Listing","data":{{"children":[{}],"after":{},"before":null}}}})", joined,
                     after.empty() ? "null" : fmt::format("\"{}\"", after));
}

void Serve(FakePlatformServer& server, std::string_view path, std::string_view match, const std::string& listing) {
  web::json::value route = Json(fmt::format(R"({{"path":"{}","match":{}}})", path, match));
  route["body"] = web::json::value::string(listing);
  server.Route(route);
}

std::vector<std::string> Ids(const FetchPage& page) {
  std::vector<std::string> ids;
  for (const auto& p : page.posts) ids.push_back(p.external_id);
  return ids;
}

TEST_CASE("RedditConnector exchanges app credentials for a token and polls a subreddit's new posts") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Load("reddit/praw__TestSubredditListings.test_new.json");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeReddit({{"subreddit", "r/askreddit"}}, clock)->Fetch("");
  REQUIRE(page.has_value());
  CHECK(page->posts.size() == 100);
  CHECK_FALSE(page->more);
  CHECK(page->next_cursor == "before=t3_48fbm9&before_ms=1456821458000");

  auto requests = server.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].path == "/api/v1/access_token");
  CHECK(requests[0].body == "grant_type=client_credentials");
  CHECK(requests[0].Header("Authorization") == BasicAuthorization("odziv-test", kTestToken));
  CHECK(requests[0].Header("User-Agent") == kUserAgent);
  CHECK(requests[1].path == "/r/askreddit/new");
  CHECK(requests[1].query == "limit=100&raw_json=1");
  CHECK(requests[1].Header("Authorization") == "Bearer <ACCESS_TOKEN>");
  CHECK(requests[1].Header("User-Agent") == kUserAgent);
}

TEST_CASE("RedditConnector reads a burst larger than a page in order across a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  Serve(server, "/r/zrno/new", R"({"before":"t3_a"})", Listing({Link("c", 3), Link("b", 2)}));
  Serve(server, "/r/zrno/new", R"({"before":"t3_c"})", Listing({Link("d", 4)}));
  Serve(server, "/r/zrno/new", R"({"before":"t3_d"})", Listing({}));
  Serve(server, "/r/zrno/new", "{}", Listing({Link("d", 4), Link("c", 3)}));
  FakeClock clock(FromUnixSeconds(1795000000));

  auto first = MakeReddit({{"subreddit", "zrno"}, {"limit", "2"}}, clock)->Fetch("before=t3_a");
  REQUIRE(first.has_value());
  CHECK(Ids(*first) == std::vector<std::string>{"t3_b", "t3_c"});
  CHECK(first->more);
  CHECK(first->next_cursor == "before=t3_c&before_ms=1795000180000");
  CHECK(first->posts[0].text == "Zrno b");
  CHECK(first->posts[0].url == "https://www.reddit.com/r/zrno/comments/b/x/");

  // The daemon restarts: a new connector logs in again and resumes from the stored cursor.
  auto second = MakeReddit({{"subreddit", "zrno"}, {"limit", "2"}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK(Ids(*second) == std::vector<std::string>{"t3_d"});
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == "before=t3_d&before_ms=1795000240000");

  auto third = MakeReddit({{"subreddit", "zrno"}, {"limit", "2"}}, clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());
  CHECK(third->next_cursor == second->next_cursor);
  CHECK(server.Count("POST", "/api/v1/access_token") == 3);
}

TEST_CASE("RedditConnector moves on when Reddit no longer lists the item its cursor names") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  // t3_gone (minute 2) was removed by a moderator: `before` it answers an empty page.
  Serve(server, "/r/zrno/new", R"({"before":"t3_gone"})", Listing({}));
  Serve(server, "/r/zrno/new", "{}", Listing({Link("e", 5), Link("d", 4), Link("a", 1)}));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeReddit({{"subreddit", "zrno"}}, clock)->Fetch("before=t3_gone&before_ms=1795000120000");
  REQUIRE(page.has_value());
  CHECK(Ids(*page) == std::vector<std::string>{"t3_d", "t3_e"});
  CHECK_FALSE(page->more);
  CHECK(page->next_cursor == "before=t3_e&before_ms=1795000300000");
}

TEST_CASE("RedditConnector renews its token shortly before it expires, not on every poll") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  Serve(server, "/r/zrno/comments", "{}", Listing({}));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reddit = MakeReddit({{"subreddit", "zrno"}, {"listing", "comments"}}, clock);
  REQUIRE(reddit->Fetch("").has_value());
  clock.Advance(std::chrono::seconds(3000));
  REQUIRE(reddit->Fetch("").has_value());
  CHECK(server.Count("POST", "/api/v1/access_token") == 1);
  clock.Advance(std::chrono::seconds(550));  // 50 s before the hour is up
  REQUIRE(reddit->Fetch("").has_value());
  CHECK(server.Count("POST", "/api/v1/access_token") == 2);
  auto requests = server.Requests();
  CHECK(requests.back().Header("Authorization") == "Bearer tok-2");
}

TEST_CASE("RedditConnector renews a token Reddit refuses with 401 and sends the request once more") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  Serve(server, "/r/zrno/new", "{}", Listing({Link("a", 1)}));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reddit = MakeReddit({{"subreddit", "zrno"}}, clock);
  server.Fault(Json(R"({"kind":"expired_token","platform":"reddit","path":"/r/zrno/new"})"));
  auto page = reddit->Fetch("");
  REQUIRE(page.has_value());
  CHECK(page->posts.size() == 1);
  auto requests = server.Requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[1].Header("Authorization") == "Bearer tok-1");
  CHECK(requests[2].path == "/api/v1/access_token");
  CHECK(requests[3].Header("Authorization") == "Bearer tok-2");

  // Refused again after a fresh token: the credentials are wrong, a person must act.
  server.Fault(Json(R"({"kind":"expired_token","platform":"reddit","path":"/r/zrno/new","times":2})"));
  auto refused = reddit->Fetch("");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::kUnauthenticated);
  CHECK(refused.error().message.find("tok-") == std::string::npos);
}

TEST_CASE("RedditConnector turns HTTP 429 into retry-after from x-ratelimit-reset seconds") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  server.Fault(Json(R"({"kind":"rate_limit","platform":"reddit","retry_after":37,"path":"/r/"})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeReddit({{"subreddit", "zrno"}}, clock)->Fetch("before=t3_a");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kRateLimited);
  CHECK(page.error().retry_after == std::chrono::seconds(37));
  CHECK(page.error().message == "reddit GET /r/:sub/new answered HTTP 429 (Too Many Requests)");
}

TEST_CASE("RedditConnector logs in as the brand account to read its mentions") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Load("reddit/praw__TestInbox.test_mentions.json");
  setenv("ODZIV_TEST_PASSWORD", "pa ss&word", 1);
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeReddit({{"username", "zrno_official"}, {"password", "env:ODZIV_TEST_PASSWORD"}, {"limit", "16"}},
                         clock)->Fetch("");
  REQUIRE(page.has_value());
  CHECK(page->posts.size() == 16);
  CHECK(page->next_cursor == "before=t1_ekftbox&before_ms=1554774308000");
  auto requests = server.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].body == "grant_type=password&username=zrno_official&password=pa%20ss%26word");
  CHECK(requests[1].path == "/message/mentions");
  CHECK(requests[1].query == "mark=false&limit=16&raw_json=1");
}

TEST_CASE("RedditConnector searches by new, within a subreddit when one is set") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  web::json::value route = Json(R"({"path":"/r/redditdev/search","match":{"q":"praw oauth","restrict_sr":"1","sort":"new"}})");
  route["body"] = web::json::value::string(CassetteBody("reddit/praw__TestSubreddit.test_search.json", 1));
  server.Route(route);
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeReddit({{"subreddit", "redditdev"}, {"query", "praw oauth"}}, clock)->Fetch("");
  REQUIRE(page.has_value());
  CHECK(page->posts.size() == 6);
  CHECK(page->next_cursor == "before=t3_4at068&before_ms=1458221634000");
}

TEST_CASE("RedditConnector reports a listing of the wrong shape as malformed and keeps the cursor") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  Serve(server, "/r/zrno/new", "{}", R"({"kind":"Listing","data":{"children":[{"kind":"t3","data":{"title":"x"}}]}})");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeReddit({{"subreddit", "zrno"}}, clock)->Fetch("before=t3_a");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kMalformed);
  CHECK(page.error().message == "reddit GET /r/:sub/new: $.data.children[0].data.name is missing");
}

TEST_CASE("RedditConnector posts a reply once with /api/comment and returns the comment's fullname") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  web::json::value route = Json(R"({"method":"POST","path":"/api/comment"})");
  route["body"] = web::json::value::string(CassetteBody("reddit/praw__TestComment.test_reply.json", 1));
  server.Route(route);
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reddit = MakeReddit({{"subreddit", "zrno"}}, clock);
  auto reply = reddit->Publish(ReplyRequest{"t1_d1616q2", "t3_4b1tfm", "Comment reply", "d-1"});
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "t1_d1680wu");
  CHECK(server.Count("POST", "/api/comment") == 1);
  auto requests = server.Requests();
  CHECK(requests.back().body == "api_type=json&thing_id=t1_d1616q2&text=Comment%20reply");
  CHECK(requests.back().Header("Content-Type").starts_with("application/x-www-form-urlencoded"));

  auto bad = reddit->Publish(ReplyRequest{"d1616q2", "", "Comment reply", "d-2"});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ErrorCode::kInvalidArgument);
  CHECK(server.Count("POST", "/api/comment") == 1);
}

TEST_CASE("RedditConnector reports Reddit's RATELIMIT inside HTTP 200 as a rate limit, sent once") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  server.Route(Json(R"({"method":"POST","path":"/api/comment","body":{"json":{"errors":[
      ["RATELIMIT","you are doing that too much. try again in 9 minutes.","ratelimit"]]}}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reply = MakeReddit({{"subreddit", "zrno"}}, clock)->Publish(ReplyRequest{"t3_4b1tfm", "t3_4b1tfm", "Hvala!", "d-1"});
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == ErrorCode::kRateLimited);
  CHECK(reply.error().retry_after == std::chrono::seconds(540));
  CHECK(server.Count("POST", "/api/comment") == 1);
}

TEST_CASE("RedditConnector finds the brand's own reply among its newest comments") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTokens(server);
  Serve(server, "/user/zrno_official/comments", "{}",
        Listing({R"({"kind":"t1","data":{"name":"t1_r2","body":"Hvala!","author":"zrno_official","parent_id":"t3_other",
                    "link_id":"t3_other","created_utc":1795000300.0}})",
                 R"({"kind":"t1","data":{"name":"t1_r1","body":"Izvinite, javljamo se.","author":"zrno_official",
                    "parent_id":"t3_abc","link_id":"t3_abc","created_utc":1795000200.0}})"}));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reddit = MakeReddit({{"subreddit", "zrno"}, {"brand_username", "u/zrno_official"}}, clock);
  auto found = reddit->FindBrandReply("t3_abc");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == "t1_r1");
  CHECK((*found)->from_brand);
  CHECK((*found)->thread_id == "t3_abc");
  auto none = reddit->FindBrandReply("t3_nothing");
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());
  auto unknown = MakeReddit({{"subreddit", "zrno"}}, clock)->FindBrandReply("t3_abc");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("RedditConnector settings are checked when the connector is made") {
  FakeClock clock(FromUnixSeconds(1795000000));
  auto make = [&](std::map<std::string, std::string> settings) {
    Source source;
    source.name = "bad-reddit";
    source.platform = "reddit";
    source.settings = std::move(settings);
    return MakeConnector(source, ConnectorContext{TestHttp(), clock});
  };
  auto no_id = make({{"subreddit", "zrno"}, {"user_agent", "a"}});
  REQUIRE_FALSE(no_id.has_value());
  CHECK(no_id.error().message.starts_with("source bad-reddit (reddit): needs setting 'client_id'"));
  auto no_account = make({{"client_id", "x"}, {"user_agent", "a"}});
  REQUIRE_FALSE(no_account.has_value());
  CHECK(no_account.error().code == ErrorCode::kConfig);
  CHECK(no_account.error().message.find("'username' and 'password'") != std::string::npos);
  auto bad_sub = make({{"client_id", "x"}, {"user_agent", "a"}, {"subreddit", "zrno/new"}});
  REQUIRE_FALSE(bad_sub.has_value());
  CHECK(bad_sub.error().message.find("setting 'subreddit'") != std::string::npos);
  auto no_agent = make({{"client_id", "x"}, {"subreddit", "zrno"}});
  REQUIRE_FALSE(no_agent.has_value());
  CHECK(no_agent.error().message.find("'user_agent'") != std::string::npos);
  auto pasted = make({{"client_id", "x"}, {"subreddit", "zrno"}, {"user_agent", "a"}, {"client_secret", "s3cr3t-pasted"}});
  REQUIRE_FALSE(pasted.has_value());
  CHECK(pasted.error().message.find("s3cr3t") == std::string::npos);
  auto bad_auth_url = make({{"client_id", "x"}, {"subreddit", "zrno"}, {"user_agent", "a"}, {"auth_url", "ftp://x"}});
  REQUIRE_FALSE(bad_auth_url.has_value());
  CHECK(bad_auth_url.error().message.find("'auth_url'") != std::string::npos);
  CHECK(make({{"client_id", "x"}, {"subreddit", "zrno"}, {"brand_username", "zrno_official"}}).has_value());
}

}  // namespace
}  // namespace odziv::platforms::testing
