// Parser tests for the Reddit connector on the recorded responses in tests/data/reddit/.
#include <catch2/catch.hpp>

#include "platforms/reddit_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::CassetteBody;

const Endpoint kNew{"reddit", "GET /r/:sub/new"};

TEST_CASE("Reddit new posts (PRAW recording) become a hundred posts, oldest first, named by fullname") {
  auto page = ParseRedditListing(CassetteBody("reddit/praw__TestSubredditListings.test_new.json", 1), kNew, "");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 100);
  CHECK(page->items == 100);
  CHECK(page->newest == "t3_48fbm9");
  CHECK(page->after == "t3_48f6io");
  const Post& newest = page->posts.back();
  CHECK(newest.external_id == "t3_48fbm9");
  CHECK(newest.thread_id == "t3_48fbm9");
  CHECK(newest.parent_id.empty());
  CHECK(newest.platform == "reddit");
  CHECK(newest.kind == PostKind::kMention);
  CHECK(newest.text == "[Serious] Parents of Reddit, what's the biggest lie about yourself you've told your kids?");
  CHECK(newest.author.handle == "u/RedHeadQc");
  // created_utc, not `created` (which is 8 hours off in recordings of that year).
  CHECK(FormatIsoTimestamp(newest.created_at) == "2016-03-01T08:37:38Z");
  CHECK(newest.url == "https://www.reddit.com/r/AskReddit/comments/48fbm9/serious_parents_of_reddit_whats_the_biggest_lie/");
  CHECK_FALSE(newest.edited_at.has_value());
  CHECK(page->posts.front().external_id == "t3_48f6io");
  for (std::size_t i = 1; i < page->posts.size(); ++i) CHECK(page->posts[i - 1].created_at <= page->posts[i].created_at);
}

TEST_CASE("Reddit username mentions (PRAW recording) are mentions with their thread from the context link") {
  auto page = ParseRedditListing(CassetteBody("reddit/praw__TestInbox.test_mentions.json", 1),
                                 Endpoint{"reddit", "GET /message/mentions"}, "");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 16);
  CHECK(page->newest == "t1_ekftbox");
  const Post& newest = page->posts.back();
  CHECK(newest.external_id == "t1_ekftbox");
  CHECK(newest.kind == PostKind::kMention);
  CHECK(newest.parent_id == "t3_bb24k7");
  CHECK(newest.thread_id == "t3_bb24k7");
  CHECK(newest.author.id == "t2_3efd9zdo");
  CHECK(newest.text.starts_with("Hello /u/<USERNAME>,"));
  CHECK(newest.url.starts_with("https://www.reddit.com/r/RemovedByBotter/comments/bb24k7/"));
}

TEST_CASE("Reddit search results (PRAW recording) keep edits, and the brand's own posts are marked") {
  auto page = ParseRedditListing(CassetteBody("reddit/praw__TestSubreddit.test_search.json", 1),
                                 Endpoint{"reddit", "GET /search"}, "DCLAUZEL");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 6);
  const Post* edited = nullptr;
  for (const auto& post : page->posts)
    if (post.external_id == "t3_3gpbiu") edited = &post;
  REQUIRE(edited != nullptr);
  REQUIRE(edited->edited_at.has_value());
  CHECK(ToUnixMillis(*edited->edited_at) == 1439447718000);
  CHECK(edited->text.starts_with("[PRAW][OAuth2Util] Problem using get_banned()"));
  CHECK(edited->text.find("\n\n# solved") != std::string::npos);
  CHECK(edited->from_brand);
  CHECK(edited->metrics.replies == 21);
  for (std::size_t i = 1; i < page->posts.size(); ++i) CHECK(page->posts[i - 1].created_at <= page->posts[i].created_at);
}

TEST_CASE("A deleted Reddit comment (PRAW recording) is marked deleted, not dropped") {
  auto page = ParseRedditListing(CassetteBody("reddit/praw__TestComment.test_delete.json", 2),
                                 Endpoint{"reddit", "GET /api/info"}, "");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 1);
  const Post& post = page->posts.front();
  CHECK(post.external_id == "t1_d1616q2");
  CHECK(post.kind == PostKind::kComment);
  CHECK(post.thread_id == "t3_4b1tfm");
  CHECK(post.author.handle.empty());
  REQUIRE(post.deleted_at.has_value());
  CHECK(post.deleted_at == post.edited_at);
}

