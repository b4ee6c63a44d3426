// Draft and Delivery: a reply on its way from the drafting stage to the platform. A draft waits in the
// approval queue until enough people approve it (or a person rejects it); approving writes a delivery row
// in the same transaction (the reply outbox), which the delivery worker posts exactly once.
//
//   draft:    pending ──► approved ──► sent            delivery: pending ──► sending ──► sent
//               │  ▲          │                                   ▲   │         │
//               │  └──────────┘ the platform refused it (returned)   └───┘ retry   └──► failed / returned
//               ├──► rejected (a person, with a reason)
//               └──► superseded (a newer draft for the same case)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.h"
#include "core/timestamp.h"

namespace odziv {

enum class DraftStatus { kPending, kApproved, kSent, kRejected, kSuperseded };
std::string_view DraftStatusName(DraftStatus status);  // "pending", "approved", "sent", "rejected", "superseded"
std::optional<DraftStatus> ParseDraftStatus(std::string_view name);

// One person's approval of a draft's text as it was then.
struct DraftApproval {
  std::optional<std::int64_t> user_id;
  std::string actor;  // the user's login
  Timestamp at{};
};

struct StoredDraft {
  std::int64_t id = 0;  // assigned by storage
  std::int64_t case_id = 0;
  std::int64_t brand_id = 0;  // the case's brand (filled in by storage)
  std::int64_t post_id = 0;   // the post the reply answers
  std::string text;
  std::string language;   // "en", "bs", "hr", "sr"
  std::string script;     // "latin", "cyrillic"
  std::string situation;  // which template (or drafter) wrote it: "complaint", "llm:praise", "person"
  bool move_to_private = false;
  std::vector<std::string> notes;  // for the approver: "shortened to fit X's 280 characters"
  DraftStatus status = DraftStatus::kPending;
  int approvals_required = 1;            // 0: sent without a person (the brand's rules); 2: two people
  std::vector<DraftApproval> approvals;  // of the current text, oldest first
  std::string written_by = "daemon";     // "daemon", or the login of the person who wrote or last edited it
  std::optional<Timestamp> edited_at;    // when a person last changed the text
  std::string decided_by;                // who approved (the last approval), rejected or superseded it
  std::optional<Timestamp> decided_at;
  std::string reject_reason;
  std::string platform_refusal;  // the platform's reason when it refused the reply and the draft came back
  Timestamp created_at{};
  std::int64_t version = 0;  // increases with every change; UpdateDraft refuses a stale copy
};

struct DraftFilter {
  std::optional<std::int64_t> brand_id;
  std::vector<std::int64_t> brand_ids;  // any of these brands (a person's brands); empty: no such limit
  std::optional<std::int64_t> case_id;
  std::vector<DraftStatus> statuses;  // empty: every status
  std::optional<std::int64_t> before_id;  // paging: only ids below this
  // The order of the approval queue: the case's priority, then its nearest deadline, then the oldest draft.
  // Off: newest id first.
  bool most_urgent_first = false;
  std::size_t limit = 100;  // at most 10,000
};

enum class DeliveryStatus { kPending, kSending, kSent, kFailed, kReturned };
std::string_view DeliveryStatusName(DeliveryStatus status);  // "pending", "sending", "sent", "failed", "returned"
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view name);

// A row of the reply outbox. `sending` is written before the platform is called: a row found in that state
// means an attempt may have reached the platform, so the worker asks the platform before sending again.
struct Delivery {
  std::int64_t id = 0;
  std::int64_t draft_id = 0;
  std::int64_t case_id = 0;
  std::int64_t brand_id = 0;
  std::int64_t post_id = 0;  // the post answered
  std::optional<std::int64_t> source_id;  // the account that posts the reply; none when the source was removed
  std::string text;                       // the approved text
  std::string idempotency_key;            // unique; stable across attempts
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempts = 0;
  std::optional<Timestamp> next_attempt_at;
  std::string last_error;
  std::string reply_external_id;  // the platform's id of the posted reply
  std::string reply_url;
  Timestamp created_at{};
  std::optional<Timestamp> claimed_at;  // when the last attempt started
  std::optional<Timestamp> sent_at;
};

// What goes with a draft change, in the same transaction.
struct DraftChange {
  std::string actor = "daemon";
  std::optional<std::int64_t> user_id;
  std::string action;          // "draft.create", "draft.approve", "draft.edit", "draft.reject" …
  std::string details = "{}";  // JSON object text for the audit event
  // Writes the reply outbox row (draft approved by enough people). The store fills in its ids.
  bool deliver = false;
  // Moves the draft's case to this state (open or awaiting_approval) when it is in the other of the two, with
  // the case's own audit event; an answered or closed case stays as it is. A new draft puts its case in
  // awaiting_approval; a rejection puts it back to open.
  std::optional<CaseState> case_state;
};

// The outcome of one delivery attempt (RecordDeliveryOutcome).
struct DeliveryOutcome {
  DeliveryStatus status = DeliveryStatus::kSent;  // sent, pending (retry), failed, returned
  std::string reply_external_id;                  // sent
  std::string reply_url;                          // sent
  std::optional<Timestamp> next_attempt_at;       // pending
  std::string error;  // pending, failed, returned: why, in the platform's words where it gave some
  std::vector<Alert> alerts;  // for the outbox, in the same transaction (a failure a person must hear of)
};

}  // namespace odziv
