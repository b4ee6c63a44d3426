// Parser tests for the Trustpilot connector on the built responses in tests/data/trustpilot/.
#include <catch2/catch.hpp>

#include "platforms/trustpilot_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::ReadTestData;

const Endpoint kList{"trustpilot", "GET /v1/private/business-units/{id}/reviews"};

TEST_CASE("Trustpilot reviews: stars, title and text, zone-less times, company replies, edits") {
  auto reviews = ParseTrustpilotReviews(ReadTestData("trustpilot/reviews_p1.json"), kList);
  REQUIRE(reviews.has_value());
  REQUIRE(reviews->size() == 2);
  const ListedReview& first = (*reviews)[0];
  CHECK(first.review.platform == "trustpilot");
  CHECK(first.review.kind == PostKind::kReview);
  CHECK(first.review.external_id == "507f191e810c19729de860ea");
  CHECK(first.review.rating == 2);
  CHECK(first.review.text == "Late delivery\n\nOrdered on Monday, arrived the next week.");
  CHECK(first.review.language == "en");
  CHECK(first.review.author.name == "John Doe");
  CHECK(first.review.author.id == "507f191e810c19729de860eb");
  CHECK(FormatIsoTimestamp(first.review.created_at) == "2026-03-01T08:00:00Z");
  CHECK_FALSE(first.review.edited_at.has_value());
  CHECK(first.review.url == "https://www.trustpilot.com/reviews/507f191e810c19729de860ea");
  REQUIRE(first.brand_reply.has_value());
  CHECK(first.brand_reply->external_id == "507f191e810c19729de860ea/reply");
  CHECK(first.brand_reply->from_brand);
  CHECK(FormatIsoTimestamp(first.brand_reply->created_at) == "2026-03-01T10:00:00Z");

  const ListedReview& second = (*reviews)[1];
  CHECK(second.review.rating == 1);
  CHECK(second.review.language == "bs");
  CHECK(FormatIsoTimestamp(second.review.created_at) == "2026-03-02T17:45:10.250Z");
  REQUIRE(second.review.edited_at.has_value());
  CHECK_FALSE(second.brand_reply.has_value());
}

TEST_CASE("Trustpilot: a page past the end, one review, the reply body, startDateTime's form") {
  auto empty = ParseTrustpilotReviews(ReadTestData("trustpilot/reviews_empty.json"), kList);
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
  auto one = ParseTrustpilotReview(ReadTestData("trustpilot/review_get.json"), kList);
  REQUIRE(one.has_value());
  REQUIRE(one->brand_reply.has_value());
  CHECK(FormatIsoTimestamp(one->brand_reply->created_at) == "2026-03-01T10:30:00Z");  // the edit
  CHECK(BuildTrustpilotReplyBody("507f", "Hvala!") == R"({"authorBusinessUserId":"507f","message":"Hvala!"})");
  CHECK(TrustpilotTime(*ParseIsoTimestamp("2026-03-02T17:45:10.250Z")) == "2026-03-02T17:45:10");
}

TEST_CASE("Trustpilot: malformed reviews are refused with the path") {
  auto no_stars = ParseTrustpilotReviews(R"({"reviews":[{"id":"a","createdAt":"2026-03-01T08:00:00"}]})", kList);
  REQUIRE_FALSE(no_stars.has_value());
  CHECK(no_stars.error().message.find("reviews[0].stars") != std::string::npos);
  auto six = ParseTrustpilotReviews(R"({"reviews":[{"id":"a","stars":6,"createdAt":"2026-03-01T08:00:00"}]})", kList);
  REQUIRE_FALSE(six.has_value());
  auto no_list = ParseTrustpilotReviews(R"({"links":[]})", kList);
  REQUIRE_FALSE(no_list.has_value());
  CHECK(no_list.error().code == ErrorCode::kMalformed);
}

}  // namespace
}  // namespace odziv::platforms
