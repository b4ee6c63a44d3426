#include "core/timestamp.h"

#include <array>
#include <cctype>
#include <fmt/format.h>

namespace odziv {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `width` digits at `pos`; advances pos.
bool ReadDigits(std::string_view s, size_t& pos, int width, int& out) {
  if (pos + width > s.size()) return false;
  int v = 0;
  for (int i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += width;
  out = v;
  return true;
}

std::optional<Timestamp> MakeTimestamp(int year, int month, int day, int hour, int minute, int second,
                                       std::int64_t millis, std::int64_t offset_seconds) {
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if (second == 60) second = 59;  // leap second: clamp
  sys_days d(ymd);
  auto t = time_point_cast<milliseconds>(d) + hours(hour) + minutes(minute) + std::chrono::seconds(second) +
           milliseconds(millis) - std::chrono::seconds(offset_seconds);
  return Timestamp(t);
}

}  // namespace

std::optional<Timestamp> ParseIsoTimestamp(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
  if (!ReadDigits(s, pos, 2, month) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
  if (!ReadDigits(s, pos, 2, day)) return std::nullopt;
  if (pos == s.size()) return MakeTimestamp(year, month, day, 0, 0, 0, 0, 0);
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  if (!ReadDigits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':') return std::nullopt;
  if (!ReadDigits(s, pos, 2, minute)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadDigits(s, pos, 2, second)) return std::nullopt;
  }
  std::int64_t millis = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  std::int64_t offset = 0;
  if (pos < s.size()) {
    char c = s[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      int oh = 0, om = 0;
      if (!ReadDigits(s, pos, 2, oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !ReadDigits(s, pos, 2, om)) return std::nullopt;
      if (oh > 23 || om > 59) return std::nullopt;
      offset = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return MakeTimestamp(year, month, day, hour, minute, second, millis, offset);
}

std::optional<Timestamp> ParseRfc822Timestamp(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  auto skip_space = [&](size_t& p) {
    while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
  };
  auto word = [&](size_t& p) {
    size_t b = p;
    while (p < s.size() && std::isalpha(static_cast<unsigned char>(s[p]))) ++p;
    return s.substr(b, p - b);
  };
  auto number = [&](size_t& p, int& out) {
    size_t b = p;
    int v = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p])) && p - b < 5) v = v * 10 + (s[p++] - '0');
    out = v;
    return p - b;
  };
  size_t p = 0;
  skip_space(p);
  if (p < s.size() && std::isalpha(static_cast<unsigned char>(s[p]))) {  // optional day name
    word(p);
    if (p < s.size() && s[p] == ',') ++p;
    skip_space(p);
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (number(p, day) == 0) return std::nullopt;
  skip_space(p);
  std::string mon(word(p));
  if (mon.size() < 3) return std::nullopt;
  for (auto& c : mon) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (mon.substr(0, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  if (month == 0) return std::nullopt;
  skip_space(p);
  size_t ylen = number(p, year);
  if (ylen == 2) year += year < 50 ? 2000 : 1900;
  else if (ylen != 4) return std::nullopt;
  skip_space(p);
  if (number(p, hour) == 0 || p >= s.size() || s[p++] != ':') return std::nullopt;
  if (number(p, minute) == 0) return std::nullopt;
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (number(p, second) == 0) return std::nullopt;
  }
  skip_space(p);
  std::int64_t offset = 0;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int hhmm;
    if (number(p, hhmm) != 4) return std::nullopt;
    offset = sign * ((hhmm / 100) * 3600 + (hhmm % 100) * 60);
  } else if (p < s.size()) {
    std::string zone(word(p));
    for (auto& c : zone) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    struct Zone { std::string_view name; int hours; };
    static constexpr std::array<Zone, 11> kZones = {{{"GMT", 0}, {"UT", 0}, {"UTC", 0}, {"Z", 0}, {"EST", -5},
                                                     {"EDT", -4}, {"CST", -6}, {"CDT", -5}, {"MST", -7},
                                                     {"MDT", -6}, {"PST", -8}}};
    bool known = zone.empty();
    for (const auto& z : kZones)
      if (zone == z.name) { offset = z.hours * 3600; known = true; }
    if (zone == "PDT") { offset = -7 * 3600; known = true; }
    if (!known) return std::nullopt;
  }
  return MakeTimestamp(year, month, day, hour, minute, second, 0, offset);
}

std::string FormatIsoTimestamp(Timestamp t) {
  using namespace std::chrono;
  auto day_point = floor<days>(t);
  year_month_day ymd(day_point);
  hh_mm_ss<milliseconds> hms(t - day_point);
  auto ms = hms.subseconds().count();
  std::string base = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                                 static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                                 hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  if (ms != 0) base += fmt::format(".{:03}", ms);
  return base + "Z";
}

}  // namespace odziv
