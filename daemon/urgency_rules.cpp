#include "daemon/urgency_rules.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <array>
#include <utility>

#include "daemon/settings_json.h"

namespace odziv::daemon {
namespace {

using sentiment::UrgencyWeights;
using web::json::value;

Error Bad(const std::string& key, std::string_view what) { return settings_json::Bad("urgency." + key, what); }

// The whole-number points of the weights, by their settings name.
constexpr std::array<std::pair<std::string_view, int UrgencyWeights::*>, 22> kPoints = {{
    {"negative_sentiment", &UrgencyWeights::negative_sentiment},
    {"complaint", &UrgencyWeights::complaint},
    {"question", &UrgencyWeights::question},
    {"churn_threat", &UrgencyWeights::churn_threat},
    {"purchase_intent", &UrgencyWeights::purchase_intent},
    {"legal_threat", &UrgencyWeights::legal_threat},
    {"safety", &UrgencyWeights::safety},
    {"explicit_urgency", &UrgencyWeights::explicit_urgency},
    {"abuse", &UrgencyWeights::abuse},
    {"one_star", &UrgencyWeights::one_star},
    {"two_star", &UrgencyWeights::two_star},
    {"reach_large_points", &UrgencyWeights::reach_large_points},
    {"reach_huge_points", &UrgencyWeights::reach_huge_points},
    {"engagement_points", &UrgencyWeights::engagement_points},
    {"growth_points", &UrgencyWeights::growth_points},
    {"repeat_complaint_points", &UrgencyWeights::repeat_complaint_points},
    {"repeat_complaint_max", &UrgencyWeights::repeat_complaint_max},
    {"fresh_points", &UrgencyWeights::fresh_points},
    {"stale_points", &UrgencyWeights::stale_points},
    {"spam_cap", &UrgencyWeights::spam_cap},
    {"p1", &UrgencyWeights::p1},
    {"p2", &UrgencyWeights::p2},
}};

constexpr std::array<std::pair<std::string_view, std::int64_t UrgencyWeights::*>, 3> kCounts = {{
    {"reach_large", &UrgencyWeights::reach_large},
    {"reach_huge", &UrgencyWeights::reach_huge},
    {"engagement_full", &UrgencyWeights::engagement_full},
}};

Result<std::int64_t> WholeNumber(const value& v, const std::string& key, std::int64_t low, std::int64_t high) {
  if (!v.is_number() || !v.as_number().is_int64() || v.as_number().to_int64() < low || v.as_number().to_int64() > high)
    return Fail(Bad(key, fmt::format("must be a whole number from {} to {}", low, high)));
  return v.as_number().to_int64();
}

Status ReadWeights(const value& u, UrgencyWeights& w) {
  if (!u.is_object()) return Fail(ErrorCode::kConfig, "settings.urgency must be an object of weights");
  for (const auto& [name, item] : u.as_object()) {
    bool known = false;
    for (const auto& [key, field] : kPoints) {
      if (name != key) continue;
      auto n = WholeNumber(item, name, -100, 100);
      if (!n) return Fail(n.error());
      w.*field = static_cast<int>(*n);
      known = true;
    }
    for (const auto& [key, field] : kCounts) {
      if (name != key) continue;
      auto n = WholeNumber(item, name, 1, 1'000'000'000'000);
      if (!n) return Fail(n.error());
      w.*field = *n;
      known = true;
    }
    if (known) continue;
    if (name == "p3") {
      auto n = WholeNumber(item, name, 1, 100);
      if (!n) return Fail(n.error());
      w.p3 = static_cast<int>(*n);
    } else if (name == "growth_full_per_hour") {
      if (!item.is_number() || item.as_double() <= 0 || item.as_double() > 1e9)
        return Fail(Bad(name, "must be a positive number"));
      w.growth_full_per_hour = item.as_double();
    } else if (name == "fresh_within_minutes") {
      auto n = WholeNumber(item, name, 0, 7 * 24 * 60);
      if (!n) return Fail(n.error());
      w.fresh_within = std::chrono::minutes(*n);
    } else if (name == "stale_after_hours") {
      auto n = WholeNumber(item, name, 1, 365 * 24);
      if (!n) return Fail(n.error());
      w.stale_after = std::chrono::hours(*n);
    } else if (name == "platform_points") {
      if (!item.is_object()) return Fail(Bad(name, "must be an object like {\"x\": 5}"));
      w.platform_points.clear();
      for (const auto& [platform, points] : item.as_object()) {
        auto n = WholeNumber(points, name + "." + platform, -100, 100);
        if (!n) return Fail(n.error());
        w.platform_points[platform] = static_cast<int>(*n);
      }
    } else {
      std::string names;
      for (const auto& [key, field] : kPoints) names += fmt::format("{}, ", key);
      for (const auto& [key, field] : kCounts) names += fmt::format("{}, ", key);
      return Fail(Bad(name, fmt::format("is not a known weight (known: {}p3, growth_full_per_hour, "
                                        "fresh_within_minutes, stale_after_hours, platform_points)",
                                        names)));
    }
  }
  if (auto valid = w.Validate(); !valid)
    return Fail(ErrorCode::kConfig, fmt::format("settings.urgency: {}", valid.error().message));
  return {};
}

}  // namespace

Result<UrgencyWeights> LoadUrgencyWeights(const Brand& brand) {
  auto doc = settings_json::Parse(brand.settings);
  if (!doc) return Fail(doc.error());
  UrgencyWeights weights;
  if (doc->has_field("urgency")) {
    if (auto read = ReadWeights(doc->at("urgency"), weights); !read) return Fail(read.error());
  }
  return weights;
}

std::optional<std::string> CheckUrgencySettings(const std::string& settings) {
  auto doc = settings_json::Parse(settings);
  if (!doc || !doc->has_field("urgency")) return std::nullopt;
  UrgencyWeights weights;
  if (auto read = ReadWeights(doc->at("urgency"), weights); !read) return read.error().message;
  return std::nullopt;
}

}  // namespace odziv::daemon
