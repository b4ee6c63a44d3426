// The `x` platform: X (Twitter) API v2. Polls recent search (the last 7 days only) or a user's mentions
// with since_id, pages with next_token / pagination_token, expands authors with their public metrics,
// replies with POST /2/tweets.
//
// Settings:
//   query          recent-search query, ≤ 512 characters ("acme OR @acme -is:retweet"): search mode
//   user_id        numeric id of the brand's account: mentions mode when `query` is unset; also marks the
//                  brand's own posts (from_brand)
//   brand_handle   the brand's username without '@', for FindBrandReply (search "in_reply_to_tweet_id:…
//                  from:<handle>")
//   token          credential reference (env:NAME, file:/path#KEY) for a Bearer token: app-only for search,
//                  user context (OAuth 2.0 PKCE, tweet.read tweet.write users.read) for mentions and replies
//   base_url       default https://api.x.com
//   max_results    per request, 10–100 (default 100; mentions: 5–100)
// Cursor keys: since (newest id stored), token (next page of an unfinished paging run), newest (the
// run's newest id, becomes `since` once the run's last page is stored).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "platforms/connector.h"
#include "platforms/json_reader.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeXConnector(const Source& source, const ConnectorContext& context);

// One page of /2/tweets/search/recent or /2/users/:id/mentions.
struct XTweetPage {
  std::vector<Post> posts;  // oldest first
  std::string newest_id;    // meta.newest_id; empty when the page is empty
  std::string next_token;   // meta.next_token; empty on the last page
};

// Parses a page of tweets. `brand_user_id` (may be empty) marks the brand's own tweets. Tweets without
// created_at get the time encoded in their id. kMalformed names the endpoint and the field.
[[nodiscard]] Result<XTweetPage> ParseXTweetPage(std::string_view body, const Endpoint& endpoint,
                                                 std::string_view brand_user_id);

// Parses the 201 answer of POST /2/tweets.
[[nodiscard]] Result<PublishedReply> ParseXCreateTweet(std::string_view body, const Endpoint& endpoint);

// {"text":…,"reply":{"in_reply_to_tweet_id":…}}
std::string BuildXReplyBody(std::string_view text, std::string_view in_reply_to);

// The creation time encoded in a snowflake id (ids since November 2010); nullopt for other ids.
std::optional<Timestamp> XSnowflakeTime(std::string_view id);

// True when decimal id `a` is greater than `b` (ids are 64-bit and compared as numbers, never as doubles).
bool XIdGreater(std::string_view a, std::string_view b);

}  // namespace odziv::platforms
