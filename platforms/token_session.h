// TokenSession: the access token of a connector that logs in by itself (Reddit's OAuth token exchange,
// Bluesky's sessions), kept inside the one connector instance that owns it. It obtains a token before the
// first request, renews it shortly before it expires and once when the platform refuses it, and resends
// the refused request once. Tokens never appear in an Error. Not thread-safe: a connector is used by one
// thread at a time.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/http_client.h"
#include "core/timestamp.h"
#include "platforms/json_reader.h"
#include "platforms/response_check.h"

namespace odziv::platforms {

struct TokenGrant {
  std::string access;                   // sent as `Authorization: Bearer`
  std::string refresh;                  // renews `access` without the password; empty when the platform has none
  std::optional<Timestamp> expires_at;  // nullopt: valid until the platform refuses it
};

// A token is renewed this long before its announced expiry, so that it cannot expire in flight.
inline constexpr std::chrono::seconds kTokenRenewMargin{60};

class TokenSession {
 public:
  // Obtains a grant. `refresh` is the current grant's refresh token, or empty for a fresh login with the
  // source's credentials. Errors as SendChecked reports them (kUnauthenticated: credentials refused).
  using Obtain = std::function<Result<TokenGrant>(std::string_view refresh)>;

  explicit TokenSession(Obtain obtain) : obtain_(std::move(obtain)) {}

  // Sends `build(access_token)` through SendChecked, obtaining a token first when there is none or it is
  // about to expire. A kUnauthenticated answer renews the token (with the refresh token, else by logging
  // in again) and sends once more; a second refusal, or a failed renewal, is returned. A refused request
  // was not acted on, so resending a write here cannot post twice.
  [[nodiscard]] Result<HttpResponse> Send(HttpClient& http, const std::function<HttpRequest(std::string_view)>& build,
                                          const Endpoint& endpoint, Dialect dialect, Purpose purpose, Timestamp now);

  // The current grant, obtaining one when there is none (for platforms whose login answer says who the
  // account is).
  [[nodiscard]] Result<const TokenGrant*> Current(Timestamp now);

 private:
  Status Renew();

  Obtain obtain_;
  std::optional<TokenGrant> grant_;
};

}  // namespace odziv::platforms
