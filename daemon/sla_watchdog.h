// SlaWatchdog: evaluates every unanswered case's deadline on a timer. As a case uses up its time it climbs
// the brand's escalation ladder (by default 50% → the assignee, 80% → the team channel, 100% = missed → the
// manager): the case's escalation level rises (lists sort by it) and an alert row is written to the alerts
// outbox, once per step (kind sla_approaching or sla_missed, dedup key "case:<id>:sla:<fraction>"). A reply that odziv sent and that is not seen on
// the platform within the brand's confirm wait re-opens its case with a "delivery_failed" alert.
//
// Tick takes the time from its caller, so tests move a FakeClock and tick. Not thread-safe: one ticker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/store.h"

namespace odziv::daemon {

struct WatchdogReport {
  std::size_t checked = 0;      // unanswered cases looked at
  std::size_t escalations = 0;  // escalation steps fired (alert rows written)
  std::size_t reopened = 0;     // replies never seen: cases re-opened
  std::size_t confirmed = 0;    // replies not polled but found by asking the platform
  std::size_t errors = 0;       // cases skipped because of an error (logged by the caller from `last_error`)
  std::string last_error;
};

// The brand's reply in the thread of the case's first post as the platform shows it, nullopt when none is
// visible; an error (the platform cannot tell, or is down) makes the watchdog re-open the case as if none.
using ReplyFinder = std::function<Result<std::optional<Post>>(const Case&)>;

class SlaWatchdog {
 public:
  // `find_reply` may be empty: replies are then only seen through polling.
  explicit SlaWatchdog(Store& store, ReplyFinder find_reply = {}) : store_(store), find_reply_(std::move(find_reply)) {}

  // Evaluates every case at `now`. Fails only when the cases cannot be listed; a problem with one case (a
  // brand whose settings cannot be read) is counted in the report and the others go on.
  [[nodiscard]] Result<WatchdogReport> Tick(Timestamp now);

 private:
  Store& store_;
  ReplyFinder find_reply_;
};

}  // namespace odziv::daemon
