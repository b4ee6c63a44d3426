#include "daemon/sqlite_statement.h"

#include <fmt/format.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

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

// Idle statements of one connection by their SQL text.
struct SqliteStatementCache {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  static constexpr std::size_t kMaxIdle = 256;

  std::mutex mu;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>, Hash, std::equal_to<>> idle;  // guarded by mu
  std::size_t idle_count = 0;                                                              // guarded by mu
  bool detached = false;                                                                   // guarded by mu
};

namespace {

std::mutex caches_mu;
std::unordered_map<sqlite3*, std::shared_ptr<SqliteStatementCache>>& Caches() {  // guarded by caches_mu
  static std::unordered_map<sqlite3*, std::shared_ptr<SqliteStatementCache>> caches;
  return caches;
}

std::shared_ptr<SqliteStatementCache> CacheOf(sqlite3* db) {
  std::lock_guard lock(caches_mu);
  auto found = Caches().find(db);
  return found == Caches().end() ? nullptr : found->second;
}

}  // namespace

void AttachStatementCache(sqlite3* db) {
  std::lock_guard lock(caches_mu);
  Caches()[db] = std::make_shared<SqliteStatementCache>();
}

void DetachStatementCache(sqlite3* db) {
  std::shared_ptr<SqliteStatementCache> cache;
  {
    std::lock_guard lock(caches_mu);
    auto found = Caches().find(db);
    if (found == Caches().end()) return;
    cache = std::move(found->second);
    Caches().erase(found);
  }
  std::lock_guard lock(cache->mu);
  for (auto& [sql, statements] : cache->idle)
    for (sqlite3_stmt* stmt : statements) sqlite3_finalize(stmt);
  cache->idle.clear();
  cache->idle_count = 0;
  cache->detached = true;
}

Result<SqliteStatement> SqliteStatement::Prepare(sqlite3* db, std::string_view sql) {
  std::shared_ptr<SqliteStatementCache> cache = CacheOf(db);
  if (cache) {
    std::lock_guard lock(cache->mu);
    if (auto found = cache->idle.find(sql); found != cache->idle.end() && !found->second.empty()) {
      sqlite3_stmt* stmt = found->second.back();
      found->second.pop_back();
      --cache->idle_count;
      return SqliteStatement(db, stmt, std::move(cache));
    }
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), cache ? SQLITE_PREPARE_PERSISTENT : 0,
                              &stmt, nullptr);
  if (rc != SQLITE_OK) return Fail(SqliteError(db, rc, "preparing a statement"));
  return SqliteStatement(db, stmt, std::move(cache));
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(other.stmt_),
      cache_(std::move(other.cache_)),
      bind_rc_(other.bind_rc_),
      column_base_(other.column_base_) {
  other.stmt_ = nullptr;
}

SqliteStatement::~SqliteStatement() {
  if (!stmt_) return;
  if (cache_) {
    // Reset first: an idle statement holds no read transaction and no bound values.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    std::lock_guard lock(cache_->mu);
    if (!cache_->detached && cache_->idle_count < SqliteStatementCache::kMaxIdle) {
      cache_->idle[sqlite3_sql(stmt_)].push_back(stmt_);
      ++cache_->idle_count;
      return;
    }
  }
  sqlite3_finalize(stmt_);
}

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

namespace {

// One statement without parameters or rows, taken from the connection's statement cache when it has one:
// the store runs BEGIN, COMMIT and a savepoint around nearly every call.
Status RunStatement(sqlite3* db, const char* sql, std::string_view context) {
  auto stmt = SqliteStatement::Prepare(db, sql);
  if (!stmt) return Fail(stmt.error());
  if (!stmt->Run()) return Fail(SqliteError(db, sqlite3_extended_errcode(db), context));
  return {};
}

}  // namespace

Result<SqliteTransaction> SqliteTransaction::Begin(sqlite3* db, bool write) {
  if (sqlite3_get_autocommit(db) == 0) {
    auto saved = RunStatement(db, "SAVEPOINT nested", "starting a savepoint");
    if (!saved) return Fail(saved.error());
    return SqliteTransaction(db, /*nested=*/true);
  }
  auto begun = RunStatement(db, write ? "BEGIN IMMEDIATE" : "BEGIN", "starting a transaction");
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
  auto committed = RunStatement(db_, nested_ ? "RELEASE nested" : "COMMIT", "committing");
  if (committed) db_ = nullptr;
  return committed;
}

}  // namespace odziv::daemon
