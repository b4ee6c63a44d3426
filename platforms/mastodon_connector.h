// The `mastodon` platform: any Mastodon instance (and compatible servers). Polls the brand account's
// mention notifications, or a full-text search (which covers only what the instance indexes: see
// docs/platforms.md), with min_id so that each page holds the oldest unseen items; replies with
// in_reply_to_id and an Idempotency-Key, so a retried delivery is not posted twice.
//
// Settings:
//   base_url     the instance, e.g. https://mastodon.social (required: there is no default instance)
//   token        credential reference for the brand account's OAuth token (read:notifications
//                read:search read:statuses write:statuses)
//   query        full-text search instead of mentions (GET /api/v2/search?type=statuses)
//   account_id   the brand account's id on that instance: marks its own posts and finds its replies
//   limit        per request, 1–40 (default 40)
//   visibility   of replies to public posts: public or unlisted (default public); replies to private and
//                direct posts keep the original's visibility
// Cursor keys: min_id (newest notification or status id stored).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/connector.h"
#include "platforms/json_reader.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeMastodonConnector(const Source& source,
                                                                      const ConnectorContext& context);

struct MastodonPage {
  std::vector<Post> posts;  // oldest first
  std::string newest_id;    // the id to resume after (notification id for notifications, status id for search)
  std::size_t items = 0;    // entries in the response, including those skipped (other notification types)
};

// GET /api/v1/notifications: mentions become posts (other types are skipped); direct mentions are messages.
[[nodiscard]] Result<MastodonPage> ParseMastodonNotifications(std::string_view body, const Endpoint& endpoint,
                                                              std::string_view brand_account_id);
// GET /api/v2/search (the "statuses" array).
[[nodiscard]] Result<MastodonPage> ParseMastodonSearch(std::string_view body, const Endpoint& endpoint,
                                                       std::string_view brand_account_id);
// An array of statuses (timelines, account statuses, context descendants).
[[nodiscard]] Result<MastodonPage> ParseMastodonStatuses(std::string_view body, const Endpoint& endpoint,
                                                         std::string_view brand_account_id);
// One status (POST /api/v1/statuses, GET /api/v1/statuses/:id).
[[nodiscard]] Result<Post> ParseMastodonStatus(std::string_view body, const Endpoint& endpoint,
                                               std::string_view brand_account_id);

// The form body of POST /api/v1/statuses.
std::string BuildMastodonReplyBody(std::string_view text, std::string_view in_reply_to, std::string_view visibility);

}  // namespace odziv::platforms
