// PollPolicy: the scheduler's decisions after a poll, as pure functions of the outcome, the source's
// history, the time and one random number, so that every rule is tested without waiting.
#pragma once

#include <chrono>

#include "core/brand.h"
#include "core/error.h"
#include "core/store.h"

namespace odziv::daemon {

struct PollPolicy {
  // Fraction of the interval by which polls are spread at random, so that sources added together do not
  // poll together forever (0.1: a 60 s source polls every 54–66 s).
  double jitter = 0.1;
  // The first retry after a temporary failure waits this long, doubling with each further failure…
  std::chrono::seconds first_backoff{30};
  // …up to this. An hour keeps a broken platform from being hammered and still notices its recovery soon.
  std::chrono::seconds max_backoff{3600};
};

// When to poll next after a successful poll. `more`: the platform has the next page ready (poll at once).
// `random01` is uniform in [0, 1).
Timestamp NextPollAfterSuccess(Timestamp now, std::chrono::seconds interval, bool more, const PollPolicy& policy,
                               double random01);

// The first poll of a source after the daemon starts: spread over [now, now + jitter × interval].
Timestamp FirstPollTime(Timestamp now, std::chrono::seconds interval, const PollPolicy& policy, double random01);

// What to record after a failed poll:
//   kRateLimited          degraded; next poll at the platform's retry-after (at least the interval's jitter)
//   kUnauthenticated,
//   kConfig               needs_human; no next poll until a person resumes the source
//   anything else         degraded; exponential backoff from first_backoff, capped at max_backoff; a
//                         Retry-After on a 5xx is honoured when longer
PollFailure DecideAfterFailure(const Source& source, const Error& error, Timestamp now, std::chrono::seconds interval,
                               const PollPolicy& policy, double random01);

}  // namespace odziv::daemon
