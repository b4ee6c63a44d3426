// Parser tests for the App Store Connect connector on the built responses in tests/data/app_store/.
#include <catch2/catch.hpp>

#include "platforms/app_store_connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms {
namespace {

using testing::ReadTestData;

const Endpoint kList{"app_store", "GET /v1/apps/{id}/customerReviews"};

TEST_CASE("App Store reviews: ratings, title and body, offsets, included responses, links.next") {
  auto page = ParseAppStoreReviews(ReadTestData("app_store/reviews_p1.json"), kList);
  REQUIRE(page.has_value());
  CHECK(page->next_url ==
        "https://api.appstoreconnect.apple.com/v1/apps/1234567890/customerReviews?cursor=Mg.AJ5rBz8&include=response&limit=2&sort=-createdDate");
  REQUIRE(page->reviews.size() == 2);
  const ListedReview& newest = page->reviews[0];
  CHECK(newest.review.platform == "app_store");
  CHECK(newest.review.kind == PostKind::kReview);
  CHECK(newest.review.rating == 1);
  CHECK(newest.review.text == "Ne radi\n\nAplikacija se gasi cim je otvorim.");
  CHECK(newest.review.author.name == "emina_s");
  CHECK(FormatIsoTimestamp(newest.review.created_at) == "2026-03-04T05:15:00Z");
  CHECK_FALSE(newest.brand_reply.has_value());  // a response link without data is no response

  const ListedReview& doc = page->reviews[1];
  CHECK(doc.review.external_id == "00000028-b08c-0014-729e-fbd500000000");
  CHECK(doc.review.rating == 5);
  CHECK(FormatIsoTimestamp(doc.review.created_at) == "2017-11-15T16:10:34Z");
  REQUIRE(doc.brand_reply.has_value());
  CHECK(doc.brand_reply->external_id == "6f3a8c2e-0d5b-4f7a-9a1e-2b7c4d9e0f11");
  CHECK(doc.brand_reply->parent_id == doc.review.external_id);
  CHECK(doc.brand_reply->text == "Thank you, Anne!");
  CHECK(doc.brand_reply->from_brand);

  auto last = ParseAppStoreReviews(ReadTestData("app_store/reviews_p2.json"), kList);
  REQUIRE(last.has_value());
  CHECK(last->next_url.empty());
  CHECK(last->reviews[0].review.text.starts_with("Добро, али"));
}

TEST_CASE("App Store responses: state, null data, and the JSON:API create document") {
  auto created = ParseAppStoreResponse(ReadTestData("app_store/response_created.json"), kList, "00000029");
  REQUIRE(created.has_value());
  REQUIRE(created->has_value());
  CHECK((*created)->state == "PENDING_PUBLISH");
  CHECK((*created)->reply.external_id == "9b1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f");
  CHECK((*created)->reply.thread_id == "00000029");
  auto none = ParseAppStoreResponse(R"({"data":null,"links":{}})", kList, "00000029");
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());
  auto missing = ParseAppStoreResponse(R"({"links":{}})", kList, "00000029");
  REQUIRE_FALSE(missing.has_value());
  CHECK(BuildAppStoreResponseBody("0028", "Hvala") ==
        R"({"data":{"attributes":{"responseBody":"Hvala"},"relationships":{"review":{"data":{"id":"0028","type":"customerReviews"}}},"type":"customerReviewResponses"}})");
}

TEST_CASE("App Store reviews: malformed documents are refused with the path") {
  auto no_rating = ParseAppStoreReviews(R"({"data":[{"id":"a","attributes":{"createdDate":"2017-11-15T08:10:34-08:00"}}]})", kList);
  REQUIRE_FALSE(no_rating.has_value());
  CHECK(no_rating.error().message.find("data[0].attributes.rating") != std::string::npos);
  auto errors = ParseAppStoreReviews(ReadTestData("app_store/rate_limit.json"), kList);
  REQUIRE_FALSE(errors.has_value());
  CHECK(errors.error().code == ErrorCode::kMalformed);
}

}  // namespace
}  // namespace odziv::platforms
