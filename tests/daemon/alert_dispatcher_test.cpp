#include <catch2/catch.hpp>

#include <cpprest/json.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>

#include "core/clock.h"
#include "daemon/alert_dispatcher.h"
#include "daemon/brand_rules.h"
#include "daemon/http_server.h"
#include "daemon/sqlite_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

namespace {

const Timestamp kT0 = FromUnixSeconds(1'780'000'000);

// Records what each path receives; /slack answers 429 (Retry-After: 120) the first time.
struct Receiver {
  std::mutex mutex;
  std::map<std::string, std::vector<ServerRequest>> received;
  bool slack_limited = false;
  std::unique_ptr<HttpServer> server;
  std::string base;
  Receiver() {
    auto router = std::make_shared<HttpRouter>();
    router->Add("POST", "/{path}", [this](const ServerRequest& r) {
      std::lock_guard lock(mutex);
      received[r.params.at("path")].push_back(r);
      if (r.params.at("path") == "slack" && !slack_limited) {
        slack_limited = true;
        auto limited = ServerResponse::Text(429, "rate limited");
        limited.headers.emplace_back("Retry-After", "120");
        return limited;
      }
      return ServerResponse::Text(200, "ok");
    });
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    server = std::move(HttpServer::Start(options, router).value());
    base = fmt::format("http://127.0.0.1:{}", server->port());
  }
};

}  // namespace

TEST_CASE("AlertDispatcher delivers the outbox on the brand's routes, retries when told to, and fails unknown routes") {
  Receiver receiver;
  ::setenv("ODZIV_TEST_SLACK_URL", (receiver.base + "/slack").c_str(), 1);
  ::setenv("ODZIV_TEST_HOOK_SECRET", "whsec-dispatch", 1);
  fs::path dir = fs::temp_directory_path() / fmt::format("odziv-alerts-{}-{}", ::getpid(), std::random_device{}());
  fs::create_directories(dir);
  FakeClock clock(kT0);
  SqliteStoreOptions options;
  options.path = dir / "odziv.db";
  options.clock = &clock;
  auto store = SqliteStore::Open(options).value();

  Brand b;
  b.slug = "zrno";
  b.name = "Kafeterija Zrno";
  b.settings = fmt::format(R"({{"routes": {{"team": {{"type": "slack", "webhook_url": "env:ODZIV_TEST_SLACK_URL"}},
      "manager": {{"type": "webhook", "url": "{}/hook", "secret": "env:ODZIV_TEST_HOOK_SECRET"}}}}}})",
                           receiver.base);
  Brand brand = store->AddBrand(b).value();
  Source s;
  s.brand_id = brand.id;
  s.name = "zrno-x";
  s.platform = "x";
  Source source = store->AddSource(s).value();
  Post p;
  p.platform = "x";
  p.external_id = "1";
  p.thread_id = "1";
  p.text = "Čekam dostavu dva sata, sramota!";
  p.author.handle = "@amra_k";
  p.created_at = kT0;
  auto ids = store->IngestPage(source.id, std::vector<Post>{p}, "", kT0, std::nullopt).value().inserted_ids;
  Assessment a;
  a.label = SentimentLabel::kNegative;
  a.reasons = {"'sramota' -2.1"};
  REQUIRE(store->SaveAssessment(ids[0], a, TriageRecord{}, kT0));
  Case c;
  c.brand_id = brand.id;
  c.platform = "x";
  c.thread_id = "1";
  c.first_post_id = ids[0];
  c.priority = 2;
  CaseChange open;
  open.action = "case.open";
  const std::string payload = R"({"title": "80% of the time to answer is used", "priority": 2, "time_left_s": 720})";
  open.alerts = {Alert{0, 0, std::nullopt, "team", "sla_approaching", "case:1:sla:0.8", payload, "pending", kT0, 0, ""},
                 Alert{0, 0, std::nullopt, "manager", "sla_missed", "case:1:sla:1", payload, "pending", kT0, 0, ""},
                 Alert{0, 0, std::nullopt, "ghost", "sla_missed", "case:1:ghost", payload, "pending", kT0, 0, ""}};
  auto created = store->CreateCase(c, open, kT0).value();

  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  AlertDispatcherOptions dispatch;
  dispatch.app_url = "https://odziv.example";
  AlertDispatcher dispatcher(*store, *http, clock, dispatch);
  auto first = dispatcher.DeliverDue().value();
  CHECK(first.sent == 1);     // manager's webhook
  CHECK(first.retried == 1);  // Slack said 429
  CHECK(first.failed == 1);   // no route "ghost"
  auto rows = store->ListAlerts(created.id).value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].status == "pending");
  CHECK(rows[0].last_error.find("rate_limited") != std::string::npos);
  CHECK(rows[1].status == "sent");
  CHECK(rows[2].status == "failed");
  CHECK(rows[2].last_error.find("no route 'ghost'") != std::string::npos);

  // Not due before Slack's Retry-After has passed; delivered after it.
  clock.Advance(std::chrono::seconds(60));
  CHECK(dispatcher.DeliverDue().value().sent == 0);
  clock.Advance(std::chrono::seconds(61));
  CHECK(dispatcher.DeliverDue().value().sent == 1);
  CHECK(store->ListAlerts(created.id).value()[0].status == "sent");
  CHECK(dispatcher.DeliverDue().value().sent == 0);  // nothing is sent twice

  std::lock_guard lock(receiver.mutex);
  REQUIRE(receiver.received["slack"].size() == 2);
  auto slack = web::json::value::parse(receiver.received["slack"][1].body).serialize();
  CHECK(slack.find("Kafeterija Zrno: 80% of the time to answer is used") != std::string::npos);
  CHECK(slack.find("sramota") != std::string::npos);
  CHECK(slack.find("https://odziv.example/cases/") != std::string::npos);
  REQUIRE(receiver.received["hook"].size() == 1);
  CHECK(receiver.received["hook"][0].Header("Idempotency-Key").value_or("") == "case:1:sla:1");
  store.reset();
  fs::remove_all(dir);
}

TEST_CASE("Brand settings refuse routes with a pasted credential or an unknown type") {
  CHECK_FALSE(CheckBrandSettings(R"({"routes":{"team":{"type":"slack","webhook_url":"env:SLACK"}}})", "UTC"));
  auto pasted = CheckBrandSettings(
      R"({"routes":{"team":{"type":"slack","webhook_url":"https://hooks.slack.com/services/T0/B0/XXXX"}}})", "UTC");
  REQUIRE(pasted);
  CHECK(pasted->find("settings.routes.team.webhook_url") != std::string::npos);
  CHECK(pasted->find("XXXX") == std::string::npos);
  CHECK(CheckBrandSettings(R"({"routes":{"team":{"type":"pager"}}})", "UTC"));
  CHECK(CheckBrandSettings(R"({"routes":{"m":{"type":"email","password":"hunter2"}}})", "UTC"));
}
