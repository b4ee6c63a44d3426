#include <catch2/catch.hpp>

#include "daemon/api_support.h"

namespace odziv::daemon::api {
namespace {

TEST_CASE("API cursors carry their key through the round trip and refuse anything else", "[api]") {
  const std::vector<std::int64_t> key = {-1, 0, 42, INT64_MAX, INT64_MIN};
  const std::string cursor = EncodeCursor(key);
  CHECK(cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  auto decoded = DecodeCursor(cursor, key.size());
  REQUIRE(decoded);
  CHECK(*decoded == key);

  CHECK(DecodeCursor(cursor, key.size() - 1).error().code == ErrorCode::kInvalidArgument);
  CHECK(!DecodeCursor("", 1));
  CHECK(!DecodeCursor("AAAAAAAAAA=", 1));
  CHECK(!DecodeCursor("zAAAAAAAAAA", 1));  // more than 64 bits
}

TEST_CASE("API errors get the status of their code and hide internal messages", "[api]") {
  auto not_found = ErrorResponse(NotFound("brand", "acme"));
  CHECK(not_found.status == 404);
  CHECK(not_found.body == R"({"error":{"code":"not_found","message":"no brand 'acme'"}})");

  Error limited{ErrorCode::kRateLimited, "too many sign-in attempts", std::chrono::seconds(30)};
  auto rate = ErrorResponse(limited);
  CHECK(rate.status == 429);
  REQUIRE(rate.headers.size() == 1);
  CHECK(rate.headers[0].second == "30");

  auto internal = ErrorResponse(Error{ErrorCode::kInternal, "SQL in /var/lib/odziv/odziv.db failed", std::nullopt});
  CHECK(internal.status == 500);
  CHECK(internal.body.find("/var/lib") == std::string::npos);
}

TEST_CASE("API request bodies and query parameters are checked with messages that name the field", "[api]") {
  ServerRequest request;
  CHECK(ParseJsonObject(request).error().message.find("empty") != std::string::npos);
  request.body = "[1]";
  CHECK(!ParseJsonObject(request));
  request.body = R"({"text": 5, "version": 3, "approve": true})";
  auto body = ParseJsonObject(request);
  REQUIRE(body);
  CHECK(RequiredString(*body, "text").error().message == "field 'text' must be a string");
  CHECK(RequiredString(*body, "reason").error().message == "field 'reason' is required");
  CHECK(**OptionalInteger(*body, "version") == 3);
  CHECK(**OptionalBool(*body, "approve"));
  CHECK(!OptionalString(*body, "note")->has_value());

  CHECK(*PageLimit(request) == 50);
  request.query["limit"] = "0";
  CHECK(!PageLimit(request));
  request.query["limit"] = "501";
  CHECK(!PageLimit(request));
  request.query["limit"] = "20";
  CHECK(*PageLimit(request) == 20);
  request.query["brand"] = "x1";
  CHECK(!QueryInteger(request, "brand"));
}

}  // namespace
}  // namespace odziv::daemon::api
