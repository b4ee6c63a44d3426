#include "daemon/sign_in_limiter.h"

#include <algorithm>

namespace odziv::daemon {
namespace {

// Keys are cut to 64 bytes (the longest login), so that absurd input cannot make entries large: logins that
// long exist nowhere, and sharing a window among them costs nobody anything.
constexpr std::size_t kMaxKeyBytes = 64;

std::string LoginKey(std::string_view login) { return "login:" + std::string(login.substr(0, kMaxKeyBytes)); }
std::string AddressKey(std::string_view address) { return "address:" + std::string(address.substr(0, kMaxKeyBytes)); }

}  // namespace

SignInLimiter::SignInLimiter(SignInLimiterOptions options) : options_(options) {}

std::optional<std::chrono::seconds> SignInLimiter::Blocked(const std::string& key, int limit, Timestamp now) const {
  auto it = windows_.find(key);
  if (it == windows_.end() || it->second.failures < limit) return std::nullopt;
  const Timestamp ends = it->second.started + options_.window;
  if (now >= ends) return std::nullopt;
  // Rounded up, so that a client that waits exactly this long is let in.
  auto left = std::chrono::ceil<std::chrono::seconds>(ends - now);
  return std::max(left, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> SignInLimiter::RetryAfter(std::string_view login, std::string_view address,
                                                              Timestamp now) {
  std::lock_guard lock(mu_);
  auto by_login = Blocked(LoginKey(login), options_.failures_per_login, now);
  auto by_address = Blocked(AddressKey(address), options_.failures_per_address, now);
  if (by_login && by_address) return std::max(*by_login, *by_address);
  return by_login ? by_login : by_address;
}

void SignInLimiter::Count(const std::string& key, Timestamp now) {
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= options_.max_entries && !windows_.empty()) {
      auto oldest = std::min_element(windows_.begin(), windows_.end(),
                                     [](const auto& a, const auto& b) { return a.second.started < b.second.started; });
      windows_.erase(oldest);
    }
    windows_.emplace(key, Window{now, 1});
    return;
  }
  if (now >= it->second.started + options_.window) {
    it->second = Window{now, 1};
    return;
  }
  ++it->second.failures;
}

void SignInLimiter::RecordFailure(std::string_view login, std::string_view address, Timestamp now) {
  std::lock_guard lock(mu_);
  Count(LoginKey(login), now);
  Count(AddressKey(address), now);
}

void SignInLimiter::RecordSuccess(std::string_view login) {
  std::lock_guard lock(mu_);
  windows_.erase(LoginKey(login));
}

std::size_t SignInLimiter::size() const {
  std::lock_guard lock(mu_);
  return windows_.size();
}

}  // namespace odziv::daemon
