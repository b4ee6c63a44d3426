// FakePlatformServer: runs tests/fake_platform/fake_platform.py as a child process on a port the OS picks,
// and drives its control API (routes, faults, recorded requests). One server per test process; Reset()
// between tests.
#pragma once

#include <cpprest/json.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_client.h"

namespace odziv::platforms::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::string query;
  std::string body;
  web::json::value headers;
  std::string Header(std::string_view name) const;
};

class FakePlatformServer {
 public:
  // The process-wide server, started on first use (the readiness line, not a sleep, says when).
  static FakePlatformServer& Shared();

  FakePlatformServer();
  ~FakePlatformServer();
  FakePlatformServer(const FakePlatformServer&) = delete;
  FakePlatformServer& operator=(const FakePlatformServer&) = delete;

  const std::string& url() const { return url_; }

  void Reset();
  // A recorded cassette under tests/data ("x/tweepy__….json"): all its interactions become routes.
  void Load(std::string_view file);
  // See fake_platform.py: {"method","path","match","status","headers","body"|"body_file","times"}.
  void Route(const web::json::value& route);
  void Fault(const web::json::value& fault);
  void Synthetic(const web::json::value& args);
  void Gzip(bool enabled);
  // Stateful replies on one platform: {"platform":"x","brand_handle":…,"brand_user_id":…} or
  // {"platform":"mastodon","brand_acct":…,"brand_account_id":…}. See fake_platform.py.
  void EnableReplies(const web::json::value& args);
  // Every reply created so far: [{"platform","id","in_reply_to","text","idempotency_key","at"}].
  web::json::value Replies();
  // Answers every request held by a "store_then_stall" fault.
  void Release();
  std::vector<ReceivedRequest> Requests();
  std::size_t Count(std::string_view method, std::string_view path);

 private:
  web::json::value Control(std::string_view path, const web::json::value& body);

  pid_t pid_ = -1;
  std::string url_;
  std::unique_ptr<HttpClient> http_;
};

// Shorthand for building control bodies: Json({{"kind", "slow"}, {"delay_ms", 100}}) etc.
web::json::value Json(std::string_view text);

// Contents of tests/data/<relative>.
std::string ReadTestData(std::string_view relative);
// The response body of interaction `index` of a recorded cassette, as text.
std::string CassetteBody(std::string_view relative, std::size_t index = 0);

// The HTTP client tests use: a 2 s default timeout so that the slow-response fault is quick to hit.
HttpClient& TestHttp();

}  // namespace odziv::platforms::testing
