// YouTube connector over real HTTP against the fake platform server: the walk to a known comment across
// pages and restarts, quota accounting, replies, API keys.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/clock.h"
#include "platforms/registry.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {
namespace {

std::unique_ptr<Connector> MakeYouTube(const std::map<std::string, std::string>& extra, const Clock& clock) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  Source source;
  source.name = "zrno-youtube";
  source.platform = "youtube";
  source.settings = {{"base_url", FakePlatformServer::Shared().url()}, {"token", "env:ODZIV_TEST_TOKEN"}};
  for (const auto& [k, v] : extra) source.settings[k] = v;
  auto connector = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(connector.has_value());
  return std::move(*connector);
}

void ServeVideoPages(FakePlatformServer& server) {
  server.Route(Json(R"({"path":"/youtube/v3/commentThreads","match":{"videoId":"F1UP7wRCPH8"},
      "body_file":"youtube/python-youtube__comment_threads__comment_threads_by_video_paged_1.json"})"));
  web::json::value second = Json(R"({"path":"/youtube/v3/commentThreads",
      "body_file":"youtube/python-youtube__comment_threads__comment_threads_by_video_paged_2.json"})");
  second["match"] = Json(R"({"videoId":"F1UP7wRCPH8"})");
  second["match"]["pageToken"] = web::json::value::string(
      "QURTSl9pMzdZOUVzMkI0czlmRmNjSVBPcTBTdzVzajUydDVnbE5SNElWS0l5WU12amYweVotdzF5c1hTNmxzUmVIcEZXbmVEVFMzNVJmWk82TVVwUlB2LWh5aUpOQlA5TGQzTWZEcHlTeTd2dlNGRUFZaVF0cmtJd01BTHlnOG0=");
  server.Route(second);
}

TEST_CASE("YouTubeConnector walks pages until a known comment, resuming the run after a restart") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeVideoPages(server);
  FakeClock clock(FromUnixSeconds(1795000000));
  // Stored before: a comment older than all of page 1 (2019-11-01).
  const std::string cursor = "known=Ugold&known_at=1572566400000";
  auto first = MakeYouTube({{"video_id", "F1UP7wRCPH8"}}, clock)->Fetch(cursor);
  REQUIRE(first.has_value());
  CHECK(first->posts.size() == 5);
  CHECK(first->more);
  CHECK(first->posts.front().external_id == "UgwI_ylXVnzPS8Q-oAV4AaABAg");  // oldest first
  CHECK(first->next_cursor.find("known=Ugold") != std::string::npos);
  CHECK(first->next_cursor.find("token=QURTSl9p") != std::string::npos);
  CHECK(first->next_cursor.find("run_newest=UgyZ1jqkHKYvi1-ruOZ4AaABAg") != std::string::npos);

  auto second = MakeYouTube({{"video_id", "F1UP7wRCPH8"}}, clock)->Fetch(first->next_cursor);
  REQUIRE(second.has_value());
  CHECK_FALSE(second->more);
  CHECK(second->next_cursor == "known=UgyZ1jqkHKYvi1-ruOZ4AaABAg&known_at=1574783504000");

  auto third = MakeYouTube({{"video_id", "F1UP7wRCPH8"}}, clock)->Fetch(second->next_cursor);
  REQUIRE(third.has_value());
  CHECK(third->posts.empty());
  CHECK(third->next_cursor == second->next_cursor);

  auto requests = server.Requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].query.find("order=time") != std::string::npos);
  CHECK(requests[0].query.find("part=snippet%2Creplies") != std::string::npos);
  CHECK(requests[1].query.find("pageToken=") != std::string::npos);
}

TEST_CASE("YouTubeConnector stops before its daily quota and says when it resets") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  ServeVideoPages(server);
  FakeClock clock(*ParseIsoTimestamp("2026-11-20T20:00:00Z"));  // 12:00 PST
  auto youtube = MakeYouTube({{"video_id", "F1UP7wRCPH8"}, {"daily_quota", "51"}}, clock);
  REQUIRE(youtube->Fetch("").has_value());
  REQUIRE(youtube->Fetch("").has_value());
  auto reply = youtube->Publish(ReplyRequest{"T", "T", "Hvala!", "d"});
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == ErrorCode::kRateLimited);
  CHECK(reply.error().retry_after == std::chrono::hours(12));
  CHECK(server.Count("POST", "/youtube/v3/comments") == 0);
  clock.Advance(std::chrono::hours(12));
  server.Route(Json(R"({"method":"POST","path":"/youtube/v3/comments","body_file":"youtube/python-youtube__comments__insert_response.json"})"));
  CHECK(youtube->Publish(ReplyRequest{"T", "T", "Hvala!", "d"}).has_value());
}

TEST_CASE("YouTubeConnector replies to the thread's top-level comment") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"method":"POST","path":"/youtube/v3/comments","body_file":"youtube/python-youtube__comments__insert_response.json"})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto reply = MakeYouTube({{"channel_id", "UCx"}}, clock)->Publish(ReplyRequest{"Ugy_CAft.reply1", "", "Hvala!", "d"});
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "Ugy_CAftKrIUCyPr9GR4AaABAg.9iPXEClD9lW9iPXLqKy_Pt");
  auto requests = server.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].query == "part=snippet");
  CHECK(requests[0].body == R"({"snippet":{"parentId":"Ugy_CAft","textOriginal":"Hvala!"}})");
}

TEST_CASE("YouTubeConnector finds the brand channel's reply in the thread") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/youtube/v3/comments","match":{"parentId":"T"},"body":{"items":[
      {"id":"T.1","snippet":{"parentId":"T","textOriginal":"+1","publishedAt":"2026-11-20T10:01:00Z","authorChannelId":{"value":"UCother"}}},
      {"id":"T.2","snippet":{"parentId":"T","textOriginal":"Hvala!","publishedAt":"2026-11-20T10:02:00Z","authorChannelId":{"value":"UCbrand"}}}]}})"));
  FakeClock clock(FromUnixSeconds(1795000000));
  auto found = MakeYouTube({{"channel_id", "UCbrand"}}, clock)->FindBrandReply("T.1");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->external_id == "T.2");
}

TEST_CASE("YouTubeConnector reads with an API key in the query and will not reply with it") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/youtube/v3/commentThreads","body_file":"youtube/python-youtube__comment_threads__comment_threads_all_to_me.json"})"));
  setenv("ODZIV_TEST_KEY", "AIzaSECRETKEY", 1);
  FakeClock clock(FromUnixSeconds(1795000000));
  Source source;
  source.name = "yt-key";
  source.platform = "youtube";
  source.settings = {{"base_url", server.url()}, {"channel_id", "UCa"}, {"api_key", "env:ODZIV_TEST_KEY"}};
  auto youtube = MakeConnector(source, ConnectorContext{TestHttp(), clock});
  REQUIRE(youtube.has_value());
  REQUIRE((*youtube)->Fetch("").has_value());
  CHECK(server.Requests()[0].query.find("key=AIzaSECRETKEY") != std::string::npos);
  CHECK(server.Requests()[0].Header("Authorization").empty());
  server.Fault(Json(R"({"kind":"status","status":500})"));
  auto failed = (*youtube)->Fetch("");
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().message.find("AIzaSECRETKEY") == std::string::npos);
  auto reply = (*youtube)->Publish(ReplyRequest{"T", "T", "x", "k"});
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace odziv::platforms::testing
