// Store-backed tests start from a migrated database in a temporary directory of their own.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "daemon/sqlite_store.h"

namespace odziv::testing {

// A new directory under the system's temporary directory, named after `prefix`, the process, a counter and a
// random number, so that tests running in parallel processes never share one. The caller removes it.
inline std::filesystem::path MakeTempDir(std::string_view prefix) {
  static std::atomic<int> counter{0};
  std::random_device random;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("{}-{}-{}-{}", prefix, ::getpid(), counter++, random());
  std::filesystem::create_directories(dir);
  return dir;
}

// The store on odziv.db in `dir`, created and migrated, reading time from `clock`; a test whose database
// cannot be opened fails here.
inline std::unique_ptr<daemon::SqliteStore> OpenTempStore(const std::filesystem::path& dir, const Clock* clock) {
  daemon::SqliteStoreOptions options;
  options.path = dir / "odziv.db";
  options.clock = clock;
  return std::move(daemon::SqliteStore::Open(options).value());
}

// A source of `brand_id` that the test feeds itself (nothing polls it): X, named `name`.
inline Source AddTestSource(Store& store, std::int64_t brand_id, std::string name = "zrno-x") {
  Source source;
  source.brand_id = brand_id;
  source.name = std::move(name);
  source.platform = "x";
  return store.AddSource(source).value();
}

}  // namespace odziv::testing
