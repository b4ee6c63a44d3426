#include "platforms/app_store_connector.h"

#include <fmt/format.h>

#include <map>

#include "platforms/access_token.h"
#include "platforms/jwt.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "app_store";

Timestamp Time(const JsonView& v) {
  auto t = ParseIsoTimestamp(v.String());
  if (!t) v.Bad("is not an ISO 8601 time");
  return *t;
}

Post ReviewFrom(const JsonView& r) {
  Post post;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kReview;
  post.external_id = r.At("id").String();
  if (post.external_id.empty() || post.external_id.find('/') != std::string::npos) r.At("id").Bad("is not a review id");
  post.thread_id = post.external_id;
  const JsonView a = r.At("attributes");
  std::int64_t rating = a.At("rating").Int();
  if (rating < 1 || rating > 5) a.At("rating").Bad("is not 1 to 5");
  post.rating = static_cast<int>(rating);
  std::string title = a.StringOr("title");
  std::string body = a.StringOr("body");
  post.text = title.empty() ? body : body.empty() ? title : title + "\n\n" + body;
  post.author.name = a.StringOr("reviewerNickname");
  post.created_at = Time(a.At("createdDate"));
  return post;
}

AppStoreResponse ResponseFrom(const JsonView& r, const Post& review) {
  const JsonView a = r.At("attributes");
  AppStoreResponse out;
  out.state = a.StringOr("state");
  out.reply = BrandReplyPost(review, r.At("id").String(), a.StringOr("responseBody"), Time(a.At("lastModifiedDate")));
  return out;
}

// The path and query of an absolute URL ("https://host/v1/x?cursor=A" → "/v1/x?cursor=A").
std::string PathAndQuery(std::string_view url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  return slash == std::string_view::npos ? std::string() : std::string(url.substr(slash));
}

class AppStoreConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string app_id;
    std::int64_t limit = 200;
  };

  AppStoreConnector(Config config, std::unique_ptr<TokenCache> tokens, const ConnectorContext& ctx)
      : config_(std::move(config)), tokens_(std::move(tokens)), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor) override {
    auto walk = ReviewWalk::Resume(cursor, kPlatform);
    if (!walk) return std::unexpected(walk.error());
    const std::string list_path = "/v1/apps/" + UrlEncode(config_.app_id) + "/customerReviews";
    std::string url;
    if (walk->page().empty()) {
      url = JoinUrl(config_.base_url, list_path,
                    {{"sort", "-createdDate"}, {"limit", std::to_string(config_.limit)}, {"include", "response"}});
    } else if (walk->page().starts_with(list_path + "?")) {
      url = config_.base_url + walk->page();
    } else {
      return Fail(ErrorCode::kMalformed, "app_store: the cursor's page is not a page of this app's reviews");
    }
    const Endpoint endpoint{std::string(kPlatform), "GET /v1/apps/{id}/customerReviews"};
    auto response = Send("GET", std::move(url), "", endpoint, Purpose::kRead, false);
    if (!response) return std::unexpected(response.error());
    auto page = ParseAppStoreReviews(response->body, endpoint);
    if (!page) return std::unexpected(page.error());
    // Apple's next link points at its own host; the run continues through base_url (a proxy, a test server).
    std::string next = PathAndQuery(page->next_url);
    if (!page->next_url.empty() && !next.starts_with(list_path + "?"))
      return Fail(ErrorCode::kMalformed, "app_store GET /v1/apps/{id}/customerReviews: links.next is not a page of this app's reviews");
    return walk->TakePage(page->reviews, next, ListingOrder::kNewestFirst);
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    if (reply.in_reply_to.empty() || reply.in_reply_to.find('/') != std::string::npos)
      return Fail(ErrorCode::kInvalidArgument, "app_store: a reply needs the review id it answers");
    const Endpoint endpoint{std::string(kPlatform), "POST /v1/customerReviewResponses"};
    auto response = Send("POST", JoinUrl(config_.base_url, "/v1/customerReviewResponses"),
                         BuildAppStoreResponseBody(reply.in_reply_to, reply.text), endpoint, Purpose::kWrite, false);
    if (!response) return std::unexpected(response.error());
    auto created = ParseAppStoreResponse(response->body, endpoint, reply.in_reply_to);
    if (!created) return std::unexpected(created.error());
    if (!*created) return Fail(ErrorCode::kMalformed, endpoint.Describe() + ": data is null");
    return PublishedReply{(*created)->reply.external_id, ""};
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    const std::string review_id(post_external_id.substr(0, post_external_id.find('/')));
    const Endpoint endpoint{std::string(kPlatform), "GET /v1/customerReviews/{id}/response"};
    auto response = Send("GET", JoinUrl(config_.base_url, "/v1/customerReviews/" + UrlEncode(review_id) + "/response"), "",
                         endpoint, Purpose::kRead, true);
    if (!response) return std::unexpected(response.error());
    if (response->status == 404) return std::optional<Post>();
    auto found = ParseAppStoreResponse(response->body, endpoint, review_id);
    if (!found) return std::unexpected(found.error());
    // A response waiting for Apple is not on the App Store yet: the case waits until it is published.
    if (!*found || (*found)->state != "PUBLISHED") return std::optional<Post>();
    return std::optional<Post>(std::move((*found)->reply));
  }

 private:
  // A JWT is signed here, not issued: a 401 is not cured by signing again at once, so unlike
  // SendWithToken nothing is resent; the next call signs a new token.
  Result<HttpResponse> Send(std::string method, std::string url, std::string body, const Endpoint& endpoint,
                            Purpose purpose, bool not_found_is_answer) {
    const Timestamp now = ctx_.clock.Now();
    auto token = tokens_->Get(now);
    if (!token) return std::unexpected(token.error().WithContext(std::string(kPlatform)));
    HttpRequest request = JsonRequest(std::move(method), std::move(url), std::move(body));
    request.headers.emplace_back("Authorization", "Bearer " + *token);
    auto response = ctx_.http.Send(request);
    if (!response) return std::unexpected(response.error().WithContext(endpoint.Describe()));
    if (not_found_is_answer && response->status == 404) return response;
    auto status = CheckResponse(*response, endpoint, Dialect::kGeneric, purpose, now);
    if (!status) {
      if (status.error().code == ErrorCode::kUnauthenticated) tokens_->Invalidate();
      return std::unexpected(status.error());
    }
    return response;
  }

  Config config_;
  std::unique_ptr<TokenCache> tokens_;
  ConnectorContext ctx_;
};

}  // namespace

