#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cpprest/json.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "core/http_client.h"
#include "daemon/http_router.h"
#include "daemon/http_server.h"

using namespace odziv;
using namespace odziv::daemon;

TEST_CASE("HttpRouter matches path parameters and answers 404 and 405 in the API's error shape") {
  HttpRouter router;
  router.Add("GET", "/api/v1/brands/{slug}", [](const ServerRequest& r) {
    return ServerResponse::Text(200, r.params.at("slug") + "|" + (r.query.count("q") ? r.query.at("q") : ""));
  });
  router.Add("GET", "/static/{path...}", [](const ServerRequest& r) { return ServerResponse::Text(200, r.params.at("path")); });
  ServerRequest get;
  get.method = "GET";
  get.path = "/api/v1/brands/zrno";
  get.query = ParseQuery("q=%C4%8Dekam+dugo&x");
  CHECK(router.Dispatch(get).body == "zrno|čekam dugo");
  get.path = "/static/css/app.css";
  CHECK(router.Dispatch(get).body == "css/app.css");
  get.path = "/api/v1/brands";
  auto missing = router.Dispatch(get);
  CHECK(missing.status == 404);
  CHECK(web::json::value::parse(missing.body)["error"]["code"].as_string() == "not_found");
  ServerRequest post = get;
  post.method = "POST";
  post.path = "/api/v1/brands/zrno";
  auto wrong = router.Dispatch(post);
  CHECK(wrong.status == 405);
  REQUIRE(wrong.headers.size() == 1);
  CHECK(wrong.headers[0].second == "GET");
}

TEST_CASE("HttpRouter turns a handler's exception into a 500 without its details") {
  HttpRouter router;
  router.Add("GET", "/boom", [](const ServerRequest&) -> ServerResponse { throw std::runtime_error("secret detail"); });
  ServerRequest r;
  r.method = "GET";
  r.path = "/boom";
  auto response = router.Dispatch(r);
  CHECK(response.status == 500);
  CHECK(response.body.find("secret detail") == std::string::npos);
}

TEST_CASE("HttpRouter answers valid JSON when the request quotes bytes that are not UTF-8") {
  HttpRouter router;
  router.Add("GET", "/api/v1/brands", [](const ServerRequest&) { return ServerResponse::Text(200, "[]"); });
  ServerRequest r;
  r.method = "GET";
  REQUIRE(SetTarget(r, "/api/%FF%C3(/caf%C3%A9?limit=%80"));
  auto missing = router.Dispatch(r);
  CHECK(missing.status == 404);
  // Each stray byte becomes U+FFFD; the valid "é" stays.
  CHECK(web::json::value::parse(missing.body)["error"]["message"].as_string() ==
        "no such resource: /api/\xEF\xBF\xBD\xEF\xBF\xBD(/caf\xC3\xA9");
  CHECK_FALSE(SetTarget(r, "api/v1"));
  CHECK_FALSE(SetTarget(r, "/api/%00"));
  CHECK_FALSE(SetTarget(r, "/api/%2"));
}

TEST_CASE("PercentDecode refuses malformed escapes") {
  CHECK(PercentDecode("a%2Fb", false).value() == "a/b");
  CHECK_FALSE(PercentDecode("a%2", false));
  CHECK_FALSE(PercentDecode("a%zz", false));
}

TEST_CASE("HttpServer serves routes over real HTTP and refuses bodies over the limit") {
  auto router = std::make_shared<HttpRouter>();
  std::atomic<int> hits = 0;
  router->Add("POST", "/echo", [&hits](const ServerRequest& r) {
    ++hits;
    return ServerResponse::Text(201, fmt::format("{} bytes from {}", r.body.size(), r.remote_address));
  });
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.max_body_bytes = 1000;
  auto server = HttpServer::Start(options, router);
  REQUIRE(server);
  const std::string base = fmt::format("http://127.0.0.1:{}", (*server)->port());
  auto client = MakeCpprestHttpClient(HttpClientOptions{});

  HttpRequest request;
  request.method = "POST";
  request.url = base + "/echo";
  request.body = std::string(500, 'x');
  auto ok = client->Send(request);
  REQUIRE(ok);
  CHECK(ok->status == 201);
  CHECK(ok->body == "500 bytes from 127.0.0.1");
  CHECK(ok->Header("X-Content-Type-Options").value_or("") == "nosniff");

  request.body = std::string(5000, 'x');
  auto big = client->Send(request);
  if (big) CHECK(big->status == 413);  // or the connection is closed mid-upload: either way, refused
  CHECK(hits == 1);

  HttpRequest unknown;
  unknown.url = base + "/nope";
  auto missing = client->Send(unknown);
  REQUIRE(missing);
  CHECK(missing->status == 404);
  (*server)->Stop(std::chrono::seconds(1));
}

