#include <catch2/catch.hpp>

#include <cpprest/json.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>

#include "core/clock.h"
#include "daemon/alert_dispatcher.h"
#include "daemon/alert_scanner.h"
#include "daemon/http_server.h"
#include "daemon/sqlite_store.h"
#include "tests/support/child_process.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;
using web::json::value;

namespace {

Timestamp At(const char* iso) { return ParseIsoTimestamp(iso).value(); }

// The decoded body of the MIME part of `message` with `content_type` (base64, as ComposeEmail writes it).
std::string Part(const std::string& message, const std::string& content_type) {
  auto start = message.find("Content-Type: " + content_type);
  if (start == std::string::npos) return "";
  start = message.find("\r\n\r\n", start) + 4;
  const auto end = message.find("--odziv-", start);
  std::string encoded;
  for (char c : message.substr(start, end - start))
    if (c != '\r' && c != '\n') encoded += c;
  auto bytes = utility::conversions::from_base64(encoded);
  return std::string(bytes.begin(), bytes.end());
}

// A local HTTP receiver standing in for Slack: records every body posted to /slack and answers "ok".
struct SlackReceiver {
  std::mutex mutex;
  std::vector<std::string> bodies;
  std::unique_ptr<HttpServer> server;
  std::string url;
  SlackReceiver() {
    auto router = std::make_shared<HttpRouter>();
    router->Add("POST", "/slack", [this](const ServerRequest& r) {
      std::lock_guard lock(mutex);
      bodies.push_back(r.body);
      return ServerResponse::Text(200, "ok");
    });
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    server = std::move(HttpServer::Start(options, router).value());
    url = fmt::format("http://127.0.0.1:{}/slack", server->port());
  }
  std::vector<std::string> Bodies() {
    std::lock_guard lock(mutex);
    return bodies;
  }
};

// A brand with one source in a fresh database.
struct World {
  fs::path dir;
  FakeClock clock;
  std::unique_ptr<SqliteStore> store;
  Brand brand;
  Source source;
  int next_post = 0;

  World(Timestamp start, const std::string& settings, const std::string& zone = "UTC") : clock(start) {
    dir = testing::MakeTempDir("odziv-scan");
    store = testing::OpenTempStore(dir, &clock);
    Brand b;
    b.slug = "zrno";
    b.name = "Kafeterija Zrno";
    b.timezone = zone;
    b.settings = settings;
    brand = store->AddBrand(b).value();
    source = testing::AddTestSource(*store, brand.id);
  }
  ~World() {
    store.reset();
    fs::remove_all(dir);
  }

  // Stores `n` posts created at `created_at`, judged `label` with `sentiment`.
  void AddPosts(int n, Timestamp created_at, SentimentLabel label, double sentiment, int priority = 3) {
    std::vector<Post> posts;
    for (int i = 0; i < n; ++i) {
      Post p;
      p.platform = "x";
      p.external_id = std::to_string(++next_post);
      p.thread_id = p.external_id;
      p.text = fmt::format("Post {}: čekam dostavu, sramota", next_post);
      p.author.handle = fmt::format("@user{}", next_post);
      p.created_at = created_at;
      posts.push_back(p);
    }
    auto ids = store->IngestPage(source.id, posts, "", clock.Now(), std::nullopt).value().inserted_ids;
    for (std::int64_t id : ids) {
      Assessment a;
      a.label = label;
      a.sentiment = sentiment;
      a.priority = priority;
      a.reasons = {"'sramota' -2.1"};
      REQUIRE(store->SaveAssessment(id, a, TriageRecord{}, clock.Now()));
    }
  }

  std::vector<Alert> AlertsOfKind(const std::string& kind) {
    std::vector<Alert> out;
    std::vector<Alert> all = store->ListAlerts(std::nullopt).value();
    for (Alert& a : all)
      if (a.kind == kind) out.push_back(std::move(a));
    return out;
  }

