// Parser tests for the Google Business Profile connector on the built responses in tests/data/google/.
#include <catch2/catch.hpp>

#include "platforms/google_business_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::ReadTestData;

const Endpoint kList{"google", "GET /v4/…/reviews"};

TEST_CASE("Google reviews: star enums, edits, replies in the review, anonymous and rating-only reviews") {
  auto page = ParseGoogleReviews(ReadTestData("google/reviews_p1.json"), kList);
  REQUIRE(page.has_value());
  CHECK(page->next_page_token == "CiAKGjBpNDd2");
  REQUIRE(page->reviews.size() == 3);

  const Post& cyrillic = page->reviews[0].review;
  CHECK(cyrillic.platform == "google");
  CHECK(cyrillic.kind == PostKind::kReview);
  CHECK(cyrillic.external_id == "Qx7Rb2Lm");
  CHECK(cyrillic.thread_id == "Qx7Rb2Lm");
  CHECK(cyrillic.rating == 1);
  CHECK(cyrillic.author.name == "Марко Петровић");
  CHECK(cyrillic.text.starts_with("Поручио"));
  CHECK_FALSE(cyrillic.edited_at.has_value());
  CHECK_FALSE(page->reviews[0].brand_reply.has_value());

  const ListedReview& edited = page->reviews[1];
  CHECK(edited.review.rating == 2);
  CHECK(FormatIsoTimestamp(edited.review.created_at) == "2026-03-02T09:14:51.123Z");
  REQUIRE(edited.review.edited_at.has_value());
  CHECK(FormatIsoTimestamp(*edited.review.edited_at) == "2026-03-03T07:30:00.500Z");
  CHECK(edited.Key().at == *edited.review.edited_at);
  REQUIRE(edited.brand_reply.has_value());
  CHECK(edited.brand_reply->external_id == "AbFvOqn1/reply");
  CHECK(edited.brand_reply->parent_id == "AbFvOqn1");
  CHECK(edited.brand_reply->thread_id == "AbFvOqn1");
  CHECK(edited.brand_reply->from_brand);
  CHECK(edited.brand_reply->kind == PostKind::kComment);
  CHECK(FormatIsoTimestamp(edited.brand_reply->created_at) == "2026-03-02T11:00:03Z");

  const Post& anonymous = page->reviews[2].review;
  CHECK(anonymous.rating == 5);
  CHECK(anonymous.text.empty());
  CHECK(anonymous.author.name.empty());
}

TEST_CASE("Google reviews: the last page has no token; an unspecified rating is no rating") {
  auto page = ParseGoogleReviews(ReadTestData("google/reviews_p2.json"), kList);
  REQUIRE(page.has_value());
  CHECK(page->next_page_token.empty());
  REQUIRE(page->reviews.size() == 1);
  CHECK_FALSE(page->reviews[0].review.rating.has_value());
  CHECK(page->reviews[0].review.text == "Kafa dobra, ali cekala sam 20 minuta.");
  auto empty = ParseGoogleReviews(R"({"averageRating":0,"totalReviewCount":0})", kList);
  REQUIRE(empty.has_value());
  CHECK(empty->reviews.empty());
}

TEST_CASE("Google review and reply answers parse; the reply body is the documented ReviewReply") {
  auto review = ParseGoogleReview(ReadTestData("google/review_get.json"), kList);
  REQUIRE(review.has_value());
  REQUIRE(review->brand_reply.has_value());
  CHECK(review->brand_reply->text.starts_with("Sorry to hear that"));
  auto reply = ParseGoogleReviewReply(ReadTestData("google/reply.json"), kList, "Qx7Rb2Lm");
  REQUIRE(reply.has_value());
  CHECK(reply->external_id == "Qx7Rb2Lm/reply");
  CHECK(reply->text == "Izvinite zbog kašnjenja, javićemo vam se danas.");
  CHECK(BuildGoogleReplyBody("Hvala \"vam\"") == R"({"comment":"Hvala \"vam\""})");
}

TEST_CASE("Google reviews: malformed bodies name the path") {
  auto not_json = ParseGoogleReviews("<html>", kList);
  REQUIRE_FALSE(not_json.has_value());
  CHECK(not_json.error().code == ErrorCode::kMalformed);
  auto no_id = ParseGoogleReviews(R"({"reviews":[{"starRating":"ONE","createTime":"2026-03-01T12:00:00Z"}]})", kList);
  REQUIRE_FALSE(no_id.has_value());
  CHECK(no_id.error().message.find("reviews[0].reviewId") != std::string::npos);
  auto bad_time = ParseGoogleReviews(R"({"reviews":[{"reviewId":"a","createTime":"yesterday"}]})", kList);
  REQUIRE_FALSE(bad_time.has_value());
  CHECK(bad_time.error().message.find("createTime") != std::string::npos);
  auto slash = ParseGoogleReviews(R"({"reviews":[{"reviewId":"a/b","createTime":"2026-03-01T12:00:00Z"}]})", kList);
  REQUIRE_FALSE(slash.has_value());
}

}  // namespace
}  // namespace odziv::platforms
