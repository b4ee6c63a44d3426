// ParseMetaPush: Meta webhook deliveries as posts, with the ids and threads the connectors give when polling.
#include <catch2/catch.hpp>

#include "platforms/meta_push.h"

namespace odziv::platforms {
namespace {

const Timestamp kNow = FromUnixMillis(1780000000000);

TEST_CASE("Meta feed pushes: visitors' posts and comments become posts; the Page's own are the brand's") {
  const std::string body = R"({"object": "page", "entry": [{"id": "104", "time": 1779999990, "changes": [
    {"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "555_901", "post_id": "104_555",
     "parent_id": "104_555", "message": "Narudžba kasni, niko ne odgovara", "created_time": 1779999980,
     "from": {"id": "77", "name": "Amra H."}}},
    {"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "555_902", "post_id": "104_555",
     "parent_id": "555_901", "message": "Javili smo Vam se u poruci.", "created_time": 1779999985,
     "from": {"id": "104", "name": "Zrno"}}},
    {"field": "feed", "value": {"item": "status", "verb": "add", "post_id": "104_556", "message": "Gdje je moja kafa?",
     "from": {"id": "78", "name": "Kenan"}}},
    {"field": "feed", "value": {"item": "comment", "verb": "remove", "comment_id": "555_900", "post_id": "104_555"}},
    {"field": "feed", "value": {"item": "reaction", "verb": "add", "post_id": "104_555", "reaction_type": "like"}}
  ]}]})";
  auto posts = ParseMetaPush(body, "facebook", "104", kNow);
  REQUIRE(posts);
  REQUIRE(posts->size() == 3);
  const Post& comment = (*posts)[0];
  CHECK(comment.platform == "facebook");
  CHECK(comment.kind == PostKind::kComment);
  CHECK(comment.external_id == "555_901");
  CHECK(comment.thread_id == "104_555");
  CHECK(comment.parent_id == "104_555");
  CHECK(comment.text == "Narudžba kasni, niko ne odgovara");
  CHECK(comment.created_at == FromUnixMillis(1779999980000));
  CHECK(comment.author.id == "77");
  CHECK_FALSE(comment.from_brand);
  CHECK((*posts)[1].parent_id == "555_901");
  CHECK((*posts)[1].from_brand);
  const Post& status = (*posts)[2];
  CHECK(status.kind == PostKind::kMention);
  CHECK(status.thread_id == "104_556");
  CHECK(status.created_at == FromUnixMillis(1779999990000));  // no created_time: the entry's time
}

TEST_CASE("Instagram comment pushes thread like polled comments; mentions are left to polling") {
  const std::string body = R"({"object": "instagram", "entry": [{"id": "1784", "time": 1779999990, "changes": [
    {"field": "comments", "value": {"id": "1790", "text": "Kafa je bila hladna", "from": {"id": "9", "username": "amra"},
     "media": {"id": "1800"}}},
    {"field": "comments", "value": {"id": "1791", "text": "Žao nam je!", "parent_id": "1790",
     "from": {"id": "1784", "username": "zrno.ba"}, "media": {"id": "1800"}}},
    {"field": "mentions", "value": {"media_id": "1810", "comment_id": "1811"}}
  ]}]})";
  auto posts = ParseMetaPush(body, "instagram", "zrno.ba", kNow);
  REQUIRE(posts);
  REQUIRE(posts->size() == 2);
  CHECK((*posts)[0].thread_id == "1790");
  CHECK((*posts)[0].author.handle == "@amra");
  CHECK_FALSE((*posts)[0].from_brand);
  CHECK((*posts)[1].thread_id == "1790");
  CHECK((*posts)[1].parent_id == "1790");
  CHECK((*posts)[1].from_brand);
}

TEST_CASE("Meta pushes without their shape or a stored item's id are malformed") {
  CHECK(ParseMetaPush("[]", "facebook", "1", kNow).error().code == ErrorCode::kMalformed);
  CHECK(ParseMetaPush(R"({"object": "page"})", "facebook", "1", kNow).error().code == ErrorCode::kMalformed);
  auto no_id = ParseMetaPush(
      R"({"object": "page", "entry": [{"changes": [{"field": "feed", "value": {"item": "comment", "verb": "add"}}]}]})",
      "facebook", "1", kNow);
  REQUIRE_FALSE(no_id);
  CHECK(no_id.error().message.find("comment_id") != std::string::npos);
}

}  // namespace
}  // namespace odziv::platforms
