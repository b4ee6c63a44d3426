// The `app_store` platform: customer reviews of one app through the App Store Connect API, newest first
// (sort=-createdDate), following links.next until a review returned before; the developer response is
// included with its review (include=response) and comes as a from_brand comment in its thread. Replies by
// creating a customerReviewResponses resource, which replaces the review's one response (so a retried
// send cannot post twice); Apple publishes it later (state PENDING_PUBLISH, then PUBLISHED), and
// FindBrandReply reports a response only once it is PUBLISHED. Requests carry an ES256 JWT that odziv
// signs with the team's API key, valid 20 minutes and reused until shortly before it expires.
//
// Settings:
//   app_id       the app's Apple id (required)
//   issuer_id    the API key's issuer id (required; from Users and Access → Integrations)
//   key_id       the API key's id (required)
//   private_key  credential reference to the key's .p8 file (file:/etc/odziv/AuthKey_ABC.p8)
//   base_url     default https://api.appstoreconnect.apple.com
//   limit        reviews per page, 1–200 (default 200)
// Cursor: see platforms/review_walk.h (page = path and query of links.next of a run in progress).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platforms/connector.h"
#include "platforms/json_reader.h"
#include "platforms/review_walk.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeAppStoreConnector(const Source& source,
                                                                      const ConnectorContext& context);

// App Store Connect JWTs may live at most this long.
inline constexpr std::chrono::seconds kAppStoreTokenLifetime{1200};

struct AppStoreReviewPage {
  std::vector<ListedReview> reviews;  // as listed: newest first
  std::string next_url;               // links.next, absolute; empty on the last page
};

struct AppStoreResponse {
  Post reply;         // the brand's reply: external_id is the response's id
  std::string state;  // "PENDING_PUBLISH" or "PUBLISHED"
};

// GET /v1/apps/{id}/customerReviews (with include=response).
[[nodiscard]] Result<AppStoreReviewPage> ParseAppStoreReviews(std::string_view body, const Endpoint& endpoint);
// A customerReviewResponses document (POST /v1/customerReviewResponses, GET /v1/customerReviews/{id}/response),
// the response to review `review_id`. nullopt when its data is null (no response).
[[nodiscard]] Result<std::optional<AppStoreResponse>> ParseAppStoreResponse(std::string_view body, const Endpoint& endpoint,
                                                                            std::string_view review_id);

std::string BuildAppStoreResponseBody(std::string_view review_id, std::string_view text);

}  // namespace odziv::platforms
