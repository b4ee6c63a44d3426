#include "daemon/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <thread>
#include <vector>

#include "daemon/logging.h"

namespace odziv::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Shared {
  HttpServerOptions options;
  std::shared_ptr<const HttpRouter> router;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> busy{0};  // requests being handled or written
  std::atomic<bool> stopping{false};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared) : stream_(std::move(socket)), shared_(std::move(shared)) {
    ++shared_->connections;
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
  }
  ~Session() { --shared_->connections; }

  void Start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    if (shared_->stopping) return Close();
    parser_.emplace();
    parser_->body_limit(shared_->options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(shared_->options.request_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
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
    ++shared_->busy;
    auto& message = parser_->get();
    ServerRequest request;
    request.method = std::string(message.method_string());
    request.remote_address = remote_;
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
      deferred([self = shared_from_this(), keep_alive, head](ServerResponse ready) {
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
    for (const auto& [name, value] : response.headers) out->set(name, value);
    std::size_t length = response.body.size();
    if (!head) out->body() = std::move(response.body);
    out->content_length(length);
    out->keep_alive(keep_alive);
    stream_.expires_after(shared_->options.request_timeout);
    http::async_write(stream_, *out, [self = shared_from_this(), out, keep_alive](beast::error_code ec, std::size_t) {
      --self->shared_->busy;
      if (ec || !keep_alive) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Shared> shared_;
  std::string remote_;
};

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
        std::make_shared<Session>(std::move(socket), shared_)->Start();
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

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      std::shared_ptr<const HttpRouter> router) {
  auto shared = std::make_shared<Shared>();
  shared->options = options;
  shared->router = std::move(router);
  auto server = std::make_unique<BeastServer>(shared);
  if (auto listening = server->Listen(); !listening) return Fail(listening.error());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace odziv::daemon
