// The one list of connectors odziv knows. No static self-registration: adding a platform means adding a
// line to registry.cpp.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "platforms/connector.h"

namespace odziv::platforms {

// Every platform, in a stable order.
std::span<const PlatformInfo> Platforms();

// The platform's info, or nullptr for an unknown name.
const PlatformInfo* FindPlatform(std::string_view name);

// Whether the platform recognises a repeated reply by its idempotency key (ReplyRequest::idempotency_key)
// and answers with the first reply instead of posting a second: Mastodon's Idempotency-Key, the replay demo.
bool HonoursIdempotencyKey(std::string_view platform);

// A connector for `source`. kConfig when the platform is unknown or the source's settings cannot work
// (the message names the setting); credentials are resolved here, so a missing secret is reported before
// the first poll.
[[nodiscard]] Result<std::unique_ptr<Connector>> MakeConnector(const Source& source, const ConnectorContext& context);

}  // namespace odziv::platforms
