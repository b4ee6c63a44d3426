#include "daemon/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include "daemon/logging.h"

namespace odziv::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct Shared {
  HttpServerOptions options;
  std::shared_ptr<const HttpRouter> router;
  std::unique_ptr<ssl::context> tls;  // null: plain HTTP
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> busy{0};  // requests being handled or written
  std::atomic<bool> stopping{false};
};

// One open connection, counted against max_connections for as long as it lives (it moves from the TLS
// detector to the session).
class Slot {
 public:
  explicit Slot(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) { ++shared_->connections; }
  Slot(Slot&&) noexcept = default;
  Slot& operator=(Slot&&) = delete;
  ~Slot() {
    if (shared_) --shared_->connections;
  }
  Shared* operator->() const { return shared_.get(); }

 private:
  std::shared_ptr<Shared> shared_;
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::string RemoteAddress(const tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

// One connection: requests read and answered in turn (keep-alive). Stream is beast::tcp_stream for plain
// HTTP or TlsStream. `plain_refused`: a plain HTTP connection to the HTTPS port, whose first request is
// answered with 400 before it is closed.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(Stream stream, beast::flat_buffer buffer, Slot slot, std::string remote, bool plain_refused = false)
      : stream_(std::move(stream)), buffer_(std::move(buffer)), shared_(std::move(slot)), remote_(std::move(remote)),
        plain_refused_(plain_refused) {}

  void Start() {
    if constexpr (kTls) {
      // The detector's bytes are the start of the ClientHello.
      Lowest().expires_after(shared_->options.request_timeout);
      stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                              beast::bind_front_handler(&Session::OnHandshake, this->shared_from_this()));
    } else {
      asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, this->shared_from_this()));
    }
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void OnHandshake(beast::error_code ec, std::size_t used) {
    if (ec) {
      // A scanner, a client that distrusts the certificate, or one older than TLS 1.2: theirs to fix.
      Logger("http")->debug("TLS handshake with {} failed: {}", remote_, ec.message());
      return CloseSocket();
    }
    buffer_.consume(used);
    handshake_done_ = true;
    Read();
  }

  void Read() {
    if (shared_->stopping) return Close();
    parser_.emplace();
    parser_->body_limit(shared_->options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    Lowest().expires_after(shared_->options.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted)
      return Close();
    if (ec == http::error::body_limit) {
      return Reply(ServerResponse::Error(413, "too_large", fmt::format("the request body is over the {}-byte limit",
                                                                         shared_->options.max_body_bytes)),
                   false);
    }
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return Reply(ServerResponse::Error(400, "bad_request", "the request is not valid HTTP/1.1"), false);
      return Close();
    }
    if (plain_refused_) {
      Logger("http")->debug("plain HTTP request from {} to the HTTPS port refused", remote_);
      return Reply(ServerResponse::Error(400, "https_required", "this port serves HTTPS only: use https://"), false);
    }
    ++shared_->busy;
    auto& message = parser_->get();
    ServerRequest request;
    request.method = std::string(message.method_string());
    request.remote_address = remote_;
    request.tls = kTls;
    for (const auto& field : message) request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request.body = std::move(message.body());
    ServerResponse response;
    if (!SetTarget(request, std::string_view(message.target().data(), message.target().size())))
      response = ServerResponse::Error(400, "bad_request", "the request path is malformed");
    else
      response = shared_->router->Dispatch(std::move(request));
    bool keep_alive = message.keep_alive() && !shared_->stopping;
    const bool head = message.method() == http::verb::head;
    if (response.deferred) {
      // Still busy until the answer comes; it is sent on this connection's strand.
      auto deferred = std::move(response.deferred);
      deferred([self = this->shared_from_this(), keep_alive, head](ServerResponse ready) {
        asio::post(self->stream_.get_executor(), [self, ready = std::move(ready), keep_alive, head]() mutable {
          --self->shared_->busy;
          self->Reply(std::move(ready), keep_alive && !self->shared_->stopping, head);
        });
      });
      return;
    }
    --shared_->busy;
    Reply(std::move(response), keep_alive, head);
  }

  void Reply(ServerResponse response, bool keep_alive, bool head = false) {
    ++shared_->busy;
    auto out = std::make_shared<http::response<http::string_body>>();
    out->version(11);
    out->result(static_cast<unsigned>(response.status));
    out->set(http::field::server, "odziv");
    out->set(http::field::content_type, response.content_type);
    out->set("X-Content-Type-Options", "nosniff");
    if (kTls && shared_->options.hsts_max_age.count() > 0)
      out->set(http::field::strict_transport_security, fmt::format("max-age={}", shared_->options.hsts_max_age.count()));
    for (const auto& [name, value] : response.headers) out->set(name, value);
    std::size_t length = response.body.size();
    if (!head) out->body() = std::move(response.body);
    out->content_length(length);
    out->keep_alive(keep_alive);
    Lowest().expires_after(shared_->options.request_timeout);
    http::async_write(stream_, *out,
                      [self = this->shared_from_this(), out, keep_alive](beast::error_code ec, std::size_t) {
                        --self->shared_->busy;
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    if constexpr (kTls) {
      if (handshake_done_) {
        // close_notify, so that the client can tell the end of the answer from a cut connection; a client
        // that never answers it gets a few seconds.
        handshake_done_ = false;
        Lowest().expires_after(std::chrono::seconds(5));
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->CloseSocket(); });
        return;
      }
    }
    CloseSocket();
  }

  void CloseSocket() {
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    Lowest().socket().close(ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Slot shared_;
  std::string remote_;
  bool plain_refused_ = false;
  bool handshake_done_ = false;
};

// With TLS on, a new connection's first bytes tell a TLS ClientHello from anything else; the session that
// follows gets the bytes already read.
class TlsDetector : public std::enable_shared_from_this<TlsDetector> {
 public:
  TlsDetector(tcp::socket socket, Slot slot)
      : remote_(RemoteAddress(socket)), stream_(std::move(socket)), shared_(std::move(slot)) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->stream_.expires_after(self->shared_->options.request_timeout);
      beast::async_detect_ssl(self->stream_, self->buffer_,
                              beast::bind_front_handler(&TlsDetector::OnDetect, self));
    });
  }

 private:
  void OnDetect(beast::error_code ec, bool tls) {
    if (ec) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return;
    }
    ssl::context& context = *shared_->tls;
    if (tls) {
      std::make_shared<Session<TlsStream>>(TlsStream(std::move(stream_), context), std::move(buffer_),
                                           std::move(shared_), std::move(remote_))
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(std::move(stream_), std::move(buffer_), std::move(shared_),
                                                   std::move(remote_), true)
          ->Start();
    }
  }

  std::string remote_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Slot shared_;
};

