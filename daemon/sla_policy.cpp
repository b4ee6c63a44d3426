#include "daemon/sla_policy.h"

#include <algorithm>

namespace odziv::daemon {

std::vector<SlaPolicy> SlaSettings::DefaultPolicies() {
  using std::chrono::minutes;
  return {
      SlaPolicy{"p1", {}, {}, 1, minutes(60), false},
      SlaPolicy{"p2", {}, {}, 2, minutes(4 * 60), true},
      SlaPolicy{"message", {}, {"message"}, 0, minutes(6 * 60), true},
      SlaPolicy{"review", {}, {"review"}, 0, minutes(24 * 60), true},
      SlaPolicy{"default", {}, {}, 0, minutes(24 * 60), true},
  };
}

const SlaPolicy& ChoosePolicy(const SlaSettings& settings, const Post& post, int priority) {
  auto has = [](const std::vector<std::string>& list, std::string_view item) {
    return list.empty() || std::find(list.begin(), list.end(), item) != list.end();
  };
  for (const SlaPolicy& policy : settings.policies) {
    if (!has(policy.platforms, post.platform)) continue;
    if (!has(policy.kinds, PostKindName(post.kind))) continue;
    if (policy.max_priority > 0 && priority > policy.max_priority) continue;
    return policy;
  }
  return settings.policies.back();
}

BusinessCalendar CalendarFor(const SlaSettings& settings, std::string_view policy_name) {
  for (const SlaPolicy& policy : settings.policies)
    if (policy.name == policy_name) return policy.business_hours ? settings.calendar : BusinessCalendar();
  return settings.calendar;  // a policy since renamed: the brand's hours
}

void SetDeadline(const SlaSettings& settings, const Post& post, int priority, Timestamp now, Case& c) {
  const SlaPolicy& policy = ChoosePolicy(settings, post, priority);
  const BusinessCalendar calendar = policy.business_hours ? settings.calendar : BusinessCalendar();
  const Timestamp start = std::min(post.created_at, now);
  c.sla_policy = policy.name;
  c.sla_started_at = start;
  c.sla_budget = std::chrono::duration_cast<std::chrono::milliseconds>(policy.first_response);
  c.due_at = calendar.Add(start, c.sla_budget);
}

int PercentUsed(const SlaSettings& settings, const Case& c, Timestamp now) {
  if (!c.due_at || c.sla_budget <= std::chrono::milliseconds(0)) return 0;
  const Timestamp at = c.paused_at ? *c.paused_at : now;
  if (at >= *c.due_at) return 100;
  const auto left = CalendarFor(settings, c.sla_policy).Between(at, *c.due_at);
  const auto used = std::max(std::chrono::milliseconds(0), c.sla_budget - left);
  return static_cast<int>(std::min<std::int64_t>(99, used.count() * 100 / c.sla_budget.count()));
}

}  // namespace odziv::daemon