  Alert Enqueue(const std::string& key, int priority, const std::string& route = "team") {
    Alert a;
    a.brand_id = brand.id;
    a.route = route;
    a.kind = "new_case";
    a.dedup_key = key;
    a.payload = fmt::format(R"({{"title": "alert {}", "priority": {}}})", key, priority);
    REQUIRE(store->EnqueueAlert(a, std::nullopt, clock.Now()).value());
    return a;
  }
};

std::string SlackSettings(const std::string& rest) {
  return std::string(R"({"routes": {"team": {"type": "slack", "webhook_url": "env:ODZIV_TEST_SCAN_SLACK")") + rest;
}

}  // namespace

TEST_CASE("A burst of hundreds of negative posts is one spike alert, delivered once to Slack") {
  SlackReceiver slack;
  ::setenv("ODZIV_TEST_SCAN_SLACK", slack.url.c_str(), 1);
  World w(At("2026-11-18T10:00:00Z"),
          SlackSettings(R"(}}, "spike": {"window_minutes": 15, "factor": 4, "min_posts": 10, "route": "team"}})"));
  // A normal week: two negative posts an hour, and plenty of positive ones.
  for (int day = 1; day <= 7; ++day)
    for (int hour = 0; hour < 24; hour += 6) {
      const Timestamp t = At("2026-11-18T10:00:00Z") - std::chrono::days(day) + std::chrono::hours(hour);
      w.AddPosts(2, t, SentimentLabel::kNegative, -0.4);
      w.AddPosts(5, t, SentimentLabel::kPositive, 0.6);
    }
  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  AlertScanner scanner(*w.store, w.clock, AlertScannerOptions{});
  AlertDispatcher dispatcher(*w.store, *http, w.clock, AlertDispatcherOptions{});
  CHECK(scanner.Scan().value().spikes == 0);

  // The crisis: 300 negative posts within ten minutes, arriving in batches while the daemon keeps looking.
  std::size_t written = 0;
  for (int minute = 0; minute < 10; ++minute) {
    w.clock.Advance(std::chrono::minutes(1));
    w.AddPosts(30, w.clock.Now() - std::chrono::seconds(30), SentimentLabel::kNegative, -0.7);
    written += scanner.Scan().value().spikes;
    REQUIRE(dispatcher.DeliverDue());
  }
  w.AddPosts(1, w.clock.Now() - std::chrono::seconds(5), SentimentLabel::kNegative, -0.95, 1);  // the worst one
  for (int tick = 0; tick < 20; ++tick) {  // it goes on, and then it calms down
    w.clock.Advance(std::chrono::seconds(90));
    written += scanner.Scan().value().spikes;
    REQUIRE(dispatcher.DeliverDue());
  }
  // A restarted daemon (a new scanner) looking at the same spike does not report it again.
  AlertScanner restarted(*w.store, w.clock, AlertScannerOptions{});
  w.AddPosts(100, w.clock.Now() - std::chrono::seconds(10), SentimentLabel::kNegative, -0.7);
  written += restarted.Scan().value().spikes;
  REQUIRE(dispatcher.DeliverDue());

  CHECK(written == 1);
  auto spikes = w.AlertsOfKind("spike");
  REQUIRE(spikes.size() == 1);
  CHECK(spikes[0].status == "sent");
  CHECK(spikes[0].dedup_key == fmt::format("spike:{}:{}", w.brand.id, ToUnixMillis(At("2026-11-18T10:01:00Z")) / 1000));
  auto bodies = slack.Bodies();
  REQUIRE(bodies.size() == 1);
  value payload = value::parse(bodies[0]);
  CHECK(payload["text"].as_string() == "P2 · Kafeterija Zrno: Spike: 30 negative posts in 15 min (normally 0.1)");
  CHECK(payload["blocks"][1]["text"]["text"].as_string().starts_with(
      "30 negative posts in the last 15 min; the normal rate over the last 7 days is 0.1 per 15 min, and a spike "
      "starts at 10.\nWorst posts:\n1. @user"));
  CHECK(payload["blocks"][2]["text"]["text"].as_string().starts_with("*@user"));  // the worst post, quoted
}

