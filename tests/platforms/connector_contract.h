// The contract every connector keeps, run against the fake platform server over real HTTP. Each platform
// adds one small *_contract_test.cpp that describes how to serve its recordings (osquery-style).
#pragma once

#include <cpprest/json.h>

#include <functional>
#include <optional>
#include <string>

#include "core/brand.h"
#include "platforms/connector.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms::testing {

// The token value every contract source resolves to (through env:ODZIV_TEST_TOKEN). No error message may
// contain it.
inline constexpr std::string_view kTestToken = "tok-SECRET-5f2b9c1e7d";

struct ContractSubject {
  std::string platform;
  // "x", "mastodon", "meta", "google" or "generic": which platform's 429 and expired-token answers to fake.
  std::string fault_dialect;
  // The source, given the fake server's URL. Its credential setting must be "env:ODZIV_TEST_TOKEN" (or
  // none for platforms without credentials).
  std::function<Source(const std::string& base_url)> source;
  // Serves the first poll's recorded responses and an empty answer for the poll after it.
  std::function<void(FakePlatformServer&)> serve;
  std::size_t first_poll_posts = 0;
  // Set for platforms that publish replies: what to send, and where the fake server expects it.
  std::optional<ReplyRequest> reply;
  std::string reply_path;
  std::string reply_method = "POST";  // PUT where the platform creates or overwrites the one reply
  std::function<void(FakePlatformServer&)> serve_reply;
  bool needs_credentials = true;
  // Whether a request carries the credential. Unset: the token is in its Authorization header or query.
  // Platforms that sign their own tokens (App Store Connect) say what to look for instead.
  std::function<bool(const ReceivedRequest&)> carries_credential;
};

// Runs the contract as Catch2 SECTIONs inside the calling TEST_CASE.
void RunConnectorContract(const ContractSubject& subject);

}  // namespace odziv::platforms::testing
