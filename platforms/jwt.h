// Jwt: signed JSON Web Tokens (RFC 7519) for platforms that authenticate with a private key instead of a
// token: App Store Connect (ES256, sent as the bearer token itself) and Google service accounts (RS256,
// exchanged for an access token). Signing is OpenSSL's; keys are PEM (PKCS#8 ".p8" or traditional).
#pragma once

#include <cpprest/json.h>

#include <string>
#include <string_view>

#include "core/error.h"

namespace odziv::platforms {

enum class JwtAlgorithm {
  kEs256,  // ECDSA P-256 with SHA-256; the signature is raw r||s (64 bytes), not DER (RFC 7518 §3.4)
  kRs256,  // RSASSA-PKCS1-v1_5 with SHA-256
};

// "<header>.<claims>.<signature>", each part base64url without padding. The header is
// {"alg", "kid" (omitted when `key_id` is empty), "typ":"JWT"}; `claims` must be a JSON object.
// kConfig when the key is not a PEM private key of the algorithm's type (the message never contains the
// key); kInternal when OpenSSL fails to sign.
[[nodiscard]] Result<std::string> SignJwt(JwtAlgorithm algorithm, std::string_view private_key_pem,
                                          std::string_view key_id, const web::json::value& claims);

// Checks that `private_key_pem` is a usable key for `algorithm` (done once, when a connector is made).
[[nodiscard]] Status CheckJwtKey(JwtAlgorithm algorithm, std::string_view private_key_pem);

// RFC 4648 base64 with padding (HTTP Basic credentials) and base64url without padding (JWT parts).
std::string Base64Encode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);

}  // namespace odziv::platforms
