#include "platforms/push_signature.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstdint>
#include <vector>

namespace odziv::platforms {
namespace {

// Compares in time independent of where the strings differ, so that a forger learns nothing from timing.
bool SameDigest(std::string_view expected, std::string_view given) {
  if (expected.size() != given.size()) return false;
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &length);
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Status VerifyOdzivSignature(std::optional<std::string_view> header, std::string_view body, std::string_view secret,
                            Timestamp now, std::chrono::seconds tolerance) {
  if (!header || header->empty()) return Fail(ErrorCode::kUnauthenticated, "header X-Odziv-Signature is missing");
  std::optional<std::int64_t> t;
  std::vector<std::string_view> signatures;
  std::string_view rest = *header;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with("t=")) {
      std::int64_t value = 0;
      std::string_view digits = part.substr(2);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || end != digits.data() + digits.size())
        return Fail(ErrorCode::kUnauthenticated, "X-Odziv-Signature: t is not a number of seconds");
      t = value;
    } else if (part.starts_with("v1=")) {
      signatures.push_back(part.substr(3));
    }
  }
  if (!t || signatures.empty())
    return Fail(ErrorCode::kUnauthenticated, "X-Odziv-Signature must be t=<unix seconds>,v1=<hex HMAC-SHA256>");
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  // In unsigned arithmetic: t is whatever the sender wrote, and the difference of two int64 may not fit one.
  const std::uint64_t skew = now_s > *t ? static_cast<std::uint64_t>(now_s) - static_cast<std::uint64_t>(*t)
                                        : static_cast<std::uint64_t>(*t) - static_cast<std::uint64_t>(now_s);
  if (skew > static_cast<std::uint64_t>(tolerance.count())) {
    return Fail(ErrorCode::kUnauthenticated,
                fmt::format("X-Odziv-Signature: timestamp is {} s from now, more than the {} s allowed (replayed or "
                            "delayed request, or a clock is wrong)",
                            skew, tolerance.count()));
  }
  const std::string expected = HmacSha256Hex(secret, fmt::format("{}.{}", *t, body));
  for (std::string_view given : signatures)
    if (SameDigest(expected, Lowercase(given))) return {};
  return Fail(ErrorCode::kUnauthenticated, "X-Odziv-Signature does not match the body (wrong secret or altered body)");
}

Status VerifyMetaSignature(std::optional<std::string_view> header, std::string_view body,
                           std::string_view app_secret) {
  if (!header || header->empty()) return Fail(ErrorCode::kUnauthenticated, "header X-Hub-Signature-256 is missing");
  if (!header->starts_with("sha256="))
    return Fail(ErrorCode::kUnauthenticated, "X-Hub-Signature-256 must be sha256=<hex HMAC-SHA256>");
  if (!SameDigest(HmacSha256Hex(app_secret, body), Lowercase(header->substr(7))))
    return Fail(ErrorCode::kUnauthenticated,
                "X-Hub-Signature-256 does not match the body (wrong app secret or altered body)");
  return {};
}

}  // namespace odziv::platforms
