// The fake server's synthetic traffic, as load tests will use it: a seeded stream paged like the platform,
// ingested completely and exactly once by the connectors.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <set>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {
namespace {

std::unique_ptr<Connector> Make(const char* platform, std::map<std::string, std::string> settings, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = std::string("synthetic-") + platform;
  source.platform = platform;
  source.settings = std::move(settings);
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

// Polls as the scheduler would (again at once while `more`), restarting the connector between polls.
std::vector<Post> Drain(const char* platform, const std::map<std::string, std::string>& settings, std::string cursor,
                        const Clock& clock) {
  std::vector<Post> posts;
  for (int round = 0; round < 50; ++round) {
    auto page = Make(platform, settings, clock)->Fetch(cursor);
    REQUIRE(page.has_value());
    for (std::size_t i = 1; i < page->posts.size(); ++i) CHECK(page->posts[i - 1].created_at <= page->posts[i].created_at);
    for (auto& p : page->posts) posts.push_back(std::move(p));
    cursor = page->next_cursor;
    if (!page->more) break;
  }
  return posts;
}

TEST_CASE("Synthetic X traffic is paged newest first and ingested completely, once") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  // 250 posts that all exist already: start in the past, capped.
  server.Synthetic(Json(R"({"platform":"x","path":"/2/tweets/search/recent","rate_per_second":10,"seed":7,
                            "start_epoch":1000,"total":250,"base_id":1900000000000000000})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto posts = Drain("x", {{"base_url", server.url()}, {"query", "brand"}, {"token", "env:ODZIV_TEST_TOKEN"}},
                     "since=1899999999999999999", clock);
  std::set<std::string> ids;
  for (const auto& p : posts) ids.insert(p.external_id);
  CHECK(posts.size() == 250);
  CHECK(ids.size() == 250);
  CHECK(ids.contains("1900000000000000000"));
  CHECK(ids.contains("1900000000000000249"));
  CHECK(server.Count("GET", "/2/tweets/search/recent") == 3);
}

TEST_CASE("Synthetic Mastodon and RSS traffic is ingested completely, once") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Synthetic(Json(R"({"platform":"mastodon","path":"/api/v1/notifications","rate_per_second":5,"seed":3,
                            "start_epoch":1000,"total":95,"base_id":110000000000000000})"));
  server.Synthetic(Json(R"({"platform":"rss","path":"/synthetic.rss","rate_per_second":5,"seed":3,"start_epoch":1000,"total":40})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto toots = Drain("mastodon", {{"base_url", server.url()}, {"token", "env:ODZIV_TEST_TOKEN"}},
                     "min_id=109999999999999999", clock);
  std::set<std::string> ids;
  for (const auto& p : toots) ids.insert(p.external_id);
  CHECK(toots.size() == 95);
  CHECK(ids.size() == 95);
  auto entries = Drain("rss", {{"url", server.url() + "/synthetic.rss"}}, "", clock);
  CHECK(entries.size() == 40);
  CHECK(entries.front().text.starts_with("@brand "));
}

}  // namespace
}  // namespace odziv::platforms::testing
