// HttpServer: the daemon's own HTTP server (API, web app, webhooks, /healthz, /metrics) on Boost.Beast:
// asynchronous, a small fixed number of threads, with limits on request size and time so that a slow or
// hostile client cannot hold it. Routing is HttpRouter's; handlers run on the server's threads and should
// not block for long (a database read is fine; a platform call is not). A handler that must wait (a webhook
// push waiting for its batch commit) answers with ServerResponse::deferred and frees the thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "daemon/http_router.h"

namespace odziv::daemon {

struct HttpServerOptions {
  // host:port to listen on. Loopback by default: put a reverse proxy in front for TLS and the outside.
  // Port 0 lets the system pick (tests).
  std::string listen = "127.0.0.1:8080";
  // Threads that run I/O and handlers. Two keep a queue page responsive while another request waits on
  // the database.
  std::size_t threads = 2;
  // Largest request body (JSON edits and webhook pushes are far smaller; a 1 MiB post is the extreme).
  std::size_t max_body_bytes = 2 * 1024 * 1024;
  // A request must arrive whole within this; an idle keep-alive connection is closed after it too.
  std::chrono::seconds request_timeout{30};
  // Connections beyond this are closed at once (each holds a socket and a buffer).
  std::size_t max_connections = 512;
};

class HttpServer {
 public:
  // Binds and starts serving. kConfig when `listen` is not host:port, or the address is in use or not
  // ours to bind (the message names it).
  [[nodiscard]] static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                                 std::shared_ptr<const HttpRouter> router);
  virtual ~HttpServer() = default;

  // The port actually bound (useful with port 0).
  virtual std::uint16_t port() const = 0;

  // Stops accepting, gives requests in flight up to `grace` to finish, then closes every connection and
  // joins the threads. Idempotent.
  virtual void Stop(std::chrono::milliseconds grace) = 0;
};

}  // namespace odziv::daemon
