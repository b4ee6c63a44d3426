// The `google_play` platform: reviews of one app through the Google Play Developer API. Google keeps only
// the reviews created or edited in the last 7 days (and only those with text), in no promised order, so
// each run reads every page (token paging) and returns the reviews whose last modification is newer than
// the newest returned before: an edited review comes again. A source polled less often than weekly loses
// reviews. The developer's reply is part of the review and comes as a from_brand comment in its thread.
// Replies with reviews.reply (at most 350 characters; replying again overwrites, so a retried send cannot
// post twice). Authenticates as a service account: an RS256 JWT grant exchanged for an access token,
// cached until shortly before it expires and renewed on 401.
//
// Settings:
//   package_name     the app (required): com.example.app
//   service_account  credential reference to the service account's JSON key file (file:/etc/odziv/play.json)
//   token_url        default: the key file's token_uri, else https://oauth2.googleapis.com/token
//   base_url         default https://androidpublisher.googleapis.com
//   max_results      reviews per page, 1–100 (default 100)
// Cursor: see platforms/review_walk.h (page = the token of a run in progress).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/connector.h"
#include "platforms/json_reader.h"
#include "platforms/review_walk.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeGooglePlayConnector(const Source& source,
                                                                        const ConnectorContext& context);

// Google Play refuses longer replies; odziv refuses them before sending.
inline constexpr std::size_t kGooglePlayReplyMaxChars = 350;

struct GooglePlayReviewPage {
  std::vector<ListedReview> reviews;
  std::string next_page_token;  // tokenPagination.nextPageToken; empty on the last page
};

// The fields of a service account's JSON key file that the JWT grant needs.
struct GoogleServiceAccount {
  std::string client_email;
  std::string private_key;     // PEM
  std::string private_key_id;  // the JWT's kid
  std::string token_uri;       // may be empty
};

// reviews.list.
[[nodiscard]] Result<GooglePlayReviewPage> ParseGooglePlayReviews(std::string_view body, const Endpoint& endpoint);
// reviews.get: one review.
[[nodiscard]] Result<ListedReview> ParseGooglePlayReview(std::string_view body, const Endpoint& endpoint);
// reviews.reply's answer {"result":{"replyText","lastEdited"}}, as the brand's reply to `review_id`.
[[nodiscard]] Result<Post> ParseGooglePlayReply(std::string_view body, const Endpoint& endpoint,
                                                std::string_view review_id);
// A service account key file. kConfig (never quoting the key) when a field is missing or it is not one.
[[nodiscard]] Result<GoogleServiceAccount> ParseGoogleServiceAccount(std::string_view json);

std::string BuildGooglePlayReplyBody(std::string_view text);

}  // namespace odziv::platforms
