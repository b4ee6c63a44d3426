// Notifier: delivers an Alert on one route (a Slack webhook, an email address, a JSON webhook). One call,
// one attempt: the daemon's alert outbox owns retries, throttling and quiet hours. Errors say what the
// outbox should do:
//   kRateLimited + retry_after  the receiver said to slow down (Slack 429 + Retry-After)
//   kUnavailable                temporary (5xx, timeout, connection refused): retry with backoff
//   kUnauthenticated            the route's credentials or URL were revoked: a person must fix the route
//   kFailedPrecondition         the receiver refused this message (its reason in the message)
//   kConfig                     the route's settings cannot work
#pragma once

#include "core/error.h"
#include "responders/alert.h"

namespace odziv::responders {

class Notifier {
 public:
  virtual ~Notifier() = default;
  [[nodiscard]] virtual Status Send(const Alert& alert) = 0;
};

}  // namespace odziv::responders
