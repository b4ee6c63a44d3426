#include "responders/webhook_notifier.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace odziv::responders {

using web::json::value;

value WebhookPayload(const Alert& alert) {
  value out = value::object();
  out["dedup_key"] = value::string(alert.dedup_key);
  out["kind"] = value::string(std::string(AlertKindName(alert.kind)));
  value brand = value::object();
  brand["slug"] = value::string(alert.brand_slug);
  brand["name"] = value::string(alert.brand_name);
  out["brand"] = brand;
  out["priority"] = value::number(alert.priority);
  out["title"] = value::string(alert.title);
  out["summary"] = value::string(alert.summary);
  if (alert.post) {
    value post = value::object();
    post["platform"] = value::string(alert.post->platform);
    post["author"] = value::string(alert.post->author);
    post["author_reach"] = value::number(alert.post->author_reach);
    post["text"] = value::string(alert.post->text);
    post["url"] = value::string(alert.post->url);
    post["rating"] = alert.post->rating ? value::number(*alert.post->rating) : value::null();
    post["language"] = value::string(alert.post->language);
    out["post"] = post;
  } else {
    out["post"] = value::null();
  }
  value reasons = value::array();
  for (const auto& r : alert.reasons) reasons[reasons.size()] = value::string(r);
  out["reasons"] = reasons;
  out["time_left_s"] = alert.time_left ? value::number(static_cast<int64_t>(alert.time_left->count())) : value::null();
  out["link"] = value::string(alert.link);
  out["created_at"] = value::string(FormatIsoTimestamp(alert.created_at));
  return out;
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &length);
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  std::string signed_text = fmt::format("{}.{}", unix_seconds, body);
  return fmt::format("t={},v1={}", unix_seconds, HmacSha256Hex(secret, signed_text));
}

namespace {

class WebhookNotifier final : public Notifier {
 public:
  WebhookNotifier(std::string url, std::string secret, HttpClient& http, const Clock& clock)
      : url_(std::move(url)), secret_(std::move(secret)), http_(http), clock_(clock) {}

  Status Send(const Alert& alert) override {
    HttpRequest request;
    request.method = "POST";
    request.url = url_;
    request.body = WebhookPayload(alert).serialize();
    const std::int64_t now = ToUnixMillis(clock_.Now()) / 1000;
    request.headers = {{"Content-Type", "application/json; charset=utf-8"},
                       {"Idempotency-Key", alert.dedup_key},
                       {"X-Odziv-Signature", WebhookSignature(secret_, now, request.body)}};
    auto response = http_.Send(request);
    if (!response) return Fail(response.error().WithContext("alert webhook"));
    const int status = response->status;
    if (status >= 200 && status < 300) return {};
    std::string detail = response->body.substr(0, 200);
    if (status == 429) {
      Error e{ErrorCode::kRateLimited, "alert webhook: rate limited (HTTP 429)", std::chrono::seconds(5)};
      if (auto after = response->Header("Retry-After")) {
        long seconds = 0;
        if (std::from_chars(after->data(), after->data() + after->size(), seconds).ec == std::errc() && seconds > 0)
          e.retry_after = std::chrono::seconds(seconds);
      }
      return Fail(e);
    }
    if (status >= 500) return Fail(ErrorCode::kUnavailable, fmt::format("alert webhook: HTTP {}", status));
    if (status == 401 || status == 403 || status == 404 || status == 410)
      return Fail(ErrorCode::kUnauthenticated, fmt::format("alert webhook: HTTP {}: check the route's URL and secret", status));
    return Fail(ErrorCode::kFailedPrecondition, fmt::format("alert webhook: HTTP {}: {}", status, detail));
  }

 private:
  std::string url_;
  std::string secret_;
  HttpClient& http_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<Notifier> MakeWebhookNotifier(std::string url, std::string secret, HttpClient& http,
                                              const Clock& clock) {
  return std::make_unique<WebhookNotifier>(std::move(url), std::move(secret), http, clock);
}

}  // namespace odziv::responders
