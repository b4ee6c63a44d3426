// Parser tests for RSS and Atom on every recorded feed in tests/data/rss/.
#include <catch2/catch.hpp>

#include "platforms/charset.h"
#include "platforms/rss_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::ReadTestData;

const Endpoint kFeed{"rss", "GET /feed"};
const Timestamp kNow = FromUnixSeconds(1795000000);

ParsedFeed Parse(const char* file, std::string_view content_type = "application/xml", std::string_view fallback = "") {
  auto feed = ParseFeed(ReadTestData(std::string("rss/") + file), content_type, "https://feed.example/x", kNow, fallback, kFeed);
  if (!feed) FAIL(Describe(feed.error()));
  return *feed;
}

TEST_CASE("GitHub commits Atom feed: 20 entries, ids as-is, times with offsets, authors, trimmed titles") {
  auto feed = Parse("huginn__github_rss.atom", "application/atom+xml; charset=utf-8");
  CHECK(feed.title == "Recent Commits to huginn:master");
  REQUIRE(feed.posts.size() == 20);
  const Post& newest = feed.posts.back();
  CHECK(newest.external_id == "tag:github.com,2008:Grit::Commit/d0a844662846cf3c83b94c637c1803f03db5a5b0");
  CHECK(newest.url == "https://github.com/cantino/huginn/commit/d0a844662846cf3c83b94c637c1803f03db5a5b0");
  CHECK(newest.text.starts_with("Merge pull request #402 from albertsun/safer-liquid-migration\n\n"));
  CHECK(FormatIsoTimestamp(newest.created_at) == "2014-07-17T05:26:22Z");
  CHECK(newest.author.name == "cantino");
  CHECK(newest.author.id == "https://github.com/cantino");
  CHECK(newest.language == "en");
  CHECK(newest.platform == "rss");
  CHECK(newest.thread_id == newest.external_id);
  for (std::size_t i = 1; i < feed.posts.size(); ++i) CHECK(feed.posts[i - 1].created_at <= feed.posts[i].created_at);
  CHECK(feed.posts.front().external_id == "tag:github.com,2008:Grit::Commit/d465158f77dcd9078697e6167b50abbfdfa8b1af");
  CHECK(FormatIsoTimestamp(feed.posts.front().created_at) == "2014-07-01T07:07:47Z");
}

TEST_CASE("YouTube channel Atom feed: video ids, media descriptions, updated entries are edits") {
  auto feed = Parse("huginn__youtube.xml");
  REQUIRE(feed.posts.size() == 15);
  const Post* starke = nullptr;
  for (const auto& p : feed.posts)
    if (p.external_id == "yt:video:nSM2vTYyACQ") starke = &p;
  REQUIRE(starke != nullptr);
  CHECK(starke->text.starts_with("Nicholas Starke - BinaryNinja"));
  CHECK(FormatIsoTimestamp(starke->created_at) == "2016-11-28T16:21:10Z");
  REQUIRE(starke->edited_at.has_value());
  CHECK(FormatIsoTimestamp(*starke->edited_at) == "2017-02-03T09:11:35Z");
  CHECK(starke->author.name == "SecDSM");
  CHECK(feed.posts.back().external_id == "yt:video:OCs1E0vP7Oc");
  CHECK(feed.posts.back().url == "https://www.youtube.com/watch?v=OCs1E0vP7Oc");
}

TEST_CASE("Tumblr RSS 2.0 feed: guids, RFC 822 dates, escaped HTML descriptions reduced to text") {
  auto feed = Parse("huginn__onethingwell.rss", "application/rss+xml");
  CHECK(feed.title == "One Thing Well");
  REQUIRE(feed.posts.size() == 20);
  const Post& newest = feed.posts.back();
  CHECK(newest.external_id == "http://onethingwell.org/post/127163643556");
  CHECK(newest.url == "http://onethingwell.org/post/127163643556");
  CHECK(FormatIsoTimestamp(newest.created_at) == "2015-08-20T16:00:10Z");
  CHECK(newest.text.starts_with("CSVfix\n\nCSVfix: \nCSVfix is a command-line tool") == false);
  CHECK(newest.text.starts_with("CSVfix\n\nCSVfix:"));
  CHECK(newest.text.find("Reorder, remove, split and merge fields") != std::string::npos);
  CHECK(newest.text.find('<') == std::string::npos);
  CHECK(newest.text.find("&amp;") == std::string::npos);
  CHECK(feed.posts.front().external_id == "http://onethingwell.org/post/125509667816");
}

TEST_CASE("A feed declared ISO-8859-1 is transcoded to UTF-8") {
  auto feed = Parse("huginn__iso-8859-1.rss", "application/rss+xml");
  CHECK(feed.encoding == "iso-8859-1");
  CHECK(feed.title == "Zeuhl");
  REQUIRE(feed.posts.size() == 1);
  CHECK(feed.posts[0].text == "Mëkanïk Zaïn");
  CHECK(feed.posts[0].external_id == "http://example.net/post/1");
  CHECK(FormatIsoTimestamp(feed.posts[0].created_at) == "2016-11-21T16:00:10Z");
}

