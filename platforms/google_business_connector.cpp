#include "platforms/google_business_connector.h"

#include <fmt/format.h>

#include <array>

#include "platforms/access_token.h"
#include "platforms/paging.h"
#include "platforms/source_settings.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "google";

Timestamp Time(const JsonView& v) {
  auto t = ParseIsoTimestamp(v.String());
  if (!t) v.Bad("is not an RFC 3339 time");
  return *t;
}

// starRating is an enum name; STAR_RATING_UNSPECIFIED (or a value added later) leaves the rating unset.
std::optional<int> Stars(std::string_view name) {
  constexpr std::array<std::string_view, 5> kNames = {"ONE", "TWO", "THREE", "FOUR", "FIVE"};
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (name == kNames[i]) return static_cast<int>(i) + 1;
  return std::nullopt;
}

ListedReview ReviewFrom(const JsonView& r) {
  ListedReview out;
  Post& post = out.review;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kReview;
  post.external_id = r.At("reviewId").String();
  if (post.external_id.empty() || post.external_id.find('/') != std::string::npos) r.At("reviewId").Bad("is not a review id");
  post.thread_id = post.external_id;
  post.rating = Stars(r.StringOr("starRating"));
  post.text = r.StringOr("comment");
  if (auto reviewer = r.Find("reviewer")) {
    post.author.name = reviewer->StringOr("displayName");
    // Anonymous reviewers share a generic name; do not let them look like one author.
    if (reviewer->BoolOr("isAnonymous", false)) post.author.name.clear();
  }
  post.created_at = Time(r.At("createTime"));
  if (auto updated = r.Find("updateTime")) {
    Timestamp t = Time(*updated);
    if (t > post.created_at) post.edited_at = t;
  }
  if (auto reply = r.Find("reviewReply"))
    out.brand_reply = BrandReplyPost(post, "", reply->StringOr("comment"), Time(reply->At("updateTime")));
  return out;
}

class GoogleBusinessConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string location_path;  // /v4/accounts/{a}/locations/{l}
    std::int64_t page_size = 50;
  };

  GoogleBusinessConnector(Config config, std::unique_ptr<TokenCache> tokens, const ConnectorContext& ctx)
      : config_(std::move(config)), tokens_(std::move(tokens)), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor) override {
    auto walk = ReviewWalk::Resume(cursor, kPlatform);
    if (!walk) return std::unexpected(walk.error());
    const std::string path = config_.location_path + "/reviews";
    std::vector<std::pair<std::string, std::string>> params = {{"pageSize", std::to_string(config_.page_size)},
                                                               {"orderBy", "updateTime desc"}};
    if (!walk->page().empty()) params.emplace_back("pageToken", walk->page());
    const Endpoint endpoint{std::string(kPlatform), "GET /v4/…/reviews"};
    auto response = Send("GET", JoinUrl(config_.base_url, path, params), "", endpoint, Purpose::kRead);
    if (!response) return std::unexpected(response.error());
    auto page = ParseGoogleReviews(response->body, endpoint);
    if (!page) return std::unexpected(page.error());
    return walk->TakePage(page->reviews, page->next_page_token, ListingOrder::kNewestFirst);
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    if (reply.in_reply_to.empty() || reply.in_reply_to.find('/') != std::string::npos)
      return Fail(ErrorCode::kInvalidArgument, "google: a reply needs the review id it answers");
    const Endpoint endpoint{std::string(kPlatform), "PUT /v4/…/reviews/{id}/reply"};
    auto response = Send("PUT", JoinUrl(config_.base_url, ReviewPath(reply.in_reply_to) + "/reply"),
                         BuildGoogleReplyBody(reply.text), endpoint, Purpose::kWrite);
    if (!response) return std::unexpected(response.error());
    auto post = ParseGoogleReviewReply(response->body, endpoint, reply.in_reply_to);
    if (!post) return std::unexpected(post.error());
    return PublishedReply{post->external_id, ""};
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    const std::string review_id(post_external_id.substr(0, post_external_id.find('/')));
    const Endpoint endpoint{std::string(kPlatform), "GET /v4/…/reviews/{id}"};
    auto response = Send("GET", JoinUrl(config_.base_url, ReviewPath(review_id)), "", endpoint, Purpose::kRead);
    if (!response) return std::unexpected(response.error());
    auto review = ParseGoogleReview(response->body, endpoint);
    if (!review) return std::unexpected(review.error());
    return std::move(review->brand_reply);
  }

 private:
  std::string ReviewPath(std::string_view review_id) const {
    return config_.location_path + "/reviews/" + UrlEncode(review_id);
  }

  Result<HttpResponse> Send(std::string method, std::string url, std::string body, const Endpoint& endpoint,
                            Purpose purpose) {
    return SendWithToken(ctx_.http, *tokens_, JsonRequest(std::move(method), std::move(url), std::move(body)), endpoint,
                         Dialect::kGoogle, purpose, ctx_.clock.Now());
  }

  Config config_;
  std::unique_ptr<TokenCache> tokens_;
  ConnectorContext ctx_;
};

}  // namespace

