#include "platforms/google_play_connector.h"

#include <fmt/format.h>

#include "platforms/access_token.h"
#include "platforms/jwt.h"
#include "platforms/paging.h"
#include "platforms/source_settings.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "google_play";
constexpr std::string_view kScope = "https://www.googleapis.com/auth/androidpublisher";
constexpr std::chrono::seconds kAssertionLifetime{3600};  // the longest Google accepts

// {"seconds": "1443676826", "nanos": 713000000}: seconds is a string (int64 in proto3 JSON).
Timestamp Time(const JsonView& v) {
  std::int64_t seconds = v.At("seconds").Int();
  std::int64_t nanos = v.IntOr("nanos");
  // Up to the year 9999: anything later is not a review's time (and would overflow milliseconds).
  if (seconds < 0 || seconds > 253402300799 || nanos < 0 || nanos >= 1000000000) v.Bad("is not a time");
  return FromUnixMillis(seconds * 1000 + nanos / 1000000);
}

ListedReview ReviewFrom(const JsonView& r) {
  ListedReview out;
  Post& post = out.review;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kReview;
  post.external_id = r.At("reviewId").String();
  if (post.external_id.empty() || post.external_id.find('/') != std::string::npos) r.At("reviewId").Bad("is not a review id");
  post.thread_id = post.external_id;
  post.author.name = r.StringOr("authorName");
  bool has_user_comment = false;
  for (const auto& c : r.At("comments").Array()) {
    if (auto user = c.Find("userComment")) {
      has_user_comment = true;
      // "<title>\t<body>" when the review has a title.
      post.text = user->StringOr("text");
      if (auto tab = post.text.find('\t'); tab != std::string::npos) post.text.replace(tab, 1, "\n\n");
      post.created_at = Time(user->At("lastModified"));
      std::int64_t stars = user->IntOr("starRating");
      if (stars < 0 || stars > 5) user->At("starRating").Bad("is not 1 to 5");
      if (stars > 0) post.rating = static_cast<int>(stars);
      post.language = user->StringOr("reviewerLanguage");
      post.metrics.likes = user->IntOr("thumbsUpCount");
    } else if (auto developer = c.Find("developerComment")) {
      out.brand_reply = BrandReplyPost(post, "", developer->StringOr("text"), Time(developer->At("lastModified")));
    }
  }
  if (!has_user_comment) r.At("comments").Bad("has no userComment");
  return out;
}

// Characters as people count them: UTF-8 code points.
std::size_t CodePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

class GooglePlayConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string package_name;
    std::int64_t max_results = 100;
  };

  GooglePlayConnector(Config config, std::unique_ptr<TokenCache> tokens, const ConnectorContext& ctx)
      : config_(std::move(config)), tokens_(std::move(tokens)), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor) override {
    auto walk = ReviewWalk::Resume(cursor, kPlatform);
    if (!walk) return std::unexpected(walk.error());
    std::vector<std::pair<std::string, std::string>> params = {{"maxResults", std::to_string(config_.max_results)}};
    if (!walk->page().empty()) params.emplace_back("token", walk->page());
    const Endpoint endpoint{std::string(kPlatform), "GET /androidpublisher/v3/applications/{pkg}/reviews"};
    auto response = Send("GET", JoinUrl(config_.base_url, ReviewsPath(), params), "", endpoint, Purpose::kRead);
    if (!response) return std::unexpected(response.error());
    auto page = ParseGooglePlayReviews(response->body, endpoint);
    if (!page) return std::unexpected(page.error());
    return walk->TakePage(page->reviews, page->next_page_token, ListingOrder::kUnordered);
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    if (reply.in_reply_to.empty() || reply.in_reply_to.find('/') != std::string::npos)
      return Fail(ErrorCode::kInvalidArgument, "google_play: a reply needs the review id it answers");
    if (std::size_t n = CodePoints(reply.text); n > kGooglePlayReplyMaxChars)
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("google_play: the reply has {} characters; Google Play allows {}", n, kGooglePlayReplyMaxChars));
    const Endpoint endpoint{std::string(kPlatform), "POST /androidpublisher/v3/applications/{pkg}/reviews/{id}:reply"};
    auto response = Send("POST", JoinUrl(config_.base_url, ReviewsPath() + "/" + UrlEncode(reply.in_reply_to) + ":reply"),
                         BuildGooglePlayReplyBody(reply.text), endpoint, Purpose::kWrite);
    if (!response) return std::unexpected(response.error());
    auto post = ParseGooglePlayReply(response->body, endpoint, reply.in_reply_to);
    if (!post) return std::unexpected(post.error());
    return PublishedReply{post->external_id, ""};
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    const std::string review_id(post_external_id.substr(0, post_external_id.find('/')));
    const Endpoint endpoint{std::string(kPlatform), "GET /androidpublisher/v3/applications/{pkg}/reviews/{id}"};
    auto response = Send("GET", JoinUrl(config_.base_url, ReviewsPath() + "/" + UrlEncode(review_id)), "", endpoint,
                         Purpose::kRead);
    if (!response) return std::unexpected(response.error());
    auto review = ParseGooglePlayReview(response->body, endpoint);
    if (!review) return std::unexpected(review.error());
    return std::move(review->brand_reply);
  }

 private:
  std::string ReviewsPath() const {
    return "/androidpublisher/v3/applications/" + UrlEncode(config_.package_name) + "/reviews";
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

Result<GooglePlayReviewPage> ParseGooglePlayReviews(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    GooglePlayReviewPage page;
    // The last page (and an app without recent reviews) may leave out reviews and tokenPagination.
    for (const auto& r : root.ArrayOr("reviews")) page.reviews.push_back(ReviewFrom(r));
    if (auto paging = root.Find("tokenPagination")) page.next_page_token = paging->StringOr("nextPageToken");
    return page;
  });
}

