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
  // The whole post and its newest judgement, read only for the few posts that need them: one without a
  // triage record (judged again) and one in no case (the deadline its policy would have set).
  struct Full {
    std::optional<StoredPost> post;
    std::optional<Assessment> assessment;
  };
  auto load = [&](const UnansweredCandidate& candidate, Full& full) -> Status {
    if (full.post) return {};
    auto post = store.GetPost(candidate.post_id);
    if (!post) return Fail(post.error());
    full.post = std::move(*post);
    auto assessment = store.GetAssessment(candidate.post_id);
    if (assessment) {
      full.assessment = std::move(*assessment);
    } else if (assessment.error().code != ErrorCode::kNotFound) {
      return Fail(assessment.error());
    }
    return {};
  };
  // Decides on one post: whether it counts, and why. Its triage is what triage made of the post when it was
  // judged (recorded with its assessment), else what it makes of it now, under the brand's current rules.
  auto decide = [&](UnansweredCandidate& candidate, Full full) -> Status {
    auto brand = brand_of(candidate.brand_id);
    if (!brand) return Fail(brand.error());
    const auto& [b, rules] = **brand;
    std::optional<TriageRecord>& triage = candidate.triage;
    if (!triage) {
      if (auto loaded = load(candidate, full); !loaded) return loaded;
      if (full.assessment) {
        TriageDecision decision = Triage(*full.post, *full.assessment, rules.triage);
        triage = TriageRecord{decision.verdict == TriageVerdict::kNeedsAnswer, std::move(decision.reason)};
      }
    }
    const bool needs = triage && triage->needs_answer;
    UnansweredPost row;
    if (candidate.latest_case) {
      const UnansweredCandidate::LatestCase& c = *candidate.latest_case;
      if (!IsUnanswered(c.state)) return {};
      if (c.first_post_id != candidate.post_id && !needs) return {};
      row.reason = needs ? std::move(triage->reason) : "opened the case";
      row.due_at = c.due_at;
    } else {
      if (!needs) return {};
      row.reason = triage->reason + " (no case was opened)";
      if (auto loaded = load(candidate, full); !loaded) return loaded;
      if (full.post->post.deleted_at) return {};
      if (full.assessment) {
        Case would_be;
        SetDeadline(rules.sla, full.post->post, full.assessment->priority, query.now, would_be);
        row.due_at = would_be.due_at;
      }
    }
    row.brand_slug = b.slug;
    if (row.due_at && query.now > *row.due_at) row.late = query.now - *row.due_at;
    row.post = std::move(candidate);
    out.push_back(std::move(row));
    return {};
  };

  // The posts of unanswered cases, and the posts triage said needed an answer that are in no case: a few
  // indexed reads of narrow rows, whatever the number of posts in the period.
  auto candidates = store.ListUnansweredCandidates(query.brand_id, query.since);
  if (!candidates) return Fail(candidates.error());
  out.reserve(candidates->size());
  for (UnansweredCandidate& candidate : *candidates)
    if (auto decided = decide(candidate, Full{}); !decided) return Fail(decided.error());

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
      const Post& p = outcome.post.post;
      UnansweredCandidate candidate{outcome.post.id, outcome.post.brand_id, p.platform, p.external_id,
                                    p.author.handle.empty() ? p.author.id : p.author.handle, p.url, p.created_at,
                                    std::nullopt, std::nullopt};
      Full full{std::move(outcome.post), std::move(outcome.assessment)};
      if (auto decided = decide(candidate, std::move(full)); !decided) return Fail(decided.error());
    }
    if (page->size() < filter.limit) break;
  }
  if (out.size() > found) {
    std::sort(out.begin(), out.end(),
              [](const UnansweredPost& x, const UnansweredPost& y) { return x.post.post_id < y.post.post_id; });
  }
  return out;
}

}  // namespace odziv::daemon
