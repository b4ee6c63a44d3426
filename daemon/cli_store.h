// Opening the database from a CLI command, with the messages a person needs when it fails.
#pragma once

#include <memory>
#include <string>

#include "core/store.h"

namespace odziv::daemon {

// Opens (and creates, migrating it to the current schema) the database at `path`.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenStoreForCli(const std::string& path);

// Whether `name` is an IANA time zone this machine knows ("Europe/Sarajevo", "UTC").
bool IsKnownTimeZone(const std::string& name);

}  // namespace odziv::daemon