Result<AppStoreReviewPage> ParseAppStoreReviews(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    // Included responses by id; a review names its own in relationships.response.data.
    std::map<std::string, JsonView> responses;
    for (const auto& inc : root.ArrayOr("included"))
      if (inc.StringOr("type") == "customerReviewResponses") responses.emplace(inc.At("id").String(), inc);
    AppStoreReviewPage page;
    for (const auto& r : root.At("data").Array()) {
      ListedReview listed;
      listed.review = ReviewFrom(r);
      std::optional<JsonView> linked;
      if (auto rel = r.Find("relationships"))
        if (auto resp = rel->Find("response"))
          if (auto data = resp->Find("data")) linked = data->At("id");
      if (linked) {
        auto it = responses.find(linked->String());
        if (it != responses.end()) listed.brand_reply = ResponseFrom(it->second, listed.review).reply;
      }
      page.reviews.push_back(std::move(listed));
    }
    if (auto links = root.Find("links")) page.next_url = links->StringOr("next");
    return page;
  });
}

Result<std::optional<AppStoreResponse>> ParseAppStoreResponse(std::string_view body, const Endpoint& endpoint,
                                                              std::string_view review_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) -> std::optional<AppStoreResponse> {
    auto data = root.Find("data");
    if (!data) {
      if (!root.IsObject() || !root.raw().has_field("data")) root.At("data");  // absent, not null: malformed
      return std::nullopt;
    }
    Post review;
    review.platform = std::string(kPlatform);
    review.external_id = std::string(review_id);
    return ResponseFrom(*data, review);
  });
}

std::string BuildAppStoreResponseBody(std::string_view review_id, std::string_view text) {
  using web::json::value;
  value review = value::object();
  review["type"] = value::string("customerReviews");
  review["id"] = value::string(std::string(review_id));
  value data = value::object();
  data["type"] = value::string("customerReviewResponses");
  data["attributes"] = value::object();
  data["attributes"]["responseBody"] = value::string(std::string(text));
  data["relationships"] = value::object();
  data["relationships"]["review"] = value::object();
  data["relationships"]["review"]["data"] = review;
  value body = value::object();
  body["data"] = data;
  return body.serialize();
}

Result<std::unique_ptr<Connector>> MakeAppStoreConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  AppStoreConnector::Config config;
  auto base = settings.BaseUrl("https://api.appstoreconnect.apple.com");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  auto app = settings.Required("app_id", "the app's Apple id");
  if (!app) return std::unexpected(app.error());
  config.app_id = *app;
  auto limit = settings.Int("limit", 200, 1, 200);
  if (!limit) return std::unexpected(limit.error());
  config.limit = *limit;
  auto issuer = settings.Required("issuer_id", "the API key's issuer id");
  if (!issuer) return std::unexpected(issuer.error());
  auto key_id = settings.Required("key_id", "the API key's id");
  if (!key_id) return std::unexpected(key_id.error());
  auto key = settings.Secret("private_key");
  if (!key) return std::unexpected(key.error());
  if (auto usable = CheckJwtKey(JwtAlgorithm::kEs256, *key); !usable)
    return std::unexpected(settings.ConfigError("setting 'private_key': " + usable.error().message));
  auto sign = [pem = *key, kid = *key_id, iss = *issuer](const AccessToken&, Timestamp now) -> Result<AccessToken> {
    const std::int64_t iat = ToUnixMillis(now) / 1000;
    web::json::value claims = web::json::value::object();
    claims["iss"] = web::json::value::string(iss);
    claims["iat"] = web::json::value::number(iat);
    claims["exp"] = web::json::value::number(iat + kAppStoreTokenLifetime.count());
    claims["aud"] = web::json::value::string("appstoreconnect-v1");
    auto jwt = SignJwt(JwtAlgorithm::kEs256, pem, kid, claims);
    if (!jwt) return std::unexpected(jwt.error());
    return AccessToken{*jwt, FromUnixSeconds(iat) + kAppStoreTokenLifetime, ""};
  };
  return std::unique_ptr<Connector>(
      std::make_unique<AppStoreConnector>(std::move(config), std::make_unique<TokenCache>(std::move(sign)), context));
}

}  // namespace odziv::platforms
