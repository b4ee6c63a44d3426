// Parser tests for the Bluesky connector on the recorded responses in tests/data/bluesky/, and the facet
// builder on multi-byte text.
#include <catch2/catch.hpp>
#include <cpprest/json.h>

#include "platforms/bluesky_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::CassetteBody;
using testing::ReadTestData;

const Endpoint kSearch{"bluesky", "GET app.bsky.feed.searchPosts"};
const Endpoint kNotifications{"bluesky", "GET app.bsky.notification.listNotifications"};
const std::vector<std::string> kMentionsAndReplies = {"mention", "reply"};

TEST_CASE("Bluesky search page (bskyr recording) becomes 25 posts, oldest first, with the offset cursor") {
  auto page = ParseBlueskySearch(CassetteBody("bluesky/bskyr__f_search.json"), kSearch, "");
  REQUIRE(page.has_value());
  REQUIRE(page->items.size() == 25);
  CHECK(page->listed == 25);
  CHECK(page->cursor == "25");
  const Post& newest = page->items.back().post;
  CHECK(newest.external_id == "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m");
  CHECK(newest.thread_id == newest.external_id);
  CHECK(newest.platform == "bluesky");
  CHECK(newest.author.id == "did:plc:kkergqgbhb56ptpwj2wenkje");
  CHECK(newest.author.handle == "socpaperbot.bsky.social");
  CHECK(newest.text.starts_with("Ends Versus Means: Public Opinion on Congressional Redistricting https://osf.io/v87fn"));
  CHECK(FormatIsoTimestamp(newest.created_at) == "2025-05-19T17:10:09.561Z");
  CHECK(FormatIsoTimestamp(page->items.back().indexed_at) == "2025-05-19T17:10:09.813Z");
  CHECK(newest.url == "https://bsky.app/profile/socpaperbot.bsky.social/post/3lpk2u6qo222m");
  for (std::size_t i = 1; i < page->items.size(); ++i) CHECK(page->items[i - 1].indexed_at <= page->items[i].indexed_at);
}

TEST_CASE("Bluesky notifications (bskyr recording) keep mentions and replies with their thread") {
  auto page = ParseBlueskyNotifications(CassetteBody("bluesky/bskyr__n_notifications.json"), kNotifications,
                                        "did:plc:lprqqpoyjspuma25n5gofocf", kMentionsAndReplies);
  REQUIRE(page.has_value());
  CHECK(page->listed == 50);
  REQUIRE(page->items.size() == 11);  // likes, follows, reposts and quotes left out
  CHECK(page->cursor == "2024-12-19T06:43:45.863Z");
  const Post& newest = page->items.back().post;
  CHECK(newest.kind == PostKind::kMention);
  CHECK(newest.external_id == "at://did:plc:lprqqpoyjspuma25n5gofocf/app.bsky.feed.post/3lmicbemya22g");
  CHECK(newest.parent_id == "at://did:plc:lprqqpoyjspuma25n5gofocf/app.bsky.feed.post/3lmib4yep2k2g");
  CHECK(newest.thread_id == "at://did:plc:lprqqpoyjspuma25n5gofocf/app.bsky.feed.post/3lmiagxqgas2s");
  CHECK(newest.language == "en");
  CHECK(newest.author.name == "Joseph Hefner");
  CHECK(newest.from_brand);

  auto with_quotes = ParseBlueskyNotifications(CassetteBody("bluesky/bskyr__n_notifications.json"), kNotifications, "",
                                               {"mention", "quote"});
  REQUIRE(with_quotes.has_value());
  CHECK(with_quotes->items.size() == 18);
}

