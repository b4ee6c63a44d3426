// SourceSettings: checked reading of a source's flat settings when a connector is made, so that every
// mistake is reported as kConfig before the first poll, naming the source and the setting. Credentials are
// references (env:NAME, file:/path#KEY) resolved here; their values never appear in a message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/brand.h"
#include "core/error.h"

namespace odziv::platforms {

class SourceSettings {
 public:
  explicit SourceSettings(const Source& source) : source_(source) {}

  // The value, or kConfig "source S: <platform> needs setting 'key' (<what>)".
  [[nodiscard]] Result<std::string> Required(std::string_view key, std::string_view what) const;
  std::string Optional(std::string_view key, std::string_view fallback = "") const;
  // An http(s) URL without trailing '/'; `fallback` when unset. kConfig when not http(s).
  [[nodiscard]] Result<std::string> BaseUrl(std::string_view fallback) const;
  // The same checks for another URL setting (a token endpoint: "token_url").
  [[nodiscard]] Result<std::string> Url(std::string_view key, std::string_view fallback) const;
  // An integer in [min, max]; `fallback` when unset.
  [[nodiscard]] Result<std::int64_t> Int(std::string_view key, std::int64_t fallback, std::int64_t min,
                                         std::int64_t max) const;
  // The secret that setting `key` refers to. kConfig when the setting is missing, is not a reference (a
  // pasted token is refused so that it never sits in the database), or cannot be resolved.
  [[nodiscard]] Result<std::string> Secret(std::string_view key) const;

  [[nodiscard]] Error ConfigError(std::string_view message) const;

 private:
  const Source& source_;
};

}  // namespace odziv::platforms