TEST_CASE("HttpServer reports an address in use or malformed as a configuration error") {
  auto router = std::make_shared<HttpRouter>();
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  auto first = HttpServer::Start(options, router);
  REQUIRE(first);
  options.listen = fmt::format("127.0.0.1:{}", (*first)->port());
  auto second = HttpServer::Start(options, router);
  REQUIRE_FALSE(second);
  CHECK(second.error().code == ErrorCode::kConfig);
  CHECK(second.error().message.find(options.listen) != std::string::npos);
  options.listen = "localhost";
  CHECK_FALSE(HttpServer::Start(options, router));
  options.listen = "not-an-ip:80";
  CHECK_FALSE(HttpServer::Start(options, router));
}

// --- TLS ------------------------------------------------------------------------------------------------

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;

struct PemFiles {
  std::string cert;
  std::string key;
};

// A fresh P-256 key and a self-signed certificate for it (CN=localhost, valid a day), written as PEM files
// named after `name` in the temporary folder.
PemFiles MakeSelfSigned(const std::string& name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  REQUIRE(key != nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                             0);
  X509_set_issuer_name(cert, subject);
  REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
  auto dir = std::filesystem::temp_directory_path();
  PemFiles files{(dir / ("odziv_tls_test_" + name + "_cert.pem")).string(),
                 (dir / ("odziv_tls_test_" + name + "_key.pem")).string()};
  std::FILE* out = std::fopen(files.cert.c_str(), "w");
  REQUIRE(out != nullptr);
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen(files.key.c_str(), "w");
  REQUIRE(out != nullptr);
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
  return files;
}

struct Answer {
  unsigned status = 0;
  std::string body;
  std::string hsts;
};

// A TLS connection to the server on loopback that trusts only `trusted` (a PEM certificate). Throws on a
// failed handshake or I/O error; every operation gives up after 10 s.
class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::string& trusted, int max_version = 0) {
    context_.load_verify_file(trusted);
    context_.set_verify_mode(ssl::verify_peer);
    if (max_version != 0) {
      // An old client: allowed to offer what the server must refuse.
      SSL_CTX_set_security_level(context_.native_handle(), 0);
      SSL_CTX_set_cipher_list(context_.native_handle(), "ALL:@SECLEVEL=0");
      SSL_CTX_set_min_proto_version(context_.native_handle(), 0);
      SSL_CTX_set_max_proto_version(context_.native_handle(), max_version);
    }
    // The stream takes the context's settings when it is made, so only now.
    stream_.emplace(ioc_, context_);
    stream_->next_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    Check(Await([this](auto done) { stream_->async_handshake(ssl::stream_base::client, done); }));
  }

  Answer Send(bhttp::verb verb, const std::string& target, std::string body = "") {
    bhttp::request<bhttp::string_body> request(verb, target, 11);
    request.set(bhttp::field::host, "localhost");
    request.body() = std::move(body);
    request.prepare_payload();
    Check(Await([&](auto done) { bhttp::async_write(*stream_, request, done); }));
    bhttp::response<bhttp::string_body> response;
    Check(Await([&](auto done) { bhttp::async_read(*stream_, buffer_, response, done); }));
    return Answer{response.result_int(), response.body(),
                  std::string(response[bhttp::field::strict_transport_security])};
  }

  // Whether the server ends the connection (reading gives an error) within 10 s.
  bool ClosedByServer() {
    char sink[64];
    while (true) {
      auto read = Await([&](auto done) { stream_->async_read_some(asio::buffer(sink), done); });
      if (!read) return false;
      if (*read) return true;
    }
  }

 private:
  // Starts one asynchronous operation with `start(handler)` and runs it to its end: its error code, or
  // nothing when it took over 10 s (it is cancelled then).
  template <class Start>
  std::optional<beast::error_code> Await(Start start) {
    std::optional<beast::error_code> result;
    start([&result](beast::error_code ec, auto...) { result = ec; });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(10));
    if (result) return result;
    beast::get_lowest_layer(*stream_).cancel();
    ioc_.restart();
    ioc_.run();
    return std::nullopt;
  }

  static void Check(const std::optional<beast::error_code>& result) {
    if (!result) throw std::runtime_error("no answer from the server within 10 s");
    if (*result) throw boost::system::system_error(*result);
  }

  asio::io_context ioc_;
  ssl::context context_{ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
};

