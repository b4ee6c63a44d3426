#include "daemon/password_hash.h"

#include <fmt/format.h>
#include <sodium.h>

#include <cstdlib>
#include <mutex>
#include <vector>

namespace odziv::daemon {
namespace {

constexpr std::size_t kMinPasswordChars = 10;
constexpr std::size_t kMaxPasswordBytes = 1024;

std::size_t CountCodePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xc0) != 0x80) ++n;  // every byte but UTF-8 continuation bytes starts a code point
  return n;
}

// libsodium wants NUL-terminated strings; this holds one and wipes it when done.
class WipedString {
 public:
  explicit WipedString(std::string_view text) : bytes_(text.begin(), text.end()) { bytes_.push_back('\0'); }
  ~WipedString() { sodium_memzero(bytes_.data(), bytes_.size()); }
  WipedString(const WipedString&) = delete;
  WipedString& operator=(const WipedString&) = delete;
  const char* c_str() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size() - 1; }

 private:
  std::vector<char> bytes_;
};

}  // namespace

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Fails only when the system has no source of randomness: nothing secure can be done then.
    if (sodium_init() < 0) std::abort();
  });
}

Status CheckPasswordRules(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the password is too long: at most {} bytes", kMaxPasswordBytes));
  if (CountCodePoints(password) < kMinPasswordChars)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the password is too short: use at least {} characters", kMinPasswordChars));
  return {};
}

Result<std::string> HashPassword(std::string_view password) {
  if (auto rules = CheckPasswordRules(password); !rules) return Fail(rules.error());
  EnsureSodium();
  WipedString text(password);
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, text.c_str(), text.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Fail(ErrorCode::kUnavailable, "not enough memory to hash the password right now; try again");
  }
  return std::string(hash);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > kMaxPasswordBytes) return false;
  EnsureSodium();
  const std::string stored(hash);
  WipedString text(password);
  return crypto_pwhash_str_verify(stored.c_str(), text.c_str(), text.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view hash) {
  EnsureSodium();
  const std::string stored(hash);
  return crypto_pwhash_str_needs_rehash(stored.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

const std::string& DummyPasswordHash() {
  static const std::string hash = [] {
    EnsureSodium();
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    char text[sizeof random * 2 + 1];
    sodium_bin2hex(text, sizeof text, random, sizeof random);
    sodium_memzero(random, sizeof random);
    auto made = HashPassword(text);
    sodium_memzero(text, sizeof text);
    // Without memory for one hash, verifying against "" (which fails at once) is the best left.
    return made ? *made : std::string();
  }();
  return hash;
}

}  // namespace odziv::daemon
