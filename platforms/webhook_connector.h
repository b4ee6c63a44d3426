// The `webhook` platform: posts pushed to the daemon's POST /webhooks/{source} in odziv's generic JSON
// format, by a system that has no connector of its own (a forum, a shop's review widget, an in-house tool).
// Nothing is polled: Fetch returns an empty page and keeps the cursor, so scheduling such a source is harmless.
// Replies cannot be posted through it.
//
// Settings:
//   secret   credential reference to the HMAC key the sender signs with (X-Odziv-Signature; see
//            platforms/push_signature.h)
// Body:
//   {"posts": [{"id": "f-1", "text": "…", "kind": "mention|comment|review|message",
//               "author": {"id", "handle", "name", "reach"}, "created_at": "2026-11-01T10:00:00Z",
//               "thread_id", "parent_id", "url", "rating": 1-5, "language": "en"}]}
// Only "id" is required; thread_id defaults to the id, kind to mention, created_at to the time received.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "platforms/connector.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeWebhookConnector(const Source& source,
                                                                      const ConnectorContext& context);

// Largest number of posts one push may carry (a bigger batch is split by the sender).
inline constexpr std::size_t kMaxPostsPerPush = 1000;

// Parses a generic push body into posts of platform "webhook" (pure). kMalformed names what is wrong: not
// JSON, no "posts" array, more than kMaxPostsPerPush posts, or post N's field (missing id, unknown kind,
// rating outside 1–5, created_at not ISO 8601).
[[nodiscard]] Result<std::vector<Post>> ParseWebhookPush(std::string_view body, Timestamp now);

}  // namespace odziv::platforms
