// The `google` platform: reviews of one Google Business Profile location through the My Business API v4.
// Lists reviews by update time, newest first, walking pages (pageToken) until a review returned before,
// so edited reviews come again with edited_at set; the brand's reply is part of the review and comes as
// a from_brand comment in its thread. Replies with PUT …/reply, which creates or overwrites the one reply
// (so a retried send cannot post twice).
//
// Settings:
//   account_id, location_id  the location (required): accounts/{account_id}/locations/{location_id}
//   token          credential reference to an OAuth 2.0 access token (scope business.manage), or instead:
//   refresh_token  credential reference to an OAuth refresh token, with client_id and client_secret
//                  (references too): odziv then obtains access tokens itself at token_url and renews them
//   token_url      default https://oauth2.googleapis.com/token
//   base_url       default https://mybusiness.googleapis.com
//   page_size      reviews per page, 1–50 (default 50)
// Cursor: see platforms/review_walk.h (page = the pageToken of a run in progress).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/connector.h"
#include "platforms/json_reader.h"
#include "platforms/review_walk.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeGoogleBusinessConnector(const Source& source,
                                                                            const ConnectorContext& context);

struct GoogleReviewPage {
  std::vector<ListedReview> reviews;  // as listed: newest update first
  std::string next_page_token;
};

// accounts.locations.reviews.list.
[[nodiscard]] Result<GoogleReviewPage> ParseGoogleReviews(std::string_view body, const Endpoint& endpoint);
// accounts.locations.reviews.get: one Review.
[[nodiscard]] Result<ListedReview> ParseGoogleReview(std::string_view body, const Endpoint& endpoint);
// The ReviewReply that PUT …/reply answers with, as the brand's reply to review `review_id`.
[[nodiscard]] Result<Post> ParseGoogleReviewReply(std::string_view body, const Endpoint& endpoint,
                                                  std::string_view review_id);

std::string BuildGoogleReplyBody(std::string_view text);

}  // namespace odziv::platforms