TEST_CASE("The HTTP charset overrides the XML declaration (RFC 3023)") {
  auto feed = Parse("feedparser__encoding__http_text_xml_charset_overrides_encoding.xml", "text/xml;charset = us-ascii");
  CHECK(feed.encoding == "us-ascii");
  CHECK_FALSE(feed.encoding_guessed);
  CHECK(feed.posts.empty());
  CHECK(DetectXmlEncoding("<?xml version='1.0' encoding='iso-8859-1'?><rss/>", "text/xml") == "us-ascii");
  CHECK(DetectXmlEncoding("<?xml version='1.0' encoding='iso-8859-1'?><rss/>", "application/xml") == "iso-8859-1");
  CHECK(DetectXmlEncoding("<rss/>", "application/rss+xml") == "utf-8");
}

TEST_CASE("A Big5 document without encoding information is read with the source's fallback encoding") {
  auto guessed = Parse("feedparser__illformed__chardet__big5.xml");
  CHECK(guessed.encoding_guessed);
  auto big5 = Parse("feedparser__illformed__chardet__big5.xml", "application/xml", "big5");
  CHECK(big5.encoding_guessed);
  CHECK(IsValidUtf8(big5.title));
  CHECK(big5.title.starts_with("我希望"));
}

TEST_CASE("Atom content type text is kept as written; entry ids are compared as-is") {
  auto text = Parse("feedparser__wellformed__atom10__entry_content_type_text.xml");
  REQUIRE(text.posts.size() == 1);
  CHECK(text.posts[0].text == "Example Atom");
  CHECK(text.posts[0].created_at == kNow);  // no date: the time it was seen
  auto id = Parse("feedparser__wellformed__atom10__entry_id.xml");
  REQUIRE(id.posts.size() == 1);
  CHECK(id.posts[0].external_id == "http://example.com/");
}

TEST_CASE("RSS escaped markup and permalink guids") {
  auto markup = Parse("feedparser__wellformed__rss__item_description_escaped_markup.xml");
  REQUIRE(markup.posts.size() == 1);
  CHECK(markup.posts[0].text == "Example description");
  CHECK(markup.posts[0].external_id.starts_with("https://feed.example/x#"));  // no guid or link: a hash
  auto guid = Parse("feedparser__wellformed__rss__item_guid_isPermaLink_guidislink.xml");
  REQUIRE(guid.posts.size() == 1);
  CHECK(guid.posts[0].external_id == "http://guid.example.com/");
  CHECK(guid.posts[0].url == "http://guid.example.com/");
}

TEST_CASE("Google Alerts entries: redirect links unwrapped, highlight markup dropped, bare guids qualified") {
  auto feed = ParseFeed(R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2013:googlealerts/feed:1234</id><title>Google Alert - zrno</title>
  <entry>
    <id>tag:google.com,2013:googlealerts/entry:5678</id>
    <title type="html">Kafeterija &lt;b&gt;Zrno&lt;/b&gt; otvara novu radnju</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://vijesti.example/zrno%3Fa%3D1&amp;ct=ga&amp;cd=X&amp;usg=Y"/>
    <published>2026-11-20T08:00:00Z</published><updated>2026-11-20T08:00:00Z</updated>
    <content type="html">&lt;b&gt;Zrno&lt;/b&gt; &amp;nbsp;je &amp;#268;ekalo</content>
  </entry>
</feed>)", "application/atom+xml", "https://www.google.com/alerts/feeds/1/2", kNow, "", kFeed);
  REQUIRE(feed.has_value());
  REQUIRE(feed->posts.size() == 1);
  CHECK(feed->posts[0].url == "https://vijesti.example/zrno?a=1");
  CHECK(feed->posts[0].text == "Kafeterija Zrno otvara novu radnju\n\nZrno je Čekalo");
  CHECK_FALSE(feed->posts[0].edited_at.has_value());
  auto bare = ParseFeed("<rss><channel><item><guid isPermaLink='false'>42</guid><title>t</title></item></channel></rss>",
                        "", "https://blog.example/feed", kNow, "", kFeed);
  REQUIRE(bare.has_value());
  CHECK(bare->posts[0].external_id == "https://blog.example/feed#42");
  CHECK(bare->posts[0].url.empty());
}

TEST_CASE("Feeds that are not XML or not feeds are malformed, with the endpoint named") {
  auto html = ParseFeed("<html><body>not a feed</body></html>", "text/html", "u", kNow, "", kFeed);
  REQUIRE_FALSE(html.has_value());
  CHECK(html.error().message == "rss GET /feed: the document is <html>, not an RSS or Atom feed");
  auto broken = ParseFeed("<rss><channel><item>", "application/xml", "u", kNow, "", kFeed);
  REQUIRE_FALSE(broken.has_value());
  CHECK(broken.error().code == ErrorCode::kMalformed);
  CHECK(broken.error().message.starts_with("rss GET /feed: not well-formed XML"));
}

}  // namespace
}  // namespace odziv::platforms
