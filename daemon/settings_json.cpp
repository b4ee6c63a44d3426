#include "daemon/settings_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

namespace odziv::daemon::settings_json {

Result<web::json::value> Parse(const std::string& settings) {
  web::json::value doc;
  try {
    doc = web::json::value::parse(settings.empty() ? "{}" : settings);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kConfig, fmt::format("settings are not valid JSON: {}", e.what()));
  }
  if (!doc.is_object()) return Fail(ErrorCode::kConfig, "settings must be a JSON object");
  return doc;
}

Error Bad(const std::string& key, std::string_view what) {
  return Error{ErrorCode::kConfig, fmt::format("settings.{} {}", key, what), std::nullopt};
}

Status OnlyKeys(const web::json::value& object, const std::string& key, std::initializer_list<std::string_view> known) {
  for (const auto& [name, item] : object.as_object()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (std::string_view k : known) list += fmt::format("{}{}", list.empty() ? "" : ", ", k);
      return Fail(Bad(key.empty() ? name : key + "." + name, fmt::format("is not a known key (known: {})", list)));
    }
  }
  return {};
}

}  // namespace odziv::daemon::settings_json
