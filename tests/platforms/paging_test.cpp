#include <catch2/catch.hpp>

#include "platforms/cursor.h"
#include "platforms/paging.h"
#include "platforms/watermark.h"

namespace odziv::platforms {
namespace {

TEST_CASE("Link headers give the next and prev URLs (Mastodon's form)") {
  auto links = ParseLinkHeader(
      R"(<https://m.example/api/v1/notifications?max_id=110&types[]=mention>; rel="next", )"
      R"(<https://m.example/api/v1/notifications?min_id=120>; rel="prev")");
  REQUIRE(links.size() == 2);
  CHECK(links["next"] == "https://m.example/api/v1/notifications?max_id=110&types[]=mention");
  CHECK(QueryParameter(links["next"], "max_id") == "110");
  CHECK(QueryParameter(links["prev"], "min_id") == "120");
  CHECK_FALSE(QueryParameter(links["prev"], "max_id").has_value());
  auto multi = ParseLinkHeader(R"(<https://a/x>; rel="next last"; title="x, y")");
  CHECK(multi["last"] == "https://a/x");
  CHECK(ParseLinkHeader("garbage").empty());
}

TEST_CASE("URLs are joined and decoded") {
  CHECK(JoinUrl("http://127.0.0.1:5/", "/2/tweets", {{"query", "a b&c"}}) == "http://127.0.0.1:5/2/tweets?query=a%20b%26c");
  CHECK(JoinUrl("https://m.example", "api/v1/x") == "https://m.example/api/v1/x");
  CHECK(UrlDecode("a%20b+c%C5%A1") == "a b cš");
  CHECK_FALSE(UrlDecode("%4").has_value());
  CHECK(UrlPath("https://graph.facebook.com/v19.0/1/feed?access_token=s") == "/v19.0/1/feed");
}

TEST_CASE("Cursors encode keys in order and survive a round trip") {
  Cursor c;
  c.Set("token", "a&b=c").Set("since", "1005").Set("empty", "");
  CHECK(c.Encode() == "since=1005&token=a%26b%3Dc");
  auto back = Cursor::Parse(c.Encode(), "x");
  REQUIRE(back.has_value());
  CHECK(back->Get("token") == "a&b=c");
  CHECK(back->Get("missing").empty());
  CHECK(Cursor::Parse("", "x")->empty());
  auto bad = Cursor::Parse("nonsense", "x");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ErrorCode::kMalformed);
}

}  // namespace
}  // namespace odziv::platforms

namespace odziv::platforms {
namespace {

Post At(const char* id, std::int64_t ms) {
  Post p;
  p.external_id = id;
  p.created_at = FromUnixMillis(ms);
  return p;
}

TEST_CASE("A watermark tells items at the same millisecond apart by id and survives the cursor") {
  Watermark w;
  w.Advance({At("a", 1000), At("b", 2000), At("c", 2000)});
  CHECK(w.ms() == 2000);
  CHECK(w.Covers(At("a", 1000)));
  CHECK(w.Covers(At("b", 2000)));
  CHECK_FALSE(w.Covers(At("d", 2000)));
  CHECK_FALSE(w.Covers(At("e", 2001)));
  Cursor c;
  w.Write(c, "after_");
  CHECK(c.Encode() == "after_edge=b%7Cc&after_ms=2000");
  Watermark back = Watermark::Read(c, "after_");
  CHECK(back.Covers(At("c", 2000)));
  CHECK_FALSE(back.Covers(At("d", 2000)));
  CHECK(Watermark::Read(Cursor(), "after_").empty());
}

}  // namespace
}  // namespace odziv::platforms
