// Timestamp: the one time type of odziv (UTC, millisecond precision), and the parsers for the many
// ways platforms write time. Stored in the database as Unix milliseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace odziv {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t ToUnixMillis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnixMillis(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }
inline Timestamp FromUnixSeconds(std::int64_t s) { return Timestamp(std::chrono::seconds(s)); }

// Parses RFC 3339 / ISO 8601 date-times as platforms send them:
//   2020-06-25T06:14:19.000Z, 2022-11-15T02:20:01Z, 2025-05-19T17:10:09.561858Z (fraction of any length),
//   2021-08-10T18:45:03+0000 (Meta: no colon in the offset), 2017-11-15T08:10:34-08:00,
//   2013-09-07T13:37:00 (no zone: taken as UTC), and a space instead of 'T'.
// Returns nullopt for anything else (including out-of-range fields).
std::optional<Timestamp> ParseIsoTimestamp(std::string_view text);

// Parses RFC 822 / RFC 1123 dates as RSS writes them: "Tue, 25 Aug 2015 13:37:00 GMT", "+0200",
// named US zones (EST, PDT …), day name optional, two-digit years. Returns nullopt otherwise.
std::optional<Timestamp> ParseRfc822Timestamp(std::string_view text);

// "2026-11-23T13:37:00.123Z" (milliseconds only when non-zero: "2026-11-23T13:37:00Z").
std::string FormatIsoTimestamp(Timestamp t);

}  // namespace odziv
