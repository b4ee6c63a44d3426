#include "core/brand.h"

#include <fmt/format.h>

namespace odziv {

std::string_view SourceHealthName(SourceHealth health) {
  switch (health) {
    case SourceHealth::kOk: return "ok";
    case SourceHealth::kDegraded: return "degraded";
    case SourceHealth::kNeedsHuman: return "needs_human";
  }
  return "ok";
}

std::optional<SourceHealth> ParseSourceHealth(std::string_view name) {
  for (SourceHealth h : {SourceHealth::kOk, SourceHealth::kDegraded, SourceHealth::kNeedsHuman})
    if (SourceHealthName(h) == name) return h;
  return std::nullopt;
}

std::string Source::Setting(std::string_view key, std::string_view fallback) const {
  auto it = settings.find(std::string(key));
  if (it == settings.end() || it->second.empty()) return std::string(fallback);
  return it->second;
}

namespace {
std::optional<std::string> CheckName(std::string_view what, std::string_view name, std::string_view extra) {
  if (name.empty() || name.size() > 64) return fmt::format("{} must be 1 to 64 characters long", what);
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || extra.find(c) != std::string_view::npos;
    if (!ok)
      return fmt::format("{} '{}' may contain only lower-case letters a-z, digits and '-'{}", what, name,
                         extra.empty() ? "" : fmt::format(" or one of '{}'", extra));
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::string> CheckSlug(std::string_view slug) { return CheckName("a brand slug", slug, ""); }
std::optional<std::string> CheckSourceName(std::string_view name) { return CheckName("a source name", name, "._"); }

}  // namespace odziv
