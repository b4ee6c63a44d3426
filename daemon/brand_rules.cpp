#include "daemon/brand_rules.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <array>
#include <exception>

#include "core/secret.h"
#include "daemon/settings_json.h"
#include "daemon/urgency_rules.h"
#include "daemon/approval_rules.h"
#include "daemon/brand_drafter.h"
#include "daemon/alert_rules.h"

namespace odziv::daemon {
namespace {

using web::json::value;
using settings_json::Bad;
using settings_json::OnlyKeys;



Result<std::vector<std::string>> Strings(const value& v, const std::string& key) {
  if (!v.is_array()) return Fail(Bad(key, "must be an array of strings"));
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) {
    if (!item.is_string()) return Fail(Bad(key, "must be an array of strings"));
    out.push_back(item.as_string());
  }
  return out;
}

Result<int> Integer(const value& v, const std::string& key, int min, int max) {
  if (!v.is_integer() || v.as_number().to_int64() < min || v.as_number().to_int64() > max)
    return Fail(Bad(key, fmt::format("must be a whole number from {} to {}", min, max)));
  return static_cast<int>(v.as_number().to_int64());
}

Result<bool> Boolean(const value& v, const std::string& key) {
  if (!v.is_boolean()) return Fail(Bad(key, "must be true or false"));
  return v.as_bool();
}

#define ODZIV_TRY_ASSIGN(target, expr) \
  do {                                 \
    auto r_ = (expr);                  \
    if (!r_) return Fail(r_.error());  \
    target = std::move(*r_);           \
  } while (false)

Status ReadTriage(const value& t, TriageRules& rules) {
  if (!t.is_object()) return Fail(Bad("triage", "must be an object"));
  if (auto ok = OnlyKeys(t, "triage",
                         {"answer_labels", "answer_max_rating", "answer_intents", "answer_max_priority",
                          "answer_kinds", "ignore_intents", "ignore_authors", "track_only_platforms",
                          "join_window_hours"});
      !ok)
    return ok;
  if (t.has_field("answer_labels")) {
    ODZIV_TRY_ASSIGN(rules.answer_labels, Strings(t.at("answer_labels"), "triage.answer_labels"));
    for (const std::string& label : rules.answer_labels)
      if (label != "neg" && label != "neu" && label != "pos")
        return Fail(Bad("triage.answer_labels", fmt::format("holds '{}': use neg, neu or pos", label)));
  }
  if (t.has_field("answer_max_rating"))
    ODZIV_TRY_ASSIGN(rules.answer_max_rating, Integer(t.at("answer_max_rating"), "triage.answer_max_rating", 0, 5));
  if (t.has_field("answer_intents"))
    ODZIV_TRY_ASSIGN(rules.answer_intents, Strings(t.at("answer_intents"), "triage.answer_intents"));
  if (t.has_field("answer_max_priority"))
    ODZIV_TRY_ASSIGN(rules.answer_max_priority,
                     Integer(t.at("answer_max_priority"), "triage.answer_max_priority", 0, 4));
  if (t.has_field("answer_kinds")) {
    ODZIV_TRY_ASSIGN(rules.answer_kinds, Strings(t.at("answer_kinds"), "triage.answer_kinds"));
    for (const std::string& kind : rules.answer_kinds)
      if (!ParsePostKind(kind))
        return Fail(
            Bad("triage.answer_kinds", fmt::format("holds '{}': use mention, comment, review or message", kind)));
  }
  if (t.has_field("ignore_intents"))
    ODZIV_TRY_ASSIGN(rules.ignore_intents, Strings(t.at("ignore_intents"), "triage.ignore_intents"));
  if (t.has_field("ignore_authors"))
    ODZIV_TRY_ASSIGN(rules.ignore_authors, Strings(t.at("ignore_authors"), "triage.ignore_authors"));
  if (t.has_field("track_only_platforms"))
    ODZIV_TRY_ASSIGN(rules.track_only_platforms, Strings(t.at("track_only_platforms"), "triage.track_only_platforms"));
  if (t.has_field("join_window_hours")) {
    int hours = 0;
    ODZIV_TRY_ASSIGN(hours, Integer(t.at("join_window_hours"), "triage.join_window_hours", 0, 24 * 365));
    rules.join_window = std::chrono::hours(hours);
  }
  return {};
}

// "mon", "mon-fri", "sat-sun" → the weekdays (0 = Sunday) they name.
std::optional<std::vector<int>> ParseDays(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  auto index = [](std::string_view name) -> std::optional<int> {
    for (std::size_t i = 0; i < kNames.size(); ++i)
      if (kNames[i] == name) return static_cast<int>(i);
    return std::nullopt;
  };
  const auto dash = text.find('-');
  auto first = index(text.substr(0, dash));
  auto last = dash == std::string_view::npos ? first : index(text.substr(dash + 1));
  if (!first || !last) return std::nullopt;
  std::vector<int> days;
  for (int d = *first;; d = (d + 1) % 7) {
    days.push_back(d);
    if (d == *last) break;
  }
  return days;
}

Status ReadSla(const value& s, const std::string& brand_timezone, SlaSettings& sla) {
  if (!s.is_object()) return Fail(Bad("sla", "must be an object"));
  if (auto ok = OnlyKeys(s, "sla",
                         {"business_hours", "timezone", "holidays", "policies", "escalation", "pause_when_waiting",
                          "confirm_wait_minutes"});
      !ok)
    return ok;
  std::string timezone = brand_timezone;
  if (s.has_field("timezone")) {
    if (!s.at("timezone").is_string()) return Fail(Bad("sla.timezone", "must be an IANA time zone name"));
    timezone = s.at("timezone").as_string();
  }
  std::vector<std::string> holidays;
  if (s.has_field("holidays")) ODZIV_TRY_ASSIGN(holidays, Strings(s.at("holidays"), "sla.holidays"));
  if (s.has_field("business_hours")) {
    const value& hours = s.at("business_hours");
    if (!hours.is_object())
      return Fail(Bad("sla.business_hours", "must be an object like {\"mon-fri\": \"08:00-16:00\"}"));
    std::array<std::vector<OpenHours>, 7> week;
    for (const auto& [days_text, spans] : hours.as_object()) {
      const std::string key = "sla.business_hours." + days_text;
      auto days = ParseDays(days_text);
      if (!days) return Fail(Bad(key, "is not a day or range of days (mon, mon-fri, sat-sun)"));
      std::vector<std::string> texts;
      if (spans.is_string()) {
        texts.push_back(spans.as_string());
      } else {
        ODZIV_TRY_ASSIGN(texts, Strings(spans, key));
      }
      for (const std::string& text : texts) {
        auto open = ParseOpenHours(text);
        if (!open) return Fail(Bad(key, fmt::format("holds '{}': use HH:MM-HH:MM, like 08:00-16:00", text)));
        for (int d : *days) week[static_cast<std::size_t>(d)].push_back(*open);
      }
    }
    auto calendar = BusinessCalendar::Make(timezone, week, holidays);
    if (!calendar) return Fail(Bad("sla.business_hours", calendar.error().message));
    sla.calendar = std::move(*calendar);
  } else if (!holidays.empty()) {
    return Fail(Bad("sla.holidays", "needs sla.business_hours (around the clock has no holidays)"));
  }
  if (s.has_field("policies")) {
    const value& list = s.at("policies");
    if (!list.is_array() || list.size() == 0) return Fail(Bad("sla.policies", "must be a non-empty array"));
    sla.policies.clear();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const value& p = list.at(i);
      const std::string key = fmt::format("sla.policies[{}]", i);
      if (!p.is_object()) return Fail(Bad(key, "must be an object"));
      if (auto ok = OnlyKeys(p, key, {"name", "platforms", "kinds", "max_priority", "minutes", "clock"}); !ok)
        return ok;
      SlaPolicy policy;
      if (!p.has_field("name") || !p.at("name").is_string() || p.at("name").as_string().empty())
        return Fail(Bad(key + ".name", "must be a non-empty string"));
      policy.name = p.at("name").as_string();
      if (p.has_field("platforms")) ODZIV_TRY_ASSIGN(policy.platforms, Strings(p.at("platforms"), key + ".platforms"));
      if (p.has_field("kinds")) ODZIV_TRY_ASSIGN(policy.kinds, Strings(p.at("kinds"), key + ".kinds"));
      for (const std::string& kind : policy.kinds)
        if (!ParsePostKind(kind)) return Fail(Bad(key + ".kinds", fmt::format("holds unknown kind '{}'", kind)));
      if (p.has_field("max_priority"))
        ODZIV_TRY_ASSIGN(policy.max_priority, Integer(p.at("max_priority"), key + ".max_priority", 0, 4));
      if (!p.has_field("minutes")) return Fail(Bad(key + ".minutes", "is required"));
      int minutes = 0;
      ODZIV_TRY_ASSIGN(minutes, Integer(p.at("minutes"), key + ".minutes", 1, 525600));
      policy.first_response = std::chrono::minutes(minutes);
      if (p.has_field("clock")) {
        const value& clock = p.at("clock");
        if (!clock.is_string() || (clock.as_string() != "business" && clock.as_string() != "always"))
          return Fail(Bad(key + ".clock", "must be \"business\" or \"always\""));
        policy.business_hours = clock.as_string() == "business";
      }
      sla.policies.push_back(std::move(policy));
    }
  }
  if (s.has_field("escalation")) {
    const value& list = s.at("escalation");
    if (!list.is_array()) return Fail(Bad("sla.escalation", "must be an array"));
    sla.escalation.clear();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const value& step = list.at(i);
      const std::string key = fmt::format("sla.escalation[{}]", i);
      if (!step.is_object()) return Fail(Bad(key, "must be an object like {\"at\": 0.5, \"route\": \"assignee\"}"));
      if (auto ok = OnlyKeys(step, key, {"at", "route"}); !ok) return ok;
      if (!step.has_field("at") || !step.at("at").is_number() || step.at("at").as_double() <= 0 ||
          step.at("at").as_double() > 1)
        return Fail(Bad(key + ".at", "must be a fraction of the time above 0 and at most 1 (1: the deadline)"));
      if (!step.has_field("route") || !step.at("route").is_string() || step.at("route").as_string().empty())
        return Fail(Bad(key + ".route", "must be a route name"));
      const int percent = static_cast<int>(step.at("at").as_double() * 100 + 0.5);
      if (!sla.escalation.empty() && percent <= sla.escalation.back().percent)
        return Fail(Bad(key + ".at", "must be larger than the step before it"));
      sla.escalation.push_back({percent, step.at("route").as_string()});
    }
  }
  if (s.has_field("pause_when_waiting"))
    ODZIV_TRY_ASSIGN(sla.pause_when_waiting, Boolean(s.at("pause_when_waiting"), "sla.pause_when_waiting"));
  if (s.has_field("confirm_wait_minutes")) {
    int minutes = 0;
    ODZIV_TRY_ASSIGN(minutes, Integer(s.at("confirm_wait_minutes"), "sla.confirm_wait_minutes", 1, 7 * 24 * 60));
    sla.confirm_wait = std::chrono::minutes(minutes);
  }
  return {};
}

