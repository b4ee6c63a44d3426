// Parser tests for the Facebook connector on every recorded response in tests/data/facebook/.
#include <catch2/catch.hpp>

#include "platforms/facebook_connector.h"
#include "platforms/response_check.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::ReadTestData;

const Endpoint kFeed{"facebook", "GET /{page-id}/feed"};
const Endpoint kComments{"facebook", "GET /{post-id}/comments"};

TEST_CASE("Facebook feed page: posts with compound ids, Graph times without a colon, the next page's query") {
  auto page = ParseFacebookFeed(ReadTestData("facebook/python-facebook__posts__feed_fields_p1.json"), kFeed, "4");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 5);
  const Post& newest = page->posts.back();
  CHECK(newest.external_id == "4_10113477241177441");
  CHECK(newest.thread_id == "4_10113477241177441");
  CHECK(newest.text == "Happy July 4th! 🇺🇸");
  CHECK(FormatIsoTimestamp(newest.created_at) == "2021-07-04T19:50:58Z");
  CHECK(newest.platform == "facebook");
  CHECK(page->posts.front().external_id == "4_10113319652002411");
  CHECK(page->next_query == "pretty=0&fields=id%2Cmessage%2Ccreated_time&until=1624385168&since&__paging_token=__paging_token&__previous");
  auto last = ParseFacebookFeed(ReadTestData("facebook/python-facebook__posts__feed_fields_p2.json"), kFeed, "4");
  REQUIRE(last.has_value());
  CHECK(last->posts.size() == 5);
  CHECK(last->next_query.empty());
}

TEST_CASE("Facebook comments without ids take them from the permalink, replies with their parent") {
  const std::string post = "19292868552_10158407654328553";
  auto p1 = ParseFacebookComments(ReadTestData("facebook/python-facebook__comments__comments_p1.json"), kComments, post, "");
  REQUIRE(p1.has_value());
  REQUIRE(p1->posts.size() == 10);
  const Post& first = p1->posts[0];
  CHECK(first.external_id == "10158407654328553_10158407835073553");
  CHECK(first.parent_id == post);
  CHECK(first.thread_id == post);
  CHECK(first.kind == PostKind::kComment);
  CHECK(first.text == "Boa noite peço ajuda  Como faço para usar a minha página como meu perfil?");
  CHECK(FormatIsoTimestamp(first.created_at) == "2021-08-10T18:45:03Z");
  CHECK(first.metrics.replies == 1);
  const Post& reply = p1->posts[5];
  CHECK(reply.external_id == "10158407654328553_10158409983033553");
  CHECK(reply.parent_id == "10158407654328553_10158407903973553");
  CHECK(p1->next_query.ends_with("&limit=10&after=after"));
  CHECK(p1->next_query.find("access_token") == std::string::npos);
  auto p2 = ParseFacebookComments(ReadTestData("facebook/python-facebook__comments__comments_p2.json"), kComments, post, "");
  REQUIRE(p2.has_value());
  CHECK(p2->posts.size() == 5);
  CHECK(p2->next_query.empty());
}

TEST_CASE("Facebook create-comment answer gives the new comment's id and permalink") {
  auto created = ParseGraphCreated(ReadTestData("facebook/python-facebook__comments__create_resp.json"),
                                   Endpoint{"facebook", "POST /{object-id}/comments"});
  REQUIRE(created.has_value());
  CHECK(created->external_id == "245778718206154_229887283291835");
  CHECK(created->url == "https://www.facebook.com/245628824887810/posts/245778718206154?comment_id=229887283291835");
}

TEST_CASE("Facebook's recorded error (code 100) is a configuration problem with Meta's words") {
  HttpResponse r{400, {}, ReadTestData("facebook/python-facebook__error.json")};
  auto s = CheckResponse(r, kFeed, Dialect::kMeta, Purpose::kRead, FromUnixSeconds(1795000000));
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().code == ErrorCode::kConfig);
  CHECK(s.error().message ==
        "facebook GET /{page-id}/feed answered HTTP 400 (code 100: (#100) Pages Public Content Access requires either app "
        "secret proof or an app token)");
}

TEST_CASE("Facebook feed with expanded comments: visitor posts are mentions, the Page's own are marked") {
  auto page = ParseFacebookFeed(R"({"data":[{"id":"1_2","message":"Kada otvarate?","created_time":"2026-11-20T10:00:00+0000",
      "from":{"id":"77","name":"Ana"},"comments":{"data":[
        {"id":"2_3","message":"Sutra u 8!","created_time":"2026-11-20T10:05:00+0000","from":{"id":"1","name":"Zrno"}}],
        "summary":{"total_count":1}}}]})",
                                kFeed, "1");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 2);
  CHECK(page->posts[0].kind == PostKind::kMention);
  CHECK(page->posts[0].author.name == "Ana");
  CHECK(page->posts[0].metrics.replies == 1);
  CHECK(page->posts[1].parent_id == "1_2");
  CHECK(page->posts[1].from_brand);
  auto bad = ParseFacebookFeed(R"({"data":[{"id":"1_2","created_time":"yesterday"}]})", kFeed, "1");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "facebook GET /{page-id}/feed: $.data[0].created_time is not a Graph API time");
}

}  // namespace
}  // namespace odziv::platforms
