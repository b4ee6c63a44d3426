// Mastodon connector over real HTTP against the fake platform server.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {
namespace {

std::unique_ptr<Connector> MakeMastodon(const std::map<std::string, std::string>& extra, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = "zrno-mastodon";
  source.platform = "mastodon";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()}, {"token", "env:ODZIV_TEST_TOKEN"}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

std::string Mention(int notification_id, int status_id, int minute) {
  return fmt::format(
      R"({{"id":"{}","type":"mention","created_at":"2026-11-20T10:{:02}:00Z","account":{{"id":"9","acct":"ana"}},
          "status":{{"id":"{}","created_at":"2026-11-20T10:{:02}:00Z","content":"<p>m{}</p>","visibility":"public",
                    "account":{{"id":"9","acct":"ana","display_name":"Ana","followers_count":5}}}}}})",
      notification_id, minute, status_id, minute, status_id);
}

TEST_CASE("MastodonConnector pages forward with min_id and resumes across a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  const std::string url = server.url();
  // limit=2: a full page after a cursor means more are waiting.
  web::json::value first = Json(fmt::format(R"({{"path":"/api/v1/notifications","match":{{"min_id":"10"}},"body":[{},{}]}})",
                                            Mention(12, 112, 2), Mention(11, 111, 1)));
  first["headers"] = Json(fmt::format(
      R"({{"Link":"<{0}/api/v1/notifications?max_id=11>; rel=\"next\", <{0}/api/v1/notifications?min_id=12>; rel=\"prev\""}})", url));
  server.Route(first);
  server.Route(Json(fmt::format(R"({{"path":"/api/v1/notifications","match":{{"min_id":"12"}},"body":[{}]}})", Mention(13, 113, 3))));
  FakeClock clock(FromUnixSeconds(1795000000));

  auto page1 = MakeMastodon({{"limit", "2"}}, clock)->Fetch("min_id=10");
  REQUIRE(page1.has_value());
  REQUIRE(page1->posts.size() == 2);
  CHECK(page1->posts[0].external_id == "111");
  CHECK(page1->posts[1].external_id == "112");
  CHECK(page1->next_cursor == "min_id=12");
  CHECK(page1->more);

  auto page2 = MakeMastodon({{"limit", "2"}}, clock)->Fetch(page1->next_cursor);
  REQUIRE(page2.has_value());
  REQUIRE(page2->posts.size() == 1);
  CHECK(page2->posts[0].external_id == "113");
  CHECK(page2->next_cursor == "min_id=13");
  CHECK_FALSE(page2->more);

  auto requests = server.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].query.find("types%5B%5D=mention") != std::string::npos);
  CHECK(requests[0].query.find("limit=2") != std::string::npos);
}

TEST_CASE("MastodonConnector turns HTTP 429 into retry-after from the ISO reset time") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Fault(Json(R"({"kind":"rate_limit","platform":"mastodon","reset_epoch":1795000300})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeMastodon({}, clock)->Fetch("min_id=1");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kRateLimited);
  CHECK(page.error().retry_after == std::chrono::seconds(300));
}

TEST_CASE("MastodonConnector replies with the author mentioned, the original's visibility and an Idempotency-Key") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Load("mastodon/mastodonpy__test_status_reply.json");
  server.Route(Json(R"({"path":"/api/v1/statuses/500","body":{"id":"500","created_at":"2026-11-20T10:00:00Z",
      "visibility":"direct","content":"<p>hi</p>","account":{"id":"9","acct":"ana@mastodon.social"}}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reply = MakeMastodon({}, clock)->Publish(ReplyRequest{"500", "500", "Hvala!", "delivery-42"});
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "117020583258292382");
  CHECK(reply->url == "http://localhost:3000/@admin/117020583258292382");
  auto requests = server.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].method == "POST");
  CHECK(requests[1].Header("Idempotency-Key") == "delivery-42");
  CHECK(requests[1].body == "status=%40ana%40mastodon.social%20Hvala%21&in_reply_to_id=500&visibility=direct");
}

TEST_CASE("MastodonConnector finds the brand's reply among the thread's descendants") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/api/v1/statuses/500/context","body":{"ancestors":[],"descendants":[
      {"id":"502","created_at":"2026-11-20T10:05:00Z","in_reply_to_id":"500","content":"<p>me too</p>","account":{"id":"8","acct":"bo"}},
      {"id":"503","created_at":"2026-11-20T10:06:00Z","in_reply_to_id":"500","content":"<p>@ana Hvala!</p>","account":{"id":"77","acct":"zrno"}}]}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto found = MakeMastodon({{"account_id", "77"}}, clock)->FindBrandReply("500");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == "503");
  CHECK((*found)->from_brand);
  auto none = MakeMastodon({{"account_id", "78"}}, clock)->FindBrandReply("500");
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("MastodonConnector needs an instance URL") {
  FakeClock clock(FromUnixSeconds(1795000000));
  Source source;
  source.name = "m";
  source.platform = "mastodon";
  source.settings = {{"token", "env:ODZIV_TEST_TOKEN"}};
  auto made = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE_FALSE(made.has_value());
  CHECK(made.error().code == ErrorCode::kConfig);
  CHECK(made.error().message.find("base_url") != std::string::npos);
}

}  // namespace
}  // namespace odziv::platforms::testing
