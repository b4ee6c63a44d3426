// CaseTracker: turns judged posts into cases and moves cases through their states (core/case.h). The one
// entry point of the pipeline into triage: after a post is assessed (and the assessment saved), call
// OnAssessed; after a poll reports an inserted or changed post, call OnPostChanged. People (CLI, web app)
// and the delivery worker change cases through the other methods. Every change is one Store transaction
// with its audit event; a case changed by someone else meanwhile is re-read and decided again.
//
// Thread-safe as far as the Store is: methods keep no state between calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/assessment.h"
#include "core/case.h"
#include "core/store.h"
#include "daemon/brand_rules.h"
#include "daemon/triage_rules.h"

namespace odziv::daemon {

// Who makes a change, for the audit trail.
struct Actor {
  std::string name = "daemon";  // a user's login, "cli" or "daemon"
  std::optional<std::int64_t> user_id;
};

struct TrackResult {
  TriageDecision triage;
  std::optional<Case> tracked_case;  // the case the post opened or joined, if any
  bool opened = false;               // true: the post opened a new case
};

class CaseTracker {
 public:
  explicit CaseTracker(Store& store) : store_(store) {}

  // A post of a brand was judged. Triage decides (brand's "triage" settings). A post that needs an answer
  // joins a recent open case (within the join window): its author's case in the same thread, else the case
  // opened by its thread's root post, else its author's case on the same platform; it raises the case's
  // priority and pulls its deadline in when more urgent. Otherwise it opens a case with the SLA deadline of
  // the brand's policy and an assignee, confirmed at once if the brand's reply is already stored. A tracked
  // post joins an open case of its thread by the same author (a follow-up), else nothing happens. The brand's
  // own replies confirm cases (see OnPostChanged). Calling it again for a post already in a case changes
  // nothing.
  // Errors: the Store's, and kConfig when the brand's settings cannot be read.
  [[nodiscard]] Result<TrackResult> OnAssessed(const StoredPost& post, const Assessment& assessment, Timestamp now);

  // A post was stored or changed (polling, webhooks). A reply of the brand (made in odziv or outside it)
  // confirms, with the reply attached, the unanswered cases holding the post it answers, and those of its
  // thread that the customer started (or, in direct messages, the conversation's case). A post deleted by its
  // author closes its unanswered cases whose posts are all deleted (reason post_deleted, visibly in the
  // audit).
  [[nodiscard]] Status OnPostChanged(const StoredPost& post, Timestamp now);

  // The delivery worker posted a reply for the case; the platform gave it `reply_external_id`. The case
  // becomes replied (or confirmed at once when that reply is already stored). kFailedPrecondition when the
  // case is confirmed or closed.
  [[nodiscard]] Result<Case> MarkReplied(std::int64_t case_id, const std::string& reply_external_id,
                                         const Actor& actor, Timestamp now);

  // A draft is waiting for approval (drafting stage): open → awaiting_approval. kFailedPrecondition otherwise.
  [[nodiscard]] Result<Case> MarkAwaitingApproval(std::int64_t case_id, const Actor& actor, Timestamp now);

  // Assigns the case to `user_id` (nullopt: nobody). kNotFound for an unknown user; kFailedPrecondition when
  // the user may not work on the case's brand.
  [[nodiscard]] Result<Case> Assign(std::int64_t case_id, std::optional<std::int64_t> user_id, const Actor& actor,
                                    Timestamp now);

  // A person closes the case with a reason (any but post_deleted) and free text. kFailedPrecondition when it
  // is closed already; kInvalidArgument for post_deleted.
  [[nodiscard]] Result<Case> Close(std::int64_t case_id, CloseReason reason, const std::string& note,
                                   const Actor& actor, Timestamp now);

  // The case waits on the customer: when the brand's SLA allows pausing, the clock stops until the customer
  // writes again (a post joining the case resumes it, with the remaining time kept). kFailedPrecondition when
  // the brand does not pause or the case is not open.
  [[nodiscard]] Result<Case> WaitForCustomer(std::int64_t case_id, const Actor& actor, Timestamp now);

  // The eligible person for a new case of `brand` on `platform` in `language` under the brand's assignment
  // mode; nullopt when nobody fits (the case stays unassigned and escalations go to the team).
  [[nodiscard]] Result<std::optional<std::int64_t>> PickAssignee(const Brand& brand, const BrandRules& rules,
                                                                 const std::string& platform,
                                                                 const std::string& language);

 private:
  Result<TrackResult> Track(const Brand& brand, const BrandRules& rules, const StoredPost& post,
                            const Assessment& assessment, Timestamp now);
  Status ConfirmByBrandPost(const StoredPost& post, Timestamp now);
  Status CloseIfAllDeleted(const StoredPost& post, Timestamp now);

  Store& store_;
};

// Whether a person writing `languages` can answer a post in `language` (empty lists speak everything; bs,
// hr, sr and sh are one family; an unknown language "und" fits everyone).
bool SpeaksLanguage(const std::vector<std::string>& languages, const std::string& language);

}  // namespace odziv::daemon
