// HttpClient: the seam through which odziv talks HTTP to platforms, Slack and webhooks. Connectors build
// an HttpRequest and parse the HttpResponse; only core/cpprest_http_client.cpp knows cpprestsdk.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace odziv {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: scheme, host, optional port, path and query (already encoded)
  HttpHeaders headers;
  std::string body;
  // Zero: the client's default. Covers the whole exchange, connect to last body byte: a server that trickles
  // its answer is cut off at it too.
  std::chrono::milliseconds timeout{0};
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;  // decoded (gzip/deflate removed), at most HttpClientOptions::max_body_bytes

  // The first header of that name, compared case-insensitively (platforms differ in case).
  std::optional<std::string_view> Header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends one request and waits for the whole response. Any HTTP status is a response, not an error.
  // Errors: kUnavailable (connect failure, reset, timeout, TLS failure, body over the size limit is
  // kMalformed), kInvalidArgument (the URL cannot be parsed). Thread-safe; blocks the calling thread.
  [[nodiscard]] virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct HttpClientOptions {
  // Worker threads for all clients in the process. cpprestsdk's default is 40; a daemon that polls a few
  // sources at a time needs few, and each costs a stack.
  std::size_t threads = 4;
  // Used when a request sets no timeout. Platforms answer in well under a second; 30 s survives a slow one.
  std::chrono::milliseconds default_timeout{30000};
  // A response body beyond this is refused as malformed: no platform page is near it, a hostile server may be.
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::string user_agent = "odziv/0.1 (+https://github.com/odziv/odziv)";
  // Off only for tests against self-signed loopback servers.
  bool verify_tls = true;
};

// The production client. Its thread pool is process-wide and sized by the first call's options.
std::unique_ptr<HttpClient> MakeCpprestHttpClient(const HttpClientOptions& options);

// ASCII case-insensitive equality, as HTTP header names compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// A request carrying `Authorization: Bearer <token>` (the token is never logged: see HttpClient).
HttpRequest BearerRequest(std::string method, std::string url, std::string_view token);

// "%20"-style encoding for a query value or a path segment (RFC 3986 unreserved characters kept).
std::string UrlEncode(std::string_view text);

// "a=1&b=x%20y" from pairs, each key and value encoded.
std::string UrlQuery(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace odziv
