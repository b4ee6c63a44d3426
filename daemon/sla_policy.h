// SLA policy: how soon a brand answers first, per platform, post kind and priority, counted in the brand's
// business hours or around the clock, and the escalation ladder as a deadline approaches. Brand
// configuration (settings key "sla"), parsed by brand_rules.h; the defaults are in docs/cases.md.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/assessment.h"
#include "core/case.h"
#include "core/post.h"
#include "daemon/business_calendar.h"

namespace odziv::daemon {

// One first-response target. A post matches when each set condition holds; the first match wins.
struct SlaPolicy {
  std::string name;                    // shown on the case ("p1", "review")
  std::vector<std::string> platforms;  // empty: any platform
  std::vector<std::string> kinds;      // post kinds; empty: any
  int max_priority = 0;                // priorities P1 … this; 0: any
  std::chrono::minutes first_response{24 * 60};
  bool business_hours = true;  // false: counted around the clock (P1 waits for nobody's office hours)
};

// At `percent` of the time (100: the deadline itself) an alert goes to `route`.
struct EscalationStep {
  int percent = 100;
  std::string route;
};

struct SlaSettings {
  // Default: p1 1 h around the clock; p2 4 h; message 6 h; review 24 h; default 24 h (business hours).
  std::vector<SlaPolicy> policies = DefaultPolicies();
  BusinessCalendar calendar;  // the brand's business hours; around the clock when it sets none
  // Default: 50% assignee, 80% team, 100% (missed) manager: the routes the alerts stage delivers.
  std::vector<EscalationStep> escalation{{50, "assignee"}, {80, "team"}, {100, "manager"}};
  // Whether the clock stops while the case waits on the customer (`odziv cases wait`). Off by default: the
  // customer's wait is what the SLA promises.
  bool pause_when_waiting = false;
  // How long after odziv sent a reply it must be seen on the platform before the case re-opens with an
  // alert. 30 min: polls run every few minutes, so a reply not seen by then was dropped or removed.
  std::chrono::minutes confirm_wait{30};

  static std::vector<SlaPolicy> DefaultPolicies();
};

// The first policy that matches; the last policy when none does (parsing makes sure there is one).
const SlaPolicy& ChoosePolicy(const SlaSettings& settings, const Post& post, int priority);

// The calendar a policy counts on: the brand's, or around the clock.
BusinessCalendar CalendarFor(const SlaSettings& settings, std::string_view policy_name);

// Fills the SLA fields of `c` (policy, start, budget, due) for a case opened by `post` with `priority`.
// The clock starts when the customer posted (not when odziv saw it), and never in the future.
void SetDeadline(const SlaSettings& settings, const Post& post, int priority, Timestamp now, Case& c);

// How much of the case's time is used up at `now`, in percent (0 … 100; 100 once due). A paused case
// counts as at its pause time.
int PercentUsed(const SlaSettings& settings, const Case& c, Timestamp now);

}  // namespace odziv::daemon
