// Cursor: a connector's resume point, as the flat text the daemon stores with each page's posts
// ("since_id=1578516068309794817&token=b26v…"). Each connector fills the keys it needs; unknown keys are
// kept, so a cursor written by an older version still parses.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/error.h"

namespace odziv::platforms {

class Cursor {
 public:
  // Parses stored text; empty text is the empty cursor (first poll). kMalformed names the platform.
  [[nodiscard]] static Result<Cursor> Parse(std::string_view text, std::string_view platform);

  // The value of `key`, or "" when absent.
  std::string Get(std::string_view key) const;
  bool Has(std::string_view key) const { return values_.contains(std::string(key)); }
  // Sets `key`; an empty value removes it.
  Cursor& Set(std::string_view key, std::string_view value);
  Cursor& Erase(std::string_view key);
  bool empty() const { return values_.empty(); }

  // Keys in order, values URL-encoded: the same cursor always encodes to the same text.
  std::string Encode() const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace odziv::platforms