Result<ListedReview> ParseGooglePlayReview(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [&](const JsonView& root) { return ReviewFrom(root); });
}

Result<Post> ParseGooglePlayReply(std::string_view body, const Endpoint& endpoint, std::string_view review_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    const JsonView result = root.At("result");
    Post review;
    review.platform = std::string(kPlatform);
    review.external_id = std::string(review_id);
    return BrandReplyPost(review, "", result.At("replyText").String(), Time(result.At("lastEdited")));
  });
}

Result<GoogleServiceAccount> ParseGoogleServiceAccount(std::string_view json) {
  auto parsed = ReadJson(json, Endpoint{std::string(kPlatform), "service account key file"}, [](const JsonView& root) {
    if (root.StringOr("type") != "service_account") root.Bad("is not a service account key (type is not service_account)");
    GoogleServiceAccount account;
    account.client_email = root.At("client_email").String();
    account.private_key = root.At("private_key").String();
    account.private_key_id = root.StringOr("private_key_id");
    account.token_uri = root.StringOr("token_uri");
    return account;
  });
  if (!parsed) {
    // ReadJson quotes at most a path and the parser's complaint, never the key; still, say it as configuration.
    return Fail(ErrorCode::kConfig, parsed.error().message);
  }
  return parsed;
}

std::string BuildGooglePlayReplyBody(std::string_view text) {
  web::json::value body = web::json::value::object();
  body["replyText"] = web::json::value::string(std::string(text));
  return body.serialize();
}

Result<std::unique_ptr<Connector>> MakeGooglePlayConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  GooglePlayConnector::Config config;
  auto base = settings.BaseUrl("https://androidpublisher.googleapis.com");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  auto package = settings.Required("package_name", "the app's package name");
  if (!package) return std::unexpected(package.error());
  config.package_name = *package;
  auto max_results = settings.Int("max_results", 100, 1, 100);
  if (!max_results) return std::unexpected(max_results.error());
  config.max_results = *max_results;
  auto key_file = settings.Secret("service_account");
  if (!key_file) return std::unexpected(key_file.error());
  auto account = ParseGoogleServiceAccount(*key_file);
  if (!account) return std::unexpected(settings.ConfigError("setting 'service_account': " + account.error().message));
  if (auto usable = CheckJwtKey(JwtAlgorithm::kRs256, account->private_key); !usable)
    return std::unexpected(settings.ConfigError("setting 'service_account': " + usable.error().message));
  auto token_url = settings.Url("token_url", account->token_uri.empty() ? "https://oauth2.googleapis.com/token" : account->token_uri);
  if (!token_url) return std::unexpected(token_url.error());

  HttpClient& http = context.http;
  auto obtain = [&http, account = *account, url = *token_url](const AccessToken&, Timestamp now) -> Result<AccessToken> {
    const std::int64_t iat = ToUnixMillis(now) / 1000;
    web::json::value claims = web::json::value::object();
    claims["iss"] = web::json::value::string(account.client_email);
    claims["scope"] = web::json::value::string(std::string(kScope));
    claims["aud"] = web::json::value::string(url);
    claims["iat"] = web::json::value::number(iat);
    claims["exp"] = web::json::value::number(iat + kAssertionLifetime.count());
    auto assertion = SignJwt(JwtAlgorithm::kRs256, account.private_key, account.private_key_id, claims);
    if (!assertion) return std::unexpected(assertion.error());
    return RequestToken(http, url, {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", *assertion}},
                        "", Endpoint{std::string(kPlatform), "POST token"}, Dialect::kGoogle, now);
  };
  return std::unique_ptr<Connector>(std::make_unique<GooglePlayConnector>(
      std::move(config), std::make_unique<TokenCache>(std::move(obtain)), context));
}

}  // namespace odziv::platforms
