// X connector over real HTTP against the fake platform server: paging, cursors across restarts, the
// mentions endpoint's own paging parameter, rate-limit resets, replies and the brand's own replies.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms::testing {
namespace {

std::unique_ptr<Connector> MakeX(const std::map<std::string, std::string>& extra, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = "zrno-x";
  source.platform = "x";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()}, {"token", "env:ODZIV_TEST_TOKEN"}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

std::vector<std::string> Ids(const FetchPage& page) {
  std::vector<std::string> ids;
  for (const auto& p : page.posts) ids.push_back(p.external_id);
  return ids;
}

std::string Tweet(const char* id, const char* minute) {
  return fmt::format(R"({{"id":"{}","text":"t{}","author_id":"7","created_at":"2026-11-20T10:{}:00.000Z","edit_history_tweet_ids":["{}"]}})",
                     id, id, minute, id);
}

void ServeTwoPages(FakePlatformServer& server, const char* path, const char* token_param) {
  server.Route(Json(fmt::format(
      R"({{"path":"{}","match":{{"since_id":"1000"}},"body":{{"data":[{},{}],
          "includes":{{"users":[{{"id":"7","username":"ana","name":"Ana","public_metrics":{{"followers_count":1200}}}}]}},
          "meta":{{"newest_id":"1005","oldest_id":"1004","result_count":2,"next_token":"T2"}}}}}})",
      path, Tweet("1005", "05"), Tweet("1004", "04"))));
  server.Route(Json(fmt::format(
      R"({{"path":"{}","match":{{"since_id":"1000","{}":"T2"}},"body":{{"data":[{},{},{}],
          "meta":{{"newest_id":"1003","oldest_id":"1001","result_count":3}}}}}})",
      path, token_param, Tweet("1003", "03"), Tweet("1002", "02"), Tweet("1001", "01"))));
  server.Route(Json(fmt::format(R"({{"path":"{}","match":{{"since_id":"1005"}},"body":{{"meta":{{"result_count":0}}}}}})", path)));
}

TEST_CASE("XConnector pages newest-first search results without skipping anything across a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTwoPages(server, "/2/tweets/search/recent", "next_token");
  FakeClock clock(FromUnixSeconds(1795000000));

  auto first = MakeX({{"query", "zrno"}}, clock)->Fetch("since=1000");
  REQUIRE(first.has_value());
  CHECK(Ids(*first) == std::vector<std::string>{"1004", "1005"});
  CHECK(first->more);
  CHECK(first->posts[0].author.handle == "@ana");
  CHECK(first->posts[0].author.reach == 1200);
  // `since` stays at 1000 until the older page is stored.
  CHECK(first->next_cursor == "newest=1005&since=1000&token=T2");

  // The daemon restarts: a new connector resumes from the stored cursor.
  auto second = MakeX({{"query", "zrno"}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK(Ids(*second) == std::vector<std::string>{"1001", "1002", "1003"});
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == "since=1005");

  auto third = MakeX({{"query", "zrno"}}, clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());
  CHECK(third->next_cursor == "since=1005");

  auto requests = server.Requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].query.find("next_token=T2") != std::string::npos);
  CHECK(requests[1].query.find("since_id=1000") != std::string::npos);
  CHECK(requests[0].query.find("expansions=author_id") != std::string::npos);
  CHECK(requests[0].Header("Authorization") == "Bearer " + std::string(kTestToken));
  CHECK(requests[0].Header("User-Agent").find("odziv") != std::string::npos);
  // Answers come gzip-compressed from the fake server when asked; the posts above were decoded from them.
  CHECK(requests[0].Header("Accept-Encoding").find("gzip") != std::string::npos);
}

TEST_CASE("XConnector pages mentions with pagination_token") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeTwoPages(server, "/2/users/783214/mentions", "pagination_token");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto x = MakeX({{"user_id", "783214"}}, clock);
  auto first = x->Fetch("since=1000");
  REQUIRE(first.has_value());
  auto second = x->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK(Ids(*second) == std::vector<std::string>{"1001", "1002", "1003"});
  CHECK(server.Requests()[1].query.find("pagination_token=T2") != std::string::npos);
}

TEST_CASE("XConnector ingests the recorded mentions on a first poll and keeps their newest id") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Load("x/tweepy__test_client_get_users_mentions.json");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeX({{"user_id", "783214"}}, clock)->Fetch("");
  REQUIRE(page.has_value());
  CHECK(page->posts.size() == 10);
  CHECK_FALSE(page->more);
  CHECK(page->next_cursor == "since=1578516295611748353");
}

TEST_CASE("XConnector turns HTTP 429 into retry-after from x-rate-limit-reset") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Load("x/tweepy__test_client_search_recent_tweets.json");
  server.Fault(Json(R"({"kind":"rate_limit","platform":"x","reset_epoch":1665183229})"));
  FakeClock clock(FromUnixSeconds(1665183000));
  auto page = MakeX({{"query", "Tweepy"}}, clock)->Fetch("since=5");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kRateLimited);
  CHECK(page.error().retry_after == std::chrono::seconds(229));
  CHECK(page.error().message == "x GET /2/tweets/search/recent answered HTTP 429 (Too Many Requests)");
}