Answer GetOverTls(std::uint16_t port, const std::string& trusted, const std::string& target, int max_version = 0) {
  return TlsClient(port, trusted, max_version).Send(bhttp::verb::get, target);
}

std::shared_ptr<HttpRouter> TlsRouter(std::atomic<int>& hits) {
  auto router = std::make_shared<HttpRouter>();
  router->Add("GET", "/who", [&hits](const ServerRequest& r) {
    ++hits;
    return ServerResponse::Text(200, fmt::format("tls={} from {}", r.tls, r.remote_address));
  });
  return router;
}

HttpServerOptions TlsOptions(const PemFiles& pem) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_cert = pem.cert;
  options.tls_key = pem.key;
  return options;
}

}  // namespace

TEST_CASE("HttpServer serves HTTPS with the configured certificate, TLS 1.2 at least, and HSTS when asked") {
  PemFiles pem = MakeSelfSigned("serve");
  std::atomic<int> hits = 0;
  HttpServerOptions options = TlsOptions(pem);
  options.hsts_max_age = std::chrono::seconds(31536000);
  REQUIRE(CheckTlsFiles(options));
  auto server = HttpServer::Start(options, TlsRouter(hits));
  REQUIRE(server);
  const std::uint16_t port = (*server)->port();

  Answer answer = GetOverTls(port, pem.cert, "/who");
  CHECK(answer.status == 200);
  CHECK(answer.body == "tls=true from 127.0.0.1");
  CHECK(answer.hsts == "max-age=31536000");
  CHECK(hits == 1);

  // A client that speaks at most TLS 1.1 is refused; the same client allowed TLS 1.2 gets through.
  CHECK_THROWS(GetOverTls(port, pem.cert, "/who", TLS1_1_VERSION));
  CHECK(GetOverTls(port, pem.cert, "/who", TLS1_2_VERSION).status == 200);
  CHECK(hits == 2);

  // A client that does not trust the certificate gives up; the server goes on.
  PemFiles other = MakeSelfSigned("stranger");
  CHECK_THROWS(GetOverTls(port, other.cert, "/who"));
  CHECK(GetOverTls(port, pem.cert, "/who").status == 200);
  (*server)->Stop(std::chrono::seconds(1));
}

TEST_CASE("HttpServer with TLS answers a plain HTTP request with 400 and survives garbage handshakes") {
  PemFiles pem = MakeSelfSigned("plain");
  std::atomic<int> hits = 0;
  auto server = HttpServer::Start(TlsOptions(pem), TlsRouter(hits));
  REQUIRE(server);
  const std::uint16_t port = (*server)->port();
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);

  asio::io_context ioc;
  {
    beast::tcp_stream plain(ioc);
    plain.expires_after(std::chrono::seconds(10));
    plain.connect(endpoint);
    bhttp::request<bhttp::string_body> request(bhttp::verb::get, "/who", 11);
    request.set(bhttp::field::host, "localhost");
    bhttp::write(plain, request);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    bhttp::read(plain, buffer, response);
    CHECK(response.result_int() == 400);
    CHECK(response.body().find("https_required") != std::string::npos);
    CHECK_FALSE(response.keep_alive());
  }
  {
    // A TLS record header followed by nonsense: the handshake fails and the connection is closed.
    beast::tcp_stream garbage(ioc);
    garbage.expires_after(std::chrono::seconds(10));
    garbage.connect(endpoint);
    const std::string bytes("\x16\x03\x01\x00\x08nonsense", 13);
    asio::write(garbage, asio::buffer(bytes));
    char sink[64];
    beast::error_code ec;
    while (!ec) garbage.read_some(asio::buffer(sink), ec);
    CHECK(ec != beast::error::timeout);  // closed by the server, not left hanging
  }
  CHECK(hits == 0);
  CHECK(GetOverTls(port, pem.cert, "/who").body == "tls=true from 127.0.0.1");
  (*server)->Stop(std::chrono::seconds(1));
}