TEST_CASE("Bluesky listings of the wrong shape are kMalformed with the path") {
  auto missing = ParseBlueskySearch(R"({"cursor":"25"})", kSearch, "");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message == "bluesky GET app.bsky.feed.searchPosts: $.posts is missing");
  auto bad_time = ParseBlueskySearch(
      R"({"posts":[{"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"did":"did:plc:a"},"record":{},"indexedAt":"soon"}]})",
      kSearch, "");
  REQUIRE_FALSE(bad_time.has_value());
  CHECK(bad_time.error().message == "bluesky GET app.bsky.feed.searchPosts: $.posts[0].indexedAt is not an ISO 8601 time");
}

TEST_CASE("Bluesky sessions carry the account's DID and both JWTs; a blank token is refused") {
  const Endpoint create{"bluesky", "POST com.atproto.server.createSession"};
  auto session = ParseBlueskySession(R"({"did":"did:plc:zrno","handle":"zrno.bsky.social","accessJwt":"a1","refreshJwt":"r1"})", create);
  REQUIRE(session.has_value());
  CHECK(session->did == "did:plc:zrno");
  CHECK(session->grant.access == "a1");
  CHECK(session->grant.refresh == "r1");
  CHECK_FALSE(session->grant.expires_at.has_value());
  // The recording's tokens were blanked by its source project.
  auto blank = ParseBlueskySession(CassetteBody("bluesky/bskyr__repo_auth_direct.json"), create);
  REQUIRE_FALSE(blank.has_value());
  CHECK(blank.error().message == "bluesky POST com.atproto.server.createSession: $.accessJwt is empty");
}

TEST_CASE("Bluesky reply references: a reply's own root, or the post itself at the top of a thread") {
  const Endpoint get{"bluesky", "GET app.bsky.feed.getPosts"};
  auto nested = ParseBlueskyReplyRefs(
      R"({"posts":[{"uri":"at://p","cid":"cp","record":{"text":"x","reply":{"root":{"uri":"at://r","cid":"cr"},"parent":{"uri":"at://q","cid":"cq"}}}}]})", get);
  REQUIRE(nested.has_value());
  CHECK(nested->parent.uri == "at://p");
  CHECK(nested->parent.cid == "cp");
  CHECK(nested->root.uri == "at://r");
  CHECK(nested->root.cid == "cr");
  auto top = ParseBlueskyReplyRefs(R"({"posts":[{"uri":"at://p","cid":"cp","record":{"text":"x"}}]})", get);
  REQUIRE(top.has_value());
  CHECK(top->root.uri == "at://p");
  auto gone = ParseBlueskyReplyRefs(R"({"posts":[]})", get);
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().code == ErrorCode::kFailedPrecondition);
}

TEST_CASE("Bluesky createRecord answer (bskyr recording) names the new post") {
  auto reply = ParseBlueskyCreatedRecord(CassetteBody("bluesky/bskyr__r_post_reply.json", 3),
                                         Endpoint{"bluesky", "POST com.atproto.repo.createRecord"});
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "at://did:plc:5c2r73erhng4bszmxlfdtscf/app.bsky.feed.post/3lprdue7ggw26");
  CHECK(reply->url == "https://bsky.app/profile/did:plc:5c2r73erhng4bszmxlfdtscf/post/3lprdue7ggw26");
}

TEST_CASE("Bluesky facets count UTF-8 bytes before Cyrillic, diacritics and emoji") {
  // "Здраво " is 13 bytes, so the mention starts at byte 13, not at character 7.
  const std::string text = "Здраво @ana.bsky.social 👋 pogledajte https://zrno.ba/dostava?x=1. Hvala!";
  auto facets = FindBlueskyFacets(text);
  REQUIRE(facets.size() == 2);
  CHECK(facets[0].kind == BlueskyFacet::Kind::kMention);
  CHECK(facets[0].value == "ana.bsky.social");
  CHECK(facets[0].byte_start == 13);
  CHECK(facets[0].byte_end == 29);
  CHECK(text.substr(facets[0].byte_start, facets[0].byte_end - facets[0].byte_start) == "@ana.bsky.social");
  CHECK(facets[1].kind == BlueskyFacet::Kind::kLink);
  CHECK(facets[1].value == "https://zrno.ba/dostava?x=1");  // the sentence's full stop is not part of it
  CHECK(facets[1].byte_start == 46);
  CHECK(text.substr(facets[1].byte_start, facets[1].byte_end - facets[1].byte_start) == facets[1].value);

  const std::string latin = "Čekamo (@zrno.ba) već 2 dana…";
  auto in_brackets = FindBlueskyFacets(latin);
  REQUIRE(in_brackets.size() == 1);
  CHECK(in_brackets[0].byte_start == 9);
  CHECK(in_brackets[0].value == "zrno.ba");

  CHECK(FindBlueskyFacets("mail ana@zrno.ba, @nodot and http:// alone").empty());
  CHECK(FindBlueskyFacets("").empty());
}

