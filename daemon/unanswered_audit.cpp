#include "daemon/unanswered_audit.h"

#include <fmt/format.h>

#include <map>

#include "daemon/brand_rules.h"

namespace odziv::daemon {

Result<std::vector<UnansweredPost>> FindUnanswered(Store& store, const UnansweredQuery& query) {
  std::map<std::int64_t, std::pair<Brand, BrandRules>> brands;
  auto brand_of = [&](std::int64_t id) -> Result<const std::pair<Brand, BrandRules>*> {
    if (auto found = brands.find(id); found != brands.end()) return &found->second;
    auto brand = store.GetBrandById(id);
    if (!brand) return Fail(brand.error());
    auto rules = LoadBrandRules(*brand);
    if (!rules) return Fail(rules.error().WithContext(fmt::format("brand '{}'", brand->slug)));
    return &brands.emplace(id, std::pair{std::move(*brand), std::move(*rules)}).first->second;
  };

  std::vector<UnansweredPost> out;
  OutcomeFilter filter;
  filter.brand_id = query.brand_id;
  filter.since = query.since;
  filter.limit = 1000;
  for (;;) {
    auto page = store.ListPostOutcomes(filter);
    if (!page) return Fail(page.error());
    for (PostOutcome& outcome : *page) {
      filter.after_id = outcome.post.id;
      auto brand = brand_of(outcome.post.brand_id);
      if (!brand) return Fail(brand.error());
      const auto& [b, rules] = **brand;
      std::optional<TriageDecision> triage;
      if (outcome.assessment) triage = Triage(outcome.post, *outcome.assessment, rules.triage);
      const bool needs = triage && triage->verdict == TriageVerdict::kNeedsAnswer;
      UnansweredPost row;
      if (outcome.latest_case) {
        const Case& c = *outcome.latest_case;
        if (!IsUnanswered(c.state)) continue;
        if (c.first_post_id != outcome.post.id && !needs) continue;
        row.reason = needs ? triage->reason : "opened the case";
        row.due_at = c.due_at;
        row.unanswered_case = c;
      } else {
        if (!needs || outcome.post.post.deleted_at) continue;
        row.reason = triage->reason + " (no case was opened)";
        Case would_be;
        SetDeadline(rules.sla, outcome.post.post, outcome.assessment->priority, query.now, would_be);
        row.due_at = would_be.due_at;
      }
      row.brand_slug = b.slug;
      if (row.due_at && query.now > *row.due_at) row.late = query.now - *row.due_at;
      row.post = std::move(outcome.post);
      out.push_back(std::move(row));
    }
    if (page->size() < filter.limit) return out;
  }
}

}  // namespace odziv::daemon
