// The production HttpClient (core/cpprest_http_client.cpp) against the fake server: gzip, the size limit,
// the User-Agent, timeouts. It lives here because it needs the fake platform server.
#include <catch2/catch.hpp>

#include "core/http_client.h"
#include "tests/platforms/fake_platform_server.h"

namespace odziv::platforms::testing {
namespace {

TEST_CASE("HttpClient decodes gzip, names odziv in the User-Agent and refuses bodies over the limit") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/big.atom","body_file":"rss/huginn__github_rss.atom","headers":{"Content-Type":"application/atom+xml"}})"));
  const std::string expected = ReadTestData("rss/huginn__github_rss.atom");

  HttpRequest request;
  request.url = server.url() + "/big.atom";
  auto plain = TestHttp().Send(request);
  REQUIRE(plain.has_value());
  CHECK(plain->status == 200);
  CHECK(plain->body == expected);  // sent gzip-compressed (the client asked for it), decoded here
  auto requests = server.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].Header("Accept-Encoding").find("gzip") != std::string::npos);
  CHECK(requests[0].Header("User-Agent").starts_with("odziv/"));

  HttpClientOptions small;
  small.threads = 2;
  small.max_body_bytes = 4096;
  auto limited = MakeCpprestHttpClient(small)->Send(request);
  REQUIRE_FALSE(limited.has_value());
  CHECK(limited.error().code == ErrorCode::kMalformed);
  CHECK(limited.error().message.find("4096-byte limit") != std::string::npos);

  server.Gzip(false);
  auto uncompressed = MakeCpprestHttpClient(small)->Send(request);
  REQUIRE_FALSE(uncompressed.has_value());
  CHECK(uncompressed.error().code == ErrorCode::kMalformed);
  server.Gzip(true);
}

TEST_CASE("HttpClient reports a timeout as kUnavailable without the query string") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/slow","body":"ok"})"));
  server.Fault(Json(R"({"kind":"slow","delay_ms":1500})"));
  HttpRequest request;
  request.url = server.url() + "/slow?key=SECRETKEY";
  request.timeout = std::chrono::milliseconds(300);
  auto r = TestHttp().Send(request);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kUnavailable);
  CHECK(r.error().message.find("SECRETKEY") == std::string::npos);
}

TEST_CASE("HttpClient's timeout covers the whole exchange: an answer that trickles in past it is a timeout") {
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  server.Route(Json(R"({"path":"/drip","body":"forty bytes of body, one every 100 ms..."})"));
  server.Fault(Json(R"({"kind":"drip","interval_ms":100})"));
  HttpRequest request;
  request.url = server.url() + "/drip?key=SECRETKEY";
  // Every byte arrives well within the timeout; the whole answer takes four seconds.
  request.timeout = std::chrono::milliseconds(600);
  auto r = TestHttp().Send(request);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kUnavailable);
  CHECK(r.error().message.find("no whole answer within 600 ms") != std::string::npos);
  CHECK(r.error().message.find("SECRETKEY") == std::string::npos);
}

}  // namespace
}  // namespace odziv::platforms::testing
