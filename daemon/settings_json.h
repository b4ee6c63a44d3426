// The pieces every reader of a brand's settings (Brand::settings, a JSON object) shares: an error naming the
// key that is wrong, and the check that an object holds only known keys (anything else is most likely a
// typo that would silently change nothing). Used by brand_rules, alert_rules, approval_rules and brand_drafter.
#pragma once

#include <cpprest/json.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/error.h"

namespace odziv::daemon::settings_json {

// The brand's settings as a JSON object ("" is {}); kConfig when they are not valid JSON or not an object.
Result<web::json::value> Parse(const std::string& settings);

// kConfig "settings.<key> <what>", e.g. Bad("sla.policies[1].minutes", "must be a whole number").
Error Bad(const std::string& key, std::string_view what);

// kConfig naming the first key of `object` not in `known` (and listing the known ones). `key` is the
// object's own path below settings ("triage"; empty: the top level).
Status OnlyKeys(const web::json::value& object, const std::string& key, std::initializer_list<std::string_view> known);

}  // namespace odziv::daemon::settings_json
