#include "daemon/poll_policy.h"

#include <algorithm>
#include <cmath>

#include "daemon/logging.h"

namespace odziv::daemon {
namespace {

std::chrono::milliseconds Scale(std::chrono::seconds base, double factor) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(static_cast<double>(base.count()) * 1000.0 * factor)));
}

}  // namespace

Timestamp NextPollAfterSuccess(Timestamp now, std::chrono::seconds interval, bool more, const PollPolicy& policy,
                               double random01) {
  if (more) return now;
  // Uniform in [1 - jitter, 1 + jitter) × interval.
  double factor = 1.0 + policy.jitter * (2.0 * random01 - 1.0);
  return now + Scale(interval, std::max(0.0, factor));
}

Timestamp FirstPollTime(Timestamp now, std::chrono::seconds interval, const PollPolicy& policy, double random01) {
  return now + Scale(interval, policy.jitter * random01);
}

PollFailure DecideAfterFailure(const Source& source, const Error& error, Timestamp now, std::chrono::seconds interval,
                               const PollPolicy& policy, double random01) {
  PollFailure out;
  out.consecutive_failures = source.consecutive_failures + 1;
  // Stored, shown by the API and sent in source_unhealthy alerts: a platform's error may repeat the credential
  // it was sent, so it gets the log's redaction.
  out.error = RedactSecrets(Describe(error));
  switch (error.code) {
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kConfig:
      out.health = SourceHealth::kNeedsHuman;
      out.next_poll_at = std::nullopt;
      return out;
    case ErrorCode::kRateLimited: {
      out.health = SourceHealth::kDegraded;
      std::chrono::seconds wait = error.retry_after.value_or(policy.first_backoff);
      wait = std::clamp(wait, std::chrono::seconds(1), std::max(policy.max_backoff, std::chrono::seconds(1)) * 24);
      out.next_poll_at = now + wait + Scale(interval, policy.jitter * random01);
      return out;
    }
    default: {
      out.health = SourceHealth::kDegraded;
      int doublings = std::min(out.consecutive_failures - 1, 20);
      auto backoff = std::min<std::int64_t>(policy.first_backoff.count() << doublings, policy.max_backoff.count());
      std::chrono::seconds wait(backoff);
      if (error.retry_after && *error.retry_after > wait) wait = *error.retry_after;
      // Jitter on backoff too, so that sources failing together do not retry together.
      out.next_poll_at = now + Scale(wait, 1.0 + policy.jitter * random01);
      return out;
    }
  }
}

}  // namespace odziv::daemon
