// JWT signing checked with OpenSSL against keys generated here, and the token cache's renewal rules.
#include <catch2/catch.hpp>

#include "platforms/access_token.h"
#include "platforms/jwt.h"
#include "tests/platforms/test_keys.h"

namespace odziv::platforms::testing {
namespace {

web::json::value Claims() {
  web::json::value claims = web::json::value::object();
  claims["iss"] = web::json::value::string("57246542-96fe-1a63-e053-0824d011072a");
  claims["iat"] = web::json::value::number(1767225600);
  claims["exp"] = web::json::value::number(1767226800);
  claims["aud"] = web::json::value::string("appstoreconnect-v1");
  return claims;
}

}  // namespace

TEST_CASE("SignJwt ES256 writes a raw r||s signature that OpenSSL verifies with the public key") {
  // Several signatures: ECDSA's r and s sometimes have leading zero bytes, which the raw form must keep.
  for (int i = 0; i < 20; ++i) {
    auto jwt = SignJwt(JwtAlgorithm::kEs256, TestEcKeyPem(), "2X9R4HXF34", Claims());
    REQUIRE(jwt.has_value());
    CHECK(jwt->find('=') == std::string::npos);
    auto decoded = DecodeAndVerifyJwt(*jwt, TestEcKeyPem());
    REQUIRE(decoded.signature_valid);
    CHECK(decoded.header.at("alg").as_string() == "ES256");
    CHECK(decoded.header.at("kid").as_string() == "2X9R4HXF34");
    CHECK(decoded.header.at("typ").as_string() == "JWT");
    CHECK(decoded.claims.at("aud").as_string() == "appstoreconnect-v1");
    CHECK(decoded.claims.at("exp").as_integer() == 1767226800);
  }
}

TEST_CASE("SignJwt RS256 signs with an RSA key and omits an empty kid") {
  auto jwt = SignJwt(JwtAlgorithm::kRs256, TestRsaKeyPem(), "", Claims());
  REQUIRE(jwt.has_value());
  auto decoded = DecodeAndVerifyJwt(*jwt, TestRsaKeyPem());
  CHECK(decoded.signature_valid);
  CHECK(decoded.header.at("alg").as_string() == "RS256");
  CHECK_FALSE(decoded.header.has_field("kid"));
}

TEST_CASE("SignJwt refuses a key of the wrong type or no key, without quoting it") {
  auto wrong = SignJwt(JwtAlgorithm::kEs256, TestRsaKeyPem(), "k", Claims());
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().code == ErrorCode::kConfig);
  CHECK(wrong.error().message.find("P-256") != std::string::npos);
  auto garbage = SignJwt(JwtAlgorithm::kRs256, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", "k", Claims());
  REQUIRE_FALSE(garbage.has_value());
  CHECK(garbage.error().code == ErrorCode::kConfig);
  CHECK(garbage.error().message.find("not a key") == std::string::npos);
  CHECK_FALSE(CheckJwtKey(JwtAlgorithm::kRs256, TestEcKeyPem()).has_value());
  CHECK(CheckJwtKey(JwtAlgorithm::kEs256, TestEcKeyPem()).has_value());
}

TEST_CASE("Base64 forms match RFC 4648 test vectors") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
  CHECK(Base64UrlDecode("-_8") == "\xfb\xff");
}

TEST_CASE("TokenCache reuses a token until shortly before it expires, then obtains a new one") {
  const Timestamp start = FromUnixSeconds(1767225600);
  int obtained = 0;
  std::string refresh_seen;
  TokenCache cache([&](const AccessToken& previous, Timestamp now) -> Result<AccessToken> {
    ++obtained;
    refresh_seen = previous.refresh_token;
    return AccessToken{"t" + std::to_string(obtained), now + std::chrono::seconds(1200), obtained == 1 ? "r1" : ""};
  });
  CHECK(cache.Get(start) == "t1");
  CHECK(cache.Get(start + std::chrono::seconds(1000)) == "t1");
  CHECK(obtained == 1);
  CHECK(cache.Get(start + std::chrono::seconds(1200) - kTokenRenewMargin) == "t2");
  CHECK(refresh_seen == "r1");
  cache.Invalidate();
  CHECK(cache.Get(start + std::chrono::seconds(1200)) == "t3");
  CHECK(refresh_seen == "r1");  // a grant without a new refresh token keeps the old one
}

TEST_CASE("TokenCache does not ask again while the token endpoint's rate limit lasts") {
  const Timestamp start = FromUnixSeconds(1767225600);
  int calls = 0;
  TokenCache cache([&](const AccessToken&, Timestamp now) -> Result<AccessToken> {
    if (++calls == 1) return std::unexpected(Error{ErrorCode::kRateLimited, "refresh throttled", std::chrono::seconds(300)});
    return AccessToken{"fresh", now + std::chrono::hours(100), ""};
  });
  auto first = cache.Get(start);
  REQUIRE_FALSE(first.has_value());
  auto during = cache.Get(start + std::chrono::seconds(100));
  REQUIRE_FALSE(during.has_value());
  CHECK(during.error().code == ErrorCode::kRateLimited);
  CHECK(during.error().retry_after == std::chrono::seconds(200));
  CHECK(calls == 1);
  CHECK(cache.Get(start + std::chrono::seconds(300)) == "fresh");
  CHECK(calls == 2);
}

TEST_CASE("ParseTokenResponse reads OAuth answers and refuses ones without a token") {
  const Endpoint endpoint{"trustpilot", "POST /v1/oauth/oauth-business-users-for-applications/accesstoken"};
  const Timestamp now = FromUnixSeconds(1767225600);
  auto token = ParseTokenResponse(R"({"access_token":"AT","refresh_token":"RT","expires_in":"359999"})", endpoint, now);
  REQUIRE(token.has_value());
  CHECK(token->value == "AT");
  CHECK(token->refresh_token == "RT");
  CHECK(token->expires_at == now + std::chrono::seconds(359999));
  auto missing = ParseTokenResponse(R"({"token_type":"Bearer"})", endpoint, now);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::kMalformed);
  CHECK(missing.error().message.find("access_token") != std::string::npos);
  // A fuzzer finding: an absurd lifetime is kept for a year instead of overflowing the expiry time.
  auto forever = ParseTokenResponse(R"({"access_token":"AT","expires_in":"395199292129215998"})", endpoint, now);
  REQUIRE(forever.has_value());
  CHECK(forever->expires_at == now + std::chrono::hours(365 * 24));
}

}  // namespace odziv::platforms::testing
