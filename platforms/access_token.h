// AccessToken: a bearer token a connector obtains for itself, from an OAuth token endpoint (Trustpilot,
// Google) or by signing a JWT (App Store Connect), and reuses until shortly before it expires. The
// TokenCache holds one per connector; SendWithToken is SendChecked (platforms/response_check.h) with the
// cached token, renewed once when the platform answers 401.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/http_client.h"
#include "core/timestamp.h"
#include "platforms/json_reader.h"
#include "platforms/response_check.h"

namespace odziv::platforms {

struct AccessToken {
  std::string value;
  Timestamp expires_at{};
  std::string refresh_token;  // empty when the grant gives none
};

// A token is renewed this long before it expires, so that a request never leaves with a token that runs
// out on the way (and clocks a little apart do not matter).
inline constexpr std::chrono::seconds kTokenRenewMargin{120};

// An OAuth token endpoint's answer: {"access_token", "expires_in" (seconds; number or string; absent: one
// hour), "refresh_token" (optional)}. kMalformed names the endpoint; the token never appears in a message.
[[nodiscard]] Result<AccessToken> ParseTokenResponse(std::string_view body, const Endpoint& endpoint, Timestamp now);

// POSTs `form` (application/x-www-form-urlencoded) to `url`, with HTTP Basic `basic_credentials`
// ("id:secret") when not empty, checks the answer as SendChecked does for a read (a refused grant is
// kUnauthenticated: 400 invalid_grant, 401, 403) and parses it with ParseTokenResponse.
[[nodiscard]] Result<AccessToken> RequestToken(HttpClient& http, std::string_view url,
                                               const std::vector<std::pair<std::string, std::string>>& form,
                                               std::string_view basic_credentials, const Endpoint& endpoint,
                                               Dialect dialect, Timestamp now);

class TokenCache {
 public:
  // Gets a fresh token. `previous` is the last token obtained (empty at first), for its refresh token.
  using Obtain = std::function<Result<AccessToken>(const AccessToken& previous, Timestamp now)>;

  explicit TokenCache(Obtain obtain) : obtain_(std::move(obtain)) {}
  // A token the operator gives (a credential reference resolved when the connector is made): never
  // renewed, so a refusal of it is final.
  struct Fixed {
    std::string value;
  };
  explicit TokenCache(Fixed fixed) { token_.value = std::move(fixed.value); }

  // False for a Fixed token.
  bool renewable() const { return static_cast<bool>(obtain_); }

  // The cached token while more than kTokenRenewMargin of it remains, otherwise a fresh one from Obtain
  // (its error as it is). After Obtain answers kRateLimited, calls until its retry_after has passed return
  // that error again without calling Obtain: some platforms (Trustpilot) throttle renewals on their own.
  // Thread-safe.
  [[nodiscard]] Result<std::string> Get(Timestamp now);

  // Forgets the cached value (the platform said it is no longer good); the refresh token is kept. No-op for
  // a Fixed token.
  void Invalidate();

 private:
  std::mutex mu_;
  Obtain obtain_;
  AccessToken token_;
  std::optional<Error> throttled_;
  Timestamp throttled_until_{};
};

// A request that accepts JSON and, when `body` is not empty, sends it as JSON.
HttpRequest JsonRequest(std::string method, std::string url, std::string body = "");

// Sends `request` with "Authorization: Bearer <token>" and checks the answer (SendChecked). When the answer
// is kUnauthenticated (401, or a token the platform calls expired) the token is invalidated, a fresh one
// obtained and the request sent once more: the platform did not act on it, so a write is not repeated. A
// second refusal is returned as it is.
[[nodiscard]] Result<HttpResponse> SendWithToken(HttpClient& http, TokenCache& tokens, const HttpRequest& request,
                                                 const Endpoint& endpoint, Dialect dialect, Purpose purpose,
                                                 Timestamp now);

}  // namespace odziv::platforms
