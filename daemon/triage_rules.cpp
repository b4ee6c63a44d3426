#include "daemon/triage_rules.h"

#include <fmt/format.h>

#include <algorithm>

namespace odziv::daemon {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

std::string_view TriageVerdictName(TriageVerdict verdict) {
  switch (verdict) {
    case TriageVerdict::kNeedsAnswer: return "needs_answer";
    case TriageVerdict::kTrack: return "track";
    case TriageVerdict::kIgnore: return "ignore";
  }
  return "track";
}

TriageDecision Triage(const StoredPost& stored, const Assessment& a, const TriageRules& rules) {
  const Post& post = stored.post;
  if (post.from_brand) return {TriageVerdict::kIgnore, "the brand's own post"};
  if (post.deleted_at) return {TriageVerdict::kIgnore, "deleted by its author"};
  if ((!post.author.id.empty() && Contains(rules.ignore_authors, post.author.id)) ||
      (!post.author.handle.empty() && Contains(rules.ignore_authors, post.author.handle))) {
    return {TriageVerdict::kIgnore, fmt::format("author {} is on the ignore list",
                                                post.author.handle.empty() ? post.author.id : post.author.handle)};
  }
  for (const std::string& intent : a.intents)
    if (Contains(rules.ignore_intents, intent)) return {TriageVerdict::kIgnore, fmt::format("intent '{}'", intent)};
  if (Contains(rules.track_only_platforms, post.platform))
    return {TriageVerdict::kTrack, fmt::format("platform '{}' is only tracked", post.platform)};

  if (Contains(rules.answer_labels, SentimentLabelName(a.label)))
    return {TriageVerdict::kNeedsAnswer, fmt::format("sentiment '{}'", SentimentLabelName(a.label))};
  if (post.kind == PostKind::kReview && post.rating && rules.answer_max_rating > 0 &&
      *post.rating <= rules.answer_max_rating) {
    return {TriageVerdict::kNeedsAnswer, fmt::format("{}★ review", *post.rating)};
  }
  for (const std::string& intent : a.intents)
    if (Contains(rules.answer_intents, intent))
      return {TriageVerdict::kNeedsAnswer, fmt::format("intent '{}'", intent)};
  if (rules.answer_max_priority > 0 && a.priority <= rules.answer_max_priority)
    return {TriageVerdict::kNeedsAnswer, fmt::format("priority P{}", a.priority)};
  if (Contains(rules.answer_kinds, PostKindName(post.kind)))
    return {TriageVerdict::kNeedsAnswer, fmt::format("every {} is answered", PostKindName(post.kind))};
  return {TriageVerdict::kTrack, "nothing calls for an answer"};
}

}  // namespace odziv::daemon
