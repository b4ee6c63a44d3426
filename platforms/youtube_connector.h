// The `youtube` platform: YouTube Data API v3 comment threads of a channel (all its videos) or of one
// video, newest first with order=time, walked until a known comment; replies with comments.insert. Every
// call's quota units are counted against the source's daily budget, which resets at midnight Pacific time
// like YouTube's own quota.
//
// Settings:
//   channel_id   the brand's channel (UC…): allThreadsRelatedToChannelId, and marks the brand's comments
//   video_id     one video instead of the whole channel
//   token        credential reference to an OAuth 2.0 access token (scope youtube.force-ssl): needed to reply
//   api_key      credential reference to an API key: enough for reading public comments
//   base_url     default https://www.googleapis.com
//   max_results  threads per page, 1–100 (default 100)
//   daily_quota  units this source may spend per Pacific day (default 10000, the default project quota;
//                lower it when several sources share one project)
// Cursor keys: known, known_at (newest top-level comment stored and its time, where the walk stops),
// token, run_newest, run_newest_at (a paging run in progress, resumable after a restart).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/connector.h"
#include "platforms/json_reader.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeYouTubeConnector(const Source& source,
                                                                     const ConnectorContext& context);

// Quota units per call (developers.google.com/youtube/v3/determine_quota_cost).
inline constexpr int kYouTubeListCost = 1;
inline constexpr int kYouTubeInsertCost = 50;

struct YouTubeThread {
  std::string id;          // thread id = top-level comment id
  Timestamp published{};   // of the top-level comment
  std::vector<Post> posts;  // the top-level comment, then its embedded replies oldest first
};

struct YouTubeThreadPage {
  std::vector<YouTubeThread> threads;  // as on the wire: newest first
  std::string next_page_token;
};

// commentThreads.list. `brand_channel_id` (may be empty) marks the brand's comments.
[[nodiscard]] Result<YouTubeThreadPage> ParseYouTubeThreads(std::string_view body, const Endpoint& endpoint,
                                                            std::string_view brand_channel_id);
// comments.list (replies of one thread): oldest first.
[[nodiscard]] Result<std::vector<Post>> ParseYouTubeComments(std::string_view body, const Endpoint& endpoint,
                                                             std::string_view brand_channel_id);
// One comment (comments.insert answer) or one thread (commentThreads.insert answer).
[[nodiscard]] Result<Post> ParseYouTubeComment(std::string_view body, const Endpoint& endpoint,
                                               std::string_view brand_channel_id);

std::string BuildYouTubeReplyBody(std::string_view parent_id, std::string_view text);

}  // namespace odziv::platforms
