// The proof: every post of a period that needed an answer and has neither a confirmed reply nor a
// closing reason, with how late it is. `odziv audit unanswered` prints it; an empty list is the proof that
// nothing was missed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/store.h"

namespace odziv::daemon {

struct UnansweredPost {
  UnansweredCandidate post;  // latest_case: the unanswered case; nullopt: it needed an answer, no case was opened
  std::string brand_slug;
  std::string reason;                   // why it needed an answer (triage), or the case's state
  std::optional<Timestamp> due_at;      // the case's deadline, or the one its policy would set
  std::chrono::milliseconds late{0};    // now − due_at when past due, else 0
};

struct UnansweredQuery {
  std::optional<std::int64_t> brand_id;  // nullopt: every brand
  std::optional<Timestamp> since;        // posts created at or after; nullopt: all time
  Timestamp now{};
};

// A post counts when (a) its latest case is open, awaiting approval or replied-but-not-seen, and it opened the
// case or triage said it needs an answer; or (b) it is in no case, it is not deleted, and triage said it needs
// an answer. "Triage said" is the verdict recorded when the post was judged, under the brand's rules then
// (rules edited later neither add old posts nor excuse a post that was missed); posts judged before verdicts
// were recorded (schema 8) are judged again under the brand's current rules. The brand's own posts never
// count. Oldest post first. The cost grows with the unanswered cases and the posts it lists, not with the
// period's posts. Errors: the Store's; kConfig when a brand's settings cannot be read.
[[nodiscard]] Result<std::vector<UnansweredPost>> FindUnanswered(Store& store, const UnansweredQuery& query);

}  // namespace odziv::daemon
