#include "platforms/trustpilot_connector.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>

#include "platforms/access_token.h"
#include "platforms/cursor.h"
#include "platforms/paging.h"
#include "platforms/source_settings.h"
#include "platforms/watermark.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "trustpilot";

Timestamp Time(const JsonView& v) {
  auto t = ParseIsoTimestamp(v.String());
  if (!t) v.Bad("is not an ISO 8601 time");
  return *t;
}

ListedReview ReviewFrom(const JsonView& r) {
  ListedReview out;
  Post& post = out.review;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kReview;
  post.external_id = r.At("id").String();
  if (post.external_id.empty() || post.external_id.find('/') != std::string::npos) r.At("id").Bad("is not a review id");
  post.thread_id = post.external_id;
  std::int64_t stars = r.At("stars").Int();
  if (stars < 1 || stars > 5) r.At("stars").Bad("is not 1 to 5");
  post.rating = static_cast<int>(stars);
  std::string title = r.StringOr("title");
  std::string text = r.StringOr("text");
  post.text = title.empty() ? text : text.empty() ? title : title + "\n\n" + text;
  post.language = r.StringOr("language");
  if (auto consumer = r.Find("consumer")) {
    post.author.id = consumer->StringOr("id");
    post.author.name = consumer->StringOr("displayName");
  }
  post.created_at = Time(r.At("createdAt"));
  if (auto updated = r.Find("updatedAt")) {
    Timestamp t = Time(*updated);
    if (t > post.created_at) post.edited_at = t;
  }
  post.metrics.likes = r.IntOr("numberOfLikes");
  post.url = "https://www.trustpilot.com/reviews/" + post.external_id;
  if (auto reply = r.Find("companyReply")) {
    auto updated = reply->Find("updatedAt");
    out.brand_reply = BrandReplyPost(post, "", reply->StringOr("text"), Time(updated ? *updated : reply->At("createdAt")));
  }
  return out;
}

// A page number from a cursor; 0 (refused by the caller) for anything else.
std::int64_t ParsePage(std::string_view text) {
  std::int64_t page = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), page);
  return ec == std::errc() && end == text.data() + text.size() ? page : 0;
}

class TrustpilotConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string business_unit_id;
    std::string business_user_id;
    std::int64_t per_page = 100;
    std::chrono::days lookback{7};
  };

  TrustpilotConnector(Config config, std::unique_ptr<TokenCache> tokens, const ConnectorContext& ctx)
      : config_(std::move(config)), tokens_(std::move(tokens)), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    const Timestamp now = ctx_.clock.Now();
    Watermark after = Watermark::Read(*cursor, "after_");
    std::int64_t page_number = 1;
    if (cursor->Has("page")) {
      page_number = ParsePage(cursor->Get("page"));
      if (page_number < 1) return Fail(ErrorCode::kMalformed, "trustpilot: cursor page is not a page number");
    }
    // Seconds are all startDateTime takes: the reviews of the mark's second come again and the edge drops them.
    const Timestamp start = after.empty() ? now - config_.lookback : FromUnixMillis(after.ms() - after.ms() % 1000);
    const Endpoint endpoint{std::string(kPlatform), "GET /v1/private/business-units/{id}/reviews"};
    HttpRequest request = JsonRequest(
        "GET", JoinUrl(config_.base_url, "/v1/private/business-units/" + UrlEncode(config_.business_unit_id) + "/reviews",
                       {{"orderBy", "createdat.asc"},
                        {"perPage", std::to_string(config_.per_page)},
                        {"page", std::to_string(page_number)},
                        {"startDateTime", TrustpilotTime(start)}}));
    auto response = SendWithToken(ctx_.http, *tokens_, request, endpoint, Dialect::kGeneric, Purpose::kRead, now);
    if (!response) return std::unexpected(response.error());
    auto reviews = ParseTrustpilotReviews(response->body, endpoint);
    if (!reviews) return std::unexpected(reviews.error());

    const std::int64_t mark_before = after.ms();
    std::vector<std::size_t> fresh;
    for (std::size_t i = 0; i < reviews->size(); ++i) {
      const Post& review = (*reviews)[i].review;
      if (after.Covers(review.external_id, review.created_at)) continue;
      fresh.push_back(i);
    }
    for (std::size_t i : fresh) after.Advance((*reviews)[i].review.external_id, (*reviews)[i].review.created_at);
    FetchPage out;
    AppendOldestFirst(*reviews, fresh, out.posts);
    Cursor next;
    after.Write(next, "after_");
    // A full page means more: from the new mark when it moved, else (a page of reviews all in the mark's
    // second) the next page at the same start.
    out.more = static_cast<std::int64_t>(reviews->size()) == config_.per_page;
    if (out.more && after.ms() == mark_before) next.Set("page", std::to_string(page_number + 1));
    if (after.empty()) next.Set("after_ms", std::to_string(ToUnixMillis(start)));
    out.next_cursor = next.Encode();
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    if (config_.business_user_id.empty())
      return Fail(ErrorCode::kConfig, "trustpilot: replying needs setting 'business_user_id' (the business user replies are posted as)");
    if (reply.in_reply_to.empty() || reply.in_reply_to.find('/') != std::string::npos)
      return Fail(ErrorCode::kInvalidArgument, "trustpilot: a reply needs the review id it answers");
    const Endpoint endpoint{std::string(kPlatform), "POST /v1/private/reviews/{id}/reply"};
    HttpRequest request = JsonRequest("POST", JoinUrl(config_.base_url, "/v1/private/reviews/" + UrlEncode(reply.in_reply_to) + "/reply"),
                                      BuildTrustpilotReplyBody(config_.business_user_id, reply.text));
    auto response = SendWithToken(ctx_.http, *tokens_, request, endpoint, Dialect::kGeneric, Purpose::kWrite, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    // The answer's body is not documented: any 2xx is the reply, which has no id of its own.
    return PublishedReply{reply.in_reply_to + "/reply", "https://www.trustpilot.com/reviews/" + reply.in_reply_to};
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    const std::string review_id(post_external_id.substr(0, post_external_id.find('/')));
    const Endpoint endpoint{std::string(kPlatform), "GET /v1/reviews/{id}"};
    HttpRequest request = JsonRequest("GET", JoinUrl(config_.base_url, "/v1/reviews/" + UrlEncode(review_id)));
    auto response = SendWithToken(ctx_.http, *tokens_, request, endpoint, Dialect::kGeneric, Purpose::kRead, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    auto review = ParseTrustpilotReview(response->body, endpoint);
    if (!review) return std::unexpected(review.error());
    return std::move(review->brand_reply);
  }

 private:
  Config config_;
  std::unique_ptr<TokenCache> tokens_;
  ConnectorContext ctx_;
};

}  // namespace

