// SignInLimiter: slows down password guessing. Failed sign-ins are counted per login and per remote address
// in fixed windows; once either count reaches its limit, sign-ins for that login (or from that address) are
// refused with the seconds until the window ends, without checking the password. A successful sign-in
// clears its login's count (not the address's: one right password must not reopen an address that is
// guessing at many logins).
//
// The counts live in memory only: a restart forgets them (documented in docs/api.md). They are bounded: past
// `max_entries` keys the oldest window is evicted first. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/timestamp.h"

namespace odziv::daemon {

struct SignInLimiterOptions {
  // Failures per login per window before that login is refused: a person mistyping does not reach 5,
  // a guesser at one sign-in per 3 minutes gets nowhere.
  int failures_per_login = 5;
  // Failures per remote address per window: higher, since an office or a proxy shares one address.
  int failures_per_address = 20;
  std::chrono::seconds window{15 * 60};
  // Logins and addresses tracked at once (about 100 bytes each); past it the oldest window goes.
  std::size_t max_entries = 10'000;
};

class SignInLimiter {
 public:
  explicit SignInLimiter(SignInLimiterOptions options = {});

  // How long until `login` from `address` may try again; nullopt when it may now.
  std::optional<std::chrono::seconds> RetryAfter(std::string_view login, std::string_view address, Timestamp now);
  void RecordFailure(std::string_view login, std::string_view address, Timestamp now);
  void RecordSuccess(std::string_view login);

  std::size_t size() const;  // keys tracked (tests)

 private:
  struct Window {
    Timestamp started{};
    int failures = 0;
  };
  std::optional<std::chrono::seconds> Blocked(const std::string& key, int limit, Timestamp now) const;
  void Count(const std::string& key, Timestamp now);

  const SignInLimiterOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Window> windows_;  // "login:<login>" or "address:<address>"; guarded by mu_
};

}  // namespace odziv::daemon
