// Migrations: the numbered steps that build odziv's SQLite schema, applied in order when a database is
// opened. The version a database is at is its `PRAGMA user_version` (0: empty file).
#pragma once

#include <sqlite3.h>

#include <span>
#include <string_view>

#include "core/error.h"

namespace odziv::daemon {

struct Migration {
  int version = 0;               // 1, 2, 3 … without gaps
  std::string_view description;  // for logs: "brands, sources, posts …"
  std::string_view sql;          // DDL only: one or more statements, no values from outside
};

// Every migration this binary knows, oldest first. Never edit a released migration: add a new one.
std::span<const Migration> SqliteMigrations();

// The version of the newest migration above.
int LatestSchemaVersion();

// The version `db` is at. kMalformed when the file is not an SQLite database.
Result<int> ReadSchemaVersion(sqlite3* db);

// Applies every migration above the database's version, each in its own BEGIN IMMEDIATE transaction that
// also records the new version, so that a crash leaves the database at a whole version and two processes
// opening a fresh file do not both apply one. A database at a version newer than LatestSchemaVersion() is
// refused with kFailedPrecondition and left untouched.
Status ApplyMigrations(sqlite3* db);

// The kFailedPrecondition error for a database that a newer odziv has migrated.
Error NewerSchemaError(sqlite3* db, int version);

}  // namespace odziv::daemon