#undef ODZIV_TRY_ASSIGN

}  // namespace

Result<BrandRules> LoadBrandRules(const Brand& brand) {
  auto parsed = settings_json::Parse(brand.settings);
  if (!parsed) return Fail(parsed.error());
  const value& settings = *parsed;
  BrandRules rules;
  if (settings.has_field("triage")) {
    if (auto ok = ReadTriage(settings.at("triage"), rules.triage); !ok) return Fail(ok.error());
  }
  if (settings.has_field("sla")) {
    if (auto ok = ReadSla(settings.at("sla"), brand.timezone, rules.sla); !ok) return Fail(ok.error());
  }
  if (settings.has_field("assignment")) {
    const value& a = settings.at("assignment");
    if (!a.is_object()) return Fail(Bad("assignment", "must be an object like {\"mode\": \"round_robin\"}"));
    if (auto ok = OnlyKeys(a, "assignment", {"mode"}); !ok) return Fail(ok.error());
    if (a.has_field("mode")) {
      const std::string mode = a.at("mode").is_string() ? a.at("mode").as_string() : "";
      if (mode == "round_robin") {
        rules.assignment = AssignmentMode::kRoundRobin;
      } else if (mode == "least_loaded") {
        rules.assignment = AssignmentMode::kLeastLoaded;
      } else if (mode == "manual") {
        rules.assignment = AssignmentMode::kManual;
      } else {
        return Fail(Bad("assignment.mode", "must be \"round_robin\", \"least_loaded\" or \"manual\""));
      }
    }
  }
  return rules;
}

