#include "daemon/connector_cache.h"

namespace odziv::daemon {

Result<platforms::Connector*> ConnectorCache::Get(const Source& source) {
  auto found = entries_.find(source.id);
  if (found != entries_.end() && found->second.platform == source.platform &&
      found->second.settings == source.settings)
    return found->second.connector.get();
  auto made = make_(source);
  if (!made) return Fail(made.error());
  Entry& entry = entries_[source.id];
  entry = Entry{source.platform, source.settings, std::move(*made)};
  return entry.connector.get();
}

}  // namespace odziv::daemon
