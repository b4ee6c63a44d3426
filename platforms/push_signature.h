// PushSignature: the checks that make a pushed request (a webhook delivery) trustworthy before anything of
// it is stored. Pure functions of the header, the raw body, the secret and the time, so that tests need no
// server. Every refusal is kUnauthenticated with a reason fit to send back and log (never a secret).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/timestamp.h"

namespace odziv::platforms {

// Lowercase hex of HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// odziv's own scheme, the same one its outgoing webhooks use: header X-Odziv-Signature is
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">" (several v1= entries are allowed while a secret is
// rotated; one match suffices). Refused when the header is missing or malformed, no v1 matches, or t is more
// than `tolerance` away from `now` in either direction (a replayed or delayed request).
[[nodiscard]] Status VerifyOdzivSignature(std::optional<std::string_view> header, std::string_view body,
                                          std::string_view secret, Timestamp now,
                                          std::chrono::seconds tolerance = std::chrono::minutes(5));

// Meta's scheme (Graph API webhooks): header X-Hub-Signature-256 is "sha256=<hex HMAC-SHA256 of the body>"
// keyed with the app secret. Meta signs no timestamp, so replays within the same body are not detectable
// here; storage is idempotent per post id instead.
[[nodiscard]] Status VerifyMetaSignature(std::optional<std::string_view> header, std::string_view body,
                                         std::string_view app_secret);

}  // namespace odziv::platforms
