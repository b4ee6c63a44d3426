#include "daemon/approval_queue.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <algorithm>

#include "daemon/approval_rules.h"
#include "responders/drafter.h"

namespace odziv::daemon {
namespace {

using web::json::value;

bool MaySee(const std::optional<User>& user, std::int64_t brand_id) {
  return !user || user->brand_roles.contains(brand_id);
}

Status CheckDecidable(const QueueItem& item, std::optional<std::int64_t> expected_version) {
  const StoredDraft& d = item.draft;
  if (d.status != DraftStatus::kPending)
    return Fail(ErrorCode::kFailedPrecondition, fmt::format("draft {} is {}, not waiting for approval", d.id,
                                                            DraftStatusName(d.status)));
  if (item.case_.state != CaseState::kOpen && item.case_.state != CaseState::kAwaitingApproval)
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("case {} is {}: it needs no reply now", item.case_.id, CaseStateName(item.case_.state)));
  if (expected_version && *expected_version != d.version)
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("draft {} changed since you saw it (version {}, not {}): look again", d.id, d.version,
                            *expected_version));
  return {};
}

bool ApprovedBy(const StoredDraft& d, const User& user) {
  return std::any_of(d.approvals.begin(), d.approvals.end(), [&](const DraftApproval& a) {
    return a.user_id ? *a.user_id == user.id : a.actor == user.login;
  });
}

// Adds `user`'s approval to `d` (checked against the rules); marks it approved when it has enough.
// Returns whether the draft is now approved (its delivery is to be written).
Result<bool> AddApproval(StoredDraft& d, const ApprovalRules& rules, const User& user, Timestamp now) {
  if (ApprovedBy(d, user))
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("'{}' approved draft {} already: it needs another person's approval", user.login, d.id));
  const int required = std::max(1, d.approvals_required);
  const bool second = required >= 2 && !d.approvals.empty();
  if (auto role = CheckApprover(rules, user, d.brand_id, second); !role) return Fail(role.error());
  d.approvals.push_back(DraftApproval{user.id, user.login, now});
  if (static_cast<int>(d.approvals.size()) < required) return false;
  d.status = DraftStatus::kApproved;
  d.decided_by = user.login;
  d.decided_at = now;
  return true;
}

std::string ApprovalDetails(const StoredDraft& d) {
  value details = value::object();
  details["approvals"] = value::number(static_cast<int>(d.approvals.size()));
  details["required"] = value::number(std::max(1, d.approvals_required));
  details["status"] = value::string(std::string(DraftStatusName(d.status)));
  return details.serialize();
}

}  // namespace

std::optional<std::string> CheckReplyText(const std::string& text, const std::string& platform) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return "the reply is empty";
  if (auto limit = responders::PlatformReplyLimit(platform)) {
    const std::size_t length = responders::CountGraphemes(text);
    if (length > *limit)
      return fmt::format("the reply is {} characters long; {} takes at most {}", length, platform, *limit);
  }
  return std::nullopt;
}

Result<QueueItem> ApprovalQueue::Load(std::int64_t draft_id) {
  auto draft = store_.GetDraft(draft_id);
  if (!draft) return Fail(draft.error());
  auto c = store_.GetCase(draft->case_id);
  if (!c) return Fail(c.error());
  auto post = store_.GetPost(draft->post_id);
  if (!post) return Fail(post.error());
  QueueItem item;
  item.draft = std::move(*draft);
  item.case_ = std::move(*c);
  item.post = std::move(*post);
  return item;
}

Result<std::vector<QueueItem>> ApprovalQueue::List(const std::optional<User>& user,
                                                   std::optional<std::int64_t> brand_id, std::size_t limit) {
  auto page = ListPage(user, brand_id, limit);
  if (!page) return Fail(page.error());
  return std::move(page->rows);
}

Result<QueuePage> ApprovalQueue::ListPage(const std::optional<User>& user, std::optional<std::int64_t> brand_id,
                                          std::size_t limit, std::optional<QueueKey> after) {
  QueueFilter filter;
  filter.limit = limit;
  filter.after = after;
  if (brand_id) {
    if (!MaySee(user, *brand_id))
      return Fail(ErrorCode::kPermissionDenied, fmt::format("user '{}' has no role in that brand", user->login));
    filter.brand_id = brand_id;
  } else if (user) {
    if (user->brand_roles.empty()) return QueuePage{};
    for (const auto& [brand, role] : user->brand_roles) filter.brand_ids.push_back(brand);
  }
  return store_.ListQueue(filter);
}

