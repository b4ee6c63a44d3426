// AlertRules: the parts of a brand's settings that shape its alerts rather than its cases — "new_case", "spike",
// "quiet_hours", "digest", and each route's "max_per_hour" — read into plain structs with defaults. Checked
// when a brand is added or changed (daemon/brand_rules.h calls CheckAlertSettings), so that the alert
// dispatcher only meets settings it understands; docs/alerts.md lists every key.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/brand.h"
#include "core/error.h"
#include "core/timestamp.h"

namespace date {
class time_zone;
}

namespace odziv::daemon {

// "spike": many negative posts in a short window compared with the brand's normal rate.
struct SpikeSettings {
  bool enabled = false;                      // on when the brand's settings have a "spike" object
  std::chrono::minutes window{15};           // the short window that is compared
  double factor = 4.0;                       // a spike is at least this many times the normal rate…
  int min_posts = 10;                        // …and at least this many posts, so a quiet brand stays quiet
  std::chrono::days baseline{7};             // the normal rate: the same-length windows of the days before
  // After the rate falls back below the threshold, this long must pass before a new spike is a new alert:
  // a rate that wobbles around the threshold is one spike, not many.
  std::chrono::minutes cooldown{60};
  std::string route = "team";
  int priority = 2;                          // the alert's priority (1 goes through quiet hours and throttles)
  int worst_posts = 3;                       // posts quoted in the alert
};

// "quiet_hours": local times (the brand's time zone) in which alerts wait, e.g. 22:00–07:00.
class QuietHours {
 public:
  QuietHours() = default;  // never quiet

  // kConfig when the time zone is unknown. `from` == `to` is never quiet.
  [[nodiscard]] static Result<QuietHours> Make(const std::string& timezone, std::chrono::minutes from,
                                               std::chrono::minutes to, bool p1_waits);

  bool enabled() const { return zone_ != nullptr; }
  // Whether P1 alerts wait too (default: no, they go through).
  bool p1_waits() const { return p1_waits_; }
  // When the quiet hours around `now` end, or nullopt when `now` is not in quiet hours.
  std::optional<Timestamp> QuietUntil(Timestamp now) const;

 private:
  const date::time_zone* zone_ = nullptr;
  std::chrono::minutes from_{0};
  std::chrono::minutes to_{0};
  bool p1_waits_ = false;
};

enum class DigestEvery { kHourly, kDaily };

// "digest": a summary per period (volume, sentiment, open and overdue cases, the worst posts, and the
// alerts that throttling held back) sent to `routes` instead of a flood.
struct DigestSettings {
  bool enabled = false;  // on when the brand's settings have a "digest" object
  DigestEvery every = DigestEvery::kDaily;
  std::chrono::minutes at{8 * 60};  // daily: the local time it is sent (the period is the 24 h before)
  std::vector<std::string> routes;  // at least one
  int worst_posts = 5;
  std::string timezone = "UTC";     // the brand's

  // The newest whole period that has ended at or before `now`: [from, to).
  struct Period {
    Timestamp from{};
    Timestamp to{};
  };
  Period LastPeriod(Timestamp now) const;
};

// "new_case": {"route": "team", "max_priority": 2}: tell the route of each case when it opens, if its priority
// is P1 up to max_priority (1–4; default 2, the urgent ones), in the same transaction as the case.
struct NewCaseAlerts {
  std::string route;     // empty: off
  int max_priority = 2;
};

struct AlertRules {
  NewCaseAlerts new_case;
  // "source_health": {"route": "team"}: where to say that one of the brand's sources needs a person
  // (credentials rejected, configuration wrong). Empty: nowhere.
  std::string source_health_route;
  SpikeSettings spike;
  QuietHours quiet_hours;
  DigestSettings digest;
  std::map<std::string, int> max_per_hour;  // route name → the most alerts it is sent per hour (absent: no limit)
};

// Reads the alert rules of `brand` (its settings and time zone). kConfig naming the key and what is wrong
// ("settings.spike.factor must be a number from 1 to 1000").
[[nodiscard]] Result<AlertRules> LoadAlertRules(const Brand& brand);

// The validation hook for brand_rules: nullopt when the alert parts of `settings` are valid, else the message.
std::optional<std::string> CheckAlertSettings(const std::string& settings, const std::string& timezone);

}  // namespace odziv::daemon
