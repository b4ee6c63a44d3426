// Parser tests for the Instagram connector on every recorded response in tests/data/instagram/.
#include <catch2/catch.hpp>

#include "platforms/instagram_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::ReadTestData;

const Endpoint kComments{"instagram", "GET /{ig-media-id}/comments"};

TEST_CASE("Instagram media comments, two pages: ids, texts, times, the next page's query") {
  auto p1 = ParseInstagramComments(ReadTestData("instagram/python-facebook__medias__comments_p1.json"), kComments, "");
  REQUIRE(p1.has_value());
  REQUIRE(p1->posts.size() == 2);
  CHECK(p1->posts[0].external_id == "17874875428706419");
  CHECK(p1->posts[1].external_id == "17858154961981086");
  CHECK(p1->posts[1].text == "Beautiful!");
  CHECK(p1->posts[1].kind == PostKind::kComment);
  CHECK(p1->posts[1].thread_id == "17858154961981086");
  CHECK(p1->posts[1].parent_id.empty());
  CHECK(FormatIsoTimestamp(p1->posts[1].created_at) == "2020-06-01T10:56:52Z");
  CHECK(p1->next_query == "pretty=0&limit=2&after=after");
  REQUIRE(p1->oldest_top_level.has_value());
  CHECK(FormatIsoTimestamp(*p1->oldest_top_level) == "2020-06-01T10:16:39Z");
  auto p2 = ParseInstagramComments(ReadTestData("instagram/python-facebook__medias__comments_p2.json"), kComments, "");
  REQUIRE(p2.has_value());
  CHECK(p2->posts.size() == 2);
  CHECK(p2->next_query.empty());
}

TEST_CASE("Instagram replies of a comment belong to its thread") {
  auto page = ParseInstagramReplies(ReadTestData("instagram/python-facebook__comments__replies.json"),
                                    Endpoint{"instagram", "GET /{ig-comment-id}/replies"}, "17858154961981086", "");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 1);
  CHECK(page->posts[0].external_id == "17847314687296283");
  CHECK(page->posts[0].parent_id == "17858154961981086");
  CHECK(page->posts[0].thread_id == "17858154961981086");
  CHECK(page->posts[0].text == "@lixiangguodu123 nihao");
}

TEST_CASE("Instagram comments fetched by id, with usernames and likes") {
  auto posts = ParseInstagramCommentsById(ReadTestData("instagram/python-facebook__comments__comments_fields.json"),
                                          Endpoint{"instagram", "GET /?ids="}, "ikroskun");
  REQUIRE(posts.has_value());
  REQUIRE(posts->size() == 2);
  CHECK((*posts)[0].external_id == "17892250648466172");
  CHECK((*posts)[0].author.handle == "@ikroskun");
  CHECK((*posts)[0].metrics.likes == 1);
  CHECK((*posts)[0].from_brand);
  CHECK((*posts)[1].author.name == "lixiangguodu123");
}

TEST_CASE("Instagram mentioned comment becomes a mention whose thread names the media") {
  auto post = ParseInstagramMentionedComment(ReadTestData("instagram/python-facebook__users__mentioned_comment.json"),
                                             Endpoint{"instagram", "GET /{ig-user-id}?fields=mentioned_comment"}, "1799");
  REQUIRE(post.has_value());
  CHECK(post->external_id == "17967008497439572");
  CHECK(post->kind == PostKind::kMention);
  CHECK(post->thread_id == "mention:1799");
  CHECK(post->text == "@ikroskun good");
  CHECK(FormatIsoTimestamp(post->created_at) == "2021-08-19T09:14:16Z");
}

TEST_CASE("Instagram webhook deliveries list their mentions") {
  auto mentions = InstagramMentionsFromWebhook(
      R"({"object":"instagram","entry":[{"id":"17841406338772941","time":1629364456,"changes":[
          {"field":"mentions","value":{"comment_id":"17967008497439572","media_id":"1799"}},
          {"field":"comments","value":{"id":"1","text":"x"}}]}]})");
  REQUIRE(mentions.has_value());
  REQUIRE(mentions->size() == 1);
  CHECK((*mentions)[0].ig_user_id == "17841406338772941");
  CHECK((*mentions)[0].comment_id == "17967008497439572");
  CHECK((*mentions)[0].media_id == "1799");
  auto bad = InstagramMentionsFromWebhook(R"({"object":"instagram"})");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "instagram webhook mentions: $.entry is missing");
}

TEST_CASE("Instagram recent media with expanded comments and replies") {
  auto page = ParseInstagramMedia(R"({"data":[{"id":"M1","permalink":"https://www.instagram.com/p/abc/","comments":{"data":[
      {"id":"C1","text":"Kad stize?","timestamp":"2026-11-20T10:00:00+0000","username":"ana",
       "replies":{"data":[{"id":"R1","text":"Sutra!","timestamp":"2026-11-20T10:05:00+0000","username":"zrno"}]}}]}}]})",
                                  Endpoint{"instagram", "GET /{ig-user-id}/media"}, "zrno");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 2);
  CHECK(page->posts[0].external_id == "C1");
  CHECK(page->posts[0].url == "https://www.instagram.com/p/abc/");
  CHECK(page->posts[0].metrics.replies == 1);
  CHECK(page->posts[1].parent_id == "C1");
  CHECK(page->posts[1].from_brand);
}

}  // namespace
}  // namespace odziv::platforms
