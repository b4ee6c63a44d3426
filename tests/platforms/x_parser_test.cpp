// Parser tests for the X connector on every recorded response in tests/data/x/.
#include <catch2/catch.hpp>

#include "platforms/x_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::CassetteBody;
using testing::ReadTestData;

const Endpoint kSearch{"x", "GET /2/tweets/search/recent"};

TEST_CASE("X search page (tweepy recording) becomes ten posts, oldest first, times from the ids") {
  auto page = ParseXTweetPage(CassetteBody("x/tweepy__test_client_search_recent_tweets.json"), kSearch, "");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 10);
  CHECK(page->newest_id == "1578516068309794817");
  CHECK(page->next_token == "b26v89c19zqg8o3fpzbn1e0ffhxjiofzw6po136rvbnul");
  CHECK(page->posts.front().external_id == "1578511538419212288");
  CHECK(page->posts.back().external_id == "1578516068309794817");
  CHECK(page->posts.back().text == "2022-10-07 22:42:12.637103 tweepy");
  CHECK(FormatIsoTimestamp(page->posts.back().created_at) == "2022-10-07T22:42:12.752Z");
  CHECK(page->posts.back().thread_id == "1578516068309794817");
  CHECK(page->posts.back().kind == PostKind::kMention);
  CHECK(page->posts.back().platform == "x");
}

TEST_CASE("X mentions page (tweepy recording) becomes ten posts with their texts") {
  auto page = ParseXTweetPage(CassetteBody("x/tweepy__test_client_get_users_mentions.json"),
                              Endpoint{"x", "GET /2/users/:id/mentions"}, "783214");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 10);
  CHECK(page->posts.back().external_id == "1578516295611748353");
  CHECK(page->posts.back().text.starts_with("@Twitter @TwitterSupport this is my ENTIRE feed"));
  CHECK(page->posts.front().external_id == "1578516107798884353");
  CHECK(page->next_token == "7140dibdnow9c7btw423i3sy3u5zupmkcpofxcsmxj48j");
}

TEST_CASE("X search with expansions gives author, language, parent and url") {
  auto page = ParseXTweetPage(ReadTestData("x/python-twitter__search_tweets_query.json"), kSearch, "");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 4);
  const Post* found = nullptr;
  for (const auto& post : page->posts)
    if (post.external_id == "1276035977375477760") found = &post;
  REQUIRE(found != nullptr);
  const Post& p = *found;
  CHECK(p.external_id == "1276035977375477760");
  CHECK(p.author.id == "63046977");
  CHECK(p.author.handle == "@happycamper");
  CHECK(p.author.name == "Emily Waligoske 🏕");
  CHECK(p.language == "en");
  CHECK(p.parent_id == "1275653067283759104");
  CHECK(FormatIsoTimestamp(p.created_at) == "2020-06-25T06:14:19Z");
  CHECK(p.url == "https://x.com/happycamper/status/1276035977375477760");
  CHECK(p.text.starts_with("@snowman Ooo, thanks error message"));
}

TEST_CASE("X mentions timeline with public metrics fills the metrics") {
  auto page = ParseXTweetPage(ReadTestData("x/python-twitter__timeline_mentions.json"),
                              Endpoint{"x", "GET /2/users/:id/mentions"}, "");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 5);
  CHECK(page->posts.front().external_id == "1364367885582352386");
  CHECK(page->posts.back().external_id == "1364398068313903104");
  CHECK(FormatIsoTimestamp(page->posts.back().created_at) == "2021-02-24T02:13:43Z");
  bool some_reply_count = false;
  for (const auto& p : page->posts) some_reply_count |= p.metrics.replies == 1;
  CHECK(some_reply_count);
}

TEST_CASE("X create-tweet answers give the reply's id") {
  auto a = ParseXCreateTweet(ReadTestData("x/python-twitter__create_tweet_resp.json"), Endpoint{"x", "POST /2/tweets"});
  REQUIRE(a.has_value());
  CHECK(a->external_id == "1445880548472328192");
  auto b = ParseXCreateTweet(CassetteBody("x/tweepy__test_client_create_and_delete_tweet.json", 0),
                             Endpoint{"x", "POST /2/tweets"});
  REQUIRE(b.has_value());
  CHECK(b->external_id == "1456012973835788293");
}

TEST_CASE("X single-object answers (get tweet, get me, hide reply) are not pages and say so") {
  for (const char* file : {"x/tweepy__test_client_get_tweet.json", "x/tweepy__test_client_get_me.json",
                           "x/tweepy__test_client_hide_and_unhide_reply.json"}) {
    INFO(file);
    auto page = ParseXTweetPage(CassetteBody(file), kSearch, "");
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().code == ErrorCode::kMalformed);
    CHECK(page.error().message.find("$.data is not an array") != std::string::npos);
  }
}

TEST_CASE("X parser reports the platform, endpoint and field of a malformed page") {
  auto page = ParseXTweetPage(R"({"data":[{"id":"1","text":5}],"meta":{}})", kSearch, "");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kMalformed);
  CHECK(page.error().message == "x GET /2/tweets/search/recent: $.data[0].text is not a string");
  auto not_json = ParseXTweetPage("{\"data\": [", kSearch, "");
  REQUIRE_FALSE(not_json.has_value());
  CHECK(not_json.error().message.starts_with("x GET /2/tweets/search/recent: response is not JSON"));
  auto empty = ParseXTweetPage(R"({"meta":{"result_count":0}})", kSearch, "");
  REQUIRE(empty.has_value());
  CHECK(empty->posts.empty());
}

TEST_CASE("X edited tweets are named by the first id of their edit history") {
  auto page = ParseXTweetPage(
      R"({"data":[{"id":"1578516295611748353","text":"v2","created_at":"2022-10-07T22:45:00.000Z",
          "edit_history_tweet_ids":["1578516068309794817","1578516295611748353"]}],"meta":{"newest_id":"1578516295611748353"}})",
      kSearch, "");
  REQUIRE(page.has_value());
  CHECK(page->posts[0].external_id == "1578516068309794817");
  REQUIRE(page->posts[0].edited_at.has_value());
  CHECK(FormatIsoTimestamp(*page->posts[0].edited_at) == "2022-10-07T22:45:00Z");
}

TEST_CASE("X ids compare as 64-bit numbers") {
  CHECK(XIdGreater("1578516068309794817", "999999999999999999"));
  CHECK_FALSE(XIdGreater("1578511538419212288", "1578516068309794817"));
  CHECK(BuildXReplyBody("Hvala \"Ana\"", "42") == R"({"reply":{"in_reply_to_tweet_id":"42"},"text":"Hvala \"Ana\""})");
}

}  // namespace
}  // namespace odziv::platforms