TEST_CASE("XConnector restarts a paging run whose token X no longer accepts") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/2/tweets/search/recent","match":{"next_token":"OLD"},"status":400,
                        "body":{"errors":[{"message":"Invalid next_token"}],"title":"Invalid Request"}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeX({{"query", "zrno"}}, clock)->Fetch("newest=9&since=5&token=OLD");
  REQUIRE(page.has_value());
  CHECK(page->posts.empty());
  CHECK(page->more);
  CHECK(page->next_cursor == "since=5");
}

TEST_CASE("XConnector posts a reply once with in_reply_to_tweet_id and returns its id") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Load("x/tweepy__test_client_create_and_delete_tweet.json");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reply = MakeX({{"query", "zrno"}}, clock)->Publish(ReplyRequest{"1578516068309794817", "1578516068309794817", "Hvala!", "d-1"});
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "1456012973835788293");
  auto requests = server.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].body == R"({"reply":{"in_reply_to_tweet_id":"1578516068309794817"},"text":"Hvala!"})");
  CHECK(requests[0].Header("Content-Type").starts_with("application/json"));
}

TEST_CASE("XConnector reports a reply X refuses with 403 as a failed precondition with X's words") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"method":"POST","path":"/2/tweets","status":403,
      "body":{"detail":"You attempted to reply to a Tweet that is deleted or not visible to you.","title":"Forbidden"}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reply = MakeX({{"query", "zrno"}}, clock)->Publish(ReplyRequest{"1", "1", "Hvala!", "d-1"});
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == ErrorCode::kFailedPrecondition);
  CHECK(reply.error().message.find("deleted or not visible") != std::string::npos);
}

TEST_CASE("XConnector finds the brand's own reply to a post") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/2/tweets/search/recent","match":{"query":"in_reply_to_tweet_id:1276 from:zrno"},
      "body":{"data":[{"id":"1300000000000000000","text":"@ana Hvala!","author_id":"55","conversation_id":"1276",
                       "referenced_tweets":[{"type":"replied_to","id":"1276"}]}],
              "includes":{"users":[{"id":"55","username":"Zrno","name":"Zrno"}]},
              "meta":{"newest_id":"1300000000000000000","result_count":1}}})"));
  server.Route(Json(R"({"path":"/2/tweets/search/recent","match":{"query":"in_reply_to_tweet_id:9 from:zrno"},
      "body":{"meta":{"result_count":0}}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto x = MakeX({{"query", "zrno"}, {"brand_handle", "@zrno"}}, clock);
  auto found = x->FindBrandReply("1276");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == "1300000000000000000");
  CHECK((*found)->parent_id == "1276");
  CHECK((*found)->from_brand);
  auto none = x->FindBrandReply("9");
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());
  auto unknown = MakeX({{"query", "zrno"}}, clock)->FindBrandReply("9");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("XConnector settings are checked when the connector is made") {
  FakeClock clock(FromUnixSeconds(1795000000));
  Source source;
  source.name = "bad-x";
  source.platform = "x";
  source.settings = {{"token", "env:ODZIV_TEST_TOKEN"}};
  auto none = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == ErrorCode::kConfig);
  CHECK(none.error().message == "source bad-x (x): needs setting 'query' (recent search) or 'user_id' (mentions)");
  source.settings = {{"query", "zrno"}, {"token", "AAAApasted-bearer-token"}};
  auto pasted = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE_FALSE(pasted.has_value());
  CHECK(pasted.error().message.find("AAAApasted") == std::string::npos);
  source.settings = {{"query", "zrno"}, {"token", "env:ODZIV_TEST_TOKEN"}, {"base_url", "ftp://x"}};
  CHECK_FALSE(MakeConnector(source, ConnectorContext{TestHttp(), clock}).has_value());
}

}  // namespace
}  // namespace odziv::platforms::testing

namespace odziv::platforms::testing {
namespace {

TEST_CASE("XConnector after an empty first poll still takes only the newest page") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/2/tweets/search/recent","body":{"meta":{"result_count":0}}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto first = MakeX({{"query", "zrno"}}, clock)->Fetch("");
  REQUIRE(first.has_value());
  CHECK(first->next_cursor == "since=");
  server.Load("x/tweepy__test_client_search_recent_tweets.json");
  server.Route(Json(R"({"path":"/2/tweets/search/recent","match":{"query":"zrno"},"body_file":"x/python-twitter__search_tweets_query.json"})"));
  auto second = MakeX({{"query", "zrno"}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK(second->posts.size() == 4);
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == "since=1276035977375477760");
}

}  // namespace
}  // namespace odziv::platforms::testing
