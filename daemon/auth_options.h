// AuthOptions: how long web app sessions last, how many threads check passwords, and the sign-in rate
// limit. Read from the auth.* keys of the daemon's configuration (docs/configuration.md) and given to
// StoreAuthenticator (daemon/auth.h).
#pragma once

#include <chrono>
#include <cstddef>

#include "core/error.h"
#include "daemon/sign_in_limiter.h"

namespace odziv::daemon {

struct AuthOptions {
  // A session unused this long is over: a browser left open overnight at an agency asks again next morning.
  std::chrono::seconds idle_timeout{12 * 3600};
  // A session is over this long after sign-in however busy it is, so a stolen cookie does not last.
  std::chrono::seconds absolute_lifetime{7 * 24 * 3600};
  // Threads that verify passwords. Each holds 64 MiB while hashing; two keep a burst of sign-ins (a team
  // starting its shift) from waiting long without letting a flood of guesses take the machine's memory.
  int sign_in_threads = 2;
  // Sign-ins waiting for a thread; past this they are answered 503 at once (a burst beyond normal use).
  std::size_t sign_in_queue = 64;
  SignInLimiterOptions limits;
};

// Validates `options` once, at start-up: kConfig naming each wrong field.
[[nodiscard]] Status CheckAuthOptions(const AuthOptions& options);

}  // namespace odziv::daemon
