#include "daemon/cli_store.h"

#include <filesystem>

#include "daemon/sqlite_store.h"

namespace odziv::daemon {

Result<std::unique_ptr<Store>> OpenStoreForCli(const std::string& path) {
  SqliteStoreOptions options;
  options.path = path;
  options.create_if_missing = true;
  return OpenSqliteStore(options);
}

bool IsKnownTimeZone(const std::string& name) {
  if (name == "UTC") return true;
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / name, ec);
}

}  // namespace odziv::daemon
