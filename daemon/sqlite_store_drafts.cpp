// SqliteStore: drafts (the approval queue) and deliveries (the reply outbox).
#include <cpprest/json.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <exception>

#include "daemon/sqlite_rows.h"
#include "daemon/sqlite_store.h"

namespace odziv::daemon {
namespace {

using namespace sqlite_rows;
using web::json::value;

std::string ApprovalsToJson(const std::vector<DraftApproval>& approvals) {
  value array = value::array();
  for (const DraftApproval& a : approvals) {
    value item = value::object();
    item["user_id"] = a.user_id ? value::number(*a.user_id) : value::null();
    item["actor"] = value::string(a.actor);
    item["at"] = value::number(ToUnixMillis(a.at));
    array[array.size()] = std::move(item);
  }
  return array.serialize();
}

Result<std::vector<DraftApproval>> ApprovalsFromJson(const std::string& text, std::int64_t draft_id) {
  const Error malformed{ErrorCode::kMalformed, fmt::format("draft {} has unreadable approvals", draft_id),
                        std::nullopt};
  try {
    value array = value::parse(text.empty() ? "[]" : text);
    if (!array.is_array()) return Fail(malformed);
    std::vector<DraftApproval> out;
    for (const value& item : array.as_array()) {
      if (!item.is_object() || !item.has_field("actor") || !item.at("actor").is_string() || !item.has_field("at") ||
          !item.at("at").is_number())
        return Fail(malformed);
      DraftApproval a;
      if (item.has_field("user_id") && item.at("user_id").is_number())
        a.user_id = item.at("user_id").as_number().to_int64();
      a.actor = item.at("actor").as_string();
      a.at = FromUnixMillis(item.at("at").as_number().to_int64());
      out.push_back(std::move(a));
    }
    return out;
  } catch (const std::exception&) {
    return Fail(malformed);
  }
}

Result<StoredDraft> LoadDraft(sqlite3* db, std::int64_t id) {
  auto stmt = Query(db, fmt::format("SELECT {} FROM {} WHERE d.id = ?", kDraftColumns, kDraftFrom), id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<StoredDraft>(*stmt, ReadDraft, fmt::format("no draft with id {}", id));
}

constexpr std::string_view kDeliveryColumns =
    "v.id, v.draft_id, d.case_id, c.brand_id, d.post_id, v.source_id, v.text, v.idempotency_key, v.status, "
    "v.attempts, v.next_attempt_at, v.last_error, v.reply_external_id, v.reply_url, v.created_at, v.claimed_at, "
    "v.sent_at";
constexpr std::string_view kDeliveryFrom = "deliveries v JOIN drafts d ON d.id = v.draft_id JOIN cases c ON c.id = d.case_id";

Result<Delivery> ReadDelivery(const SqliteStatement& row) {
  Delivery v;
  v.id = row.Int(0);
  v.draft_id = row.Int(1);
  v.case_id = row.Int(2);
  v.brand_id = row.Int(3);
  v.post_id = row.Int(4);
  v.source_id = row.OptionalInt(5);
  v.text = row.Text(6);
  v.idempotency_key = row.Text(7);
  auto status = ParseDeliveryStatus(row.Text(8));
  if (!status)
    return Fail(ErrorCode::kMalformed, fmt::format("delivery {} has an unknown status '{}'", v.id, row.Text(8)));
  v.status = *status;
  v.attempts = static_cast<int>(row.Int(9));
  v.next_attempt_at = row.OptionalTime(10);
  v.last_error = row.Text(11);
  v.reply_external_id = row.Text(12);
  v.reply_url = row.Text(13);
  v.created_at = row.Time(14);
  v.claimed_at = row.OptionalTime(15);
  v.sent_at = row.OptionalTime(16);
  return v;
}

Result<Delivery> LoadDelivery(sqlite3* db, std::int64_t id) {
  auto stmt = Query(db, fmt::format("SELECT {} FROM {} WHERE v.id = ?", kDeliveryColumns, kDeliveryFrom), id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<Delivery>(*stmt, ReadDelivery, fmt::format("no delivery with id {}", id));
}

Status Audit(sqlite3* db, const DraftChange& change, std::int64_t brand_id, std::string subject, Timestamp now) {
  return Execute(db,
                 "INSERT INTO audit_events (at, user_id, actor, brand_id, action, subject, details) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 now, change.user_id, change.actor, brand_id, change.action, subject,
                 change.details.empty() ? std::string("{}") : change.details);
}

// The reply outbox row of an approved draft. The reply goes out from the account that fetched the post
// answered, else from the brand's first source on the post's platform.
Status InsertDelivery(sqlite3* db, const StoredDraft& d, Timestamp now) {
  auto post = Query(db, "SELECT source_id, brand_id, platform FROM posts WHERE id = ?", d.post_id);
  if (!post) return Fail(post.error());
  struct PostSource {
    std::optional<std::int64_t> source_id;
    std::int64_t brand_id;
    std::string platform;
  };
  auto row = ReadOne<PostSource>(
      *post, [](const SqliteStatement& r) { return PostSource{r.OptionalInt(0), r.Int(1), r.Text(2)}; },
      fmt::format("draft {} answers post {}, which no longer exists", d.id, d.post_id));
  if (!row) return Fail(row.error());
  std::optional<std::int64_t> source_id = row->source_id;
  if (!source_id) {
    auto other = QueryInt(db, "SELECT id FROM sources WHERE brand_id = ? AND platform = ? ORDER BY id LIMIT 1",
                          row->brand_id, row->platform);
    if (other) {
      source_id = *other;
    } else if (other.error().code != ErrorCode::kNotFound) {
      return Fail(other.error());
    }
  }
  // Stable across attempts and unique per approval: a draft approved again after the platform refused it
  // gets a new key (its version changed).
  const std::string key = fmt::format("odziv-draft-{}-v{}", d.id, d.version);
  auto inserted = Execute(db,
                          "INSERT INTO deliveries (draft_id, source_id, idempotency_key, status, attempts, "
                          "created_at, text) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
                          d.id, source_id, key, now, d.text);
  if (!inserted) return Fail(inserted.error().WithContext(fmt::format("writing the delivery of draft {}", d.id)));
  return {};
}

// DraftChange::case_state: open ⇄ awaiting_approval, with the case's audit event; other states stay.
Status MoveCase(sqlite3* db, std::int64_t case_id, const DraftChange& change, std::int64_t draft_id, Timestamp now) {
  if (!change.case_state) return {};
  if (*change.case_state != CaseState::kOpen && *change.case_state != CaseState::kAwaitingApproval)
    return Fail(ErrorCode::kInternal, "a draft change moves its case only to open or awaiting_approval");
  const std::string_view to = CaseStateName(*change.case_state);
  auto moved = Execute(db,
                       "UPDATE cases SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND "
                       "status IN ('open', 'awaiting_approval') AND status <> ?",
                       to, now, case_id, to);
  if (!moved) return moved;
  if (sqlite3_changes(db) == 0) return {};
  value details = value::object();
  details["draft_id"] = value::number(draft_id);
  details["to_state"] = value::string(std::string(to));
  return Execute(db,
                 "INSERT INTO audit_events (at, user_id, actor, brand_id, action, subject, details) "
                 "SELECT ?, ?, ?, brand_id, ?, ?, ? FROM cases WHERE id = ?",
                 now, change.user_id, change.actor,
                 *change.case_state == CaseState::kOpen ? "case.draft_rejected" : "case.draft",
                 fmt::format("case:{}", case_id), details.serialize(), case_id);
}

Status CheckDraftText(const StoredDraft& d) {
  if (d.text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Fail(ErrorCode::kInvalidArgument, "a draft needs text");
  return sqlite_rows::CheckJsonStrings(d.notes, "a draft's notes");
}

}  // namespace

namespace sqlite_rows {

Result<StoredDraft> ReadDraft(const SqliteStatement& row) {
  StoredDraft d;
  d.id = row.Int(0);
  d.case_id = row.Int(1);
  d.brand_id = row.Int(2);
  d.post_id = row.Int(3);
  d.text = row.Text(4);
  d.language = row.Text(5);
  d.script = row.Text(6);
  d.situation = row.Text(7);
  d.move_to_private = row.Int(8) != 0;
  auto notes = StringsFromJson(row.Text(9), "draft notes");
  if (!notes) return Fail(notes.error());
  d.notes = std::move(*notes);
  auto status = ParseDraftStatus(row.Text(10));
  if (!status) return Fail(ErrorCode::kMalformed, fmt::format("draft {} has an unknown status '{}'", d.id, row.Text(10)));
  d.status = *status;
  d.approvals_required = static_cast<int>(row.Int(11));
  auto approvals = ApprovalsFromJson(row.Text(12), d.id);
  if (!approvals) return Fail(approvals.error());
  d.approvals = std::move(*approvals);
  d.written_by = row.Text(13);
  d.edited_at = row.OptionalTime(14);
  d.decided_by = row.Text(15);
  d.decided_at = row.OptionalTime(16);
  d.reject_reason = row.Text(17);
  d.platform_refusal = row.Text(18);
  d.created_at = row.Time(19);
  d.version = row.Int(20);
  return d;
}

}  // namespace sqlite_rows

Result<StoredDraft> SqliteStore::AddDraft(const StoredDraft& draft, const DraftChange& change, Timestamp now) {
  if (auto checked = CheckDraftText(draft); !checked) return Fail(checked.error());
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto c = LoadCase(db_, draft.case_id);
  if (!c) return Fail(c.error());
  auto post = QueryInt(db_, "SELECT count(*) FROM posts WHERE id = ? AND brand_id = ?", draft.post_id, c->brand_id);
  if (!post) return Fail(post.error());
  if (*post == 0)
    return Fail(ErrorCode::kNotFound, fmt::format("no post {} of the brand of case {}", draft.post_id, c->id));
  auto superseded = Execute(db_,
                            "UPDATE drafts SET status = 'superseded', decided_by_actor = ?, decided_at = ?, "
                            "version = version + 1 WHERE case_id = ? AND status = 'pending'",
                            change.actor, now, c->id);
  if (!superseded) return Fail(superseded.error());
  const std::string_view status = change.deliver ? "approved" : "pending";
  std::optional<Timestamp> decided_at;
  if (change.deliver) decided_at = now;
  auto inserted = Execute(
      db_,
      "INSERT INTO drafts (case_id, post_id, text, language, script, template, move_to_private, notes, status, "
      "approvals_required, approvals, written_by, edited_at, decided_by_actor, decided_at, reject_reason, "
      "platform_refusal, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, 1)",
      c->id, draft.post_id, draft.text, draft.language, draft.script, draft.situation, draft.move_to_private,
      StringsToJson(draft.notes), status, draft.approvals_required, ApprovalsToJson(draft.approvals),
      draft.written_by, draft.edited_at, change.deliver ? change.actor : std::string(), decided_at, now);
  if (!inserted) return Fail(inserted.error().WithContext(fmt::format("storing a draft for case {}", c->id)));
  auto stored = LoadDraft(db_, sqlite3_last_insert_rowid(db_));
  if (!stored) return Fail(stored.error());
  if (auto audited = Audit(db_, change, c->brand_id, fmt::format("draft:{}", stored->id), now); !audited)
    return Fail(audited.error());
  if (auto moved = MoveCase(db_, c->id, change, stored->id, now); !moved) return Fail(moved.error());
  if (change.deliver) {
    if (auto delivery = InsertDelivery(db_, *stored, now); !delivery) return Fail(delivery.error());
  }
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<StoredDraft> SqliteStore::GetDraft(std::int64_t draft_id) {
  Lock lock(*this);
  return LoadDraft(db_, draft_id);
}

Result<std::vector<StoredDraft>> SqliteStore::ListDrafts(const DraftFilter& filter) {
  if (filter.limit > kMaxListLimit)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("at most {} drafts can be listed at once, not {}", kMaxListLimit, filter.limit));
  std::string sql = fmt::format("SELECT {} FROM {} WHERE 1", kDraftColumns, kDraftFrom);
  std::vector<SqlValue> params;
  if (filter.brand_id) {
    sql += " AND c.brand_id = ?";
    params.emplace_back(*filter.brand_id);
  }
  if (!filter.brand_ids.empty()) {
    sql += " AND c.brand_id IN (";
    for (std::size_t i = 0; i < filter.brand_ids.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.emplace_back(filter.brand_ids[i]);
    }
    sql += ")";
  }
  if (filter.case_id) {
    sql += " AND d.case_id = ?";
    params.emplace_back(*filter.case_id);
  }
  if (!filter.statuses.empty()) {
    sql += " AND d.status IN (";
    for (std::size_t i = 0; i < filter.statuses.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.emplace_back(std::string(DraftStatusName(filter.statuses[i])));
    }
    sql += ")";
  }
  if (filter.before_id) {
    sql += " AND d.id < ?";
    params.emplace_back(*filter.before_id);
  }
  sql += filter.most_urgent_first
             ? " ORDER BY c.priority, c.sla_due_at IS NULL, c.sla_due_at, d.id"
             : " ORDER BY d.id DESC";
  sql += " LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(filter.limit));
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<StoredDraft>(*stmt, ReadDraft);
}

Result<StoredDraft> SqliteStore::UpdateDraft(const StoredDraft& d, const DraftChange& change, Timestamp now) {
  if (auto checked = CheckDraftText(d); !checked) return Fail(checked.error());
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto updated = Execute(db_,
                         "UPDATE drafts SET text = ?, status = ?, approvals_required = ?, approvals = ?, "
                         "written_by = ?, edited_at = ?, decided_by_actor = ?, decided_at = ?, reject_reason = ?, "
                         "platform_refusal = ?, notes = ?, move_to_private = ?, version = version + 1 "
                         "WHERE id = ? AND version = ?",
                         d.text, DraftStatusName(d.status), d.approvals_required, ApprovalsToJson(d.approvals),
                         d.written_by, d.edited_at, d.decided_by, d.decided_at, d.reject_reason, d.platform_refusal,
                         StringsToJson(d.notes), d.move_to_private, d.id, d.version);
  if (!updated) return Fail(updated.error().WithContext(fmt::format("updating draft {}", d.id)));
  if (sqlite3_changes(db_) == 0) {
    auto exists = LoadDraft(db_, d.id);
    if (!exists) return Fail(exists.error());
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("draft {} was changed by someone else meanwhile (version {}, not {}): look again",
                            d.id, exists->version, d.version));
  }
  auto stored = LoadDraft(db_, d.id);
  if (!stored) return Fail(stored.error());
  if (auto audited = Audit(db_, change, stored->brand_id, fmt::format("draft:{}", d.id), now); !audited)
    return Fail(audited.error());
  if (auto moved = MoveCase(db_, stored->case_id, change, d.id, now); !moved) return Fail(moved.error());
  if (change.deliver) {
    if (auto delivery = InsertDelivery(db_, *stored, now); !delivery) return Fail(delivery.error());
  }
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<std::vector<Case>> SqliteStore::ListCasesNeedingDraft(std::size_t limit) {
  limit = std::min(limit, kMaxListLimit);
  Lock lock(*this);
  auto stmt = Query(
      db_,
      fmt::format("SELECT {} FROM cases WHERE status = 'open' AND NOT EXISTS (SELECT 1 FROM drafts d WHERE "
                  "d.case_id = cases.id AND (d.status IN ('pending', 'approved', 'sent') OR (d.status = 'rejected' AND NOT "
                  "EXISTS (SELECT 1 FROM case_posts p WHERE p.case_id = cases.id AND p.added_at > d.decided_at)))) "
                  "ORDER BY priority, sla_due_at IS NULL, sla_due_at, id LIMIT ?",
                  kCaseColumns),
      static_cast<std::int64_t>(limit));
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Case>(*stmt, ReadCase);
}

Result<Delivery> SqliteStore::GetDelivery(std::int64_t delivery_id) {
  Lock lock(*this);
  return LoadDelivery(db_, delivery_id);
}

Result<std::vector<Delivery>> SqliteStore::ListDeliveries(std::optional<std::int64_t> draft_id,
                                                          std::optional<std::int64_t> case_id) {
  std::string sql = fmt::format("SELECT {} FROM {} WHERE 1", kDeliveryColumns, kDeliveryFrom);
  std::vector<SqlValue> params;
  if (draft_id) {
    sql += " AND v.draft_id = ?";
    params.emplace_back(*draft_id);
  }
  if (case_id) {
    sql += " AND d.case_id = ?";
    params.emplace_back(*case_id);
  }
  sql += " ORDER BY v.id";
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Delivery>(*stmt, ReadDelivery);
}

Result<std::vector<Delivery>> SqliteStore::ListDueDeliveries(Timestamp now, std::size_t limit) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM {} WHERE v.status = 'sending' OR (v.status = 'pending' AND "
                                "(v.next_attempt_at IS NULL OR v.next_attempt_at <= ?)) ORDER BY v.id LIMIT ?",
                                kDeliveryColumns, kDeliveryFrom),
                    now, static_cast<std::int64_t>(std::min(limit, kMaxListLimit)));
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Delivery>(*stmt, ReadDelivery);
}

Result<Delivery> SqliteStore::ClaimDelivery(std::int64_t delivery_id, Timestamp now) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto claimed = Execute(db_,
                         "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = ? "
                         "WHERE id = ? AND status IN ('pending', 'sending')",
                         now, delivery_id);
  if (!claimed) return Fail(claimed.error());
  const bool changed = sqlite3_changes(db_) > 0;
  auto stored = LoadDelivery(db_, delivery_id);
  if (!stored) return Fail(stored.error());
  if (!changed)
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("delivery {} is {}: nothing to send", delivery_id, DeliveryStatusName(stored->status)));
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Status SqliteStore::RecordDeliveryOutcome(std::int64_t delivery_id, const DeliveryOutcome& outcome, Timestamp now) {
  if (outcome.status == DeliveryStatus::kSending)
    return Fail(ErrorCode::kInvalidArgument, "a delivery's outcome is sent, pending, failed or returned");
  if (outcome.status == DeliveryStatus::kSent && outcome.reply_external_id.empty())
    return Fail(ErrorCode::kInvalidArgument, "a sent delivery needs the platform's id of the reply");
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto delivery = LoadDelivery(db_, delivery_id);
  if (!delivery) return Fail(delivery.error());
  if (delivery->status != DeliveryStatus::kSending)
    return Fail(ErrorCode::kFailedPrecondition, fmt::format("delivery {} is {}, not sending", delivery_id,
                                                            DeliveryStatusName(delivery->status)));
  std::optional<Timestamp> sent_at;
  if (outcome.status == DeliveryStatus::kSent) sent_at = now;
  auto recorded = Execute(db_,
                          "UPDATE deliveries SET status = ?, next_attempt_at = ?, last_error = ?, "
                          "reply_external_id = ?, reply_url = ?, sent_at = ? WHERE id = ?",
                          DeliveryStatusName(outcome.status), outcome.next_attempt_at, outcome.error,
                          outcome.reply_external_id, outcome.reply_url, sent_at, delivery_id);
  if (!recorded) return recorded;

  DraftChange change;
  value details = value::object();
  details["delivery_id"] = value::number(delivery_id);
  details["attempts"] = value::number(delivery->attempts);
  switch (outcome.status) {
    case DeliveryStatus::kSent: {
      auto sent = Execute(db_, "UPDATE drafts SET status = 'sent', version = version + 1 WHERE id = ?",
                          delivery->draft_id);
      if (!sent) return sent;
      change.action = "delivery.sent";
      details["reply_external_id"] = value::string(outcome.reply_external_id);
      break;
    }
    case DeliveryStatus::kReturned: {
      auto returned = Execute(db_,
                              "UPDATE drafts SET status = 'pending', approvals = '[]', platform_refusal = ?, "
                              "decided_by_actor = '', decided_at = NULL, version = version + 1 WHERE id = ?",
                              outcome.error, delivery->draft_id);
      if (!returned) return returned;
      change.action = "delivery.returned";
      details["reason"] = value::string(outcome.error);
      break;
    }
    case DeliveryStatus::kFailed:
      change.action = "delivery.failed";
      details["error"] = value::string(outcome.error);
      break;
    default:
      change.action = "delivery.retry";
      details["error"] = value::string(outcome.error);
      break;
  }
  change.details = details.serialize();
  if (auto audited = Audit(db_, change, delivery->brand_id, fmt::format("draft:{}", delivery->draft_id), now);
      !audited)
    return audited;
  for (const Alert& alert : outcome.alerts) {
    auto written = Execute(db_,
                           "INSERT OR IGNORE INTO alerts (brand_id, case_id, route, kind, dedup_key, payload, status, "
                           "created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                           delivery->brand_id, delivery->case_id, alert.route, alert.kind, alert.dedup_key,
                           alert.payload.empty() ? std::string("{}") : alert.payload, now);
    if (!written) return written;
  }
  return tx->Commit();
}

}  // namespace odziv::daemon
