// Bluesky connector over real HTTP against the fake platform server: sessions (create, refresh on
// ExpiredToken, a new one when the refresh is refused), walking newest-first pages back to what was seen
// across a restart, RateLimit-Reset, replies with root/parent references and facets, the brand's replies.
#include <catch2/catch.hpp>
#include <cpprest/json.h>
#include <fmt/format.h>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms::testing {
namespace {

constexpr std::string_view kBrandDid = "did:plc:zrno";

std::unique_ptr<Connector> MakeBluesky(const std::map<std::string, std::string>& extra, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = "zrno-bluesky";
  source.platform = "bluesky";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()},
                     {"handle", "@zrno.bsky.social"},
                     {"app_password", "env:ODZIV_TEST_TOKEN"}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  if (!connector) FAIL(Describe(connector.error()));
  return std::move(*connector);
}

// createSession issues access-1, access-2 …; refreshSession issues refreshed-1 …
void ServeSessions(FakePlatformServer& server) {
  server.Route(Json(R"({"method":"POST","path":"/xrpc/com.atproto.server.createSession","numbered":true,
      "body":{"did":"did:plc:zrno","handle":"zrno.bsky.social","accessJwt":"access-#{n}","refreshJwt":"refresh-#{n}"}})"));
  server.Route(Json(R"({"method":"POST","path":"/xrpc/com.atproto.server.refreshSession","numbered":true,
      "body":{"did":"did:plc:zrno","handle":"zrno.bsky.social","accessJwt":"refreshed-#{n}","refreshJwt":"refresh-r#{n}"}})"));
}

std::string Mention(std::string_view rkey, int second) {
  return fmt::format(R"({{"uri":"at://did:plc:ana/app.bsky.feed.post/{0}","cid":"bafy-{0}","reason":"mention",
      "author":{{"did":"did:plc:ana","handle":"ana.bsky.social","displayName":"Ana"}},
      "record":{{"$type":"app.bsky.feed.post","text":"@zrno.bsky.social {0}","createdAt":"2026-11-20T10:00:{1:02}.000Z"}},
      "indexedAt":"2026-11-20T10:00:{1:02}.500Z"}})",
                     rkey, second);
}

void ServeNotifications(FakePlatformServer& server, std::string_view match, const std::vector<std::string>& items,
                        std::string_view cursor) {
  std::string joined;
  for (const auto& i : items) joined += (joined.empty() ? "" : ",") + i;
  std::string body = fmt::format(R"({{"notifications":[{}]{}}})", joined,
                                 cursor.empty() ? "" : fmt::format(R"(,"cursor":"{}")", cursor));
  web::json::value route = Json(fmt::format(R"({{"path":"/xrpc/app.bsky.notification.listNotifications","match":{}}})", match));
  route["body"] = web::json::value::string(body);
  server.Route(route);
}

std::vector<std::string> Keys(const FetchPage& page) {
  std::vector<std::string> keys;
  for (const auto& p : page.posts) keys.push_back(p.external_id.substr(p.external_id.rfind('/') + 1));
  return keys;
}

TEST_CASE("BlueskyConnector makes a session once and reads mention and reply notifications") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeSessions(server);
  server.Load("bluesky/bskyr__n_notifications.json");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto bluesky = MakeBluesky({}, clock);
  auto page = bluesky->Fetch("");
  REQUIRE(page.has_value());
  CHECK(page->posts.size() == 11);
  CHECK_FALSE(page->more);
  CHECK(page->next_cursor ==
        "seen_edge=at%3A%2F%2Fdid%3Aplc%3Alprqqpoyjspuma25n5gofocf%2Fapp.bsky.feed.post%2F3lmicbemya22g&seen_ms=1744315313909");
  auto again = bluesky->Fetch(page->next_cursor);
  REQUIRE(again.has_value());
  CHECK(again->posts.empty());

  auto requests = server.Requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].path == "/xrpc/com.atproto.server.createSession");
  auto login = web::json::value::parse(requests[0].body);
  CHECK(login.at("identifier").as_string() == "zrno.bsky.social");
  CHECK(login.at("password").as_string() == kTestToken);
  CHECK(requests[1].query == "reasons=mention&reasons=reply&limit=50");
  CHECK(requests[1].Header("Authorization") == "Bearer access-1");
  CHECK(requests[2].Header("Authorization") == "Bearer access-1");
}