Result<QueueItem> ApprovalQueue::Show(std::int64_t draft_id, const std::optional<User>& user) {
  auto item = Load(draft_id);
  if (!item) return item;
  if (!MaySee(user, item->draft.brand_id))
    return Fail(ErrorCode::kNotFound, fmt::format("no draft with id {}", draft_id));
  return item;
}

Result<ApprovalQueue::Decidable> ApprovalQueue::Prepare(std::int64_t draft_id, const User& user,
                                                       std::optional<std::int64_t> expected_version) {
  auto item = Show(draft_id, user);
  if (!item) return Fail(item.error());
  if (auto ok = CheckDecidable(*item, expected_version); !ok) return Fail(ok.error());
  auto brand = store_.GetBrandById(item->draft.brand_id);
  if (!brand) return Fail(brand.error());
  auto rules = LoadApprovalRules(*brand);
  if (!rules) return Fail(rules.error());
  if (auto role = CheckApprover(*rules, user, item->draft.brand_id, false); !role) return Fail(role.error());
  return Decidable{std::move(*item), std::move(*rules)};
}

Result<StoredDraft> ApprovalQueue::Approve(std::int64_t draft_id, const User& user, Timestamp now,
                                           std::optional<std::int64_t> expected_version) {
  auto ready = Prepare(draft_id, user, expected_version);
  if (!ready) return Fail(ready.error());
  StoredDraft d = ready->item.draft;
  auto complete = AddApproval(d, ready->rules, user, now);
  if (!complete) return Fail(complete.error());
  DraftChange change{user.login, user.id, "draft.approve", ApprovalDetails(d), *complete, std::nullopt};
  return store_.UpdateDraft(d, change, now);
}

Result<StoredDraft> ApprovalQueue::Edit(std::int64_t draft_id, const std::string& text, const User& user,
                                        bool approve, Timestamp now, std::optional<std::int64_t> expected_version) {
  auto ready = Prepare(draft_id, user, expected_version);
  if (!ready) return Fail(ready.error());
  if (auto problem = CheckReplyText(text, ready->item.case_.platform))
    return Fail(ErrorCode::kInvalidArgument, *problem);
  const ApprovalRules& rules = ready->rules;
  StoredDraft d = ready->item.draft;
  const bool changed = text != d.text;
  value details = value::object();
  if (changed) {
    details["previous_text"] = value::string(d.text);
    d.text = text;
    d.written_by = user.login;
    d.edited_at = now;
    d.platform_refusal.clear();
    if (rules.reapprove_after_edit && !d.approvals.empty()) {
      details["approvals_cleared"] = value::number(static_cast<int>(d.approvals.size()));
      d.approvals.clear();
    }
  }
  bool deliver = false;
  if (approve) {
    auto complete = AddApproval(d, rules, user, now);
    if (!complete) return Fail(complete.error());
    deliver = *complete;
  }
  details["approved"] = value::boolean(approve);
  details["status"] = value::string(std::string(DraftStatusName(d.status)));
  DraftChange change{user.login, user.id, changed ? "draft.edit" : "draft.approve", details.serialize(), deliver,
                     std::nullopt};
  return store_.UpdateDraft(d, change, now);
}

Result<StoredDraft> ApprovalQueue::Reject(std::int64_t draft_id, const std::string& reason, const User& user,
                                          Timestamp now, std::optional<std::int64_t> expected_version) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return Fail(ErrorCode::kInvalidArgument, "say why the draft is rejected (--reason)");
  auto ready = Prepare(draft_id, user, expected_version);
  if (!ready) return Fail(ready.error());
  StoredDraft d = ready->item.draft;
  d.status = DraftStatus::kRejected;
  d.reject_reason = reason;
  d.decided_by = user.login;
  d.decided_at = now;
  value details = value::object();
  details["reason"] = value::string(reason);
  DraftChange change{user.login, user.id, "draft.reject", details.serialize(), false, CaseState::kOpen};
  return store_.UpdateDraft(d, change, now);
}

}  // namespace odziv::daemon
