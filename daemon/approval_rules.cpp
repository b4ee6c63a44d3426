#include "daemon/approval_rules.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <exception>

#include "daemon/settings_json.h"

namespace odziv::daemon {
namespace {

using web::json::value;

constexpr std::array<std::string_view, 4> kRoles = {"viewer", "agent", "lead", "admin"};
constexpr std::array<std::string_view, 8> kSituations = {"safety",   "legal",  "churn",  "complaint",
                                                         "question", "mixed", "praise", "mention"};

Error Bad(const std::string& key, std::string_view what) { return settings_json::Bad("approval." + key, what); }

template <std::size_t N>
Result<std::vector<std::string>> Names(const value& v, const std::string& key,
                                       const std::array<std::string_view, N>& known) {
  std::string list;
  for (std::string_view k : known) list += fmt::format("{}{}", list.empty() ? "" : ", ", k);
  if (!v.is_array()) return Fail(Bad(key, fmt::format("must be an array of names ({})", list)));
  std::vector<std::string> out;
  for (const value& item : v.as_array()) {
    if (!item.is_string() || std::find(known.begin(), known.end(), item.as_string()) == known.end())
      return Fail(Bad(key, fmt::format("holds {}: use {}", item.serialize(), list)));
    out.push_back(item.as_string());
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Status ReadRules(const value& a, ApprovalRules& rules) {
  if (!a.is_object()) return Fail(ErrorCode::kConfig, "settings.approval must be an object");
  for (const auto& [name, item] : a.as_object()) {
    if (name == "auto_send") {
      auto names = Names(item, name, kSituations);
      if (!names) return Fail(names.error());
      rules.auto_send = std::move(*names);
    } else if (name == "two_person") {
      if (!item.is_object())
        return Fail(Bad(name, "must be an object like {\"max_priority\": 1, \"situations\": [\"legal\"]}"));
      for (const auto& [key, v] : item.as_object()) {
        if (key == "max_priority") {
          if (!v.is_integer() || v.as_integer() < 0 || v.as_integer() > 4)
            return Fail(Bad("two_person.max_priority", "must be a whole number from 0 (none) to 4"));
          rules.two_person_max_priority = v.as_integer();
        } else if (key == "situations") {
          auto names = Names(v, "two_person.situations", kSituations);
          if (!names) return Fail(names.error());
          rules.two_person_situations = std::move(*names);
        } else {
          return Fail(Bad("two_person." + key, "is not a known key (known: max_priority, situations)"));
        }
      }
    } else if (name == "approver_roles" || name == "second_approver_roles") {
      auto names = Names(item, name, kRoles);
      if (!names) return Fail(names.error());
      if (names->empty()) return Fail(Bad(name, "must name at least one role"));
      (name == "approver_roles" ? rules.approver_roles : rules.second_approver_roles) = std::move(*names);
    } else if (name == "reapprove_after_edit") {
      if (!item.is_boolean()) return Fail(Bad(name, "must be true or false"));
      rules.reapprove_after_edit = item.as_bool();
    } else {
      return Fail(Bad(name, "is not a known key (known: auto_send, two_person, approver_roles, "
                            "second_approver_roles, reapprove_after_edit)"));
    }
  }
  return {};
}

}  // namespace

Result<ApprovalRules> LoadApprovalRules(const Brand& brand) {
  auto doc = settings_json::Parse(brand.settings);
  if (!doc) return Fail(doc.error());
  ApprovalRules rules;
  if (doc->has_field("approval")) {
    if (auto read = ReadRules(doc->at("approval"), rules); !read) return Fail(read.error());
  }
  return rules;
}

int ApprovalsRequired(const ApprovalRules& rules, int priority, const std::string& situation) {
  if (priority <= rules.two_person_max_priority || Contains(rules.two_person_situations, situation)) return 2;
  if (priority >= 3 && Contains(rules.auto_send, situation)) return 0;
  return 1;
}

Result<std::string> CheckApprover(const ApprovalRules& rules, const User& user, std::int64_t brand_id, bool second) {
  if (user.disabled) return Fail(ErrorCode::kPermissionDenied, fmt::format("user '{}' is disabled", user.login));
  auto role = user.brand_roles.find(brand_id);
  if (role == user.brand_roles.end())
    return Fail(ErrorCode::kPermissionDenied, fmt::format("user '{}' has no role in this brand", user.login));
  if (!Contains(rules.approver_roles, role->second))
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("user '{}' is {} of this brand; drafts are approved by its {}", user.login,
                            role->second, fmt::join(rules.approver_roles, ", ")));
  if (second && !Contains(rules.second_approver_roles, role->second))
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("this draft needs a second approval from a {} of the brand; '{}' is {}",
                            fmt::join(rules.second_approver_roles, " or "), user.login, role->second));
  return role->second;
}

std::optional<std::string> CheckApprovalSettings(const std::string& settings) {
  auto doc = settings_json::Parse(settings);
  if (!doc) return std::nullopt;  // the brand rules report it
  if (!doc->has_field("approval")) return std::nullopt;
  ApprovalRules rules;
  if (auto read = ReadRules(doc->at("approval"), rules); !read) return read.error().message;
  return std::nullopt;
}

}  // namespace odziv::daemon
