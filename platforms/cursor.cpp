#include "platforms/cursor.h"

#include <fmt/format.h>

#include "core/http_client.h"
#include "platforms/paging.h"

namespace odziv::platforms {

Result<Cursor> Cursor::Parse(std::string_view text, std::string_view platform) {
  Cursor out;
  while (!text.empty()) {
    auto amp = text.find('&');
    std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return Fail(ErrorCode::kMalformed, fmt::format("{} cursor part '{}' is not key=value", platform, part));
    auto key = UrlDecode(part.substr(0, eq));
    auto value = UrlDecode(part.substr(eq + 1));
    if (!key || !value)
      return Fail(ErrorCode::kMalformed, fmt::format("{} cursor part '{}' has a bad %-escape", platform, part));
    out.values_[*key] = *value;
  }
  return out;
}

std::string Cursor::Get(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string() : it->second;
}

Cursor& Cursor::Set(std::string_view key, std::string_view value) {
  if (value.empty()) return Erase(key);
  values_[std::string(key)] = std::string(value);
  return *this;
}

Cursor& Cursor::Erase(std::string_view key) {
  auto it = values_.find(key);
  if (it != values_.end()) values_.erase(it);
  return *this;
}

std::string Cursor::Encode() const {
  std::string out;
  for (const auto& [key, value] : values_) {
    if (!out.empty()) out += '&';
    out += UrlEncode(key);
    out += '=';
    out += UrlEncode(value);
  }
  return out;
}

}  // namespace odziv::platforms
