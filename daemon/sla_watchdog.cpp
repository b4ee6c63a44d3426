#include "daemon/sla_watchdog.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <map>

#include "daemon/brand_rules.h"

namespace odziv::daemon {
namespace {

using web::json::value;

constexpr std::size_t kPage = 1000;

value Time(std::optional<Timestamp> t) { return t ? value::string(FormatIsoTimestamp(*t)) : value::null(); }

// Every case in `states`, one state after the other, a page at a time (newest first), to `visit`. One state
// per query: a page of one state walks the cases_by_status index in order, where several would be sorted.
template <class Visit>
Status ForEachCase(Store& store, const std::vector<CaseState>& states, Visit visit) {
  for (CaseState state : states) {
    CaseFilter filter;
    filter.states = {state};
    filter.limit = kPage;
    for (;;) {
      auto page = store.ListCases(filter);
      if (!page) return Fail(page.error());
      for (const Case& c : *page) visit(c);
      if (page->size() < kPage) break;
      filter.before_id = page->back().id;
    }
  }
  return {};
}

}  // namespace

Result<WatchdogReport> SlaWatchdog::Tick(Timestamp now) {
  WatchdogReport report;
  std::map<std::int64_t, Result<std::pair<Brand, BrandRules>>> brands;
  auto rules_of = [&](std::int64_t brand_id) -> const Result<std::pair<Brand, BrandRules>>& {
    auto found = brands.find(brand_id);
    if (found != brands.end()) return found->second;
    Result<std::pair<Brand, BrandRules>> loaded = [&]() -> Result<std::pair<Brand, BrandRules>> {
      auto brand = store_.GetBrandById(brand_id);
      if (!brand) return Fail(brand.error());
      auto rules = LoadBrandRules(*brand);
      if (!rules) return Fail(rules.error().WithContext(fmt::format("brand '{}'", brand->slug)));
      return std::pair{std::move(*brand), std::move(*rules)};
    }();
    return brands.emplace(brand_id, std::move(loaded)).first->second;
  };
  auto failed = [&](const Error& error) {
    ++report.errors;
    report.last_error = Describe(error);
  };

  // Escalations: the SLA clock runs while the case is open or waits for approval.
  std::vector<Case> due;
  auto listed = ForEachCase(store_, {CaseState::kOpen, CaseState::kAwaitingApproval}, [&](const Case& c) {
    ++report.checked;
    if (c.due_at && !c.paused_at) due.push_back(c);
  });
  if (!listed) return Fail(listed.error());
  for (Case c : due) {
    const auto& rules = rules_of(c.brand_id);
    if (!rules) {
      failed(rules.error());
      continue;
    }
    const auto& [brand, brand_rules] = *rules;
    const int used = PercentUsed(brand_rules.sla, c, now);
    CaseChange change;
    change.action = "case.escalate";
    int reached = c.escalation_percent;
    value steps = value::array();
    for (const EscalationStep& step : brand_rules.sla.escalation) {
      if (step.percent > used || step.percent <= c.escalation_percent) continue;
      value payload = value::object();
      payload["case_id"] = value::number(c.id);
      payload["brand"] = value::string(brand.slug);
      payload["percent"] = value::number(step.percent);
      payload["due_at"] = Time(c.due_at);
      payload["assignee_id"] = c.assignee_id ? value::number(*c.assignee_id) : value::null();
      payload["priority"] = value::number(c.priority);
      payload["time_left_s"] = value::number(static_cast<std::int64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(*c.due_at - now).count()));
      payload["title"] = value::string(step.percent >= 100
                                           ? "First-response deadline missed"
                                           : fmt::format("{}% of the time to answer is used", step.percent));
      // Kinds and keys as the alerts stage names them (responders/alert.h): "case:42:sla:0.8".
      change.alerts.push_back(Alert{0, c.brand_id, c.id, step.route,
                                    step.percent >= 100 ? "sla_missed" : "sla_approaching",
                                    fmt::format("case:{}:sla:{}", c.id, step.percent / 100.0), payload.serialize(),
                                    "pending", now, 0, ""});
      steps[steps.size()] = value::number(step.percent);
      reached = step.percent;
    }
    if (change.alerts.empty()) continue;
    value details = value::object();
    details["steps"] = steps;
    details["percent_used"] = value::number(used);
    details["due_at"] = Time(c.due_at);
    details["reason"] = value::string(used >= 100 ? "the first-response deadline was missed"
                                                  : "the first-response deadline is approaching");
    change.details = details.serialize();
    c.escalation_percent = reached;
    c.escalated_at = now;
    auto updated = store_.UpdateCase(c, change, now);
    if (!updated) {
      // A conflict means someone changed the case meanwhile: the next tick sees the new state.
      if (updated.error().code != ErrorCode::kFailedPrecondition) failed(updated.error());
      continue;
    }
    report.escalations += change.alerts.size();
  }

