#include <catch2/catch.hpp>

#include "core/timestamp.h"

using odziv::FormatIsoTimestamp;
using odziv::ParseIsoTimestamp;
using odziv::ParseRfc822Timestamp;

TEST_CASE("ParseIsoTimestamp reads every platform's way of writing time") {
  const auto expect = [](std::string_view in, std::string_view out) {
    auto t = ParseIsoTimestamp(in);
    INFO(in);
    REQUIRE(t.has_value());
    CHECK(FormatIsoTimestamp(*t) == out);
  };
  expect("2020-06-25T06:14:19.000Z", "2020-06-25T06:14:19Z");           // X
  expect("2022-11-15T02:20:01Z", "2022-11-15T02:20:01Z");               // YouTube, no fraction
  expect("2025-05-19T17:10:09.561858Z", "2025-05-19T17:10:09.561Z");    // Bluesky, microseconds
  expect("2021-08-10T18:45:03+0000", "2021-08-10T18:45:03Z");           // Meta, no colon
  expect("2017-11-15T08:10:34-08:00", "2017-11-15T16:10:34Z");          // App Store, offset
  expect("2013-09-07T13:37:00", "2013-09-07T13:37:00Z");                // Trustpilot, no zone
  expect("2026-08-01T13:51:42.823Z", "2026-08-01T13:51:42.823Z");       // Mastodon
}

TEST_CASE("ParseIsoTimestamp refuses what is not a date-time") {
  for (std::string_view bad : {"", "yesterday", "2021-13-01T00:00:00Z", "2021-02-30T00:00:00Z",
                               "2021-01-01T25:00:00Z", "2021-01-01T00:00:00Zjunk", "2021-01-01T00:00:00.Z",
                               "1458434031.0"}) {
    INFO(bad);
    CHECK_FALSE(ParseIsoTimestamp(bad).has_value());
  }
}

TEST_CASE("ParseRfc822Timestamp reads RSS dates with zones") {
  auto t = ParseRfc822Timestamp("Tue, 25 Aug 2015 13:37:00 GMT");
  REQUIRE(t);
  CHECK(FormatIsoTimestamp(*t) == "2015-08-25T13:37:00Z");
  t = ParseRfc822Timestamp("25 Aug 2015 15:37:00 +0200");
  REQUIRE(t);
  CHECK(FormatIsoTimestamp(*t) == "2015-08-25T13:37:00Z");
  t = ParseRfc822Timestamp("Mon, 03 Jan 05 10:00 EST");
  REQUIRE(t);
  CHECK(FormatIsoTimestamp(*t) == "2005-01-03T15:00:00Z");
  CHECK_FALSE(ParseRfc822Timestamp("Tue, 25 Foo 2015 13:37:00 GMT"));
  CHECK_FALSE(ParseRfc822Timestamp("Tue, 25 Aug 2015 13:37:00 XYZ"));
}
