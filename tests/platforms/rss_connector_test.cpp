// RSS connector over real HTTP against the fake platform server: conditional GET, deduplication, edits,
// charsets from the Content-Type header.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms::testing {
namespace {

std::unique_ptr<Connector> MakeRss(const std::string& path, const Clock& clock, std::string encoding = "") {
  Source source;
  source.name = "zrno-blog";
  source.platform = "rss";
  source.settings = {{"url", FakePlatformServer::Shared().url() + path}};
  if (!encoding.empty()) source.settings["encoding"] = encoding;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

std::string Feed(std::initializer_list<std::pair<const char*, const char*>> items) {
  std::string out = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Zrno</title>";
  for (const auto& [guid, updated] : items)
    out += fmt::format("<item><guid>https://zrno.example/{}</guid><title>Post {}</title><pubDate>{}</pubDate></item>", guid, guid, updated);
  return out + "</channel></rss>";
}

TEST_CASE("RssConnector sends validators back and treats 304 as nothing new") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/feed.rss","body_file":"rss/huginn__onethingwell.rss",
                        "headers":{"Content-Type":"application/rss+xml","ETag":"\"abc\"","Last-Modified":"Thu, 20 Aug 2015 16:00:10 GMT"}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto rss = MakeRss("/feed.rss", clock);
  auto first = rss->Fetch("");
  REQUIRE(first.has_value());
  CHECK(first->posts.size() == 20);
  auto second = MakeRss("/feed.rss", clock)->Fetch(first->next_cursor);  // after a restart
  REQUIRE(second.has_value());
  CHECK(second->posts.empty());
  CHECK(second->next_cursor == first->next_cursor);
  auto requests = server.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].Header("If-None-Match").empty());
  CHECK(requests[1].Header("If-None-Match") == "\"abc\"");
  CHECK(requests[1].Header("If-Modified-Since") == "Thu, 20 Aug 2015 16:00:10 GMT");
}

TEST_CASE("RssConnector returns only entries it has not returned before, and edited ones again") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  FakeClock clock(FromUnixSeconds(1795000000));
  web::json::value route = Json(R"({"path":"/plain.rss","headers":{"Content-Type":"application/rss+xml"}})");
  route["body"] = web::json::value::string(Feed({{"2", "Fri, 20 Nov 2026 10:02:00 GMT"}, {"1", "Fri, 20 Nov 2026 10:01:00 GMT"}}));
  server.Route(route);
  auto first = MakeRss("/plain.rss", clock)->Fetch("");
  REQUIRE(first.has_value());
  REQUIRE(first->posts.size() == 2);
  CHECK(first->posts[0].external_id == "https://zrno.example/1");

  route["body"] = web::json::value::string(Feed({{"3", "Fri, 20 Nov 2026 10:03:00 GMT"}, {"2", "Fri, 20 Nov 2026 10:02:00 GMT"},
                                                 {"1", "Fri, 20 Nov 2026 10:01:00 GMT"}}));
  server.Route(route);
  auto second = MakeRss("/plain.rss", clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  REQUIRE(second->posts.size() == 1);
  CHECK(second->posts[0].external_id == "https://zrno.example/3");

  // An Atom entry whose <updated> moves is returned again, as an edit.
  web::json::value atom = Json(R"({"path":"/a.atom"})");
  auto entry = [](const char* updated) {
    return fmt::format(R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:e:1</id><title>t</title>
        <published>2026-11-20T10:00:00Z</published><updated>{}</updated></entry></feed>)", updated);
  };
  atom["body"] = web::json::value::string(entry("2026-11-20T10:00:00Z"));
  server.Route(atom);
  auto a1 = MakeRss("/a.atom", clock)->Fetch("");
  REQUIRE(a1.has_value());
  CHECK(a1->posts.size() == 1);
  auto a2 = MakeRss("/a.atom", clock)->Fetch(a1->next_cursor);
  REQUIRE(a2.has_value());
  CHECK(a2->posts.empty());
  atom["body"] = web::json::value::string(entry("2026-11-20T11:00:00Z"));
  server.Route(atom);
  auto a3 = MakeRss("/a.atom", clock)->Fetch(a2->next_cursor);
  REQUIRE(a3.has_value());
  REQUIRE(a3->posts.size() == 1);
  CHECK(a3->posts[0].edited_at.has_value());
}

TEST_CASE("RssConnector reads the charset from the Content-Type header") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/latin1.rss","body_file":"rss/huginn__iso-8859-1.rss","headers":{"Content-Type":"text/xml; charset=ISO-8859-1"}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeRss("/latin1.rss", clock)->Fetch("");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 1);
  CHECK(page->posts[0].text == "Mëkanïk Zaïn");
}

TEST_CASE("RssConnector reads a declared ISO-8859-1 feed served as text/xml without charset") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/t.rss","body_file":"rss/huginn__iso-8859-1.rss","headers":{"Content-Type":"text/xml"}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeRss("/t.rss", clock)->Fetch("");
  REQUIRE(page.has_value());
  REQUIRE(page->posts.size() == 1);
  CHECK(page->posts[0].text == "Mëkanïk Zaïn");
}

TEST_CASE("RssConnector reports a missing feed as a configuration problem") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeRss("/gone.rss", clock)->Fetch("");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kConfig);
  CHECK(page.error().message.starts_with("rss GET /gone.rss answered HTTP 404"));
}

}  // namespace
}  // namespace odziv::platforms::testing
