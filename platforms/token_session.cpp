#include "platforms/token_session.h"

namespace odziv::platforms {

Status TokenSession::Renew() {
  std::string refresh = grant_ ? grant_->refresh : std::string();
  grant_.reset();
  auto grant = obtain_(refresh);
  // A refresh token can expire or be revoked too: log in again with the source's credentials.
  if (!grant && !refresh.empty() && grant.error().code == ErrorCode::kUnauthenticated) grant = obtain_("");
  if (!grant) return std::unexpected(grant.error());
  grant_ = std::move(*grant);
  return {};
}

Result<const TokenGrant*> TokenSession::Current(Timestamp now) {
  if (!grant_ || (grant_->expires_at && now + kTokenRenewMargin >= *grant_->expires_at)) {
    if (auto renewed = Renew(); !renewed) return std::unexpected(renewed.error());
  }
  return &*grant_;
}

Result<HttpResponse> TokenSession::Send(HttpClient& http, const std::function<HttpRequest(std::string_view)>& build,
                                        const Endpoint& endpoint, Dialect dialect, Purpose purpose, Timestamp now) {
  auto grant = Current(now);
  if (!grant) return std::unexpected(grant.error());
  auto response = SendChecked(http, build((*grant)->access), endpoint, dialect, purpose, now);
  if (response || response.error().code != ErrorCode::kUnauthenticated) return response;
  if (auto renewed = Renew(); !renewed) return std::unexpected(renewed.error());
  return SendChecked(http, build(grant_->access), endpoint, dialect, purpose, now);
}

}  // namespace odziv::platforms
