// ConnectorCache: keeps one connector per source for a stage that calls platforms again and again (the
// delivery worker posting replies, the SLA watchdog asking for them), so that a connector's session or
// access token (Bluesky, Reddit, Trustpilot, Google) is reused instead of a new login per call. A source
// whose platform or settings changed gets a new connector. Not thread-safe: one cache per stage thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/brand.h"
#include "core/error.h"
#include "platforms/connector.h"

namespace odziv::daemon {

// Makes the connector that serves `source` (platforms::MakeConnector in the daemon; a stand-in in tests).
using ConnectorFactory = std::function<Result<std::unique_ptr<platforms::Connector>>(const Source&)>;

class ConnectorCache {
 public:
  explicit ConnectorCache(ConnectorFactory make) : make_(std::move(make)) {}

  // The connector for `source`, made on first use and again when its platform or settings change. The
  // pointer stays valid until the next call for the same source. Errors: the factory's.
  [[nodiscard]] Result<platforms::Connector*> Get(const Source& source);

 private:
  struct Entry {
    std::string platform;
    std::map<std::string, std::string> settings;
    std::unique_ptr<platforms::Connector> connector;
  };
  ConnectorFactory make_;
  std::map<std::int64_t, Entry> entries_;
};

}  // namespace odziv::daemon