TEST_CASE("BlueskyConnector walks back newest-first pages to what it saw, across a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeSessions(server);
  ServeNotifications(server, "{}", {Mention("n5", 5), Mention("n4", 4)}, "c1");
  ServeNotifications(server, R"({"cursor":"c1"})", {Mention("n3", 3), Mention("n2", 2), Mention("n1", 1)}, "c2");
  FakeClock clock(FromUnixSeconds(1795000000));
  // Seen up to n2 (10:00:02.500).
  const std::string seen = "seen_edge=at%3A%2F%2Fdid%3Aplc%3Aana%2Fapp.bsky.feed.post%2Fn2&seen_ms=1795168802500";

  auto first = MakeBluesky({{"limit", "2"}}, clock)->Fetch(seen);
  REQUIRE(first.has_value());
  CHECK(Keys(*first) == std::vector<std::string>{"n4", "n5"});
  CHECK(first->more);
  CHECK(first->next_cursor.find("page=c1") != std::string::npos);
  CHECK(first->next_cursor.find("seen_ms=1795168802500") != std::string::npos);

  // The daemon restarts between the two pages.
  auto second = MakeBluesky({{"limit", "2"}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK(Keys(*second) == std::vector<std::string>{"n3"});
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == "seen_edge=at%3A%2F%2Fdid%3Aplc%3Aana%2Fapp.bsky.feed.post%2Fn5&seen_ms=1795168805500");

  auto third = MakeBluesky({{"limit", "2"}}, clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());
  CHECK(third->next_cursor == second->next_cursor);
  CHECK(server.Requests()[3].query.find("cursor=c1") != std::string::npos);
}

TEST_CASE("BlueskyConnector refreshes its session on ExpiredToken and sends the request once more") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeSessions(server);
  ServeNotifications(server, "{}", {Mention("n1", 1)}, "");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto bluesky = MakeBluesky({}, clock);
  REQUIRE(bluesky->Fetch("").has_value());
  server.Fault(Json(R"({"kind":"expired_token","platform":"bluesky","path":"/xrpc/app.bsky.notification"})"));
  auto page = bluesky->Fetch("");
  REQUIRE(page.has_value());
  CHECK(page->posts.size() == 1);
  auto requests = server.Requests();
  REQUIRE(requests.size() == 5);
  CHECK(requests[3].path == "/xrpc/com.atproto.server.refreshSession");
  CHECK(requests[3].Header("Authorization") == "Bearer refresh-1");
  CHECK(requests[4].Header("Authorization") == "Bearer refreshed-1");

  // The refresh JWT has expired too: a new session with the app password.
  server.Fault(Json(R"({"kind":"expired_token","platform":"bluesky","path":"/xrpc/app.bsky.notification"})"));
  server.Fault(Json(R"({"kind":"expired_token","platform":"bluesky","path":"/xrpc/com.atproto.server.refreshSession"})"));
  auto renewed = bluesky->Fetch("");
  REQUIRE(renewed.has_value());
  requests = server.Requests();
  CHECK(requests.back().Header("Authorization") == "Bearer access-2");
  CHECK(server.Count("POST", "/xrpc/com.atproto.server.createSession") == 2);
}

TEST_CASE("BlueskyConnector reports a refused app password as needing a person, without the password") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"method":"POST","path":"/xrpc/com.atproto.server.createSession","status":401,
      "body":{"error":"AuthenticationRequired","message":"Invalid identifier or password"}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeBluesky({}, clock)->Fetch("");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kUnauthenticated);
  CHECK(page.error().message ==
        "bluesky POST com.atproto.server.createSession answered HTTP 401 (Invalid identifier or password)");
}

TEST_CASE("BlueskyConnector turns HTTP 429 into retry-after from RateLimit-Reset") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeSessions(server);
  server.Fault(Json(R"({"kind":"rate_limit","platform":"bluesky","reset_epoch":1795000090,"path":"/xrpc/app.bsky"})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeBluesky({}, clock)->Fetch("");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == ErrorCode::kRateLimited);
  CHECK(page.error().retry_after == std::chrono::seconds(90));
}

TEST_CASE("BlueskyConnector searches the newest posts") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeSessions(server);
  web::json::value route = Json(R"({"path":"/xrpc/app.bsky.feed.searchPosts","match":{"q":"redistricting","sort":"latest"}})");
  route["body"] = web::json::value::string(CassetteBody("bluesky/bskyr__f_search.json"));
  server.Route(route);
  FakeClock clock(FromUnixSeconds(1795000000));
  auto page = MakeBluesky({{"query", "redistricting"}}, clock)->Fetch("");
  REQUIRE(page.has_value());
  CHECK(page->posts.size() == 25);
  CHECK_FALSE(page->more);  // a first poll takes the newest page only
  CHECK(page->next_cursor.find("seen_ms=1747674609813") != std::string::npos);
}