TEST_CASE("Reddit listings with a wrong shape are kMalformed with the path") {
  auto no_data = ParseRedditListing(R"({"kind":"Listing"})", kNew, "");
  REQUIRE_FALSE(no_data.has_value());
  CHECK(no_data.error().code == ErrorCode::kMalformed);
  CHECK(no_data.error().message == "reddit GET /r/:sub/new: $.data is missing");
  auto bad_time = ParseRedditListing(
      R"({"data":{"children":[{"kind":"t3","data":{"name":"t3_a","title":"x","created_utc":"yesterday"}}]}})", kNew, "");
  REQUIRE_FALSE(bad_time.has_value());
  CHECK(bad_time.error().message == "reddit GET /r/:sub/new: $.data.children[0].data.created_utc is not a number");
  auto skipped = ParseRedditListing(R"({"data":{"children":[{"kind":"t4","data":{}}],"after":null}})", kNew, "");
  REQUIRE(skipped.has_value());
  CHECK(skipped->posts.empty());
  CHECK(skipped->items == 1);
  CHECK_FALSE(ParseRedditListing("<html>", kNew, "").has_value());
}

TEST_CASE("Reddit token answers become grants that expire when Reddit says") {
  const Endpoint token{"reddit", "POST /api/v1/access_token"};
  const Timestamp now = FromUnixSeconds(1700000000);
  auto grant = ParseRedditToken(CassetteBody("reddit/praw__TestInbox.test_mentions.json", 0), token, now);
  REQUIRE(grant.has_value());
  CHECK(grant->access == "<ACCESS_TOKEN>");
  CHECK(grant->expires_at == now + std::chrono::seconds(86400));
  auto refused = ParseRedditToken(R"({"error": "invalid_grant"})", token, now);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::kUnauthenticated);
  CHECK(refused.error().message.find("invalid_grant") != std::string::npos);
  auto empty = ParseRedditToken(R"({"access_token": "", "expires_in": 3600})", token, now);
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().code == ErrorCode::kMalformed);
}

TEST_CASE("Reddit comment answers: the new comment's fullname, or Reddit's refusal inside HTTP 200") {
  const Endpoint comment{"reddit", "POST /api/comment"};
  auto reply = ParseRedditComment(CassetteBody("reddit/praw__TestComment.test_reply.json", 1), comment);
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "t1_d1680wu");
  CHECK(reply->url == "https://www.reddit.com/comments/4b1tfm/_/d1680wu");
  auto on_post = ParseRedditComment(CassetteBody("reddit/praw__TestSubmission.test_reply.json", 1), comment);
  REQUIRE(on_post.has_value());
  CHECK(on_post->external_id.starts_with("t1_"));

  auto limited = ParseRedditComment(
      R"({"json":{"errors":[["RATELIMIT","you are doing that too much. try again in 4 minutes.","ratelimit"]]}})", comment);
  REQUIRE_FALSE(limited.has_value());
  CHECK(limited.error().code == ErrorCode::kRateLimited);
  CHECK(limited.error().retry_after == std::chrono::seconds(240));
  auto locked = ParseRedditComment(R"({"json":{"errors":[["THREAD_LOCKED","that thread is locked",null]]}})", comment);
  REQUIRE_FALSE(locked.has_value());
  CHECK(locked.error().code == ErrorCode::kFailedPrecondition);
  CHECK(locked.error().message == "reddit POST /api/comment: Reddit refused the reply (THREAD_LOCKED: that thread is locked)");
}

TEST_CASE("Reddit rate-limit messages name their wait") {
  CHECK(RedditRateLimitWait("you are doing that too much. try again in 4 minutes.") == std::chrono::seconds(240));
  CHECK(RedditRateLimitWait("try again in 9 seconds") == std::chrono::seconds(9));
  CHECK(RedditRateLimitWait("try again in 1 hour") == std::chrono::seconds(3600));
  // A fuzzer finding: an absurd number waits the longest a retry may wait, without overflowing.
  CHECK(RedditRateLimitWait("try again in 801000004000000001 hours").has_value());
  CHECK(RedditRateLimitWait("try again in 500 milliseconds") == std::chrono::seconds(1));
  CHECK_FALSE(RedditRateLimitWait("try again later").has_value());
  CHECK_FALSE(RedditRateLimitWait("in 3 fortnights").has_value());
}

TEST_CASE("Reddit reply bodies are form-encoded with api_type=json") {
  CHECK(BuildRedditReplyBody("Hvala, čekamo vas!", "t1_d1616q2") ==
        "api_type=json&thing_id=t1_d1616q2&text=Hvala%2C%20%C4%8Dekamo%20vas%21");
}

}  // namespace
}  // namespace odziv::platforms
