// Parser tests for the Mastodon connector on the recorded responses in tests/data/mastodon/.
#include <catch2/catch.hpp>

#include "platforms/mastodon_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::CassetteBody;

const Endpoint kNotifications{"mastodon", "GET /api/v1/notifications"};
const Endpoint kStatus{"mastodon", "POST /api/v1/statuses"};

TEST_CASE("Mastodon mention notification becomes a post with text reduced from HTML") {
  auto page = ParseMastodonNotifications(CassetteBody("mastodon/mastodonpy__test_notifications_mentions_only.json", 1),
                                         kNotifications, "");
  REQUIRE(page.has_value());
  CHECK(page->newest_id == "21");
  REQUIRE(page->posts.size() == 1);
  const Post& p = page->posts[0];
  CHECK(p.platform == "mastodon");
  CHECK(p.external_id == "117020577157693549");
  CHECK(p.thread_id == "117020577157693549");
  CHECK(p.parent_id.empty());
  CHECK(p.kind == PostKind::kMention);
  CHECK(p.text == "@mastodonpy_test hello!");
  CHECK(p.language == "en");
  CHECK(p.author.id == "117020565693913441");
  CHECK(p.author.handle == "@admin");
  CHECK(p.author.name == "admin");  // empty display name: the username
  CHECK(p.url == "http://localhost:3000/@admin/117020577157693549");
  CHECK(FormatIsoTimestamp(p.created_at) == "2026-08-01T13:51:42.823Z");
  CHECK_FALSE(p.edited_at.has_value());
}

TEST_CASE("Mastodon reply and created statuses parse as posts with their parent") {
  auto reply = ParseMastodonStatus(CassetteBody("mastodon/mastodonpy__test_status_reply.json", 2), kStatus,
                                   "117020565693913441");
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "117020583258292382");
  CHECK(reply->parent_id == "117020583245459824");
  CHECK(reply->thread_id == "117020583245459824");
  CHECK(reply->text == "@mastodonpy_test_2 same!");
  CHECK(reply->from_brand);
  for (std::size_t i : {0u, 3u, 4u}) {
    INFO(i);
    CHECK(ParseMastodonStatus(CassetteBody("mastodon/mastodonpy__test_status_reply.json", i), kStatus, "").has_value());
  }
}

TEST_CASE("Mastodon edited status carries edited_at and the new text") {
  auto edited = ParseMastodonStatus(CassetteBody("mastodon/mastodonpy__test_status_edit.json", 3),
                                    Endpoint{"mastodon", "GET /api/v1/statuses/:id"}, "");
  REQUIRE(edited.has_value());
  CHECK(edited->external_id == "117020586180926938");
  REQUIRE(edited->edited_at.has_value());
  CHECK(FormatIsoTimestamp(*edited->edited_at) == "2026-08-01T13:54:00.695Z");
  CHECK(edited->text == "the best editor? why, of course it is the KDE Advanced Text Editor, Kate");
  CHECK(edited->language == "ja");
  CHECK(ParseMastodonStatus(CassetteBody("mastodon/mastodonpy__test_status_edit.json", 0), kStatus, "").has_value());
  CHECK(ParseMastodonStatus(CassetteBody("mastodon/mastodonpy__test_status_edit.json", 2), kStatus, "").has_value());
}

TEST_CASE("Mastodon search without an index answers no statuses") {
  for (std::size_t i : {0u, 1u, 2u}) {
    auto page = ParseMastodonSearch(CassetteBody("mastodon/mastodonpy__test_search.json", i),
                                    Endpoint{"mastodon", "GET /api/v2/search"}, "");
    REQUIRE(page.has_value());
    CHECK(page->posts.empty());
  }
}

TEST_CASE("Mastodon status lists (Link-paged account statuses) come out oldest first") {
  auto page = ParseMastodonStatuses(CassetteBody("mastodon/mastodonpy__test_fetch_next_previous.json", 11),
                                    Endpoint{"mastodon", "GET /api/v1/accounts/:id/statuses"}, "");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 5);
  CHECK(page->posts.front().external_id == "117020580489281910");
  CHECK(page->posts.back().external_id == "117020580518794573");
  CHECK(page->newest_id == "117020580518794573");
  CHECK(page->posts.front().author.handle == "@mastodonpy_test");
  CHECK(page->posts.front().author.name == "John Lennon");
  for (std::size_t i : {12u, 13u}) CHECK(ParseMastodonStatuses(CassetteBody("mastodon/mastodonpy__test_fetch_next_previous.json", i),
                                                             kNotifications, "").has_value());
}

TEST_CASE("Mastodon notifications of other types are skipped, direct mentions are messages") {
  auto page = ParseMastodonNotifications(
      R"([{"id":"30","type":"favourite","created_at":"2026-08-01T13:00:00Z","account":{"id":"1","acct":"a"}},
          {"id":"29","type":"mention","created_at":"2026-08-01T12:00:00Z","account":{"id":"1","acct":"a"},
           "status":{"id":"500","created_at":"2026-08-01T12:00:00Z","visibility":"direct","content":"<p>Gdje je moja narud&#382;ba?</p>",
                     "spoiler_text":"","account":{"id":"1","acct":"ana@mastodon.social","display_name":"Ana","followers_count":12}}}])",
      kNotifications, "");
  REQUIRE(page.has_value());
  CHECK(page->newest_id == "30");
  CHECK(page->items == 2);
  REQUIRE(page->posts.size() == 1);
  CHECK(page->posts[0].kind == PostKind::kMessage);
  CHECK(page->posts[0].text == "Gdje je moja narudžba?");
  CHECK(page->posts[0].author.handle == "@ana@mastodon.social");
  CHECK(page->posts[0].author.reach == 12);
}

TEST_CASE("Mastodon parser names the field that is wrong") {
  auto page = ParseMastodonNotifications(R"([{"id":"1","type":"mention","status":{"id":"2","created_at":"yesterday","account":{"id":"1","acct":"a"}}}])",
                                         kNotifications, "");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().message == "mastodon GET /api/v1/notifications: $[0].status.created_at is not an ISO 8601 time");
  CHECK(BuildMastodonReplyBody("@ana Hvala!", "42", "public") == "status=%40ana%20Hvala%21&in_reply_to_id=42&visibility=public");
}

}  // namespace
}  // namespace odziv::platforms
