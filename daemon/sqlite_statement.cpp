#include "daemon/sqlite_statement.h"

#include <fmt/format.h>

#include <climits>
#include <cstdint>

namespace odziv::daemon {

namespace {

// SQLITE_TRANSIENT without the old-style cast inside the macro: SQLite copies the bound bytes.
sqlite3_destructor_type Transient() {
  return reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));
}

}  // namespace

std::string SqlitePath(sqlite3* db) {
  const char* name = sqlite3_db_filename(db, "main");
  return (name == nullptr || *name == '\0') ? std::string(":memory:") : std::string(name);
}

Error SqliteError(sqlite3* db, int rc, std::string_view context) {
  const std::string path = db ? SqlitePath(db) : std::string("(unopened)");
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string prefix = context.empty() ? std::string() : fmt::format("{}: ", context);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error{ErrorCode::kBusy,
                   fmt::format("{}database {} is locked by another process: try again, or stop the process "
                               "holding it",
                               prefix, path),
                   std::nullopt};
    case SQLITE_READONLY:
      return Error{ErrorCode::kReadOnly,
                   fmt::format("{}database {} cannot be written ({}): check the permissions of the file and "
                               "its directory, or open it read-write",
                               prefix, path, detail),
                   std::nullopt};
    case SQLITE_CANTOPEN:
      return Error{ErrorCode::kReadOnly,
                   fmt::format("{}cannot open database {} or its -wal/-shm files ({}): check the permissions "
                               "of the file and its directory",
                               prefix, path, detail),
                   std::nullopt};
    case SQLITE_CONSTRAINT:
      return Error{rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY
                       ? ErrorCode::kAlreadyExists
                       : ErrorCode::kInvalidArgument,
                   fmt::format("{}{}", prefix, detail), std::nullopt};
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Error{ErrorCode::kMalformed,
                   fmt::format("{}{} is not an SQLite database or is damaged ({}): check the path given with "
                               "--db",
                               prefix, path, detail),
                   std::nullopt};
    case SQLITE_FULL:
      return Error{ErrorCode::kUnavailable,
                   fmt::format("{}the disk holding {} is full: free some space", prefix, path), std::nullopt};
    default:
      return Error{ErrorCode::kInternal, fmt::format("{}database {}: {}", prefix, path, detail),
                   std::nullopt};
  }
}

Result<SqliteStatement> SqliteStatement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Fail(SqliteError(db, rc, "preparing a statement"));
  return SqliteStatement(db, stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), bind_rc_(other.bind_rc_), column_base_(other.column_base_) {
  other.stmt_ = nullptr;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::Bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::Bind(int index, std::string_view value) {
  int rc = value.size() > static_cast<std::size_t>(INT_MAX)
               ? SQLITE_TOOBIG
               // A null data pointer would bind NULL; an empty string must stay an empty string.
               : sqlite3_bind_text(stmt_, index, value.data() ? value.data() : "", static_cast<int>(value.size()),
                                   Transient());
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::Bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::Bind(int index, std::nullopt_t) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<bool> SqliteStatement::Step() {
  if (bind_rc_ != SQLITE_OK) return Fail(SqliteError(db_, bind_rc_, "binding a parameter"));
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(SqliteError(db_, sqlite3_extended_errcode(db_), ""));
}

Status SqliteStatement::Run() {
  for (;;) {
    auto row = Step();
    if (!row) return Fail(row.error());
    if (!*row) return {};
  }
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column_base_ + column); }

double SqliteStatement::Real(int column) const { return sqlite3_column_double(stmt_, column_base_ + column); }

std::optional<std::int64_t> SqliteStatement::OptionalInt(int column) const {
  if (sqlite3_column_type(stmt_, column_base_ + column) == SQLITE_NULL) return std::nullopt;
  return Int(column);
}

std::string SqliteStatement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column_base_ + column);
  int size = sqlite3_column_bytes(stmt_, column_base_ + column);  // after column_text, as SQLite asks
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<Timestamp> SqliteStatement::OptionalTime(int column) const {
  auto ms = OptionalInt(column);
  if (!ms) return std::nullopt;
  return FromUnixMillis(*ms);
}

Status SqliteExec(sqlite3* db, const char* sql, std::string_view context) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Fail(SqliteError(db, sqlite3_extended_errcode(db), context));
  return {};
}

Result<SqliteTransaction> SqliteTransaction::Begin(sqlite3* db, bool write) {
  if (sqlite3_get_autocommit(db) == 0) {
    auto saved = SqliteExec(db, "SAVEPOINT nested", "starting a savepoint");
    if (!saved) return Fail(saved.error());
    return SqliteTransaction(db, /*nested=*/true);
  }
  auto begun = SqliteExec(db, write ? "BEGIN IMMEDIATE" : "BEGIN", "starting a transaction");
  if (!begun) return Fail(begun.error());
  return SqliteTransaction(db, /*nested=*/false);
}

SqliteTransaction::~SqliteTransaction() {
  // A failed COMMIT or an early return: undo everything. ROLLBACK of a transaction SQLite already rolled
  // back (after some I/O errors) fails harmlessly.
  if (db_ && nested_) {
    sqlite3_exec(db_, "ROLLBACK TO nested", nullptr, nullptr, nullptr);
    sqlite3_exec(db_, "RELEASE nested", nullptr, nullptr, nullptr);
  } else if (db_) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status SqliteTransaction::Commit() {
  auto committed = SqliteExec(db_, nested_ ? "RELEASE nested" : "COMMIT", "committing");
  if (committed) db_ = nullptr;
  return committed;
}

}  // namespace odziv::daemon