  // Replies sent but never seen on the platform.
  std::vector<Case> replied;
  listed = ForEachCase(store_, {CaseState::kReplied}, [&](const Case& c) {
    ++report.checked;
    replied.push_back(c);
  });
  if (!listed) return Fail(listed.error());
  for (Case c : replied) {
    const auto& rules = rules_of(c.brand_id);
    if (!rules) {
      failed(rules.error());
      continue;
    }
    const auto& [brand, brand_rules] = *rules;
    if (!c.replied_at || now < *c.replied_at + brand_rules.sla.confirm_wait) continue;
    if (find_reply_) {
      auto found = find_reply_(c);
      if (found && *found && (*found)->from_brand) {
        const Post& reply = **found;
        value details = value::object();
        details["reply_external_id"] = value::string(reply.external_id);
        details["url"] = value::string(reply.url);
        details["outside_odziv"] = value::boolean(reply.external_id != c.reply_external_id);
        details["reason"] = value::string("the platform shows the brand's reply (asked directly)");
        CaseChange change;
        change.action = "case.confirm";
        change.details = details.serialize();
        c.state = CaseState::kConfirmed;
        c.confirmed_at = now;
        c.reply_external_id = reply.external_id;
        auto updated = store_.UpdateCase(c, change, now);
        if (!updated) {
          if (updated.error().code != ErrorCode::kFailedPrecondition) failed(updated.error());
        } else {
          ++report.confirmed;
        }
        continue;
      }
    }
    const std::string missing = c.reply_external_id;
    value payload = value::object();
    payload["case_id"] = value::number(c.id);
    payload["brand"] = value::string(brand.slug);
    payload["reply_external_id"] = value::string(missing);
    payload["replied_at"] = Time(c.replied_at);
    payload["title"] = value::string("The reply odziv sent is not on the platform");
    CaseChange change;
    change.action = "case.reopen";
    change.alerts.push_back(Alert{0, c.brand_id, c.id, "assignee", "delivery_failed",
                                  fmt::format("case:{}:reply_missing:{}", c.id, missing), payload.serialize(),
                                  "pending", now, 0, ""});
    value details = value::object();
    details["reply_external_id"] = value::string(missing);
    details["replied_at"] = Time(c.replied_at);
    details["reason"] = value::string(fmt::format(
        "the reply sent at {} was not seen on the platform within {} min (dropped or removed)",
        FormatIsoTimestamp(*c.replied_at), brand_rules.sla.confirm_wait.count()));
    change.details = details.serialize();
    c.state = CaseState::kOpen;
    c.reply_external_id.clear();
    c.replied_at.reset();
    auto updated = store_.UpdateCase(c, change, now);
    if (!updated) {
      if (updated.error().code != ErrorCode::kFailedPrecondition) failed(updated.error());
      continue;
    }
    ++report.reopened;
  }
  return report;
}

}  // namespace odziv::daemon
