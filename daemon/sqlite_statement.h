// SqliteStatement: the thin C++ layer over the SQLite C API that the SQLite store and its migrations share:
// prepared statements with bound parameters (values are never spliced into SQL text), a transaction guard,
// and the translation of SQLite result codes into odziv Errors that name the database file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/timestamp.h"

namespace odziv::daemon {

// The Error for result code `rc` (extended codes welcome) on `db`: kBusy for BUSY/LOCKED, kReadOnly for
// READONLY/CANTOPEN, kAlreadyExists for a UNIQUE violation, kInvalidArgument for other constraints,
// kMalformed for NOTADB/CORRUPT, kUnavailable for a full disk, kInternal otherwise. `context` says what was
// being done ("adding brand 'acme'").
Error SqliteError(sqlite3* db, int rc, std::string_view context);

// The file name of the main database of `db`, for messages.
std::string SqlitePath(sqlite3* db);

struct SqliteStatementCache;

// Keeps the prepared statements of connection `db` for reuse, from now until DetachStatementCache: preparing
// (parsing and planning SQL) costs more than most of odziv's queries take to run. Statements of `db` then
// come from the cache when one of the same SQL is idle, and go back to it, reset, when destroyed (at most
// 256 idle ones; beyond that they are finalized). Call both with no statement of `db` running.
void AttachStatementCache(sqlite3* db);
// Finalizes `db`'s idle cached statements and stops caching; call before closing `db`. Statements still
// alive are finalized when destroyed.
void DetachStatementCache(sqlite3* db);

// One prepared statement; finalized (or given back to its connection's cache) when destroyed. Not
// thread-safe (the store's mutex guards it).
class SqliteStatement {
 public:
  // `sql` must be a single statement with `?` parameters.
  static Result<SqliteStatement> Prepare(sqlite3* db, std::string_view sql);

  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters are numbered from 1, as in SQLite. Text is bound with its length, so embedded NUL bytes
  // survive; an unset optional binds NULL.
  void Bind(int index, std::int64_t value);
  void Bind(int index, int value) { Bind(index, static_cast<std::int64_t>(value)); }
  void Bind(int index, bool value) { Bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  void Bind(int index, double value);
  void Bind(int index, std::string_view value);
  void Bind(int index, const char* value) { Bind(index, std::string_view(value)); }  // not the bool one
  void Bind(int index, Timestamp value) { Bind(index, ToUnixMillis(value)); }
  void Bind(int index, std::nullopt_t);
  template <class T>
  void Bind(int index, const std::optional<T>& value) {
    if (value) {
      Bind(index, *value);
    } else {
      Bind(index, std::nullopt);
    }
  }
  // Binds `values` to parameters 1, 2, … in order.
  template <class... T>
  void BindAll(const T&... values) {
    int index = 0;
    (Bind(++index, values), ...);
  }

  // Advances one row: true when a row is ready to be read, false when the statement has finished.
  Result<bool> Step();
  // Runs a statement that returns no rows to its end.
  Status Run();
  // Makes the statement ready to run again and clears its bindings.
  void Reset();

  // Column readers, numbered from 0 (plus the column base). NULL reads as 0 / "" / nullopt.
  std::int64_t Int(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;
  std::string Text(int column) const;  // embedded NUL bytes included
  double Real(int column) const;
  Timestamp Time(int column) const { return FromUnixMillis(Int(column)); }
  std::optional<Timestamp> OptionalTime(int column) const;

  // Makes the column readers count from `first`: a query that joins several tables selects each table's
  // columns side by side, and the row reader of each table reads its own run of them as if from column 0.
  void SetColumnBase(int first) { column_base_ = first; }

 private:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::shared_ptr<SqliteStatementCache> cache)
      : db_(db), stmt_(stmt), cache_(std::move(cache)) {}

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::shared_ptr<SqliteStatementCache> cache_;  // where it goes back to, if its connection caches
  int bind_rc_ = SQLITE_OK;  // the first failed bind, reported by Step()
  int column_base_ = 0;
};

// Runs statements without parameters or results (BEGIN, COMMIT, a migration's DDL).
Status SqliteExec(sqlite3* db, const char* sql, std::string_view context);

// A transaction that rolls back when destroyed unless committed.
class SqliteTransaction {
 public:
  // BEGIN IMMEDIATE for transactions that write (takes the write lock up front, so that the busy timeout
  // applies at the start instead of a deadlock-prone upgrade later), BEGIN (deferred) for reads.
  // Inside a transaction already (a store batch), a savepoint instead: Commit releases it into the outer
  // transaction, and destruction without Commit undoes this one's changes alone.
  static Result<SqliteTransaction> Begin(sqlite3* db, bool write);

  SqliteTransaction(SqliteTransaction&& other) noexcept : db_(other.db_), nested_(other.nested_) {
    other.db_ = nullptr;
  }
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  Status Commit();

 private:
  SqliteTransaction(sqlite3* db, bool nested) : db_(db), nested_(nested) {}
  sqlite3* db_;  // null once committed or rolled back
  bool nested_;  // a savepoint in an outer transaction
};

}  // namespace odziv::daemon
