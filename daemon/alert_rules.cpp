#include "daemon/alert_rules.h"

#include <cpprest/json.h>
#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <exception>

#include "daemon/settings_json.h"

namespace odziv::daemon {
namespace {

using web::json::value;
using settings_json::Bad;
using settings_json::OnlyKeys;



Result<int> Integer(const value& object, const std::string& parent, const char* name, int min, int max,
                    int fallback) {
  if (!object.has_field(name)) return fallback;
  const value& v = object.at(name);
  if (!v.is_integer() || v.as_number().to_int64() < min || v.as_number().to_int64() > max)
    return Fail(Bad(parent + "." + name, fmt::format("must be a whole number from {} to {}", min, max)));
  return static_cast<int>(v.as_number().to_int64());
}

// "HH:MM" (00:00 … 24:00) as minutes after midnight.
std::optional<std::chrono::minutes> ParseTimeOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  int h = 0;
  int m = 0;
  if (std::from_chars(text.data(), text.data() + 2, h).ptr != text.data() + 2) return std::nullopt;
  if (std::from_chars(text.data() + 3, text.data() + 5, m).ptr != text.data() + 5) return std::nullopt;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return std::chrono::minutes(h * 60 + m);
}

Result<std::chrono::minutes> TimeOfDay(const value& object, const std::string& parent, const char* name,
                                       std::optional<std::chrono::minutes> fallback) {
  if (!object.has_field(name)) {
    if (fallback) return *fallback;
    return Fail(Bad(parent + "." + name, "is required (a local time like \"22:00\")"));
  }
  const value& v = object.at(name);
  auto parsed = v.is_string() ? ParseTimeOfDay(v.as_string()) : std::nullopt;
  if (!parsed) return Fail(Bad(parent + "." + name, "must be a local time like \"22:00\""));
  return *parsed;
}

Result<std::string> RouteName(const value& v, const std::string& key, const value& settings) {
  if (!v.is_string() || v.as_string().empty()) return Fail(Bad(key, "must be a route name"));
  const std::string name = v.as_string();
  if (!settings.has_field("routes") || !settings.at("routes").is_object() || !settings.at("routes").has_field(name))
    return Fail(Bad(key, fmt::format("names route '{}', which settings.routes does not define", name)));
  return name;
}

#define ODZIV_TRY_ASSIGN(target, expr) \
  do {                                 \
    auto r_ = (expr);                  \
    if (!r_) return Fail(r_.error());  \
    target = std::move(*r_);           \
  } while (false)

Status ReadSpike(const value& s, const value& settings, SpikeSettings& spike) {
  if (!s.is_object()) return Fail(Bad("spike", "must be an object like {\"window_minutes\": 15, \"route\": \"team\"}"));
  if (auto ok = OnlyKeys(s, "spike",
                         {"window_minutes", "factor", "min_posts", "baseline_days", "cooldown_minutes", "route",
                          "priority", "worst_posts"});
      !ok)
    return ok;
  spike.enabled = true;
  int minutes = 0;
  ODZIV_TRY_ASSIGN(minutes, Integer(s, "spike", "window_minutes", 1, 24 * 60, 15));
  spike.window = std::chrono::minutes(minutes);
  if (s.has_field("factor")) {
    const value& f = s.at("factor");
    if (!f.is_number() || f.as_double() < 1 || f.as_double() > 1000)
      return Fail(Bad("spike.factor", "must be a number from 1 to 1000 (times the normal rate)"));
    spike.factor = f.as_double();
  }
  ODZIV_TRY_ASSIGN(spike.min_posts, Integer(s, "spike", "min_posts", 1, 1'000'000, 10));
  int days = 0;
  ODZIV_TRY_ASSIGN(days, Integer(s, "spike", "baseline_days", 1, 90, 7));
  spike.baseline = std::chrono::days(days);
  ODZIV_TRY_ASSIGN(minutes, Integer(s, "spike", "cooldown_minutes", 0, 7 * 24 * 60, 60));
  spike.cooldown = std::chrono::minutes(minutes);
  if (s.has_field("route")) ODZIV_TRY_ASSIGN(spike.route, RouteName(s.at("route"), "spike.route", settings));
  ODZIV_TRY_ASSIGN(spike.priority, Integer(s, "spike", "priority", 1, 4, 2));
  ODZIV_TRY_ASSIGN(spike.worst_posts, Integer(s, "spike", "worst_posts", 0, 20, 3));
  return {};
}

Status ReadQuietHours(const value& q, const std::string& timezone, QuietHours& quiet) {
  if (!q.is_object())
    return Fail(Bad("quiet_hours", "must be an object like {\"from\": \"22:00\", \"to\": \"07:00\"}"));
  if (auto ok = OnlyKeys(q, "quiet_hours", {"from", "to", "p1"}); !ok) return ok;
  std::chrono::minutes from{0};
  std::chrono::minutes to{0};
  ODZIV_TRY_ASSIGN(from, TimeOfDay(q, "quiet_hours", "from", std::nullopt));
  ODZIV_TRY_ASSIGN(to, TimeOfDay(q, "quiet_hours", "to", std::nullopt));
  bool p1_waits = false;
  if (q.has_field("p1")) {
    const value& p1 = q.at("p1");
    if (!p1.is_string() || (p1.as_string() != "send" && p1.as_string() != "wait"))
      return Fail(Bad("quiet_hours.p1", "must be \"send\" (P1 alerts go through, the default) or \"wait\""));
    p1_waits = p1.as_string() == "wait";
  }
  auto made = QuietHours::Make(timezone, from, to, p1_waits);
  if (!made) return Fail(Bad("quiet_hours", made.error().message));
  quiet = *made;
  return {};
}

Status ReadDigest(const value& d, const value& settings, const std::string& timezone, DigestSettings& digest) {
  if (!d.is_object())
    return Fail(Bad("digest", "must be an object like {\"every\": \"daily\", \"routes\": [\"manager\"]}"));
  if (auto ok = OnlyKeys(d, "digest", {"every", "at", "routes", "worst_posts"}); !ok) return ok;
  digest.enabled = true;
  digest.timezone = timezone;
  if (d.has_field("every")) {
    const value& every = d.at("every");
    if (!every.is_string() || (every.as_string() != "hourly" && every.as_string() != "daily"))
      return Fail(Bad("digest.every", "must be \"hourly\" or \"daily\""));
    digest.every = every.as_string() == "hourly" ? DigestEvery::kHourly : DigestEvery::kDaily;
  }
  if (d.has_field("at") && digest.every == DigestEvery::kHourly)
    return Fail(Bad("digest.at", "is for daily digests (hourly ones are sent on the hour)"));
  ODZIV_TRY_ASSIGN(digest.at, TimeOfDay(d, "digest", "at", std::chrono::minutes(8 * 60)));
  if (digest.at >= std::chrono::hours(24)) return Fail(Bad("digest.at", "must be before 24:00"));
  if (!d.has_field("routes") || !d.at("routes").is_array() || d.at("routes").size() == 0)
    return Fail(Bad("digest.routes", "must be a non-empty array of route names"));
  for (std::size_t i = 0; i < d.at("routes").size(); ++i) {
    std::string name;
    ODZIV_TRY_ASSIGN(name, RouteName(d.at("routes").at(i), fmt::format("digest.routes[{}]", i), settings));
    digest.routes.push_back(std::move(name));
  }
  ODZIV_TRY_ASSIGN(digest.worst_posts, Integer(d, "digest", "worst_posts", 0, 50, 5));
  auto zone_known = QuietHours::Make(timezone, {}, {}, false);
  if (!zone_known) return Fail(Bad("digest", zone_known.error().message));
  return {};
}

Status ReadRouteLimits(const value& routes, std::map<std::string, int>& max_per_hour) {
  if (!routes.is_object()) return {};  // brand_rules reports the shape of "routes"
  for (const auto& [name, route] : routes.as_object()) {
    if (!route.is_object() || !route.has_field("max_per_hour")) continue;
    int limit = 0;
    ODZIV_TRY_ASSIGN(limit, Integer(route, "routes." + name, "max_per_hour", 1, 100'000, 0));
    max_per_hour[name] = limit;
  }
  return {};
}

#undef ODZIV_TRY_ASSIGN

const date::time_zone* Zone(const std::string& timezone) {
  try {
    return date::locate_zone(timezone);
  } catch (const std::exception&) {
    return nullptr;
  }
}

Timestamp ToSys(const date::time_zone* zone, date::local_time<std::chrono::minutes> local) {
  // A local time that a DST change skips or repeats is taken at its earliest meaning.
  return date::floor<std::chrono::milliseconds>(zone->to_sys(local, date::choose::earliest));
}

}  // namespace

Result<QuietHours> QuietHours::Make(const std::string& timezone, std::chrono::minutes from, std::chrono::minutes to,
                                    bool p1_waits) {
  QuietHours quiet;
  quiet.zone_ = Zone(timezone);
  if (quiet.zone_ == nullptr)
    return Fail(ErrorCode::kConfig, fmt::format("time zone '{}' is not known to this machine's tzdata", timezone));
  quiet.from_ = from;
  quiet.to_ = to;
  quiet.p1_waits_ = p1_waits;
  return quiet;
}

std::optional<Timestamp> QuietHours::QuietUntil(Timestamp now) const {
  if (zone_ == nullptr || from_ == to_) return std::nullopt;
  const auto local = date::floor<std::chrono::minutes>(zone_->to_local(now));
  const auto day = date::floor<date::days>(local);
  const std::chrono::minutes time = local - day;
  const bool quiet = from_ < to_ ? (time >= from_ && time < to_) : (time >= from_ || time < to_);
  if (!quiet) return std::nullopt;
  // The end is today's `to` if it is still ahead, else tomorrow's.
  auto end = day + to_;
  if (end <= local) end += date::days(1);
  return ToSys(zone_, end);
}

DigestSettings::Period DigestSettings::LastPeriod(Timestamp now) const {
  const date::time_zone* zone = Zone(timezone);
  if (zone == nullptr) zone = date::locate_zone("UTC");
  const auto local = date::floor<std::chrono::minutes>(zone->to_local(now));
  if (every == DigestEvery::kHourly) {
    const auto end = date::floor<std::chrono::hours>(local);
    return {ToSys(zone, end - std::chrono::hours(1)), ToSys(zone, end)};
  }
  auto end = date::floor<date::days>(local) + at;
  if (end > local) end -= date::days(1);
  return {ToSys(zone, end - date::days(1)), ToSys(zone, end)};
}

Result<AlertRules> LoadAlertRules(const Brand& brand) {
  auto parsed = settings_json::Parse(brand.settings);
  if (!parsed) return Fail(parsed.error());
  const value& settings = *parsed;
  AlertRules rules;
  if (settings.has_field("spike")) {
    if (auto ok = ReadSpike(settings.at("spike"), settings, rules.spike); !ok) return Fail(ok.error());
  }
  if (settings.has_field("quiet_hours")) {
    if (auto ok = ReadQuietHours(settings.at("quiet_hours"), brand.timezone, rules.quiet_hours); !ok)
      return Fail(ok.error());
  }
  if (settings.has_field("digest")) {
    if (auto ok = ReadDigest(settings.at("digest"), settings, brand.timezone, rules.digest); !ok)
      return Fail(ok.error());
  }
  if (settings.has_field("source_health")) {
    const value& h = settings.at("source_health");
    if (!h.is_object() || !h.has_field("route"))
      return Fail(Bad("source_health", "must be an object like {\"route\": \"team\"}"));
    if (auto ok = OnlyKeys(h, "source_health", {"route"}); !ok) return Fail(ok.error());
    auto route = RouteName(h.at("route"), "source_health.route", settings);
    if (!route) return Fail(route.error());
    rules.source_health_route = *route;
  }
  if (settings.has_field("new_case")) {
    const value& n = settings.at("new_case");
    if (!n.is_object() || !n.has_field("route"))
      return Fail(Bad("new_case", "must be an object like {\"route\": \"team\", \"max_priority\": 2}"));
    if (auto ok = OnlyKeys(n, "new_case", {"route", "max_priority"}); !ok) return Fail(ok.error());
    auto route = RouteName(n.at("route"), "new_case.route", settings);
    if (!route) return Fail(route.error());
    rules.new_case.route = *route;
    auto max_priority = Integer(n, "new_case", "max_priority", 1, 4, 2);
    if (!max_priority) return Fail(max_priority.error());
    rules.new_case.max_priority = *max_priority;
  }
  if (settings.has_field("routes")) {
    if (auto ok = ReadRouteLimits(settings.at("routes"), rules.max_per_hour); !ok) return Fail(ok.error());
  }
  return rules;
}

std::optional<std::string> CheckAlertSettings(const std::string& settings, const std::string& timezone) {
  Brand brand;
  brand.settings = settings;
  brand.timezone = timezone;
  auto rules = LoadAlertRules(brand);
  if (!rules) return rules.error().message;
  return std::nullopt;
}

}  // namespace odziv::daemon
