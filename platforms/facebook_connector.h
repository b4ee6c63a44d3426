// The `facebook` platform: a Facebook Page through the Graph API. Polls the Page's feed (visitor posts
// and the Page's own posts) with their comments in one request by field expansion, or the comments of one
// post; replies to a post or a comment. Page ratings (recommendations) are gone from the Graph API
// (error 12 since v22.0) and are not polled.
//
// Settings:
//   page_id        the Page's id (required)
//   token          credential reference to a Page access token (pages_read_engagement,
//                  pages_read_user_content, pages_manage_engagement, pages_show_list)
//   post_id        poll the comments of this one post ("{page-id}_{post-id}") instead of the feed
//   base_url       default https://graph.facebook.com
//   api_version    default v21.0
//   lookback_days  how far back the feed is read for new comments on older posts, 1–30 (default 7)
//   limit          posts (or comments) per page, 1–100 (default 25)
// Cursor keys: after_ms / after_edge (a Watermark: newest item time returned and the ids at exactly that
// time; older items are not returned again), page (query of the next page of an unfinished run), run_ms /
// run_edge (the run's newest, becomes the watermark when the run ends).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/connector.h"
#include "platforms/json_reader.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeFacebookConnector(const Source& source,
                                                                      const ConnectorContext& context);

struct GraphPage {
  std::vector<Post> posts;  // oldest first; for the feed, each post followed in time by its comments
  std::string next_query;   // query of paging.next without the token; empty on the last page
};

// GET /{page-id}/feed with fields including comments{…}. `page_id` marks the Page's own posts and comments.
[[nodiscard]] Result<GraphPage> ParseFacebookFeed(std::string_view body, const Endpoint& endpoint,
                                                  std::string_view page_id);
// GET /{object-id}/comments. `object_id` is the post (or comment) the comments belong to.
[[nodiscard]] Result<GraphPage> ParseFacebookComments(std::string_view body, const Endpoint& endpoint,
                                                      std::string_view object_id, std::string_view page_id);
// POST /{id}/comments answer: {"id": …} (plus any requested fields).
[[nodiscard]] Result<PublishedReply> ParseGraphCreated(std::string_view body, const Endpoint& endpoint);

// Graph times: "2021-08-10T18:45:03+0000".
Timestamp GraphTime(const JsonView& value);

}  // namespace odziv::platforms
