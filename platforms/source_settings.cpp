#include "platforms/source_settings.h"

#include <fmt/format.h>

#include <charconv>

#include "core/secret.h"

namespace odziv::platforms {

Error SourceSettings::ConfigError(std::string_view message) const {
  return Error{ErrorCode::kConfig, fmt::format("source {} ({}): {}", source_.name, source_.platform, message),
               std::nullopt};
}

Result<std::string> SourceSettings::Required(std::string_view key, std::string_view what) const {
  std::string value = source_.Setting(key);
  if (value.empty()) return std::unexpected(ConfigError(fmt::format("needs setting '{}' ({})", key, what)));
  return value;
}

std::string SourceSettings::Optional(std::string_view key, std::string_view fallback) const {
  return source_.Setting(key, fallback);
}

Result<std::string> SourceSettings::BaseUrl(std::string_view fallback) const { return Url("base_url", fallback); }

Result<std::string> SourceSettings::Url(std::string_view key, std::string_view fallback) const {
  std::string url = source_.Setting(key, fallback);
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return std::unexpected(ConfigError(fmt::format("setting '{}' must start with http:// or https://, not '{}'", key, url)));
  if (url.find('?') != std::string::npos || url.find('#') != std::string::npos)
    return std::unexpected(ConfigError(fmt::format("setting '{}' must not have a query or fragment", key)));
  while (url.size() > 8 && url.back() == '/') url.pop_back();
  return url;
}

Result<std::int64_t> SourceSettings::Int(std::string_view key, std::int64_t fallback, std::int64_t min,
                                         std::int64_t max) const {
  std::string text = source_.Setting(key);
  if (text.empty()) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
    return std::unexpected(ConfigError(fmt::format("setting '{}' must be a whole number from {} to {}, not '{}'", key, min, max, text)));
  return value;
}

Result<std::string> SourceSettings::Secret(std::string_view key) const {
  std::string reference = source_.Setting(key);
  if (reference.empty())
    return std::unexpected(ConfigError(fmt::format("needs setting '{}' (a credential reference: env:NAME or file:/path#KEY)", key)));
  if (!IsSecretReference(reference))
    return std::unexpected(ConfigError(fmt::format(
        "setting '{}' must be a reference (env:NAME or file:/path#KEY), not the credential itself", key)));
  auto value = ResolveSecret(reference);
  if (!value) return std::unexpected(ConfigError(fmt::format("setting '{}': {}", key, value.error().message)));
  return value;
}

}  // namespace odziv::platforms
