// The `bluesky` platform: Bluesky over the AT Protocol's XRPC. Polls the brand account's mention and reply
// notifications, or a post search (searchPosts, sort=latest). Both list newest first with an opaque
// cursor to older pages and have no "since id": a poll walks back from the newest page until it meets an
// item already returned (by indexedAt, ties told apart by URI), recording where an unfinished walk stands
// in the cursor, so that neither a burst nor a restart loses an item. Replies are app.bsky.feed.post
// records created with com.atproto.repo.createRecord, carrying `reply.root` / `reply.parent` strong
// references and facets (mentions, links) at UTF-8 byte offsets.
//
// Authentication is an XRPC session made by the connector and kept in the instance:
// com.atproto.server.createSession with the handle and an app password, then refreshSession with the
// refresh JWT whenever the access JWT is refused (ExpiredToken); a new session when that fails too.
//
// Settings:
//   handle        the brand account's handle (or DID), e.g. zrno.bsky.social
//   app_password  credential reference for an app password (Settings → Privacy and security → App passwords)
//   query         searchPosts query instead of notifications (all of Bluesky, newest first)
//   reasons       notification reasons to read: comma list of mention, reply, quote (default mention,reply)
//   base_url      the account's PDS or the entryway, default https://bsky.social
//   session_url   where sessions are made, default `base_url`
//   limit         items per request, 1–100 (default 50)
// Cursor keys: seen_ms / seen_edge (newest indexedAt returned, and the URIs at that millisecond), page
// (the platform cursor of an unfinished walk), run_ms / run_edge (that walk's newest item).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "platforms/connector.h"
#include "platforms/json_reader.h"
#include "platforms/token_session.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeBlueskyConnector(const Source& source,
                                                                     const ConnectorContext& context);

struct BlueskyItem {
  Post post;             // external_id is the AT-URI; thread_id the reply root's URI
  Timestamp indexed_at;  // when the AppView saw it: the order both listings page in
};

// One page of app.bsky.feed.searchPosts or app.bsky.notification.listNotifications.
struct BlueskyPage {
  std::vector<BlueskyItem> items;  // oldest first; notifications of other reasons are left out
  std::size_t listed = 0;          // entries on the page, left-out ones included
  std::string cursor;              // the next older page; empty on the last
};

// Parses a searchPosts page ({"posts":[postView…],"cursor"}). `brand_did` (may be empty) marks the brand's
// own posts. kMalformed names the endpoint and the field.
[[nodiscard]] Result<BlueskyPage> ParseBlueskySearch(std::string_view body, const Endpoint& endpoint,
                                                     std::string_view brand_did);

// Parses a listNotifications page, keeping the reasons in `reasons` (mention → kMention, reply → kComment,
// quote → kMention).
[[nodiscard]] Result<BlueskyPage> ParseBlueskyNotifications(std::string_view body, const Endpoint& endpoint,
                                                            std::string_view brand_did,
                                                            const std::vector<std::string>& reasons);

struct BlueskySession {
  TokenGrant grant;  // access = accessJwt, refresh = refreshJwt
  std::string did;   // the account, the `repo` replies are written to
};

// Parses the answer of createSession or refreshSession.
[[nodiscard]] Result<BlueskySession> ParseBlueskySession(std::string_view body, const Endpoint& endpoint);

// A strong reference to a record: what a reply names its root and parent by.
struct BlueskyRef {
  std::string uri;
  std::string cid;
};

struct BlueskyReplyRefs {
  BlueskyRef root;
  BlueskyRef parent;
};

// The references a reply to the first post of an app.bsky.feed.getPosts answer needs: the post itself as
// parent, and its own reply root (or itself, for a top-level post) as root. kFailedPrecondition when the
// answer lists no post (deleted, or hidden from the account).
[[nodiscard]] Result<BlueskyReplyRefs> ParseBlueskyReplyRefs(std::string_view body, const Endpoint& endpoint);

// Parses the answer of createRecord ({"uri","cid",…}): the new post's URI and its bsky.app link.
[[nodiscard]] Result<PublishedReply> ParseBlueskyCreatedRecord(std::string_view body, const Endpoint& endpoint);

// A span of reply text that Bluesky shows as a mention or a link, at UTF-8 byte offsets [start, end).
struct BlueskyFacet {
  enum class Kind { kMention, kLink };
  Kind kind = Kind::kLink;
  std::size_t byte_start = 0;
  std::size_t byte_end = 0;
  std::string value;  // the handle without '@' (mentions), the URL (links)
  std::string did;    // mentions: the DID the handle resolves to; a mention without one is left out
};

// Finds @handles (at least one dot: "@zrno.bsky.social") and http(s) URLs in `text`. A mention or link
// starts the text or follows a space or an opening bracket; trailing punctuation is not part of it.
// Offsets count UTF-8 bytes, as Bluesky's facets do, so text before a span may be Cyrillic or emoji.
std::vector<BlueskyFacet> FindBlueskyFacets(std::string_view text);

// The createRecord request body for a reply by `repo_did`, created at `created_at`. Mentions without a
// DID are left out of the facets (the text keeps the handle).
std::string BuildBlueskyReplyRecord(std::string_view repo_did, std::string_view text,
                                    const std::vector<BlueskyFacet>& facets, const BlueskyReplyRefs& refs,
                                    Timestamp created_at);

// "https://bsky.app/profile/<handle or did>/post/<rkey>" for an AT-URI "at://<did>/app.bsky.feed.post/<rkey>";
// empty for other URIs.
std::string BlueskyPostUrl(std::string_view uri, std::string_view handle);

}  // namespace odziv::platforms
