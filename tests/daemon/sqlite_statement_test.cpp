#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <string>

#include "daemon/sqlite_statement.h"

using namespace odziv;
using namespace odziv::daemon;

namespace {

// An in-memory connection, closed at the end.
struct Connection {
  sqlite3* db = nullptr;
  Connection() { REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK); }
  ~Connection() { sqlite3_close_v2(db); }

  // Statements of the connection that are not finalized, running or idle.
  int Statements() const {
    int n = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s)) ++n;
    return n;
  }
};

std::int64_t Echo(sqlite3* db, std::int64_t value) {
  auto stmt = SqliteStatement::Prepare(db, "SELECT ? + 0");
  REQUIRE(stmt);
  stmt->BindAll(value);
  auto row = stmt->Step();
  REQUIRE(row);
  REQUIRE(*row);
  return stmt->Int(0);
}

}  // namespace

TEST_CASE("Statements of a caching connection are prepared once, reused with fresh bindings, and finalized on detach") {
  Connection c;
  CHECK(Echo(c.db, 1) == 1);
  CHECK(c.Statements() == 0);  // not caching: finalized when destroyed

  AttachStatementCache(c.db);
  CHECK(Echo(c.db, 2) == 2);
  CHECK(c.Statements() == 1);  // idle in the cache
  CHECK(Echo(c.db, 3) == 3);   // the same statement, bound afresh
  CHECK(c.Statements() == 1);
  {
    // Two at once of the same SQL are two statements; both go back.
    auto first = SqliteStatement::Prepare(c.db, "SELECT ? + 0");
    auto second = SqliteStatement::Prepare(c.db, "SELECT ? + 0");
    REQUIRE(first);
    REQUIRE(second);
    CHECK(c.Statements() == 2);
  }
  CHECK(c.Statements() == 2);
  DetachStatementCache(c.db);
  CHECK(c.Statements() == 0);
  CHECK(Echo(c.db, 4) == 4);
  CHECK(c.Statements() == 0);
}

TEST_CASE("A cached statement given back in the middle of its rows starts from the first row when reused") {
  Connection c;
  AttachStatementCache(c.db);
  REQUIRE(SqliteExec(c.db, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)", "test"));
  const char* sql = "SELECT x FROM t ORDER BY x";
  {
    auto stmt = SqliteStatement::Prepare(c.db, sql);
    REQUIRE(stmt);
    REQUIRE(stmt->Step().value());
    REQUIRE(stmt->Step().value());
    CHECK(stmt->Int(0) == 2);
  }
  auto again = SqliteStatement::Prepare(c.db, sql);
  REQUIRE(again);
  REQUIRE(again->Step().value());
  CHECK(again->Int(0) == 1);
  DetachStatementCache(c.db);
}

TEST_CASE("A statement outliving its connection's cache is finalized when destroyed") {
  Connection c;
  AttachStatementCache(c.db);
  {
    auto stmt = SqliteStatement::Prepare(c.db, "SELECT 1");
    REQUIRE(stmt);
    DetachStatementCache(c.db);
    CHECK(c.Statements() == 1);
  }
  CHECK(c.Statements() == 0);
}
