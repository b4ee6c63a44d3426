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
  StoredPost post;
  std::string brand_slug;
  std::optional<Case> unanswered_case;  // nullopt: triage says it needs an answer but no case was opened
  std::string reason;                   // why it needed an answer (triage), or the case's state
  std::optional<Timestamp> due_at;      // the case's deadline, or the one its policy would set
  std::chrono::milliseconds late{0};    // now − due_at when past due, else 0
};

struct UnansweredQuery {
  std::optional<std::int64_t> brand_id;  // nullopt: every brand
  std::optional<Timestamp> since;        // posts created at or after; nullopt: all time
  Timestamp now{};
};

// A post counts when (a) it is in a case that is open, awaiting approval or replied-but-not-seen, and it
// opened the case or triage says it needs an answer; or (b) it is in no case, it is not deleted, it was
// assessed, and triage under the brand's current rules says it needs an answer. The brand's own posts never
// count. Oldest post first. Errors: the Store's; kConfig when a brand's settings cannot be read.
[[nodiscard]] Result<std::vector<UnansweredPost>> FindUnanswered(Store& store, const UnansweredQuery& query);

}  // namespace odziv::daemon
