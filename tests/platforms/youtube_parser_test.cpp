// Parser tests for the YouTube connector on the recorded responses in tests/data/youtube/.
#include <catch2/catch.hpp>

#include "platforms/response_check.h"
#include "platforms/youtube_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::ReadTestData;

const Endpoint kThreads{"youtube", "GET /youtube/v3/commentThreads"};

TEST_CASE("YouTube threads of a channel: comments with channel ids, times with and without fractions") {
  auto page = ParseYouTubeThreads(ReadTestData("youtube/python-youtube__comment_threads__comment_threads_all_to_me.json"),
                                  kThreads, "UCa-vrCLQHviTOVnEKDOdetQ");
  REQUIRE(page.has_value());
  CHECK(page->next_page_token.empty());
  REQUIRE(page->threads.size() == 4);
  const Post& p = page->threads[0].posts[0];
  CHECK(p.platform == "youtube");
  CHECK(p.kind == PostKind::kComment);
  CHECK(p.external_id == "UgyWeTdgc4sc1xgmbld4AaABAg");
  CHECK(p.thread_id == "UgyWeTdgc4sc1xgmbld4AaABAg");
  CHECK(p.parent_id.empty());
  CHECK(p.author.name == "kun liu");
  CHECK(FormatIsoTimestamp(p.created_at) == "2019-12-01T03:36:55Z");
  CHECK(p.url == "https://www.youtube.com/watch?v=JE8xdDp5B8Q&lc=UgyWeTdgc4sc1xgmbld4AaABAg");
  CHECK(page->threads[2].posts[0].author.name == "杨佳名");
  CHECK(page->threads[3].posts[0].metrics.replies == 1);
}

TEST_CASE("YouTube threads of a video, two pages: the token, the texts, the plain text over HTML") {
  auto p1 = ParseYouTubeThreads(ReadTestData("youtube/python-youtube__comment_threads__comment_threads_by_video_paged_1.json"),
                                kThreads, "");
  REQUIRE(p1.has_value());
  CHECK(p1->next_page_token.starts_with("QURTSl9pMzdZOUVzMkI0czlmRmNj"));
  REQUIRE(p1->threads.size() == 5);
  CHECK(p1->threads[0].posts[0].text == "Google.com");
  CHECK(p1->threads[0].posts[0].author.id == "UCzj-CjKYmGlZ7vTL-vOe57A");
  CHECK(FormatIsoTimestamp(p1->threads[4].published) == "2019-11-14T23:31:33Z");
  auto p2 = ParseYouTubeThreads(ReadTestData("youtube/python-youtube__comment_threads__comment_threads_by_video_paged_2.json"),
                                kThreads, "");
  REQUIRE(p2.has_value());
  CHECK(p2->next_page_token.empty());
  CHECK(p2->threads.size() == 5);
}

TEST_CASE("YouTube insert answers give the reply's id, its parent and its time") {
  auto reply = ParseYouTubeComment(ReadTestData("youtube/python-youtube__comments__insert_response.json"),
                                   Endpoint{"youtube", "POST /youtube/v3/comments"}, "UCa-vrCLQHviTOVnEKDOdetQ");
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "Ugy_CAftKrIUCyPr9GR4AaABAg.9iPXEClD9lW9iPXLqKy_Pt");
  CHECK(reply->parent_id == "Ugy_CAftKrIUCyPr9GR4AaABAg");
  CHECK(reply->thread_id == "Ugy_CAftKrIUCyPr9GR4AaABAg");
  CHECK(reply->from_brand);
  CHECK(FormatIsoTimestamp(reply->created_at) == "2022-11-14T10:23:02Z");
  auto thread = ParseYouTubeComment(ReadTestData("youtube/python-youtube__comment_threads__insert_response.json"),
                                    Endpoint{"youtube", "POST /youtube/v3/commentThreads"}, "");
  REQUIRE(thread.has_value());
  CHECK_FALSE(thread->external_id.empty());
}

TEST_CASE("YouTube permission error needs a human; a search page is not a thread page") {
  HttpResponse r{403, {}, ReadTestData("youtube/python-youtube__error_permission_resp.json")};
  auto s = CheckResponse(r, kThreads, Dialect::kGoogle, Purpose::kRead, FromUnixSeconds(1795000000));
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().code == ErrorCode::kUnauthenticated);
  CHECK(s.error().message == "youtube GET /youtube/v3/commentThreads answered HTTP 403 (The caller does not have permission)");
  auto search = ParseYouTubeThreads(ReadTestData("youtube/python-youtube__search__search_by_keywords_p1.json"), kThreads, "");
  REQUIRE_FALSE(search.has_value());
  CHECK(search.error().code == ErrorCode::kMalformed);
  CHECK(search.error().message.find("$.items[0]") != std::string::npos);
}

TEST_CASE("YouTube embedded replies follow their top-level comment, oldest first") {
  auto page = ParseYouTubeThreads(R"({"items":[{"id":"T","snippet":{"videoId":"V","totalReplyCount":2,
      "topLevelComment":{"id":"T","snippet":{"textOriginal":"top","publishedAt":"2026-11-20T10:00:00Z","updatedAt":"2026-11-20T10:00:00Z"}}},
      "replies":{"comments":[
        {"id":"T.b","snippet":{"parentId":"T","textOriginal":"second","publishedAt":"2026-11-20T10:02:00Z","authorChannelId":{"value":"UCbrand"}}},
        {"id":"T.a","snippet":{"parentId":"T","textOriginal":"first","publishedAt":"2026-11-20T10:01:00Z","updatedAt":"2026-11-20T10:05:00Z"}}]}}]})",
                                  kThreads, "UCbrand");
  REQUIRE(page.has_value());
  const auto& posts = page->threads[0].posts;
  REQUIRE(posts.size() == 3);
  CHECK(posts[1].external_id == "T.a");
  CHECK(posts[1].edited_at.has_value());
  CHECK(posts[2].from_brand);
  CHECK(posts[2].parent_id == "T");
  CHECK(BuildYouTubeReplyBody("T", "Hvala!") == R"({"snippet":{"parentId":"T","textOriginal":"Hvala!"}})");
}

}  // namespace
}  // namespace odziv::platforms
