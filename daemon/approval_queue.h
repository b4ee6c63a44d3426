// ApprovalQueue: what a person does with a draft — approve, edit (and approve), reject — under the brand's
// approval rules (daemon/approval_rules.h). The CLI (`odziv queue`) and the web app call it. A draft that has
// all the approvals it needs is written to the reply outbox in the same transaction as the last approval,
// and the delivery worker posts it. Every decision is an audit event (subject "draft:12").
//
// Thread-safe as far as the Store is: a draft changed by someone else meanwhile is refused
// (kFailedPrecondition, "look again") rather than overwritten, so two people never approve different texts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/draft.h"
#include "core/store.h"
#include "core/user.h"
#include "daemon/approval_rules.h"

namespace odziv::daemon {

// A draft as a person sees it in the queue: the draft, its case, the post it answers (with its newest
// assessment) and its brand. Show fills in the draft, case and post only.
using QueueItem = QueueRow;

class ApprovalQueue {
 public:
  explicit ApprovalQueue(Store& store) : store_(store) {}

  // Pending drafts of the brands `user` may see (every brand for nullopt: the operator at the CLI), most
  // urgent first. `brand_id` narrows to one brand (kPermissionDenied when the user has no role in it).
  [[nodiscard]] Result<std::vector<QueueItem>> List(const std::optional<User>& user,
                                                    std::optional<std::int64_t> brand_id, std::size_t limit);
  // The same, one page at a time: the page after `after` (the previous page's `next`), read in one query.
  // `limit` is 1 to 10,000.
  [[nodiscard]] Result<QueuePage> ListPage(const std::optional<User>& user, std::optional<std::int64_t> brand_id,
                                           std::size_t limit, std::optional<QueueKey> after = std::nullopt);
  // One draft with its case and post, in any status. kNotFound also when the user may not see its brand,
  // so that a draft of another brand is indistinguishable from none.
  [[nodiscard]] Result<QueueItem> Show(std::int64_t draft_id, const std::optional<User>& user);

  // Records `user`'s approval of the draft's current text. When the draft then has the approvals its rules
  // require, it becomes approved and its delivery is written. Errors: kNotFound; kPermissionDenied (role,
  // second approver, the same person twice); kFailedPrecondition (the draft is not pending, its case is
  // answered or closed, or it changed since `expected_version`).
  [[nodiscard]] Result<StoredDraft> Approve(std::int64_t draft_id, const User& user, Timestamp now,
                                            std::optional<std::int64_t> expected_version = std::nullopt);

  // Replaces the draft's text (checked: not empty, within the platform's limit). Earlier approvals are
  // cleared when the brand's rules ask for re-approval after an edit; with `approve`, the editor's approval
  // follows in the same step. kInvalidArgument for unusable text.
  [[nodiscard]] Result<StoredDraft> Edit(std::int64_t draft_id, const std::string& text, const User& user,
                                         bool approve, Timestamp now,
                                         std::optional<std::int64_t> expected_version = std::nullopt);

  // Rejects the draft with a reason (required). Its case goes back to open; no new draft is written for it
  // until the customer writes again, so a person answers or closes it.
  [[nodiscard]] Result<StoredDraft> Reject(std::int64_t draft_id, const std::string& reason, const User& user,
                                           Timestamp now,
                                           std::optional<std::int64_t> expected_version = std::nullopt);

 private:
  Result<QueueItem> Load(std::int64_t draft_id);
  // What every decision starts from: the draft (visible to `user`, waiting, unchanged since
  // `expected_version`), its brand's rules, and the user allowed by them to decide on it.
  struct Decidable {
    QueueItem item;
    ApprovalRules rules;
  };
  Result<Decidable> Prepare(std::int64_t draft_id, const User& user, std::optional<std::int64_t> expected_version);

  Store& store_;
};

// The problems of a reply text for `platform`: empty, or longer than the platform allows (graphemes).
// nullopt when it can be sent.
std::optional<std::string> CheckReplyText(const std::string& text, const std::string& platform);

}  // namespace odziv::daemon
