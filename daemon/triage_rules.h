// Triage: which posts need an answer (and so open a case), which are only tracked, and which are ignored.
// The rules are brand configuration (settings key "triage"); every field has a default that makes sense
// on day one (docs/cases.md). Triage itself is a pure function of the post, its assessment and the rules.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/assessment.h"
#include "core/store.h"

namespace odziv::daemon {

enum class TriageVerdict { kNeedsAnswer, kTrack, kIgnore };
std::string_view TriageVerdictName(TriageVerdict verdict);  // "needs_answer", "track", "ignore"

struct TriageDecision {
  TriageVerdict verdict = TriageVerdict::kTrack;
  std::string reason;  // for people: "negative sentiment", "2★ review", "the brand's own post"
};

struct TriageRules {
  // A post needs an answer when any of these holds:
  std::vector<std::string> answer_labels{"neg"};                    // sentiment labels (neg, neu, pos)
  int answer_max_rating = 3;                                         // reviews of this many stars or fewer; 0: none
  std::vector<std::string> answer_intents{"question", "complaint"};  // any of these intents
  int answer_max_priority = 2;                                       // P1 … this; 0: none
  std::vector<std::string> answer_kinds;                             // every post of these kinds ("message")
  // It is ignored (before the above) when it is the brand's own, deleted, or:
  std::vector<std::string> ignore_intents{"spam"};
  std::vector<std::string> ignore_authors;  // author ids or handles (the brand's other accounts, known bots)
  // Posts on these platforms are only tracked, never opened as cases (feeds nobody can reply to).
  std::vector<std::string> track_only_platforms;
  // A post that needs an answer joins the open case of its thread, or of its author on the same platform,
  // when that case's newest post is at most this old. 72 h: a customer who writes again within three days is
  // continuing the same conversation.
  std::chrono::hours join_window{72};
};

TriageDecision Triage(const StoredPost& post, const Assessment& assessment, const TriageRules& rules);

}  // namespace odziv::daemon
