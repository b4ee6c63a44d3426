// The row-level helpers that SqliteStore's source files share: running a statement and reading its rows,
// JSON array columns, and reading cases, posts, assessments and alerts. Internal to the SQLite store; nothing
// else includes it.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/assessment.h"
#include "core/case.h"
#include "core/draft.h"
#include "core/user.h"
#include "core/error.h"
#include "core/store.h"
#include "daemon/sqlite_statement.h"

namespace odziv::daemon::sqlite_rows {

inline constexpr std::size_t kMaxListLimit = 10000;

// "a, b" → "p.a, p.b": the columns of one table in a query that joins several.
inline std::string Qualified(std::string_view columns, std::string_view alias) {
  std::string out;
  while (!columns.empty()) {
    const std::size_t comma = columns.find(',');
    std::string_view column = columns.substr(0, comma);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += fmt::format("{}.{}", alias, column);
    if (comma == std::string_view::npos) break;
    columns.remove_prefix(comma + 1);
  }
  return out;
}

inline int ColumnCount(std::string_view columns) { return static_cast<int>(std::count(columns.begin(), columns.end(), ',')) + 1; }

// Lets a row reader return either T or, when reading can fail, Result<T>.
template <class T>
Result<T> AsResult(T value) {
  return value;
}
template <class T>
Result<T> AsResult(Result<T> value) {
  return value;
}

// Runs `stmt` and reads every row with `read` (returning T or Result<T>).
template <class T, class Read>
Result<std::vector<T>> ReadAll(SqliteStatement& stmt, Read read) {
  std::vector<T> out;
  for (;;) {
    auto row = stmt.Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    Result<T> item = AsResult<T>(read(stmt));
    if (!item) return Fail(item.error());
    out.push_back(std::move(*item));
  }
}

// Runs `stmt` and reads its one row; `not_found` when there is none.
template <class T, class Read>
Result<T> ReadOne(SqliteStatement& stmt, Read read, std::string not_found) {
  auto row = stmt.Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound, std::move(not_found));
  return AsResult<T>(read(stmt));
}

template <class... T>
Result<SqliteStatement> Query(sqlite3* db, std::string_view sql, const T&... values) {
  auto stmt = SqliteStatement::Prepare(db, sql);
  if (stmt) stmt->BindAll(values...);
  return stmt;
}

template <class... T>
Status Execute(sqlite3* db, std::string_view sql, const T&... values) {
  auto stmt = Query(db, sql, values...);
  if (!stmt) return Fail(stmt.error());
  return stmt->Run();
}

// The integer in the first column of the one row `sql` returns; kNotFound when there is no row.
template <class... T>
Result<std::int64_t> QueryInt(sqlite3* db, std::string_view sql, const T&... params) {
  auto stmt = Query(db, sql, params...);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<std::int64_t>(*stmt, [](const SqliteStatement& row) { return row.Int(0); }, "no row");
}

using SqlValue = std::variant<std::int64_t, std::string>;

inline Result<SqliteStatement> QueryWith(sqlite3* db, const std::string& sql, const std::vector<SqlValue>& params) {
  auto stmt = SqliteStatement::Prepare(db, sql);
  if (!stmt) return Fail(stmt.error());
  for (std::size_t i = 0; i < params.size(); ++i)
    std::visit([&](const auto& v) { stmt->Bind(static_cast<int>(i + 1), v); }, params[i]);
  return stmt;
}

// A JSON array of strings, as stored in TEXT columns (topics, reasons, languages …).
std::string StringsToJson(const std::vector<std::string>& items);
// kInvalidArgument, naming `what`, when an item is not UTF-8: JSON text must be, and a column written with
// such an item could not be read back.
Status CheckJsonStrings(const std::vector<std::string>& items, std::string_view what);
// CheckJsonStrings of a user's languages and platforms, the user's lists stored as JSON.
Status CheckUserLists(const User& user);
// kMalformed, naming `what`, when the stored text is not a JSON array of strings.
Result<std::vector<std::string>> StringsFromJson(const std::string& text, std::string_view what);

inline constexpr std::string_view kCaseColumns =
    "id, brand_id, status, priority, platform, thread_id, author_id, author_handle, language, first_post_id, "
    "sla_policy, sla_started_at, sla_budget_ms, sla_due_at, paused_at, escalation_percent, escalated_at, "
    "assignee_id, reply_external_id, replied_at, reply_post_id, confirmed_at, close_reason, close_note, "
    "closed_by_actor, closed_at, opened_at, updated_at, last_post_at, version";
// A row selected with kCaseColumns, in that order.
Result<Case> ReadCase(const SqliteStatement& row);
Result<Case> LoadCase(sqlite3* db, std::int64_t id);  // kNotFound
std::string_view CloseReasonColumn(const Case& c);

inline constexpr std::string_view kUserColumns =
    "id, login, display_name, email, languages, platforms, disabled, created_at, is_admin";
// A row selected with kUserColumns, without its brand roles; LoadBrandRoles adds them.
Result<User> ReadUserRow(const SqliteStatement& row);
Status LoadBrandRoles(sqlite3* db, User& user);

inline constexpr std::string_view kPostColumns =
    "id, brand_id, source_id, platform, external_id, kind, thread_id, parent_id, author_id, author_handle, "
    "author_name, author_reach, text, language, rating, url, created_at, edited_at, deleted_at, likes, "
    "replies, shares, views, from_brand, fetched_at, updated_at, revision";
// A row selected with kPostColumns, in that order.
Result<StoredPost> ReadPost(const SqliteStatement& row);

inline constexpr std::string_view kAssessmentColumns =
    "sentiment, label, confidence, language, script, topics, intents, urgency, priority, reasons, model_version";
// kAssessmentColumns read from column `first` on.
Result<Assessment> ReadAssessment(const SqliteStatement& row, int first);

inline constexpr std::string_view kAlertColumns =
    "id, brand_id, case_id, route, kind, dedup_key, payload, status, created_at, attempts, last_error";
Alert ReadAlert(const SqliteStatement& row);

// Drafts are read joined to their case, which holds their brand.
inline constexpr std::string_view kDraftColumns =
    "d.id, d.case_id, c.brand_id, d.post_id, d.text, d.language, d.script, d.template, d.move_to_private, d.notes, "
    "d.status, d.approvals_required, d.approvals, d.written_by, d.edited_at, d.decided_by_actor, d.decided_at, "
    "d.reject_reason, d.platform_refusal, d.created_at, d.version";
inline constexpr int kDraftColumnCount = 21;
inline constexpr std::string_view kDraftFrom = "drafts d JOIN cases c ON c.id = d.case_id";
// A row selected with kDraftColumns, in that order (sqlite_store_drafts.cpp).
Result<StoredDraft> ReadDraft(const SqliteStatement& row);

}  // namespace odziv::daemon::sqlite_rows
