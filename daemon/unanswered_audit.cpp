#include "daemon/unanswered_audit.h"

#include <fmt/format.h>

#include <algorithm>
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
  // Decides on one post: whether it counts, and why. `triage` is what triage made of the post when it was
  // judged (recorded with its assessment), else what it makes of it now, under the brand's current rules.
  auto decide = [&](PostOutcome& outcome) -> Status {
    auto brand = brand_of(outcome.post.brand_id);
    if (!brand) return Fail(brand.error());
    const auto& [b, rules] = **brand;
    std::optional<TriageRecord>& triage = outcome.triage;
    if (!triage && outcome.assessment) {
      TriageDecision decision = Triage(outcome.post, *outcome.assessment, rules.triage);
      triage = TriageRecord{decision.verdict == TriageVerdict::kNeedsAnswer, std::move(decision.reason)};
    }
    const bool needs = triage && triage->needs_answer;
    UnansweredPost row;
    if (outcome.latest_case) {
      const Case& c = *outcome.latest_case;
      if (!IsUnanswered(c.state)) return {};
      if (c.first_post_id != outcome.post.id && !needs) return {};
      row.reason = needs ? std::move(triage->reason) : "opened the case";
      row.due_at = c.due_at;
      row.unanswered_case = std::move(outcome.latest_case);
    } else {
      if (!needs || outcome.post.post.deleted_at) return {};
      row.reason = triage->reason + " (no case was opened)";
      if (outcome.assessment) {
        Case would_be;
        SetDeadline(rules.sla, outcome.post.post, outcome.assessment->priority, query.now, would_be);
        row.due_at = would_be.due_at;
      }
    }
    row.brand_slug = b.slug;
    if (row.due_at && query.now > *row.due_at) row.late = query.now - *row.due_at;
    row.post = std::move(outcome.post);
    out.push_back(std::move(row));
    return {};
  };

  // The posts of unanswered cases, and the posts triage said needed an answer that are in no case: a few
  // indexed reads, whatever the number of posts in the period.
  auto candidates = store.ListUnansweredCandidates(query.brand_id, query.since);
  if (!candidates) return Fail(candidates.error());
  out.reserve(candidates->size());
  for (PostOutcome& outcome : *candidates)
    if (auto decided = decide(outcome); !decided) return Fail(decided.error());

  // Posts judged before triage was recorded (a database from before schema 8) that are in no case: judged
  // again here, a page at a time.
  const std::size_t found = out.size();
  OutcomeFilter filter;
  filter.brand_id = query.brand_id;
  filter.since = query.since;
  filter.unrecorded_only = true;
  filter.limit = 1000;
  for (;;) {
    auto page = store.ListPostOutcomes(filter);
    if (!page) return Fail(page.error());
    for (PostOutcome& outcome : *page) {
      filter.after_id = outcome.post.id;
      if (outcome.latest_case || outcome.triage) continue;  // decided above
      if (auto decided = decide(outcome); !decided) return Fail(decided.error());
    }
    if (page->size() < filter.limit) break;
  }
  if (out.size() > found) {
    std::sort(out.begin(), out.end(),
              [](const UnansweredPost& x, const UnansweredPost& y) { return x.post.id < y.post.id; });
  }
  return out;
}

}  // namespace odziv::daemon
