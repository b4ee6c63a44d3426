// The `trustpilot` platform: service reviews of one business unit through Trustpilot's private API, read
// oldest first from a start time (startDateTime, the newest review returned) with page paging; the
// company's reply is part of the review and comes as a from_brand comment in its thread. Replies with
// POST …/reply, which replaces the one reply a review can have (so a retried send cannot post twice).
// Business-user OAuth: a token from the access-token endpoint (Basic API key:secret), renewed with its
// refresh token before it expires; Trustpilot throttles renewals itself, and odziv waits as told.
//
// Settings:
//   business_unit_id  the business unit (required)
//   api_key, api_secret  credential references to the application's key and secret (required)
//   username, password   credential references to a business user (password grant); without them the
//                        client_credentials grant is used
//   business_user_id  the business user replies are posted as (authorBusinessUserId): needed to reply
//   base_url          default https://api.trustpilot.com
//   token_url         default <base_url>/v1/oauth/oauth-business-users-for-applications/accesstoken
//   refresh_url       default <base_url>/v1/oauth/oauth-business-users-for-applications/refresh
//   per_page          reviews per page, 1–100 (default 100)
//   lookback_days     how far back the first poll reads, 1–365 (default 7)
// Cursor keys: after_ms / after_edge (a Watermark on creation time), page (page number at the same start
// time, only while more reviews than a page share it).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/connector.h"
#include "platforms/json_reader.h"
#include "platforms/review_walk.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeTrustpilotConnector(const Source& source,
                                                                        const ConnectorContext& context);

// GET /v1/private/business-units/{id}/reviews: the reviews as listed. A page past the end is empty.
[[nodiscard]] Result<std::vector<ListedReview>> ParseTrustpilotReviews(std::string_view body, const Endpoint& endpoint);
// GET /v1/reviews/{id}: one review.
[[nodiscard]] Result<ListedReview> ParseTrustpilotReview(std::string_view body, const Endpoint& endpoint);

std::string BuildTrustpilotReplyBody(std::string_view business_user_id, std::string_view text);

// Trustpilot's zone-less UTC form for startDateTime: "2013-09-07T13:37:00".
std::string TrustpilotTime(Timestamp t);

}  // namespace odziv::platforms
