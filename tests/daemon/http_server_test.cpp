#include <catch2/catch.hpp>

#include <cpprest/json.h>
#include <fmt/format.h>

#include <atomic>

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
