// HttpServer: the daemon's own HTTP server (API, web app, webhooks, /healthz, /metrics) on Boost.Beast:
// asynchronous, a small fixed number of threads, with limits on request size and time so that a slow or
// hostile client cannot hold it. Routing is HttpRouter's; handlers run on the server's threads and should
// not block for long (a database read is fine; a platform call is not). A handler that must wait (a webhook
// push waiting for its batch commit) answers with ServerResponse::deferred and frees the thread.
// TLS is optional (tls_cert and tls_key): most deployments terminate it in a reverse proxy, but a small one
// can serve HTTPS itself. Then every connection must be TLS 1.2 or newer; a plain HTTP request to the port
// gets a 400 in plain HTTP saying so and is closed, and requests carry ServerRequest::tls.
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
  // host:port to listen on. Loopback by default: put a reverse proxy in front for the outside (or set tls_*).
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
  // PEM files of the certificate (the server's first, then its chain) and of its private key. Both empty:
  // plain HTTP. Both set: HTTPS only. Read once, at Start.
  std::string tls_cert;
  std::string tls_key;
  // With TLS, Strict-Transport-Security: max-age=N on every response; 0 sends none (a browser that saw the
  // header refuses plain HTTP to the host for that long, so it is opt-in).
  std::chrono::seconds hsts_max_age{0};

  bool tls() const { return !tls_cert.empty() || !tls_key.empty(); }
};

// Reads tls_cert and tls_key as Start would: kConfig naming the file when one is missing, unreadable, not
// PEM, or when the key does not belong to the certificate; kConfig when only one of them is set. OK without TLS.
[[nodiscard]] Status CheckTlsFiles(const HttpServerOptions& options);

class HttpServer {
 public:
  // Binds and starts serving. kConfig when `listen` is not host:port, or the address is in use or not
  // ours to bind (the message names it), or the TLS files do not load (CheckTlsFiles).
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
