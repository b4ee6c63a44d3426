// What SQL a store runs, for tests that check query plans of methods that do not expose their statements.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace odziv::testing {

// While it lives, every SQLite connection opened after its construction records each statement it starts
// (with its parameters written in; statements run by triggers left out). One at a time per process.
class StatementLog {
 public:
  StatementLog() {
    current_ = this;
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(&StatementLog::Trace));
  }
  ~StatementLog() {
    sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(&StatementLog::Trace));
    current_ = nullptr;
  }
  StatementLog(const StatementLog&) = delete;
  StatementLog& operator=(const StatementLog&) = delete;

  // The statements recorded since the last call.
  std::vector<std::string> Take() { return std::exchange(statements_, {}); }

  // EXPLAIN QUERY PLAN of `sql` in the database at `path`, one step a line (its detail column).
  static std::string Explain(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string plan;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
        while (sqlite3_step(stmt) == SQLITE_ROW) plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3))) + "\n";
      } else {
        plan = std::string("cannot explain: ") + sqlite3_errmsg(db);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return plan;
  }

 private:
  static int Trace(sqlite3* db, const char** /*error*/, const void* /*api*/) {
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, &StatementLog::Record, nullptr);
    return SQLITE_OK;
  }
  static int Record(unsigned /*type*/, void* /*context*/, void* statement, void* text) {
    if (!current_ || std::string_view(static_cast<const char*>(text)).starts_with("--")) return 0;
    if (char* sql = sqlite3_expanded_sql(static_cast<sqlite3_stmt*>(statement))) {
      current_->statements_.emplace_back(sql);
      sqlite3_free(sql);
    }
    return 0;
  }

  static inline StatementLog* current_ = nullptr;
  std::vector<std::string> statements_;
};

}  // namespace odziv::testing