std::string TrustpilotTime(Timestamp t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}", std::chrono::floor<std::chrono::seconds>(t));
}

Result<std::vector<ListedReview>> ParseTrustpilotReviews(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    std::vector<ListedReview> reviews;
    for (const auto& r : root.At("reviews").Array()) reviews.push_back(ReviewFrom(r));
    return reviews;
  });
}

Result<ListedReview> ParseTrustpilotReview(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [&](const JsonView& root) { return ReviewFrom(root); });
}

std::string BuildTrustpilotReplyBody(std::string_view business_user_id, std::string_view text) {
  web::json::value body = web::json::value::object();
  body["authorBusinessUserId"] = web::json::value::string(std::string(business_user_id));
  body["message"] = web::json::value::string(std::string(text));
  return body.serialize();
}

Result<std::unique_ptr<Connector>> MakeTrustpilotConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  TrustpilotConnector::Config config;
  auto base = settings.BaseUrl("https://api.trustpilot.com");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  auto unit = settings.Required("business_unit_id", "the business unit whose reviews to read");
  if (!unit) return std::unexpected(unit.error());
  config.business_unit_id = *unit;
  config.business_user_id = settings.Optional("business_user_id");
  auto per_page = settings.Int("per_page", 100, 1, 100);
  if (!per_page) return std::unexpected(per_page.error());
  config.per_page = *per_page;
  auto lookback = settings.Int("lookback_days", 7, 1, 365);
  if (!lookback) return std::unexpected(lookback.error());
  config.lookback = std::chrono::days(*lookback);

  auto key = settings.Secret("api_key");
  if (!key) return std::unexpected(key.error());
  auto secret = settings.Secret("api_secret");
  if (!secret) return std::unexpected(secret.error());
  const std::string oauth = config.base_url + "/v1/oauth/oauth-business-users-for-applications";
  auto token_url = settings.Url("token_url", oauth + "/accesstoken");
  if (!token_url) return std::unexpected(token_url.error());
  auto refresh_url = settings.Url("refresh_url", oauth + "/refresh");
  if (!refresh_url) return std::unexpected(refresh_url.error());
  std::vector<std::pair<std::string, std::string>> grant = {{"grant_type", "client_credentials"}};
  if (!settings.Optional("username").empty()) {
    auto username = settings.Secret("username");
    if (!username) return std::unexpected(username.error());
    auto password = settings.Secret("password");
    if (!password) return std::unexpected(password.error());
    grant = {{"grant_type", "password"}, {"username", *username}, {"password", *password}};
  }
  HttpClient& http = context.http;
  auto obtain = [&http, basic = *key + ":" + *secret, token_url = *token_url, refresh_url = *refresh_url, grant](
                    const AccessToken& previous, Timestamp now) -> Result<AccessToken> {
    if (!previous.refresh_token.empty()) {
      auto refreshed = RequestToken(http, refresh_url, {{"grant_type", "refresh_token"}, {"refresh_token", previous.refresh_token}},
                                    basic, Endpoint{std::string(kPlatform), "POST …/refresh"}, Dialect::kGeneric, now);
      // A refresh token lasts 30 days; once it is refused, a new grant starts over. Any other failure
      // (Trustpilot's own 429 for renewals that come too often) is for the caller to wait out.
      if (refreshed || refreshed.error().code != ErrorCode::kUnauthenticated) return refreshed;
    }
    return RequestToken(http, token_url, grant, basic, Endpoint{std::string(kPlatform), "POST …/accesstoken"},
                        Dialect::kGeneric, now);
  };
  return std::unique_ptr<Connector>(std::make_unique<TrustpilotConnector>(
      std::move(config), std::make_unique<TokenCache>(std::move(obtain)), context));
}

}  // namespace odziv::platforms
