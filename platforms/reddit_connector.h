// The `reddit` platform: Reddit's Data API (oauth.reddit.com). Polls one listing per source, newest items
// first on the wire and oldest first to odziv: a subreddit's new posts or new comments, a search, or the
// brand account's username mentions. Each poll asks for the items just newer than the newest one stored
// (`before=<fullname>`), so nothing between two polls is skipped. Replies with POST /api/comment.
//
// Authentication is Reddit's OAuth token exchange (POST /api/v1/access_token with the app's client id and
// secret as HTTP Basic), done by the connector and kept in the instance: grant `password` for a "script"
// app acting as the brand account (mentions and replies need it), `refresh_token` for a web app, and
// `client_credentials` (read-only) otherwise. The token is renewed before it expires and when refused.
//
// Settings:
//   subreddit       name without "r/": polls its new posts (or comments: see `listing`); restricts `query`
//   listing         new (default) or comments: which listing of `subreddit` to poll
//   query           search instead (posts only; Reddit has no comment search), sorted by new
//   (neither)       the account's username mentions (GET /message/mentions, left unread; needs
//                   `username`/`password` or `refresh_token`)
//   client_id       the app's client id (not a secret)
//   client_secret   credential reference for the app's secret (installed apps have none: leave unset)
//   username        the brand account, with `password` (a credential reference): grant `password`
//   refresh_token   credential reference: grant `refresh_token` (when no `password`)
//   brand_username  marks the brand's own posts and finds its replies (defaults to `username`)
//   user_agent      Reddit requires a unique one ("<platform>:<app id>:<version> (by /u/<name>)");
//                   default "odziv:<client_id>:0.1 (by /u/<brand_username>)", so one of them must be set
//   base_url        API host, default https://oauth.reddit.com
//   auth_url        token host (POST /api/v1/access_token), default https://www.reddit.com; not named
//                   token_url, as settings with "token" in the name must be credential references
//   limit           items per request, 1–100 (default 100)
// Cursor keys: before (fullname of the newest item stored), before_ms (its creation time). When Reddit
// no longer lists the `before` item (removed), the newest page is read instead and items from before_ms on
// are returned, so a removed item cannot stall the source.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "platforms/connector.h"
#include "platforms/json_reader.h"
#include "platforms/token_session.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeRedditConnector(const Source& source,
                                                                    const ConnectorContext& context);

// One page of a Reddit listing ({"kind":"Listing","data":{"children":[…],"after","before"}}).
struct RedditListing {
  std::vector<Post> posts;  // links (t3) and comments (t1), oldest first; other kinds are skipped
  std::string newest;       // fullname of the newest child; empty for an empty page
  Timestamp newest_at{};    // its creation time
  std::size_t items = 0;    // children on the page, skipped ones included
  std::string after;        // data.after: the next older page; empty on the last
};

// Parses a listing: /r/{sub}/new, /r/{sub}/comments, /search, /message/mentions, /user/{name}/comments.
// Ids are fullnames ("t3_48fbm9", "t1_ekftbox"), as Reddit's thing_id, before and after take them.
// `brand_username` (may be empty) marks the brand's own items. Items whose text is "[deleted]" or
// "[removed]" are marked deleted (at their edit time, else their creation time: Reddit does not say when).
// kMalformed names the endpoint and the field.
[[nodiscard]] Result<RedditListing> ParseRedditListing(std::string_view body, const Endpoint& endpoint,
                                                       std::string_view brand_username);

// Parses the token endpoint's answer ({"access_token","expires_in",…}) received at `now`. An answer with
// "error" (200 with {"error":"invalid_grant"}, as Reddit sends for a wrong password) is kUnauthenticated.
[[nodiscard]] Result<TokenGrant> ParseRedditToken(std::string_view body, const Endpoint& endpoint, Timestamp now);

// Parses the answer of POST /api/comment with api_type=json. Reddit reports refusals inside HTTP 200 as
// {"json":{"errors":[[CODE, message, field]]}}: RATELIMIT is kRateLimited with the wait its message names
// ("try again in 4 minutes."), any other code kFailedPrecondition with Reddit's words.
[[nodiscard]] Result<PublishedReply> ParseRedditComment(std::string_view body, const Endpoint& endpoint);

// api_type=json&thing_id=…&text=… (form-encoded).
std::string BuildRedditReplyBody(std::string_view text, std::string_view thing_id);

// The wait in a RATELIMIT message: "try again in 4 minutes." → 240 s, "in 9 seconds" → 9 s; nullopt when
// the message names none.
std::optional<std::chrono::seconds> RedditRateLimitWait(std::string_view message);

}  // namespace odziv::platforms