Status ReadableFile(std::string_view key, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return Fail(ErrorCode::kConfig, fmt::format("{} = '{}' is a folder, not a PEM file", key, path));
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Fail(ErrorCode::kConfig,
                fmt::format("{} = '{}' cannot be read: {}", key, path, std::generic_category().message(errno)));
  }
  std::fclose(file);
  return {};
}

Result<std::unique_ptr<ssl::context>> LoadTls(const HttpServerOptions& options) {
  if (options.tls_cert.empty() || options.tls_key.empty())
    return Fail(ErrorCode::kConfig, "http.tls-cert and http.tls-key must be set together (neither: plain HTTP)");
  if (auto readable = ReadableFile("http.tls-cert", options.tls_cert); !readable) return Fail(readable.error());
  if (auto readable = ReadableFile("http.tls-key", options.tls_key); !readable) return Fail(readable.error());
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  // TLS 1.2: forward secrecy and AEAD only. TLS 1.3's suites (OpenSSL's defaults) are all of that kind.
  SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20");
  // The key first: loading the certificate after it drops a key that does not match, which the check below
  // then reports as a mismatch rather than as a bad file.
  beast::error_code ec;
  context->use_private_key_file(options.tls_key, ssl::context::pem, ec);
  if (ec) {
    return Fail(ErrorCode::kConfig,
                fmt::format("http.tls-key = '{}' is not a PEM private key: {}", options.tls_key, ec.message()));
  }
  context->use_certificate_chain_file(options.tls_cert, ec);
  if (ec) {
    return Fail(ErrorCode::kConfig,
                fmt::format("http.tls-cert = '{}' is not a PEM certificate: {}", options.tls_cert, ec.message()));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return Fail(ErrorCode::kConfig, fmt::format("http.tls-key = '{}' is not the key of the certificate in "
                                                "http.tls-cert = '{}'",
                                                options.tls_key, options.tls_cert));
  }
  return context;
}

class BeastServer final : public HttpServer {
 public:
  BeastServer(std::shared_ptr<Shared> shared) : shared_(std::move(shared)), acceptor_(ioc_) {}
  ~BeastServer() override { Stop(std::chrono::milliseconds(0)); }

  Status Listen() {
    const std::string& listen = shared_->options.listen;
    auto colon = listen.rfind(':');
    unsigned port = 0;
    if (colon == std::string::npos ||
        std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port).ec != std::errc() || port > 65535)
      return Fail(ErrorCode::kConfig, fmt::format("http.listen = '{}' must be HOST:PORT", listen));
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    beast::error_code ec;
    auto address = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
    if (ec) return Fail(ErrorCode::kConfig, fmt::format("http.listen = '{}': '{}' is not an IP address", listen, host));
    tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Fail(ErrorCode::kConfig, fmt::format("cannot listen on {}: {}", listen, ec.message()));
    port_ = acceptor_.local_endpoint().port();
    Accept();
    for (std::size_t i = 0; i < std::max<std::size_t>(1, shared_->options.threads); ++i)
      threads_.emplace_back([this] { ioc_.run(); });
    return {};
  }

  std::uint16_t port() const override { return port_; }

  void Stop(std::chrono::milliseconds grace) override {
    if (stopped_.exchange(true)) return;
    shared_->stopping = true;
    asio::post(ioc_, [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (shared_->busy > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || shared_->stopping) return;
        Logger("http")->warn("accept failed: {}", ec.message());
      } else if (shared_->connections >= shared_->options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        Slot slot(shared_);
        if (shared_->tls) {
          std::make_shared<TlsDetector>(std::move(socket), std::move(slot))->Start();
        } else {
          std::string remote = RemoteAddress(socket);
          std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), beast::flat_buffer(),
                                                       std::move(slot), std::move(remote))
              ->Start();
        }
      }
      if (!shared_->stopping) Accept();
    });
  }

  std::shared_ptr<Shared> shared_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

Status CheckTlsFiles(const HttpServerOptions& options) {
  if (!options.tls()) return {};
  if (auto tls = LoadTls(options); !tls) return Fail(tls.error());
  return {};
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      std::shared_ptr<const HttpRouter> router) {
  auto shared = std::make_shared<Shared>();
  shared->options = options;
  shared->router = std::move(router);
  if (options.tls()) {
    auto tls = LoadTls(options);
    if (!tls) return Fail(tls.error());
    shared->tls = std::move(*tls);
  }
  auto server = std::make_unique<BeastServer>(shared);
  if (auto listening = server->Listen(); !listening) return Fail(listening.error());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace odziv::daemon
