// The `instagram` platform: an Instagram professional account through the Graph API. Polls the comments
// (and their replies) on the account's recent media, or on one media; mentions of the account arrive only
// by webhook, and InstagramMentionsFromWebhook + FetchInstagramMention turn one into a post. Replies go to
// top-level comments (POST /{comment-id}/replies) or, for a mention, to POST /{ig-user-id}/mentions.
//
// Settings:
//   ig_user_id     the professional account's id (required)
//   username       its username, to mark its own comments and find its replies
//   token          credential reference to the access token (instagram_basic, instagram_manage_comments,
//                  pages_show_list, pages_read_engagement; or Instagram Login's instagram_business_*)
//   media_id       poll one media's comments instead of the recent media's
//   base_url       default https://graph.facebook.com (https://graph.instagram.com for Instagram Login)
//   api_version    default v21.0
//   media_limit    recent media read per poll, 1–50 (default 10)
//   limit          comments per page, 1–100 (default 50)
// Cursor keys: after_ms / after_edge (Watermark of the newest comment returned), page / run_ms / run_edge
// (an unfinished newest-first run, resumable after a restart).
// Ids: thread_id is the top-level comment (replies attach there); a mention's thread_id is
// "mention:<media-id>", which Publish recognises.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/connector.h"
#include "platforms/json_reader.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeInstagramConnector(const Source& source,
                                                                       const ConnectorContext& context);

struct InstagramCommentPage {
  std::vector<Post> posts;  // oldest first; replies included
  std::string next_query;   // paging.next's query without the token
  // The oldest top-level comment's time (newest-first walks stop once it is behind the watermark).
  std::optional<Timestamp> oldest_top_level;
};

// GET /{ig-media-id}/comments (fields id,text,timestamp,username,like_count,replies{…}).
[[nodiscard]] Result<InstagramCommentPage> ParseInstagramComments(std::string_view body, const Endpoint& endpoint,
                                                                  std::string_view username);
// GET /{ig-comment-id}/replies.
[[nodiscard]] Result<InstagramCommentPage> ParseInstagramReplies(std::string_view body, const Endpoint& endpoint,
                                                                 std::string_view parent_id, std::string_view username);
// GET /{ig-user-id}/media with comments{…} expanded.
[[nodiscard]] Result<InstagramCommentPage> ParseInstagramMedia(std::string_view body, const Endpoint& endpoint,
                                                               std::string_view username);
// GET /?ids=a,b&fields=…: comments keyed by id.
[[nodiscard]] Result<std::vector<Post>> ParseInstagramCommentsById(std::string_view body, const Endpoint& endpoint,
                                                                   std::string_view username);
// GET /{ig-user-id}?fields=mentioned_comment.comment_id(…){…}: the mention as a post.
[[nodiscard]] Result<Post> ParseInstagramMentionedComment(std::string_view body, const Endpoint& endpoint,
                                                          std::string_view media_id);

struct InstagramMention {
  std::string ig_user_id;
  std::string comment_id;
  std::string media_id;
};
// The mentions in a webhook delivery ({"object":"instagram","entry":[{"id","changes":[{"field":"mentions",
// "value":{"comment_id","media_id"}}]}]}); other fields are skipped.
[[nodiscard]] Result<std::vector<InstagramMention>> InstagramMentionsFromWebhook(std::string_view body);

// Fetches the comment a webhook named, for the source's account. Errors as for Connector::Fetch.
[[nodiscard]] Result<Post> FetchInstagramMention(const Source& source, const ConnectorContext& context,
                                                 const InstagramMention& mention);

}  // namespace odziv::platforms