Result<GoogleReviewPage> ParseGoogleReviews(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    GoogleReviewPage page;
    // A location without reviews answers {} (or only the averages).
    for (const auto& r : root.ArrayOr("reviews")) page.reviews.push_back(ReviewFrom(r));
    page.next_page_token = root.StringOr("nextPageToken");
    return page;
  });
}

Result<ListedReview> ParseGoogleReview(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [&](const JsonView& root) { return ReviewFrom(root); });
}

Result<Post> ParseGoogleReviewReply(std::string_view body, const Endpoint& endpoint, std::string_view review_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    Post review;
    review.platform = std::string(kPlatform);
    review.external_id = std::string(review_id);
    return BrandReplyPost(review, "", root.At("comment").String(), Time(root.At("updateTime")));
  });
}

std::string BuildGoogleReplyBody(std::string_view text) {
  web::json::value body = web::json::value::object();
  body["comment"] = web::json::value::string(std::string(text));
  return body.serialize();
}

Result<std::unique_ptr<Connector>> MakeGoogleBusinessConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  GoogleBusinessConnector::Config config;
  auto base = settings.BaseUrl("https://mybusiness.googleapis.com");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  auto account = settings.Required("account_id", "the Business Profile account id");
  if (!account) return std::unexpected(account.error());
  auto location = settings.Required("location_id", "the location id");
  if (!location) return std::unexpected(location.error());
  config.location_path = fmt::format("/v4/accounts/{}/locations/{}", UrlEncode(*account), UrlEncode(*location));
  auto page_size = settings.Int("page_size", 50, 1, 50);
  if (!page_size) return std::unexpected(page_size.error());
  config.page_size = *page_size;

  std::unique_ptr<TokenCache> tokens;
  if (!settings.Optional("refresh_token").empty()) {
    auto refresh = settings.Secret("refresh_token");
    if (!refresh) return std::unexpected(refresh.error());
    auto client_id = settings.Secret("client_id");
    if (!client_id) return std::unexpected(client_id.error());
    auto client_secret = settings.Secret("client_secret");
    if (!client_secret) return std::unexpected(client_secret.error());
    auto token_url = settings.Url("token_url", "https://oauth2.googleapis.com/token");
    if (!token_url) return std::unexpected(token_url.error());
    std::vector<std::pair<std::string, std::string>> form = {{"grant_type", "refresh_token"},
                                                             {"refresh_token", *refresh},
                                                             {"client_id", *client_id},
                                                             {"client_secret", *client_secret}};
    HttpClient& http = context.http;
    tokens = std::make_unique<TokenCache>([&http, url = *token_url, form](const AccessToken&, Timestamp now) {
      return RequestToken(http, url, form, "", Endpoint{std::string(kPlatform), "POST token"}, Dialect::kGoogle, now);
    });
  } else if (!settings.Optional("token").empty()) {
    auto token = settings.Secret("token");
    if (!token) return std::unexpected(token.error());
    tokens = std::make_unique<TokenCache>(TokenCache::Fixed{*token});
  } else {
    return std::unexpected(settings.ConfigError(
        "needs setting 'token' (an OAuth access token reference) or 'refresh_token' with 'client_id' and 'client_secret'"));
  }
  return std::unique_ptr<Connector>(std::make_unique<GoogleBusinessConnector>(std::move(config), std::move(tokens), context));
}

}  // namespace odziv::platforms
