// BusinessCalendar: when a brand is at work — weekly opening hours in the brand's time zone, minus
// holidays — or around the clock. SLA deadlines count business time on it: a four-hour deadline set on
// Friday at 15:00 for a brand open Mon–Fri 08:00–16:00 falls due on Monday at 11:00.
// Immutable after construction; thread-safe. Time zones come from the system's tzdata (date/tz.h).
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/timestamp.h"

namespace date {
class time_zone;
}

namespace odziv::daemon {

// One stretch of opening hours on a day, as local times of day: from < to, to at most 24:00.
struct OpenHours {
  std::chrono::minutes from{0};
  std::chrono::minutes to{0};
};

class BusinessCalendar {
 public:
  // Open all the time: business time is wall-clock time.
  BusinessCalendar() = default;

  // `week[d]` are the opening hours on weekday d (0 = Sunday … 6 = Saturday); `holidays` are local dates
  // ("2026-12-25") on which the brand is closed all day. kConfig when the time zone is unknown or the hours
  // are not ordered; kInvalidArgument when a holiday is not a date.
  [[nodiscard]] static Result<BusinessCalendar> Make(std::string_view timezone,
                                                     const std::array<std::vector<OpenHours>, 7>& week,
                                                     const std::vector<std::string>& holidays);

  bool around_the_clock() const { return zone_ == nullptr; }

  // The moment at which `business_time` of open time has passed since `start`. Zero or less: `start`.
  Timestamp Add(Timestamp start, std::chrono::milliseconds business_time) const;
  // Open time in [from, to); zero when to <= from.
  std::chrono::milliseconds Between(Timestamp from, Timestamp to) const;

 private:
  // Calls `visit(open, close)` for each open stretch (UTC) that ends after `from`, in order, until it
  // returns false or ten years have been searched.
  template <class Visit>
  void ForEachOpen(Timestamp from, Visit visit) const;

  const date::time_zone* zone_ = nullptr;  // null: around the clock
  std::array<std::vector<OpenHours>, 7> week_;
  std::set<int> holidays_;  // local days since 1970-01-01
};

// Parses "08:00-16:00" into opening hours; nullopt when malformed.
std::optional<OpenHours> ParseOpenHours(std::string_view text);

}  // namespace odziv::daemon
