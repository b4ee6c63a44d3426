#include "tests/platforms/connector_contract.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdlib>
#include <set>

#include "core/clock.h"
#include "platforms/registry.h"

namespace odziv::platforms::testing {
namespace {

std::unique_ptr<Connector> Make(const Source& source, const Clock& clock) {
  ConnectorContext context{TestHttp(), clock};
  auto connector = MakeConnector(source, context);
  if (!connector) FAIL("MakeConnector: " << Describe(connector.error()));
  return std::move(*connector);
}

void CheckNoSecret(const Error& error) {
  INFO(Describe(error));
  CHECK(error.message.find(kTestToken) == std::string::npos);
}

}  // namespace

void RunConnectorContract(const ContractSubject& subject) {
  setenv("ODZIV_TEST_TOKEN", std::string(kTestToken).c_str(), 1);
  auto& server = FakePlatformServer::Shared();
  server.Reset();
  subject.serve(server);
  FakeClock clock(SystemClock().Now());
  Source source = subject.source(server.url());
  source.name = "contract-" + subject.platform;
  source.platform = subject.platform;
  auto connector = Make(source, clock);

  SECTION("the platform is in the registry") { CHECK(FindPlatform(subject.platform) != nullptr); }

  SECTION("the first poll returns the recorded posts, oldest first, with a cursor") {
    auto page = connector->Fetch("");
    REQUIRE(page.has_value());
    CHECK(page->posts.size() == subject.first_poll_posts);
    CHECK_FALSE(page->next_cursor.empty());
    std::set<std::string> ids;
    for (std::size_t i = 0; i < page->posts.size(); ++i) {
      const Post& post = page->posts[i];
      INFO("post " << i << " " << post.external_id);
      CHECK(post.platform == subject.platform);
      CHECK_FALSE(post.external_id.empty());
      CHECK_FALSE(post.thread_id.empty());
      CHECK(ToUnixMillis(post.created_at) > 0);
      CHECK(ids.insert(post.external_id).second);
      if (i > 0) CHECK(page->posts[i - 1].created_at <= post.created_at);
    }
    SECTION("and polling again from the cursor returns none of them again") {
      auto again = connector->Fetch(page->next_cursor);
      REQUIRE(again.has_value());
      for (const auto& post : again->posts) CHECK_FALSE(ids.contains(post.external_id));
    }
  }

  SECTION("a rate limit becomes kRateLimited with a wait") {
    web::json::value fault = Json(R"({"kind":"rate_limit","retry_after":120})");
    fault["platform"] = web::json::value::string(subject.fault_dialect);
    server.Fault(fault);
    auto page = connector->Fetch("");
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().code == ErrorCode::kRateLimited);
    REQUIRE(page.error().retry_after.has_value());
    CHECK(page.error().retry_after->count() >= 1);
    CheckNoSecret(page.error());
  }

