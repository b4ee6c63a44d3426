#include "daemon/business_calendar.h"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <exception>

namespace odziv::daemon {
namespace {

constexpr int kSearchDays = 3660;  // a calendar with no open day at all would otherwise search forever

std::optional<int> ParseNumber(std::string_view text) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

std::optional<std::chrono::minutes> ParseClock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto h = ParseNumber(text.substr(0, 2));
  auto m = ParseNumber(text.substr(3, 2));
  if (!h || !m || *h > 24 || *m > 59 || (*h == 24 && *m != 0)) return std::nullopt;
  return std::chrono::minutes(*h * 60 + *m);
}

std::optional<date::local_days> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = ParseNumber(text.substr(0, 4));
  auto m = ParseNumber(text.substr(5, 2));
  auto d = ParseNumber(text.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  date::year_month_day ymd{date::year(*y), date::month(static_cast<unsigned>(*m)),
                           date::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return date::local_days(ymd);
}

}  // namespace

std::optional<OpenHours> ParseOpenHours(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto from = ParseClock(text.substr(0, dash));
  auto to = ParseClock(text.substr(dash + 1));
  if (!from || !to || *from >= *to) return std::nullopt;
  return OpenHours{*from, *to};
}

Result<BusinessCalendar> BusinessCalendar::Make(std::string_view timezone,
                                                const std::array<std::vector<OpenHours>, 7>& week,
                                                const std::vector<std::string>& holidays) {
  BusinessCalendar calendar;
  try {
    calendar.zone_ = date::locate_zone(timezone);
  } catch (const std::exception&) {
    return Fail(ErrorCode::kConfig, fmt::format("time zone '{}' is not known to this machine's tzdata", timezone));
  }
  for (std::size_t day = 0; day < week.size(); ++day) {
    std::vector<OpenHours> hours = week[day];
    std::sort(hours.begin(), hours.end(), [](const OpenHours& a, const OpenHours& b) { return a.from < b.from; });
    for (std::size_t i = 0; i < hours.size(); ++i) {
      if (hours[i].from >= hours[i].to || hours[i].to > std::chrono::hours(24) ||
          (i > 0 && hours[i].from < hours[i - 1].to)) {
        return Fail(ErrorCode::kConfig, "opening hours must be ordered, within the day, and must not overlap");
      }
    }
    calendar.week_[day] = std::move(hours);
  }
  for (const std::string& holiday : holidays) {
    auto day = ParseDate(holiday);
    if (!day) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("holiday '{}' is not a date like 2026-12-25", holiday));
    }
    calendar.holidays_.insert(static_cast<int>(day->time_since_epoch().count()));
  }
  return calendar;
}

template <class Visit>
void BusinessCalendar::ForEachOpen(Timestamp from, Visit visit) const {
  const auto local = zone_->to_local(from);
  auto day = date::floor<date::days>(local);
  for (int i = 0; i < kSearchDays; ++i, day += date::days(1)) {
    if (holidays_.contains(static_cast<int>(day.time_since_epoch().count()))) continue;
    const unsigned weekday = date::weekday(day).c_encoding();
    for (const OpenHours& hours : week_[weekday]) {
      // A time that a DST change skips or repeats is taken at its earliest meaning.
      const Timestamp open =
          date::floor<std::chrono::milliseconds>(zone_->to_sys(day + hours.from, date::choose::earliest));
      const Timestamp close =
          date::floor<std::chrono::milliseconds>(zone_->to_sys(day + hours.to, date::choose::earliest));
      if (close <= from || close <= open) continue;
      if (!visit(std::max(open, from), close)) return;
    }
  }
}

Timestamp BusinessCalendar::Add(Timestamp start, std::chrono::milliseconds business_time) const {
  if (business_time <= std::chrono::milliseconds(0)) return start;
  if (around_the_clock()) return start + business_time;
  Timestamp result = start;
  std::chrono::milliseconds left = business_time;
  ForEachOpen(start, [&](Timestamp open, Timestamp close) {
    const auto available = close - open;
    if (left <= available) {
      result = open + left;
      left = std::chrono::milliseconds(0);
      return false;
    }
    left -= available;
    result = close;
    return true;
  });
  return result;
}

std::chrono::milliseconds BusinessCalendar::Between(Timestamp from, Timestamp to) const {
  if (to <= from) return std::chrono::milliseconds(0);
  if (around_the_clock()) return to - from;
  std::chrono::milliseconds total{0};
  ForEachOpen(from, [&](Timestamp open, Timestamp close) {
    if (open >= to) return false;
    total += std::min(close, to) - open;
    return close < to;
  });
  return total;
}

}  // namespace odziv::daemon
