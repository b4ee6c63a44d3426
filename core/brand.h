// Brand and Source: whom odziv works for, and where it looks. Both live in the database so that they
// can change while the daemon runs; the CLI and `odziv config import|export` edit them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/timestamp.h"

namespace odziv {

struct Brand {
  std::int64_t id = 0;   // assigned by storage
  std::string slug;      // unique, [a-z0-9-]{1,64}: how people and the CLI name the brand
  std::string name;      // display name ("Kafeterija Zrno")
  std::string timezone = "UTC";  // IANA name, for business hours and digests
  // Brand configuration owned by later stages (triage rules, SLA policies, templates, voice, routes),
  // as one JSON object text. "{}" means every default.
  std::string settings = "{}";
  Timestamp created_at{};
};

enum class SourceHealth {
  kOk,           // the last poll succeeded (or none has run yet)
  kDegraded,     // recent polls failed with temporary errors; being retried with backoff
  kNeedsHuman,   // credentials rejected or configuration wrong: no more polls until a person acts
};
std::string_view SourceHealthName(SourceHealth health);
std::optional<SourceHealth> ParseSourceHealth(std::string_view name);

struct Source {
  std::int64_t id = 0;   // assigned by storage
  std::int64_t brand_id = 0;
  std::string name;      // unique across the instance, [a-z0-9._-]{1,64}: "zrno-x-mentions"
  std::string platform;  // connector name: "x", "mastodon", "rss", "replay" …
  // Connector settings, flat strings: base_url, query, account ids, and credential references
  // ("env:NAME" or "file:/etc/odziv/secrets#key") — never the secret itself.
  std::map<std::string, std::string> settings;
  std::optional<std::chrono::seconds> poll_interval;  // unset: the platform's default
  bool paused = false;

  // State kept by the daemon.
  std::string cursor;  // connector-defined resume point; empty before the first successful poll
  SourceHealth health = SourceHealth::kOk;
  int consecutive_failures = 0;
  std::string last_error;  // one line, empty when the last poll succeeded
  std::optional<Timestamp> last_poll_at;
  std::optional<Timestamp> next_poll_at;  // earliest next poll (backoff, Retry-After); unset: now
  Timestamp created_at{};

  // The setting or `fallback` when absent or empty.
  std::string Setting(std::string_view key, std::string_view fallback = "") const;
};

// Slugs and source names: lower-case ASCII letters, digits and '-', '.', '_' (slugs: no '.'/'_'),
// 1–64 characters. Returns an error message saying what is wrong, or nullopt when valid.
std::optional<std::string> CheckSlug(std::string_view slug);
std::optional<std::string> CheckSourceName(std::string_view name);

}  // namespace odziv