TEST_CASE("BlueskyConnector replies once with root and parent references and a resolved mention") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeSessions(server);
  server.Route(Json(R"({"path":"/xrpc/app.bsky.feed.getPosts","match":{"uris":"at://did:plc:ana/app.bsky.feed.post/p"},
      "body":{"posts":[{"uri":"at://did:plc:ana/app.bsky.feed.post/p","cid":"bafy-p","record":{"text":"@zrno.bsky.social?",
        "reply":{"root":{"uri":"at://did:plc:zrno/app.bsky.feed.post/r","cid":"bafy-r"},
                 "parent":{"uri":"at://did:plc:zrno/app.bsky.feed.post/r","cid":"bafy-r"}}}}]}})"));
  server.Route(Json(R"({"path":"/xrpc/com.atproto.identity.resolveHandle","match":{"handle":"ana.bsky.social"},
                        "body":{"did":"did:plc:ana"}})"));
  server.Route(Json(R"({"path":"/xrpc/com.atproto.identity.resolveHandle","match":{"handle":"nobody.example"},"status":400,
                        "body":{"error":"InvalidRequest","message":"Unable to resolve handle"}})"));
  server.Load("bluesky/bskyr__r_post_reply.json");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reply = MakeBluesky({}, clock)->Publish(
      ReplyRequest{"at://did:plc:ana/app.bsky.feed.post/p", "", "Ćao @ana.bsky.social i @nobody.example 🙂", "d-1"});
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "at://did:plc:5c2r73erhng4bszmxlfdtscf/app.bsky.feed.post/3lprdue7ggw26");
  CHECK(server.Count("POST", "/xrpc/com.atproto.repo.createRecord") == 1);
  std::string sent;
  for (const auto& r : server.Requests())
    if (r.path == "/xrpc/com.atproto.repo.createRecord") sent = r.body;
  auto body = web::json::value::parse(sent);
  CHECK(body.at("repo").as_string() == kBrandDid);
  const auto& record = body.at("record");
  CHECK(record.at("text").as_string() == "Ćao @ana.bsky.social i @nobody.example 🙂");
  CHECK(record.at("reply").at("parent").at("uri").as_string() == "at://did:plc:ana/app.bsky.feed.post/p");
  CHECK(record.at("reply").at("parent").at("cid").as_string() == "bafy-p");
  CHECK(record.at("reply").at("root").at("uri").as_string() == "at://did:plc:zrno/app.bsky.feed.post/r");
  CHECK(record.at("reply").at("root").at("cid").as_string() == "bafy-r");
  REQUIRE(record.at("facets").size() == 1);  // the handle that does not resolve stays plain text
  CHECK(record.at("facets").at(0).at("index").at("byteStart").as_integer() == 5);
  CHECK(record.at("facets").at(0).at("index").at("byteEnd").as_integer() == 21);
  CHECK(record.at("facets").at(0).at("features").at(0).at("did").as_string() == "did:plc:ana");
}

