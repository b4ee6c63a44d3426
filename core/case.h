// Case: the unit of "this needs an answer". A post that triage says needs an answer opens a case (or joins
// the open case of its thread or author); the case carries the SLA deadline, the assignee, the reply and
// every state change until it is answered (confirmed) or a person closes it with a reason.
//
//   open ──► awaiting_approval ──► replied ──► confirmed ──► closed
//     │            │                  │  (reply never seen: back to open, with an alert)
//     └────────────┴──────────────────┴──► closed (a person, with a reason; or the post was deleted)
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"

namespace odziv {

enum class CaseState {
  kOpen,              // needs an answer; the SLA clock runs
  kAwaitingApproval,  // a draft waits for a person's approval; the SLA clock still runs
  kReplied,           // a reply was sent; waiting to see it on the platform
  kConfirmed,         // the brand's reply is visible on the platform (sent by odziv or outside it)
  kClosed,            // closed with a reason
};
std::string_view CaseStateName(CaseState state);  // "open", "awaiting_approval", "replied", "confirmed", "closed"
std::optional<CaseState> ParseCaseState(std::string_view name);
// Whether the customer still waits for an answer in this state (open, awaiting_approval, replied).
bool IsUnanswered(CaseState state);

// Why a case was closed. The first five are for people; kPostDeleted is set by odziv when every post of the
// case was deleted by its author; kAnswered when a person closes a confirmed case.
enum class CloseReason {
  kResolvedPrivately,
  kDuplicate,
  kSpam,
  kNotOurBrand,
  kNoReplyWanted,
  kPostDeleted,
  kAnswered,
};
std::string_view CloseReasonName(CloseReason reason);  // "resolved_privately", "duplicate", …
std::optional<CloseReason> ParseCloseReason(std::string_view name);
// The reasons a person may give (`odziv cases close --reason`): all but post_deleted.
std::vector<std::string_view> PersonCloseReasons();

struct Case {
  std::int64_t id = 0;  // assigned by storage
  std::int64_t brand_id = 0;
  CaseState state = CaseState::kOpen;
  int priority = 4;  // 1 (P1) … 4; the most urgent of its posts

  // Whose problem it is and where: from the post that opened the case.
  std::string platform;
  std::string thread_id;
  std::string author_id;
  std::string author_handle;
  std::string language;  // of the assessment of the opening post ("en", "bs" …)
  std::int64_t first_post_id = 0;

  // SLA: the deadline for the first response, from the brand's policy named `sla_policy`. The clock started
  // at `sla_started_at` (the opening post's creation time) with `sla_budget` of business time (or wall time
  // for around-the-clock policies); `due_at` is where that budget runs out.
  std::string sla_policy;
  std::optional<Timestamp> sla_started_at;
  std::chrono::milliseconds sla_budget{0};
  std::optional<Timestamp> due_at;
  std::optional<Timestamp> paused_at;  // waiting on the customer: the clock stands still (brand's choice)
  int escalation_percent = 0;          // the highest escalation step fired (50, 80, 100 …); 0: none
  std::optional<Timestamp> escalated_at;

  std::optional<std::int64_t> assignee_id;

  // The reply: sent by odziv (reply_external_id set by MarkReplied) and/or seen on the platform
  // (reply_post_id, a from_brand post in the thread).
  std::string reply_external_id;
  std::optional<Timestamp> replied_at;
  std::optional<std::int64_t> reply_post_id;
  std::optional<Timestamp> confirmed_at;

  std::optional<CloseReason> close_reason;
  std::string close_note;  // free text from the person who closed it
  std::string closed_by;   // the actor (user login, "cli", "daemon")
  std::optional<Timestamp> closed_at;

  Timestamp opened_at{};
  Timestamp updated_at{};
  Timestamp last_post_at{};  // creation time of the newest post that joined
  std::int64_t version = 0;  // increases with every change; UpdateCase refuses a stale copy
};

// One audit event: who did what to which thing, when and why.
struct AuditEvent {
  std::int64_t id = 0;
  Timestamp at{};
  std::optional<std::int64_t> user_id;
  std::string actor;    // user login, "cli" or "daemon"
  std::optional<std::int64_t> brand_id;
  std::string action;   // "case.open", "case.close" …
  std::string subject;  // "case:12"
  std::string details;  // JSON object text
};

// A row of the alerts outbox: written by the case tracker and the SLA watchdog, delivered later by the
// alerts stage. The dedup key is unique: writing one that exists already is silently skipped.
struct Alert {
  std::int64_t id = 0;
  std::int64_t brand_id = 0;
  std::optional<std::int64_t> case_id;
  std::string route;      // "assignee", "team", "manager" (route names in the brand's settings)
  std::string kind;       // "sla_approaching", "sla_missed", "delivery_failed" (responders/alert.h names)
  std::string dedup_key;  // "case:12:sla:0.8"
  std::string payload = "{}";  // JSON object text
  std::string status = "pending";
  Timestamp created_at{};
  int attempts = 0;        // delivery attempts so far
  std::string last_error;  // why the last attempt failed; empty when none did
};

// What goes with a case change, in the same transaction: its audit event, posts that join the case, and
// alerts for the outbox.
struct CaseChange {
  std::string actor = "daemon";
  std::optional<std::int64_t> user_id;
  std::string action;   // "case.open", "case.join", "case.assign", "case.close", "case.confirm" …
  std::string details = "{}";  // JSON object text for the audit event (reason, previous state …)
  std::vector<std::int64_t> add_post_ids;
  std::vector<Alert> alerts;  // brand_id and case_id are filled in by the store
};

struct CaseFilter {
  std::optional<std::int64_t> brand_id;
  std::vector<CaseState> states;  // empty: every state
  std::optional<std::int64_t> assignee_id;
  std::optional<Timestamp> overdue_at;  // only unanswered cases whose deadline is before this time
  std::optional<std::string> platform;
  std::optional<std::string> thread_id;  // with platform: one thread's cases
  std::optional<std::string> author_id;  // with platform: one author's cases
  std::optional<std::string> author_handle;  // any platform: the same handle
  std::optional<std::int64_t> before_id;  // paging: only ids below this (newest first)
  // Most urgent first (highest escalation level, then the nearest deadline) instead of newest first: the
  // order of a work queue. before_id still filters, but pages then follow ids, not this order.
  bool most_urgent_first = false;
  std::size_t limit = 100;               // at most 10,000
};

}  // namespace odziv
