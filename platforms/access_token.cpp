#include "platforms/access_token.h"

#include <algorithm>

#include "platforms/jwt.h"

namespace odziv::platforms {

Result<AccessToken> ParseTokenResponse(std::string_view body, const Endpoint& endpoint, Timestamp now) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    AccessToken token;
    token.value = root.At("access_token").String();
    if (token.value.empty()) root.At("access_token").Bad("is empty");
    std::int64_t expires_in = root.IntOr("expires_in", 3600);
    if (expires_in <= 0) root.At("expires_in").Bad("is not a positive number of seconds");
    // A token said to last longer than a year is kept for a year (and a huge number cannot overflow).
    token.expires_at = now + std::chrono::seconds(std::min<std::int64_t>(expires_in, 365 * 24 * 3600));
    token.refresh_token = root.StringOr("refresh_token");
    return token;
  });
}

Result<AccessToken> RequestToken(HttpClient& http, std::string_view url,
                                 const std::vector<std::pair<std::string, std::string>>& form,
                                 std::string_view basic_credentials, const Endpoint& endpoint, Dialect dialect,
                                 Timestamp now) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::string(url);
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  if (!basic_credentials.empty()) request.headers.emplace_back("Authorization", "Basic " + Base64Encode(basic_credentials));
  request.body = UrlQuery(form);
  auto response = SendChecked(http, request, endpoint, dialect, Purpose::kRead, now);
  if (!response) {
    // OAuth servers refuse a revoked grant with 400 invalid_grant, which a read maps to kConfig: the
    // credentials, not the settings, are what a person must fix.
    if (response.error().code == ErrorCode::kConfig)
      return std::unexpected(Error{ErrorCode::kUnauthenticated, response.error().message, std::nullopt});
    return std::unexpected(response.error());
  }
  return ParseTokenResponse(response->body, endpoint, now);
}

Result<std::string> TokenCache::Get(Timestamp now) {
  std::lock_guard lock(mu_);
  if (!obtain_ || (!token_.value.empty() && now + kTokenRenewMargin < token_.expires_at)) return token_.value;
  if (throttled_ && now < throttled_until_) {
    Error e = *throttled_;
    e.retry_after = std::chrono::ceil<std::chrono::seconds>(throttled_until_ - now);
    return std::unexpected(e);
  }
  throttled_.reset();
  auto fresh = obtain_(token_, now);
  if (!fresh) {
    if (fresh.error().code == ErrorCode::kRateLimited) {
      throttled_ = fresh.error();
      throttled_until_ = now + fresh.error().retry_after.value_or(kDefaultRetryAfter);
    }
    return std::unexpected(fresh.error());
  }
  if (fresh->refresh_token.empty()) fresh->refresh_token = token_.refresh_token;
  token_ = std::move(*fresh);
  return token_.value;
}

void TokenCache::Invalidate() {
  std::lock_guard lock(mu_);
  if (obtain_) token_.value.clear();
}

HttpRequest JsonRequest(std::string method, std::string url, std::string body) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
  }
  return request;
}

Result<HttpResponse> SendWithToken(HttpClient& http, TokenCache& tokens, const HttpRequest& request,
                                   const Endpoint& endpoint, Dialect dialect, Purpose purpose, Timestamp now) {
  for (int attempt = 0;; ++attempt) {
    auto token = tokens.Get(now);
    if (!token) return std::unexpected(token.error());
    HttpRequest authorized = request;
    authorized.headers.emplace_back("Authorization", "Bearer " + *token);
    auto response = SendChecked(http, authorized, endpoint, dialect, purpose, now);
    if (!response && response.error().code == ErrorCode::kUnauthenticated && attempt == 0 && tokens.renewable()) {
      tokens.Invalidate();
      continue;
    }
    return response;
  }
}

}  // namespace odziv::platforms