TEST_CASE("BlueskyConnector reports a reply Bluesky refuses with its words, sent once") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeSessions(server);
  server.Route(Json(R"({"path":"/xrpc/app.bsky.feed.getPosts","body":{"posts":[{"uri":"at://did:plc:ana/app.bsky.feed.post/p",
                        "cid":"bafy-p","record":{"text":"?"}}]}})"));
  server.Load("bluesky/bskyr__r_post_errors.json");
  FakeClock clock(FromUnixSeconds(1795000000));
  auto bluesky = MakeBluesky({}, clock);
  auto reply = bluesky->Publish(ReplyRequest{"at://did:plc:ana/app.bsky.feed.post/p", "", std::string(400, 'a'), "d-1"});
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == ErrorCode::kFailedPrecondition);
  CHECK(reply.error().message.find("must not be longer than 300 graphemes") != std::string::npos);
  CHECK(server.Count("POST", "/xrpc/com.atproto.repo.createRecord") == 1);

  server.Route(Json(R"({"path":"/xrpc/app.bsky.feed.getPosts","body":{"posts":[]}})"));
  auto gone = bluesky->Publish(ReplyRequest{"at://did:plc:ana/app.bsky.feed.post/p", "", "Hvala", "d-2"});
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().code == ErrorCode::kFailedPrecondition);
  CHECK(server.Count("POST", "/xrpc/com.atproto.repo.createRecord") == 1);
  auto not_uri = bluesky->Publish(ReplyRequest{"3lmicbemya22g", "", "Hvala", "d-3"});
  REQUIRE_FALSE(not_uri.has_value());
  CHECK(not_uri.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("BlueskyConnector finds the brand's own reply in a post's thread") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeSessions(server);
  server.Route(Json(R"({"path":"/xrpc/app.bsky.feed.getPostThread","match":{"uri":"at://did:plc:ana/app.bsky.feed.post/p"},
      "body":{"thread":{"$type":"app.bsky.feed.defs#threadViewPost",
        "post":{"uri":"at://did:plc:ana/app.bsky.feed.post/p","cid":"c","author":{"did":"did:plc:ana"},"record":{"text":"?"},
                "indexedAt":"2026-11-20T10:00:00Z"},
        "replies":[{"$type":"app.bsky.feed.defs#notFoundPost","uri":"at://x","notFound":true},
                   {"$type":"app.bsky.feed.defs#threadViewPost","post":{"uri":"at://did:plc:bob/app.bsky.feed.post/b","cid":"c",
                     "author":{"did":"did:plc:bob"},"record":{"text":"+1","createdAt":"2026-11-20T10:01:00Z"},"indexedAt":"2026-11-20T10:01:00Z"}},
                   {"$type":"app.bsky.feed.defs#threadViewPost","post":{"uri":"at://did:plc:zrno/app.bsky.feed.post/z","cid":"c",
                     "author":{"did":"did:plc:zrno","handle":"zrno.bsky.social"},
                     "record":{"text":"Hvala!","createdAt":"2026-11-20T10:02:00Z",
                               "reply":{"root":{"uri":"at://did:plc:ana/app.bsky.feed.post/p","cid":"c"},
                                        "parent":{"uri":"at://did:plc:ana/app.bsky.feed.post/p","cid":"c"}}},
                     "indexedAt":"2026-11-20T10:02:00Z"}}]}}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto bluesky = MakeBluesky({}, clock);
  auto found = bluesky->FindBrandReply("at://did:plc:ana/app.bsky.feed.post/p");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == "at://did:plc:zrno/app.bsky.feed.post/z");
  CHECK((*found)->from_brand);
  CHECK((*found)->parent_id == "at://did:plc:ana/app.bsky.feed.post/p");
  CHECK(server.Requests().back().query.find("depth=1") != std::string::npos);
}

TEST_CASE("BlueskyConnector settings are checked when the connector is made") {
  FakeClock clock(FromUnixSeconds(1795000000));
  auto make = [&](std::map<std::string, std::string> settings) {
    Source source;
    source.name = "bad-bluesky";
    source.platform = "bluesky";
    source.settings = std::move(settings);
    return MakeConnector(source, ConnectorContext{TestHttp(), clock});
  };
  auto no_handle = make({{"app_password", "env:ODZIV_TEST_TOKEN"}});
  REQUIRE_FALSE(no_handle.has_value());
  CHECK(no_handle.error().message == "source bad-bluesky (bluesky): needs setting 'handle' (the brand account's handle, e.g. zrno.bsky.social)");
  auto bad_reason = make({{"handle", "zrno.bsky.social"}, {"app_password", "env:ODZIV_TEST_TOKEN"}, {"reasons", "mention,like"}});
  REQUIRE_FALSE(bad_reason.has_value());
  CHECK(bad_reason.error().message.find("'like'") != std::string::npos);
  auto pasted = make({{"handle", "zrno.bsky.social"}, {"app_password", "abcd-efgh-ijkl-mnop"}});
  REQUIRE_FALSE(pasted.has_value());
  CHECK(pasted.error().message.find("abcd-efgh") == std::string::npos);
  auto bad_session_url = make({{"handle", "zrno.bsky.social"}, {"app_password", "env:ODZIV_TEST_TOKEN"}, {"session_url", "bsky.social"}});
  REQUIRE_FALSE(bad_session_url.has_value());
  CHECK(bad_session_url.error().message.find("'session_url'") != std::string::npos);
}

}  // namespace
}  // namespace odziv::platforms::testing