TEST_CASE("Bluesky reply records carry root and parent references and the facets") {
  BlueskyFacet mention{BlueskyFacet::Kind::kMention, 13, 29, "ana.bsky.social", "did:plc:ana"};
  BlueskyFacet unresolved{BlueskyFacet::Kind::kMention, 0, 5, "x.y", ""};
  BlueskyFacet link{BlueskyFacet::Kind::kLink, 30, 45, "https://zrno.ba", ""};
  BlueskyReplyRefs refs{{"at://root", "cid-root"}, {"at://parent", "cid-parent"}};
  auto body = web::json::value::parse(BuildBlueskyReplyRecord("did:plc:zrno", "Здраво @ana.bsky.social https://zrno.ba",
                                                              {mention, unresolved, link}, refs, FromUnixSeconds(1795000000)));
  CHECK(body.at("repo").as_string() == "did:plc:zrno");
  CHECK(body.at("collection").as_string() == "app.bsky.feed.post");
  const auto& record = body.at("record");
  CHECK(record.at("$type").as_string() == "app.bsky.feed.post");
  CHECK(record.at("createdAt").as_string() == "2026-11-18T11:06:40Z");
  CHECK(record.at("reply").at("root").at("uri").as_string() == "at://root");
  CHECK(record.at("reply").at("root").at("cid").as_string() == "cid-root");
  CHECK(record.at("reply").at("parent").at("uri").as_string() == "at://parent");
  CHECK(record.at("reply").at("parent").at("cid").as_string() == "cid-parent");
  const auto& facets = record.at("facets").as_array();
  REQUIRE(facets.size() == 2);
  CHECK(facets.at(0).at("index").at("byteStart").as_integer() == 13);
  CHECK(facets.at(0).at("index").at("byteEnd").as_integer() == 29);
  CHECK(facets.at(0).at("features").at(0).at("$type").as_string() == "app.bsky.richtext.facet#mention");
  CHECK(facets.at(0).at("features").at(0).at("did").as_string() == "did:plc:ana");
  CHECK(facets.at(1).at("features").at(0).at("uri").as_string() == "https://zrno.ba");
  auto plain = web::json::value::parse(BuildBlueskyReplyRecord("did:plc:zrno", "Hvala!", {}, refs, FromUnixSeconds(0)));
  CHECK_FALSE(plain.at("record").has_field("facets"));
}

TEST_CASE("Bluesky post links come from AT-URIs") {
  CHECK(BlueskyPostUrl("at://did:plc:a/app.bsky.feed.post/3abc", "ana.bsky.social") ==
        "https://bsky.app/profile/ana.bsky.social/post/3abc");
  CHECK(BlueskyPostUrl("at://did:plc:a/app.bsky.feed.post/3abc", "") == "https://bsky.app/profile/did:plc:a/post/3abc");
  CHECK(BlueskyPostUrl("at://did:plc:a/app.bsky.feed.like/3abc", "").empty());
  CHECK(BlueskyPostUrl("https://bsky.app", "").empty());
}

}  // namespace
}  // namespace odziv::platforms
