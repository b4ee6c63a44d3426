// Base64: the standard alphabet with '=' padding (RFC 4648 §4), for HTTP Basic credentials (RSS hosts,
// Reddit's token endpoint).
#pragma once

#include <string>
#include <string_view>

namespace odziv::platforms {

// `in` as base64, padded to a multiple of 4 characters.
std::string Base64(std::string_view in);

// The value of an `Authorization` header for HTTP Basic: "Basic " + Base64(user ":" password).
std::string BasicAuthorization(std::string_view user, std::string_view password);

}  // namespace odziv::platforms
