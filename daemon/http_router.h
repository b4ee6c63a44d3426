// HttpRouter: maps (method, path) to a handler for the daemon's HTTP server (API, web app, webhooks,
// /healthz, /metrics). Pure: requests in, responses out, so routes are tested without sockets.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_client.h"

namespace odziv::daemon {

struct ServerRequest {
  std::string method;  // "GET", "POST" …
  std::string path;    // decoded path without the query: "/api/v1/brands/zrno"
  std::map<std::string, std::string> query;   // decoded; the last value wins for repeated keys
  std::map<std::string, std::string> params;  // from the route pattern: "/brands/{slug}" → {"slug": "zrno"}
  HttpHeaders headers;
  std::string body;
  std::string remote_address;
  bool tls = false;  // came over the server's own TLS (not a proxy's: that is X-Forwarded-Proto)

  std::optional<std::string_view> Header(std::string_view name) const;  // case-insensitive
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HttpHeaders headers;
  // When set, the answer is not ready yet: the server calls `deferred` once with a function that sends the
  // real response, which may be called later from any thread, exactly once. The I/O thread is free
  // meanwhile (a webhook push waits for its batch to be committed this way). Every other field is ignored.
  std::function<void(std::function<void(ServerResponse)>)> deferred;

  // {"error": {"code": "not_found", "message": "…"}}: the one error shape of the API.
  static ServerResponse Error(int status, std::string_view code, std::string_view message);
  static ServerResponse Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

using RouteHandler = std::function<ServerResponse(const ServerRequest&)>;

class HttpRouter {
 public:
  // `pattern` is a path whose segments may be "{name}" (one segment) or end in "{name...}" (the rest).
  void Add(std::string method, std::string pattern, RouteHandler handler);

  // Runs the matching handler; 404 when no pattern matches, 405 (with Allow) when only the method differs.
  // A handler that throws becomes a 500 with a generic message (the exception is the handler's bug).
  ServerResponse Dispatch(ServerRequest request) const;

  // Every route added so far, in the order added: its method and pattern as given to Add. For tests that
  // must cover every route (the brand isolation walk) rather than a hand-written list.
  struct RouteName {
    std::string method;
    std::string pattern;
  };
  std::vector<RouteName> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space).
std::map<std::string, std::string> ParseQuery(std::string_view query);
// Decodes %XX escapes; nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
// Sets request.path and request.query from an HTTP request target ("/api/v1/posts?limit=5"). False, with
// the request unchanged, for a path the server answers 400: a malformed escape, not starting with '/', or
// holding a NUL once decoded.
bool SetTarget(ServerRequest& request, std::string_view target);

}  // namespace odziv::daemon