TEST_CASE("Throttling holds back alerts over a route's max_per_hour, lets P1 through, and sums the rest up") {
  SlackReceiver slack;
  ::setenv("ODZIV_TEST_SCAN_SLACK", slack.url.c_str(), 1);
  World w(At("2026-11-18T10:10:00Z"), SlackSettings(R"(, "max_per_hour": 2}}})"));
  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  AlertDispatcher dispatcher(*w.store, *http, w.clock, AlertDispatcherOptions{});
  for (int i = 1; i <= 5; ++i) w.Enqueue(fmt::format("case:{}:new", i), 3);
  w.Enqueue("case:6:new", 1);
  auto first = dispatcher.DeliverDue().value();
  CHECK(first.sent == 3);  // two, and the P1
  CHECK(first.suppressed == 3);
  auto rows = w.store->ListAlerts(std::nullopt).value();
  REQUIRE(rows.size() == 7);  // six, and the summary waiting for the hour to end
  CHECK(rows[2].status == "suppressed");
  CHECK(rows[2].last_error == "throttled: route 'team' was sent 2 alerts in the last hour (max_per_hour 2)");
  CHECK(rows[5].status == "sent");  // P1
  CHECK(rows[6].kind == "throttled");
  CHECK(rows[6].status == "pending");

  w.clock.Set(At("2026-11-18T10:59:59Z"));
  CHECK(dispatcher.DeliverDue().value().sent == 0);  // the summary waits for the end of the hour
  w.clock.Set(At("2026-11-18T11:00:00Z"));
  CHECK(dispatcher.DeliverDue().value().sent == 1);
  CHECK(dispatcher.DeliverDue().value().sent == 0);
  auto bodies = slack.Bodies();
  REQUIRE(bodies.size() == 4);
  value summary = value::parse(bodies[3]);
  CHECK(summary["text"].as_string() == "P4 · Kafeterija Zrno: 3 more alerts held back in one hour");
  CHECK(summary["blocks"][1]["text"]["text"].as_string() ==
        "The route 'team' is limited by max_per_hour; these were not sent one by one:\n"
        "• alert case:3:new\n• alert case:4:new\n• alert case:5:new");
}

TEST_CASE("Quiet hours hold non-P1 alerts until they end in the brand's time zone, and let P1 through") {
  SlackReceiver slack;
  ::setenv("ODZIV_TEST_SCAN_SLACK", slack.url.c_str(), 1);
  // 23:30 in Sarajevo (UTC+1 in November).
  World w(At("2026-11-18T22:30:00Z"), SlackSettings(R"(}}, "quiet_hours": {"from": "22:00", "to": "07:00"}})"),
          "Europe/Sarajevo");
  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  AlertDispatcher dispatcher(*w.store, *http, w.clock, AlertDispatcherOptions{});
  w.Enqueue("case:1:sla:0.8", 3);
  w.Enqueue("case:2:new", 1);
  auto night = dispatcher.DeliverDue().value();
  CHECK(night.sent == 1);
  CHECK(night.held == 1);
  auto rows = w.store->ListAlerts(std::nullopt).value();
  CHECK(rows[0].status == "pending");
  CHECK(rows[0].attempts == 0);
  CHECK(rows[0].last_error == "quiet hours until 2026-11-19T06:00:00Z");
  w.clock.Set(At("2026-11-19T05:59:00Z"));
  CHECK(dispatcher.DeliverDue().value().sent == 0);
  w.clock.Set(At("2026-11-19T06:00:00Z"));
  CHECK(dispatcher.DeliverDue().value().sent == 1);
  REQUIRE(slack.Bodies().size() == 2);
  CHECK(value::parse(slack.Bodies()[0])["text"].as_string().starts_with("P1 "));
}