TEST_CASE("HttpServer names the TLS file at fault: missing, not PEM, or a key that is not the certificate's") {
  PemFiles pem = MakeSelfSigned("bad_a");
  PemFiles other = MakeSelfSigned("bad_b");
  auto router = std::make_shared<HttpRouter>();
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  auto refused = [&](const std::string& cert, const std::string& key) {
    options.tls_cert = cert;
    options.tls_key = key;
    CHECK_FALSE(CheckTlsFiles(options));
    auto server = HttpServer::Start(options, router);
    REQUIRE_FALSE(server);
    CHECK(server.error().code == ErrorCode::kConfig);
    return server.error().message;
  };

  std::string mismatched = refused(pem.cert, other.key);
  CHECK(mismatched.find("http.tls-key = '" + other.key + "' is not the key of the certificate") != std::string::npos);

  std::string missing = refused("/nonexistent/cert.pem", pem.key);
  CHECK(missing.find("http.tls-cert = '/nonexistent/cert.pem' cannot be read") != std::string::npos);

  const std::string garbage = (std::filesystem::temp_directory_path() / "odziv_tls_test_garbage.pem").string();
  std::ofstream(garbage) << "not a key\n";
  CHECK(refused(pem.cert, garbage).find("http.tls-key = '" + garbage + "' is not a PEM private key") !=
        std::string::npos);
  CHECK(refused(garbage, pem.key).find("http.tls-cert = '" + garbage + "' is not a PEM certificate") !=
        std::string::npos);
  // The certificate's file given as the key (a common slip) is not a key either.
  CHECK(refused(pem.cert, pem.cert).find("http.tls-key") != std::string::npos);
  CHECK(refused(pem.cert, "").find("set together") != std::string::npos);
}

TEST_CASE("HttpServer over TLS keeps the body limit and the request timeout, and stops with connections open") {
  PemFiles pem = MakeSelfSigned("limits");
  std::atomic<int> hits = 0;
  auto router = TlsRouter(hits);
  router->Add("POST", "/who", [&hits](const ServerRequest& r) {
    ++hits;
    return ServerResponse::Text(200, std::to_string(r.body.size()));
  });
  HttpServerOptions options = TlsOptions(pem);
  options.max_body_bytes = 1000;
  options.request_timeout = std::chrono::seconds(1);
  auto server = HttpServer::Start(options, router);
  REQUIRE(server);
  const std::uint16_t port = (*server)->port();

  TlsClient client(port, pem.cert);
  CHECK(client.Send(bhttp::verb::post, "/who", std::string(500, 'x')).body == "500");
  Answer big = client.Send(bhttp::verb::post, "/who", std::string(5000, 'x'));
  CHECK(big.status == 413);
  CHECK(client.ClosedByServer());  // and the connection is closed after it
  CHECK(hits == 1);

  // A connection that sends nothing after the handshake is closed after the request timeout.
  TlsClient idle(port, pem.cert);
  CHECK(idle.ClosedByServer());

  // Stop returns with a keep-alive connection open; the connection ends with the server.
  TlsClient open(port, pem.cert);
  CHECK(open.Send(bhttp::verb::get, "/who").status == 200);
  (*server)->Stop(std::chrono::seconds(1));
  server->reset();
  CHECK(open.ClosedByServer());
}
