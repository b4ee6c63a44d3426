// Keys for tests of signed requests, generated fresh in the test process (no key is committed), and the
// check that a JWT's signature verifies with OpenSSL against the key's public half.
#pragma once

#include <cpprest/json.h>

#include <string>
#include <string_view>

namespace odziv::platforms::testing {

// PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), like App Store Connect's .p8 files and the private_key of
// a Google service-account JSON. Generated once per process.
const std::string& TestEcKeyPem();   // EC P-256
const std::string& TestRsaKeyPem();  // RSA 2048

// A Google service-account key file around TestRsaKeyPem(), with `token_uri`.
std::string TestServiceAccountJson(const std::string& token_uri);

// base64url (padding optional) to bytes; empty on bad input.
std::string Base64UrlDecode(std::string_view text);

struct DecodedJwt {
  web::json::value header;
  web::json::value claims;
  bool signature_valid = false;
};

// Splits `jwt`, decodes header and claims and verifies the signature (ES256 raw r||s or RS256 by the
// header's alg) with the public half of `private_key_pem`.
DecodedJwt DecodeAndVerifyJwt(std::string_view jwt, const std::string& private_key_pem);

}  // namespace odziv::platforms::testing