TEST_CASE("A daily digest goes to a real SMTP server once per period, with List-Unsubscribe and both parts") {
  const std::string sink = std::string(ODZIV_SOURCE_DIR) + "/tests/responders/smtp_sink.py";
  testing::ChildProcess smtp({"/usr/bin/python3", sink});
  auto ready = smtp.ReadLine();
  REQUIRE(ready);
  REQUIRE(ready->starts_with("port "));
  const std::string settings = fmt::format(
      R"({{"routes": {{"manager": {{"type": "email", "host": "127.0.0.1", "port": {}, "security": "none",
           "from": "odziv <alerts@zrno.example>", "to": ["manager@zrno.example"],
           "unsubscribe_url": "https://odziv.example/unsubscribe/zrno"}}}},
          "digest": {{"every": "daily", "at": "08:00", "routes": ["manager"], "worst_posts": 2}}}})",
      ready->substr(5));
  // 08:00:30 in Sarajevo: yesterday's digest is due.
  World w(At("2026-11-18T07:00:30Z"), settings, "Europe/Sarajevo");
  w.AddPosts(4, At("2026-11-17T12:00:00Z"), SentimentLabel::kNegative, -0.6);
  w.AddPosts(1, At("2026-11-17T13:00:00Z"), SentimentLabel::kNegative, -0.9, 1);
  w.AddPosts(6, At("2026-11-17T14:00:00Z"), SentimentLabel::kPositive, 0.7);
  w.AddPosts(9, At("2026-11-18T07:00:10Z"), SentimentLabel::kNegative, -0.9);  // today's: the next digest
  Case c;
  c.brand_id = w.brand.id;
  c.platform = "x";
  c.thread_id = "1";
  c.first_post_id = 1;
  c.due_at = At("2026-11-17T20:00:00Z");
  CaseChange open;
  open.action = "case.open";
  REQUIRE(w.store->CreateCase(c, open, w.clock.Now()));

  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  AlertScanner scanner(*w.store, w.clock, AlertScannerOptions{});
  AlertDispatcher dispatcher(*w.store, *http, w.clock, AlertDispatcherOptions{});
  CHECK(scanner.Scan().value().digests == 1);
  CHECK(scanner.Scan().value().digests == 0);
  CHECK(AlertScanner(*w.store, w.clock, AlertScannerOptions{}).Scan().value().digests == 0);  // after a restart
  CHECK(dispatcher.DeliverDue().value().sent == 1);

  auto line = smtp.ReadLine();
  REQUIRE(line);
  value got = value::parse(*line);
  CHECK(got["to"][0].as_string() == "manager@zrno.example");
  auto data = utility::conversions::from_base64(got["data"].as_string());
  std::string m(data.begin(), data.end());
  INFO(m);
  CHECK(m.find("List-Unsubscribe: <https://odziv.example/unsubscribe/zrno>\r\n") != std::string::npos);
  CHECK(m.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") != std::string::npos);
  CHECK(m.find("Subject: [Kafeterija Zrno] P4: Daily digest: 11 posts, 5 negative, 1 unanswered cases (1 overdue)") !=
        std::string::npos);
  CHECK(m.find("Message-ID: <") != std::string::npos);
  CHECK(m.find("Content-Type: text/plain; charset=utf-8") != std::string::npos);
  CHECK(m.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
  const std::string text = Part(m, "text/plain");
  INFO(text);
  CHECK(text.find("2026-11-17 08:00 – 2026-11-18 08:00 (Europe/Sarajevo)\n"
                  "Posts: 11 (negative 5, neutral 0, positive 6, not judged yet 0)\n"
                  "Cases: 1 unanswered, 1 overdue\n"
                  "Worst posts:\n1. @user5 on x (P1, sentiment -0.90): Post 5: čekam dostavu, sramota\n"
                  "2. @user1 on x (P3, sentiment -0.60)") != std::string::npos);
  const std::string html = Part(m, "text/html");
  CHECK(html.find("Cases: 1 unanswered, 1 overdue<br>Worst posts:") != std::string::npos);
  auto digests = w.AlertsOfKind("digest");
  REQUIRE(digests.size() == 1);
  CHECK(digests[0].dedup_key == fmt::format("digest:{}:manager:{}", w.brand.id,
                                            ToUnixMillis(At("2026-11-18T07:00:00Z")) / 1000));
}

TEST_CASE("A source that needs a person is one source_unhealthy alert per incident") {
  World w(At("2026-11-18T10:00:00Z"), SlackSettings(R"(}}, "source_health": {"route": "team"}})"));
  AlertScanner scanner(*w.store, w.clock, AlertScannerOptions{});
  CHECK(scanner.Scan().value().sources == 0);
  PollFailure failure;
  failure.health = SourceHealth::kNeedsHuman;
  failure.error = "x: 401 Unauthorized (token revoked)";
  REQUIRE(w.store->RecordPollFailure(w.source.id, failure, w.clock.Now()));
  w.clock.Advance(std::chrono::seconds(61));
  CHECK(scanner.Scan().value().sources == 1);
  w.clock.Advance(std::chrono::seconds(61));
  CHECK(scanner.Scan().value().sources == 0);
  CHECK(AlertScanner(*w.store, w.clock, AlertScannerOptions{}).Scan().value().sources == 0);  // a restart
  // Resumed, then failing again later: a new incident.
  REQUIRE(w.store->ResetSourceHealth(w.source.id));
  w.clock.Advance(std::chrono::minutes(10));
  REQUIRE(w.store->RecordPollFailure(w.source.id, failure, w.clock.Now()));
  w.clock.Advance(std::chrono::seconds(61));
  CHECK(scanner.Scan().value().sources == 1);
  auto alerts = w.AlertsOfKind("source_unhealthy");
  REQUIRE(alerts.size() == 2);
  CHECK(alerts[0].route == "team");
  CHECK(value::parse(alerts[0].payload)["title"].as_string() == "Source zrno-x (x) needs a person");
  CHECK(alerts[0].dedup_key != alerts[1].dedup_key);
}

TEST_CASE("An email route with to_assignee writes to the person the case is assigned to, else to its list") {
  const std::string sink = std::string(ODZIV_SOURCE_DIR) + "/tests/responders/smtp_sink.py";
  testing::ChildProcess smtp({"/usr/bin/python3", sink});
  auto ready = smtp.ReadLine();
  REQUIRE(ready);
  REQUIRE(ready->starts_with("port "));
  const std::string settings = fmt::format(
      R"({{"routes": {{"assignee": {{"type": "email", "host": "127.0.0.1", "port": {}, "security": "none",
           "from": "odziv <alerts@zrno.example>", "to": ["team@zrno.example"], "to_assignee": true}}}}}})",
      ready->substr(5));
  World w(At("2026-11-18T10:00:00Z"), settings);
  w.AddPosts(2, At("2026-11-18T09:00:00Z"), SentimentLabel::kNegative, -0.7);
  User ana;
  ana.login = "ana";
  ana.email = "ana@zrno.example";
  ana.brand_roles = {{w.brand.id, "agent"}};
  ana = w.store->AddUser(ana).value();
  for (std::int64_t post : {1, 2}) {
    Case c;
    c.brand_id = w.brand.id;
    c.platform = "x";
    c.thread_id = std::to_string(post);
    c.first_post_id = post;
    if (post == 1) c.assignee_id = ana.id;
    CaseChange open;
    open.action = "case.open";
    Alert alert;
    alert.route = "assignee";
    alert.kind = "sla_approaching";
    alert.dedup_key = fmt::format("case:{}:sla:0.5", post);
    alert.payload = R"({"title": "half the time is gone", "priority": 2})";
    open.alerts.push_back(alert);
    REQUIRE(w.store->CreateCase(c, open, w.clock.Now()));
  }
  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  AlertDispatcher dispatcher(*w.store, *http, w.clock, AlertDispatcherOptions{});
  CHECK(dispatcher.DeliverDue().value().sent == 2);
  std::vector<std::string> recipients;
  for (int i = 0; i < 2; ++i) {
    auto line = smtp.ReadLine();
    REQUIRE(line);
    recipients.push_back(value::parse(*line)["to"][0].as_string());
  }
  std::sort(recipients.begin(), recipients.end());
  CHECK(recipients == std::vector<std::string>{"ana@zrno.example", "team@zrno.example"});
}
