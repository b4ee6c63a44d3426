// SlaWatchdog: evaluates every unanswered case's deadline on a timer. As a case uses up its time it climbs
// the brand's escalation ladder (by default 50% → the assignee, 80% → the team channel, 100% = missed → the
// manager): the case's escalation level rises (lists sort by it) and an alert row is written to the alerts
// outbox, once per step (dedup key "case:<id>:sla:<percent>"). A reply that odziv sent and that is not seen on
// the platform within the brand's confirm wait re-opens its case with a "reply_missing" alert.
//
// Tick takes the time from its caller, so tests move a FakeClock and tick. Not thread-safe: one ticker.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/store.h"

namespace odziv::daemon {

struct WatchdogReport {
  std::size_t checked = 0;      // unanswered cases looked at
  std::size_t escalations = 0;  // escalation steps fired (alert rows written)
  std::size_t reopened = 0;     // replies never seen: cases re-opened
  std::size_t errors = 0;       // cases skipped because of an error (logged by the caller from `last_error`)
  std::string last_error;
};

class SlaWatchdog {
 public:
  explicit SlaWatchdog(Store& store) : store_(store) {}

  // Evaluates every case at `now`. Fails only when the cases cannot be listed; a problem with one case (a
  // brand whose settings cannot be read) is counted in the report and the others go on.
  [[nodiscard]] Result<WatchdogReport> Tick(Timestamp now);

 private:
  Store& store_;
};

}  // namespace odziv::daemon
