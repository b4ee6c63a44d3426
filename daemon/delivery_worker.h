// DeliveryWorker: posts approved replies from the reply outbox (Store::ListDueDeliveries) exactly once.
//
// Each attempt is recorded as `sending` before the platform is called, and its outcome after. A delivery
// found `sending` (the process died mid-call, or the call's answer was lost) or being retried may already
// be on the platform, so the worker first asks the platform for the brand's reply to the post
// (Connector::FindBrandReply) and records that one instead of posting again. Platforms that cannot tell
// are sent the same idempotency key; where the platform has neither, a person is asked to look
// (delivery_failed alert) rather than risk a second reply.
//
// Outcomes: sent (the case becomes replied, or confirmed when the reply is already stored); a temporary
// failure is retried with backoff (the platform's Retry-After obeyed) and, after max_attempts, fails with a
// delivery_failed alert; a refusal the platform explains (too long, thread locked, post deleted) sends the
// draft back to the queue with the platform's reason; a case answered or closed meanwhile is not replied to.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/store.h"
#include "daemon/case_tracker.h"
#include "daemon/connector_cache.h"
#include "platforms/connector.h"

namespace odziv::daemon {

// The connector that posts as `source` (platforms::MakeConnector in the daemon; a stand-in in tests). The
// worker keeps one per source (ConnectorCache), so sessions and tokens are reused across deliveries.
using ReplyConnectorFactory = ConnectorFactory;

struct DeliveryOptions {
  std::size_t batch = 50;                // deliveries per round
  std::chrono::seconds first_retry{30};  // after a temporary failure; doubles per attempt…
  std::chrono::seconds max_retry{1800};  // …up to this
  int max_attempts = 8;                  // then a person is alerted (about two hours of tries)
  std::string alert_route = "team";      // the route of delivery_failed alerts (brand settings "routes")
};

struct DeliveryReport {
  std::size_t sent = 0;
  std::size_t found = 0;     // already on the platform (an earlier attempt got through): recorded, not re-sent
  std::size_t retried = 0;
  std::size_t returned = 0;  // refused by the platform: back in the queue
  std::size_t failed = 0;
};

class DeliveryWorker {
 public:
  // The references outlive the worker.
  DeliveryWorker(Store& store, CaseTracker& tracker, ReplyConnectorFactory connectors, const Clock& clock,
                 DeliveryOptions options = {});

  // Works through every delivery due now. Errors only when the outbox cannot be read or written; each
  // delivery's own outcome is recorded on its row and in the audit trail. Not for concurrent calls: one
  // worker per database (the daemon's instance lock sees to that).
  [[nodiscard]] Result<DeliveryReport> DeliverDue();

 private:
  Status DeliverOne(const Delivery& delivery, DeliveryReport& report);

  Store& store_;
  CaseTracker& tracker_;
  ConnectorCache connectors_;
  const Clock& clock_;
  DeliveryOptions options_;
};

}  // namespace odziv::daemon
