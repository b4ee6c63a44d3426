// Writing a benchmark's seed rows with plain SQLite: the seeds take odziv's schema from its own migrations
// (SqliteStore::Open) and then insert rows directly, which is many times faster than going through the store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.h"
#include "daemon/sqlite_store.h"

namespace odziv::bench {

// The seed's name, for its error messages; main sets it first.
inline const char* tool_name = "seed";

// Ends the seed with `tool: what: SQLite's message` unless `rc` is a success code.
inline void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s: %s\n", tool_name, what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

inline void Exec(sqlite3* db, const char* sql) { Check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); }

// Creates (or migrates) the database at `path` with odziv's own migrations, then closes it.
inline void CreateSchema(const std::string& path) {
  daemon::SqliteStoreOptions options;
  options.path = path;
  auto store = daemon::SqliteStore::Open(options);
  if (!store) {
    std::fprintf(stderr, "%s: %s\n", tool_name, Describe(store.error()).c_str());
    std::exit(1);
  }
}

// One prepared INSERT, bound and run again for each row.
struct Statement {
  sqlite3* db;
  sqlite3_stmt* stmt = nullptr;
  Statement(sqlite3* database, const char* sql) : db(database) {
    Check(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), db, sql);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt); }
  Statement& Int(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt, i, v);
    return *this;
  }
  Statement& Real(int i, double v) {
    sqlite3_bind_double(stmt, i, v);
    return *this;
  }
  Statement& Text(int i, std::string_view v) {
    sqlite3_bind_text(stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Runs the row and returns its rowid.
  std::int64_t Run(const char* what) {
    Check(sqlite3_step(stmt), db, what);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return sqlite3_last_insert_rowid(db);
  }
};

}  // namespace odziv::bench
