// SqliteStore, sign-in half: users as sign-in sees them (password hashes, instance admins, updates and
// removal), sessions and API tokens (schema 4). Token texts never reach this file, only their hashes.
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>

#include "daemon/sqlite_rows.h"
#include "daemon/sqlite_statement.h"
#include "daemon/sqlite_store.h"

namespace odziv::daemon {

namespace sqlite_rows {

Result<User> ReadUserRow(const SqliteStatement& row) {
  User u;
  u.id = row.Int(0);
  u.login = row.Text(1);
  u.name = row.Text(2);
  u.email = row.Text(3);
  auto languages = StringsFromJson(row.Text(4), "user languages");
  if (!languages) return Fail(languages.error());
  u.languages = std::move(*languages);
  auto platforms = StringsFromJson(row.Text(5), "user platforms");
  if (!platforms) return Fail(platforms.error());
  u.platforms = std::move(*platforms);
  u.disabled = row.Int(6) != 0;
  u.created_at = row.Time(7);
  u.instance_admin = row.Int(8) != 0;
  return u;
}

Status LoadBrandRoles(sqlite3* db, User& user) {
  auto stmt = Query(db, "SELECT brand_id, role FROM user_brands WHERE user_id = ? ORDER BY brand_id", user.id);
  if (!stmt) return Fail(stmt.error());
  auto rows = ReadAll<std::pair<std::int64_t, std::string>>(*stmt, [](const SqliteStatement& row) {
    return std::pair{row.Int(0), row.Text(1)};
  });
  if (!rows) return Fail(rows.error());
  for (auto& [brand, role] : *rows) user.brand_roles[brand] = role;
  return {};
}

}  // namespace sqlite_rows

namespace {

using namespace sqlite_rows;

// Touches write at most once per this interval per session or token.
constexpr std::int64_t kTouchIntervalMs = 60'000;

constexpr std::string_view kSessionColumns =
    "id, user_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at, remote_address, user_agent";

Session ReadSession(const SqliteStatement& row) {
  Session s;
  s.id = row.Int(0);
  s.user_id = row.Int(1);
  s.csrf_token = row.Text(2);
  s.created_at = row.Time(3);
  s.last_seen_at = row.Time(4);
  s.expires_at = row.Time(5);
  s.revoked_at = row.OptionalTime(6);
  s.remote_address = row.Text(7);
  s.user_agent = row.Text(8);
  return s;
}

constexpr std::string_view kTokenColumns = "id, user_id, name, prefix, created_at, last_used_at, revoked_at";

ApiToken ReadToken(const SqliteStatement& row) {
  ApiToken t;
  t.id = row.Int(0);
  t.user_id = row.Int(1);
  t.name = row.Text(2);
  t.prefix = row.Text(3);
  t.created_at = row.Time(4);
  t.last_used_at = row.OptionalTime(5);
  t.revoked_at = row.OptionalTime(6);
  return t;
}

Result<User> LoadUserById(sqlite3* db, std::int64_t id) {
  auto stmt = Query(db, fmt::format("SELECT {} FROM users WHERE id = ?", kUserColumns), id);
  if (!stmt) return Fail(stmt.error());
  auto user = ReadOne<User>(*stmt, ReadUserRow, fmt::format("no user with id {}", id));
  if (!user) return user;
  if (auto roles = LoadBrandRoles(db, *user); !roles) return Fail(roles.error());
  return user;
}

Status RequireUser(sqlite3* db, std::int64_t user_id) {
  auto found = QueryInt(db, "SELECT id FROM users WHERE id = ?", user_id);
  if (!found && found.error().code == ErrorCode::kNotFound)
    return Fail(ErrorCode::kNotFound, fmt::format("no user with id {}", user_id));
  if (!found) return Fail(found.error());
  return {};
}

}  // namespace

Result<std::string> SqliteStore::GetPasswordHash(std::int64_t user_id) {
  Lock lock(*this);
  auto stmt = Query(db_, "SELECT password_hash FROM users WHERE id = ?", user_id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<std::string>(
      *stmt, [](const SqliteStatement& row) { return row.Text(0); }, fmt::format("no user with id {}", user_id));
}

Status SqliteStore::SetPasswordHash(std::int64_t user_id, std::string_view hash, bool revoke_sessions,
                                    std::optional<std::int64_t> keep_session_id, Timestamp now) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto set =
      Execute(db_, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?", hash, now, user_id);
  if (!set) return set;
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no user with id {}", user_id));
  if (revoke_sessions) {
    auto revoked = Execute(db_,
                           "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND "
                           "id IS NOT ?",
                           now, user_id, keep_session_id);
    if (!revoked) return revoked;
  }
  return tx->Commit();
}

Result<User> SqliteStore::UpdateUser(const User& user) {
  if (auto checked = CheckUserLists(user); !checked) return Fail(checked.error());
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto updated = Execute(db_,
                         "UPDATE users SET display_name = ?, email = ?, languages = ?, platforms = ?, disabled = ?, "
                         "is_admin = ? WHERE id = ?",
                         user.name, user.email, StringsToJson(user.languages), StringsToJson(user.platforms),
                         user.disabled, user.instance_admin, user.id);
  if (!updated) return Fail(updated.error());
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no user with id {}", user.id));
  if (auto cleared = Execute(db_, "DELETE FROM user_brands WHERE user_id = ?", user.id); !cleared)
    return Fail(cleared.error());
  for (const auto& [brand_id, role] : user.brand_roles) {
    auto brand = QueryInt(db_, "SELECT id FROM brands WHERE id = ?", brand_id);
    if (!brand && brand.error().code == ErrorCode::kNotFound)
      return Fail(ErrorCode::kNotFound, fmt::format("no brand with id {}", brand_id));
    if (!brand) return Fail(brand.error());
    auto granted =
        Execute(db_, "INSERT INTO user_brands (user_id, brand_id, role) VALUES (?, ?, ?)", user.id, brand_id, role);
    if (!granted) return Fail(granted.error());
  }
  auto stored = LoadUserById(db_, user.id);
  if (!stored) return stored;
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Status SqliteStore::RemoveUser(std::int64_t user_id, Timestamp now) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto disabled = Execute(db_, "UPDATE users SET disabled = 1, is_admin = 0, password_hash = '' WHERE id = ?", user_id);
  if (!disabled) return disabled;
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no user with id {}", user_id));
  if (auto roles = Execute(db_, "DELETE FROM user_brands WHERE user_id = ?", user_id); !roles) return roles;
  auto sessions =
      Execute(db_, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now, user_id);
  if (!sessions) return sessions;
  auto tokens =
      Execute(db_, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now, user_id);
  if (!tokens) return tokens;
  return tx->Commit();
}

Status SqliteStore::RecordAuditEvent(const AuditEvent& event) {
  Lock lock(*this);
  return Execute(db_,
                 "INSERT INTO audit_events (at, user_id, actor, brand_id, action, subject, details) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 event.at, event.user_id, event.actor, event.brand_id, event.action, event.subject,
                 event.details.empty() ? std::string("{}") : event.details);
}

Result<Session> SqliteStore::CreateSession(const Session& session, std::string_view token_hash) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  if (auto user = RequireUser(db_, session.user_id); !user) return Fail(user.error());
  // The user's dead sessions are of no further use: forgetting them here keeps the table small without a
  // sweeper.
  auto forgotten =
      Execute(db_, "DELETE FROM sessions WHERE user_id = ? AND (revoked_at IS NOT NULL OR expires_at <= ?)",
              session.user_id, session.created_at);
  if (!forgotten) return Fail(forgotten.error());
  auto added = Execute(db_,
                       "INSERT INTO sessions (user_id, token_hash, csrf_token, created_at, last_seen_at, expires_at, "
                       "remote_address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       session.user_id, token_hash, session.csrf_token, session.created_at, session.last_seen_at,
                       session.expires_at, session.remote_address, session.user_agent);
  if (!added) return Fail(added.error().WithContext("storing a session"));
  Session stored = session;
  stored.id = sqlite3_last_insert_rowid(db_);
  stored.revoked_at.reset();
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<Session> SqliteStore::FindSession(std::string_view token_hash) {
  Lock lock(*this);
  auto stmt = Query(db_, fmt::format("SELECT {} FROM sessions WHERE token_hash = ?", kSessionColumns), token_hash);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<Session>(*stmt, ReadSession, "no such session");
}

Status SqliteStore::TouchSession(std::int64_t session_id, Timestamp now) {
  Lock lock(*this);
  return Execute(db_, "UPDATE sessions SET last_seen_at = ?1 WHERE id = ?2 AND last_seen_at <= ?1 - ?3", now,
                 session_id, kTouchIntervalMs);
}

Status SqliteStore::RevokeSession(std::int64_t session_id, Timestamp now) {
  Lock lock(*this);
  return Execute(db_, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, session_id);
}

Status SqliteStore::RevokeUserSessions(std::int64_t user_id, Timestamp now) {
  Lock lock(*this);
  return Execute(db_, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now, user_id);
}

Result<ApiToken> SqliteStore::CreateApiToken(const ApiToken& token, std::string_view token_hash) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  if (auto user = RequireUser(db_, token.user_id); !user) return Fail(user.error());
  auto added =
      Execute(db_, "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
              token.user_id, token.name, token_hash, token.prefix, token.created_at);
  if (!added) return Fail(added.error().WithContext("storing an API token"));
  ApiToken stored = token;
  stored.id = sqlite3_last_insert_rowid(db_);
  stored.last_used_at.reset();
  stored.revoked_at.reset();
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<std::vector<ApiToken>> SqliteStore::ListApiTokens(std::int64_t user_id) {
  Lock lock(*this);
  auto stmt = Query(
      db_, fmt::format("SELECT {} FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY id", kTokenColumns),
      user_id);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<ApiToken>(*stmt, ReadToken);
}

Result<ApiToken> SqliteStore::FindApiToken(std::string_view token_hash) {
  Lock lock(*this);
  auto stmt = Query(db_, fmt::format("SELECT {} FROM api_tokens WHERE token_hash = ?", kTokenColumns), token_hash);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<ApiToken>(*stmt, ReadToken, "no such API token");
}

Status SqliteStore::TouchApiToken(std::int64_t token_id, Timestamp now) {
  Lock lock(*this);
  return Execute(db_,
                 "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2 AND "
                 "(last_used_at IS NULL OR last_used_at <= ?1 - ?3)",
                 now, token_id, kTouchIntervalMs);
}

Status SqliteStore::RevokeApiToken(std::int64_t user_id, std::int64_t token_id, Timestamp now) {
  Lock lock(*this);
  auto revoked =
      Execute(db_, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL", now,
              token_id, user_id);
  if (!revoked) return revoked;
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no API token {}", token_id));
  return {};
}

}  // namespace odziv::daemon