namespace {

// "routes" (daemon/alert_dispatcher.h): each a known type, and every credential a secret reference, so
// that a pasted webhook URL or password never reaches the database or an export.
std::optional<std::string> CheckRoutes(const std::string& settings) {
  web::json::value doc;
  try {
    doc = web::json::value::parse(settings.empty() ? "{}" : settings);
  } catch (const std::exception&) {
    return std::nullopt;  // LoadBrandRules reports it
  }
  if (!doc.is_object() || !doc.has_field("routes")) return std::nullopt;
  const auto& routes = doc.at("routes");
  if (!routes.is_object()) return "settings.routes must be an object of named routes";
  for (const auto& [name, route] : routes.as_object()) {
    const std::string where = "settings.routes." + name;
    if (!route.is_object() || !route.has_field("type") || !route.at("type").is_string())
      return where + " must be an object with a \"type\"";
    const std::string type = route.at("type").as_string();
    if (type != "slack" && type != "email" && type != "webhook")
      return where + ".type must be \"slack\", \"email\" or \"webhook\"";
    if (route.has_field("to_assignee") && (type != "email" || !route.at("to_assignee").is_boolean()))
      return where + ".to_assignee must be true or false, on an email route";
    for (const char* key : {"webhook_url", "password", "secret"}) {
      if (!route.has_field(key)) continue;
      const auto& v = route.at(key);
      if (!v.is_string() || !IsSecretReference(v.as_string()))
        return where + "." + key + " must be a secret reference (env:NAME or file:/path[#KEY]), never the secret itself";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckBrandSettings(const std::string& settings, const std::string& timezone) {
  Brand brand;
  brand.settings = settings;
  brand.timezone = timezone;
  auto rules = LoadBrandRules(brand);
  if (!rules) return rules.error().message;
  if (auto approval = CheckApprovalSettings(settings)) return approval;
  if (auto urgency = CheckUrgencySettings(settings)) return urgency;
  if (auto drafting = CheckDrafterSettings(settings)) return drafting;  // voice, templates, drafter
  if (auto routes = CheckRoutes(settings)) return routes;
  return CheckAlertSettings(settings, timezone);  // spike, quiet_hours, digest, max_per_hour
}

}  // namespace odziv::daemon
