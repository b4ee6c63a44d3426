// Parser tests for the Google Play connector on the built responses in tests/data/google_play/.
#include <catch2/catch.hpp>

#include "platforms/google_play_connector.h"
#include "tests/platforms/fake_platform_server.h"
#include "tests/platforms/test_keys.h"

namespace odziv::platforms {
namespace {

using testing::ReadTestData;

const Endpoint kList{"google_play", "GET /androidpublisher/v3/applications/{pkg}/reviews"};

TEST_CASE("Google Play reviews: string seconds with nanos, tab-split titles, developer replies, the token") {
  auto page = ParseGooglePlayReviews(ReadTestData("google_play/reviews_p1.json"), kList);
  REQUIRE(page.has_value());
  CHECK(page->next_page_token == "CgwIp2");
  REQUIRE(page->reviews.size() == 2);
  const Post& doc = page->reviews[0].review;
  CHECK(doc.platform == "google_play");
  CHECK(doc.kind == PostKind::kReview);
  CHECK(doc.external_id == "12345678");
  CHECK(doc.author.name == "Jane Bloggs");
  CHECK(doc.rating == 5);
  CHECK(ToUnixMillis(doc.created_at) == 1443676826713);
  CHECK_FALSE(page->reviews[0].brand_reply.has_value());

  const ListedReview& answered = page->reviews[1];
  CHECK(answered.review.text == "Crashes on start\n\nSince the last update the app closes immediately.");
  CHECK(answered.review.rating == 1);
  CHECK(answered.review.language == "sl");
  CHECK(answered.review.metrics.likes == 3);
  REQUIRE(answered.brand_reply.has_value());
  CHECK(answered.brand_reply->external_id == "gp:AOqpTOE-example/reply");
  CHECK(answered.brand_reply->thread_id == "gp:AOqpTOE-example");
  CHECK(ToUnixMillis(answered.brand_reply->created_at) == 1767229200000);
}

TEST_CASE("Google Play: the last page, a review without stars, one review, the reply answer") {
  auto last = ParseGooglePlayReviews(ReadTestData("google_play/reviews_p2.json"), kList);
  REQUIRE(last.has_value());
  CHECK(last->next_page_token.empty());
  CHECK_FALSE(last->reviews[0].review.rating.has_value());
  CHECK(last->reviews[0].review.text.starts_with("Не могу"));
  auto none = ParseGooglePlayReviews("{}", kList);
  REQUIRE(none.has_value());
  CHECK(none->reviews.empty());
  auto one = ParseGooglePlayReview(ReadTestData("google_play/review_get.json"), kList);
  REQUIRE(one.has_value());
  CHECK(one->brand_reply.has_value());
  auto reply = ParseGooglePlayReply(ReadTestData("google_play/reply.json"), kList, "12345678");
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "12345678/reply");
  CHECK(reply->from_brand);
  CHECK(BuildGooglePlayReplyBody("Hvala") == R"({"replyText":"Hvala"})");
}

TEST_CASE("Google Play: malformed reviews and service-account files are refused") {
  auto number_seconds = ParseGooglePlayReviews(
      R"({"reviews":[{"reviewId":"1","comments":[{"userComment":{"text":"x","lastModified":{"seconds":"soon"}}}]}]})", kList);
  REQUIRE_FALSE(number_seconds.has_value());
  CHECK(number_seconds.error().message.find("reviews[0].comments[0].userComment.lastModified.seconds") != std::string::npos);
  auto only_reply = ParseGooglePlayReviews(
      R"({"reviews":[{"reviewId":"1","comments":[{"developerComment":{"text":"x","lastModified":{"seconds":"1"}}}]}]})", kList);
  REQUIRE_FALSE(only_reply.has_value());
  // A fuzzer finding: seconds whose milliseconds overflow are malformed, not undefined behaviour.
  auto far_future = ParseGooglePlayReviews(
      R"({"reviews":[{"reviewId":"1","comments":[{"userComment":{"text":"x","lastModified":{"seconds":"896716725805325422"}}}]}]})",
      kList);
  REQUIRE_FALSE(far_future.has_value());
  CHECK(far_future.error().code == ErrorCode::kMalformed);

  auto account = ParseGoogleServiceAccount(testing::TestServiceAccountJson("https://oauth2.googleapis.com/token"));
  REQUIRE(account.has_value());
  CHECK(account->client_email == "odziv@zrno-play.iam.gserviceaccount.com");
  CHECK(account->token_uri == "https://oauth2.googleapis.com/token");
  auto user_key = ParseGoogleServiceAccount(R"({"type":"authorized_user","client_id":"x"})");
  REQUIRE_FALSE(user_key.has_value());
  CHECK(user_key.error().code == ErrorCode::kConfig);
}

}  // namespace
}  // namespace odziv::platforms