  SECTION("HTTP 500 and 503 become kUnavailable") {
    server.Fault(Json(R"({"kind":"status","status":500})"));
    server.Fault(Json(R"({"kind":"status","status":503,"headers":{"Retry-After":"7"}})"));
    auto first = connector->Fetch("");
    REQUIRE_FALSE(first.has_value());
    CHECK(first.error().code == ErrorCode::kUnavailable);
    auto second = connector->Fetch("");
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().code == ErrorCode::kUnavailable);
    CHECK(second.error().retry_after == std::chrono::seconds(7));
    CheckNoSecret(second.error());
  }

  if (subject.needs_credentials) {
    SECTION("an expired token becomes kUnauthenticated") {
      web::json::value fault = Json(R"({"kind":"expired_token"})");
      fault["platform"] = web::json::value::string(subject.fault_dialect);
      server.Fault(fault);
      auto page = connector->Fetch("");
      REQUIRE_FALSE(page.has_value());
      CHECK(page.error().code == ErrorCode::kUnauthenticated);
      CheckNoSecret(page.error());
    }

    SECTION("a missing credential is a kConfig error when the connector is made") {
      Source broken = source;
      for (auto& [key, value] : broken.settings)
        if (value.starts_with("env:ODZIV_TEST_")) value += "_THAT_IS_NOT_SET";
      ConnectorContext context{TestHttp(), clock};
      auto made = MakeConnector(broken, context);
      REQUIRE_FALSE(made.has_value());
      CHECK(made.error().code == ErrorCode::kConfig);
    }

    SECTION("the token is sent and never appears in an error") {
      auto page = connector->Fetch("");
      REQUIRE(page.has_value());
      auto requests = server.Requests();
      REQUIRE_FALSE(requests.empty());
      auto carries = subject.carries_credential ? subject.carries_credential : [](const ReceivedRequest& r) {
        return r.Header("Authorization").find(kTestToken) != std::string::npos ||
               r.query.find(kTestToken) != std::string::npos;
      };
      CHECK(std::any_of(requests.begin(), requests.end(), carries));
    }
  }

  SECTION("a truncated body, a malformed body, HTML and a reset connection are reported, not crashed on") {
    for (std::string kind : {"truncate", "malformed", "garbage", "reset"}) {
      INFO(kind);
      web::json::value fault = web::json::value::object();
      fault["kind"] = web::json::value::string(kind);
      // cpprestsdk resends a read once when a pooled connection turns out closed.
      fault["times"] = web::json::value::number(kind == "reset" ? 5 : 1);
      server.Fault(fault);
      auto page = connector->Fetch("");
      REQUIRE_FALSE(page.has_value());
      CHECK((page.error().code == ErrorCode::kMalformed || page.error().code == ErrorCode::kUnavailable));
      if (kind == "garbage" || kind == "malformed") {
        CHECK(page.error().code == ErrorCode::kMalformed);
        CHECK(page.error().message.find(subject.platform) != std::string::npos);
      }
      CheckNoSecret(page.error());
    }
  }

  SECTION("a response slower than the timeout becomes kUnavailable") {
    server.Fault(Json(R"({"kind":"slow","delay_ms":6000})"));
    auto page = connector->Fetch("");
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().code == ErrorCode::kUnavailable);
  }

  SECTION("a bad cursor is reported as kMalformed, not taken as a first poll") {
    auto page = connector->Fetch("%%%not a cursor");
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().code == ErrorCode::kMalformed);
  }

  if (subject.reply) {
    SECTION("a reply is posted exactly once and its id returned") {
      if (subject.serve_reply) subject.serve_reply(server);
      auto published = connector->Publish(*subject.reply);
      REQUIRE(published.has_value());
      CHECK_FALSE(published->external_id.empty());
      CHECK(server.Count(subject.reply_method, subject.reply_path) == 1);
    }
    SECTION("a reply whose connection is reset is reported and not sent again behind odziv's back") {
      if (subject.serve_reply) subject.serve_reply(server);
      // Warm the connection pool, so that a client that resends on a reused connection would do it here.
      (void)connector->Fetch("");
      web::json::value fault = Json(R"({"kind":"reset"})");
      fault["method"] = web::json::value::string(subject.reply_method);
      fault["path"] = web::json::value::string(subject.reply_path);
      server.Fault(fault);
      auto published = connector->Publish(*subject.reply);
      REQUIRE_FALSE(published.has_value());
      CHECK(published.error().code == ErrorCode::kUnavailable);
      CHECK(server.Count(subject.reply_method, subject.reply_path) == 1);
    }
    SECTION("a reply refused with 5xx is reported as retryable and sent once") {
      if (subject.serve_reply) subject.serve_reply(server);
      web::json::value fault = Json(R"({"kind":"status","status":503})");
      fault["method"] = web::json::value::string(subject.reply_method);
      fault["path"] = web::json::value::string(subject.reply_path);
      server.Fault(fault);
      auto published = connector->Publish(*subject.reply);
      REQUIRE_FALSE(published.has_value());
      CHECK(published.error().retryable());
      CHECK(server.Count(subject.reply_method, subject.reply_path) == 1);
    }
  } else {
    SECTION("publishing is refused as kInvalidArgument without a request") {
      auto published = connector->Publish(ReplyRequest{"1", "1", "hello", "key-1"});
      REQUIRE_FALSE(published.has_value());
      CHECK(published.error().code == ErrorCode::kInvalidArgument);
    }
  }
}

}  // namespace odziv::platforms::testing
