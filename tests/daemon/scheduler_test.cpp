#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <sqlite3.h>

#include "core/clock.h"
#include "daemon/histogram.h"
#include "daemon/ops_routes.h"
#include "daemon/scheduler.h"
#include "daemon/sqlite_store.h"

using namespace odziv;
using namespace odziv::daemon;

namespace {

struct TempDb {
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  TempDb() {
    dir = std::filesystem::temp_directory_path() / ("odziv-sched-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    SqliteStoreOptions options;
    options.path = (dir / "odziv.db").string();
    options.create_if_missing = true;
    store = std::move(OpenSqliteStore(options).value());
  }
  ~TempDb() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::string WriteFeed(int posts) {
    auto path = dir / "feed.jsonl";
    std::ofstream out(path);
    for (int i = 0; i < posts; ++i) out << R"({"id":"p)" << i << R"(","text":"post )" << i << "\"}\n";
    return path.string();
  }
  // A brand and a replay source "feed" of `posts` posts, `batch` a page, polled every second.
  void AddFeed(int posts, int batch) {
    Brand brand;
    brand.slug = "zrno";
    brand.name = "Zrno";
    auto b = store->AddBrand(brand).value();
    Source source;
    source.brand_id = b.id;
    source.name = "feed";
    source.platform = "replay";
    source.settings = {{"file", WriteFeed(posts)}, {"batch", std::to_string(batch)}, {"drain", "true"}};
    source.poll_interval = std::chrono::seconds(1);
    store->AddSource(source).value();
  }
};

class UnusedHttp final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest&) override { return Fail(ErrorCode::kUnavailable, "no network here"); }
};

}  // namespace

TEST_CASE("Scheduler polls a backlog until it is stored, and applies source changes without a restart") {
  TempDb db;
  db.AddFeed(50, 4);
  const std::int64_t brand_id = db.store->GetSource("feed").value().brand_id;

  SystemClock clock;
  UnusedHttp http;
  SchedulerOptions options;
  options.policy.jitter = 0;
  options.max_pages_per_poll = 3;
  options.config_check_interval = std::chrono::milliseconds(0);
  Scheduler scheduler(*db.store, http, clock, options, 42);
  std::atomic<std::size_t> stored = 0;
  std::atomic<bool> broke = false;
  scheduler.on_poll = [&](const Source& polled, const PollReport& report) {
    stored += report.stored.inserted;
    if (report.error) {
      // The second phase: the file setting was changed to a missing file while the daemon ran.
      CHECK(polled.Setting("file") == "/nonexistent.jsonl");
      broke = true;
      scheduler.Stop();
    } else if (stored == 50 && !broke) {
      auto s = db.store->GetSource("feed").value();
      s.settings["file"] = "/nonexistent.jsonl";
      REQUIRE(db.store->UpdateSource(s));
    }
  };
  bool finished = scheduler.Run(std::chrono::seconds(5), {});
  CHECK(finished);
  CHECK(stored == 50);
  CHECK(broke);
  CHECK(db.store->CountPosts(brand_id).value() == 50);
  auto after = db.store->GetSource("feed").value();
  CHECK(after.health == SourceHealth::kNeedsHuman);
  CHECK(after.last_error.find("/nonexistent.jsonl") != std::string::npos);
  CHECK(after.cursor == "1:50");
  // Every poll's duration is in its platform's histogram.
  const SchedulerStatus status = scheduler.Status();
  REQUIRE(status.poll_seconds.contains("replay"));
  CHECK(status.poll_seconds.at("replay").count() == status.polls);
}

TEST_CASE("A page the database cannot store is fetched again soon and does not count against the source") {
  TempDb db;
  db.AddFeed(6, 3);
  // Another process holds the write lock; this store gives up on it after 50 ms.
  SqliteStoreOptions locked_options;
  locked_options.path = (db.dir / "odziv.db").string();
  locked_options.busy_timeout = std::chrono::milliseconds(50);
  auto store = std::move(OpenSqliteStore(locked_options).value());
  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open(locked_options.path.c_str(), &holder) == SQLITE_OK);
  REQUIRE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);

  SystemClock clock;
  UnusedHttp http;
  SchedulerOptions options;
  options.policy.jitter = 0;
  options.policy.first_backoff = std::chrono::seconds(1);
  options.config_check_interval = std::chrono::milliseconds(0);
  Scheduler scheduler(*store, http, clock, options, 42);
  std::atomic<int> failed = 0;
  std::atomic<std::size_t> stored = 0;
  scheduler.on_poll = [&](const Source&, const PollReport& report) {
    stored += report.stored.inserted;
    if (report.error) {
      CHECK(report.storing_failed);
      CHECK(report.error->code == ErrorCode::kBusy);
      CHECK(scheduler.Status().degraded == 0);  // the platform answered; the database failed
      if (++failed == 2) sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);  // the lock goes
    }
    if (stored == 6) scheduler.Stop();
  };
  CHECK(scheduler.Run(std::chrono::seconds(5), {}));
  sqlite3_close(holder);
  CHECK(failed == 2);
  CHECK(stored == 6);
  const SchedulerStatus status = scheduler.Status();
  CHECK(status.degraded == 0);
  auto after = store->GetSource("feed").value();
  CHECK(after.health == SourceHealth::kOk);
  CHECK(after.consecutive_failures == 0);
}

// Requests to host "hung" wait until Release() (then fail as a timeout would); any other URL is an RSS feed
// of one item. Counts how many requests hang at once and how often the feed is read.
class HangingPlatform final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::unique_lock lock(mutex_);
    if (request.url.find("://hung") != std::string::npos) {
      ++hanging_;
      max_hanging_ = std::max(max_hanging_, hanging_);
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
      --hanging_;
      return Fail(ErrorCode::kUnavailable, "GET " + request.url + ": request timed out");
    }
    ++feed_reads_;
    if (hanging_ > 0) ++feed_reads_while_hanging_;
    changed_.notify_all();
    HttpResponse response;
    response.status = 200;
    response.headers = {{"Content-Type", "application/rss+xml"}};
    response.body = R"(<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>g1</guid>)"
                    R"(<title>kafa kasni</title><pubDate>Mon, 07 Dec 2026 10:00:00 GMT</pubDate></item></channel></rss>)";
    return response;
  }
  // Waits until `ready()` holds (true) or the deadline passes (false).
  bool WaitFor(const std::function<bool()>& ready, std::chrono::seconds deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, ready);
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  bool released_ = false;
  int hanging_ = 0, max_hanging_ = 0, feed_reads_ = 0, feed_reads_while_hanging_ = 0;
};

TEST_CASE("Sources of a platform that hangs hold at most their platform's share of polls; the others keep their cadence") {
  TempDb db;
  Brand brand;
  brand.slug = "zrno";
  brand.name = "Zrno";
  const std::int64_t brand_id = db.store->AddBrand(brand).value().id;
  auto add = [&](std::string name, std::string platform, std::map<std::string, std::string> settings) {
    Source source;
    source.brand_id = brand_id;
    source.name = std::move(name);
    source.platform = std::move(platform);
    source.settings = std::move(settings);
    source.poll_interval = std::chrono::seconds(1);
    REQUIRE(db.store->AddSource(source));
  };
  // Six sources of one platform whose every request hangs, due before the healthy one.
  for (int i = 0; i < 6; ++i) add(fmt::format("hung-{}", i), "replay", {{"file", fmt::format("http://hung/{}.jsonl", i)}});
  add("feed", "rss", {{"url", "http://fine/feed.xml"}});

  SystemClock clock;
  HangingPlatform http;
  SchedulerOptions options;
  options.max_concurrent_polls = 4;
  options.max_concurrent_polls_per_platform = 2;
  options.policy.jitter = 0;
  options.config_check_interval = std::chrono::milliseconds(0);
  Scheduler scheduler(*db.store, http, clock, options, 42);
  std::thread runner([&] { scheduler.Run(std::chrono::seconds(5), {}); });
  // While the hung platform's polls hang, the feed is read three times, once a second.
  const bool cadence_kept = http.WaitFor([&] { return http.feed_reads_while_hanging_ >= 3; }, std::chrono::seconds(20));
  const bool hung_at_once = http.WaitFor([&] { return http.hanging_ == 2; }, std::chrono::seconds(1));
  http.Release();
  scheduler.Stop();
  runner.join();
  CHECK(cadence_kept);
  CHECK(hung_at_once);
  CHECK(http.max_hanging_ == 2);  // never more than the platform's share, though all six were due
  CHECK(db.store->CountPosts(brand_id).value() == 1);
}

TEST_CASE("a histogram counts durations into cumulative Prometheus buckets") {
  Histogram h;
  h.Observe(std::chrono::milliseconds(30));
  h.Observe(std::chrono::milliseconds(100));  // on a bound: in that bucket
  h.Observe(std::chrono::seconds(7));
  h.Observe(std::chrono::seconds(500));  // beyond the last bound: +Inf only
  CHECK(h.count() == 4);
  CHECK(h.CountUpTo(0) == 1);
  CHECK(h.CountUpTo(1) == 2);
  CHECK(h.CountUpTo(Histogram::kBounds.size() - 1) == 3);
  const std::string text = h.Samples("odziv_poll_duration_seconds", "platform=\"x\"");
  CHECK(text.find("odziv_poll_duration_seconds_bucket{platform=\"x\",le=\"0.1\"} 2\n") != std::string::npos);
  CHECK(text.find("odziv_poll_duration_seconds_bucket{platform=\"x\",le=\"+Inf\"} 4\n") != std::string::npos);
  CHECK(text.find("odziv_poll_duration_seconds_count{platform=\"x\"} 4\n") != std::string::npos);
}

TEST_CASE("/metrics shows case, SLA, delivery and alert totals, and /healthz fails on a read-only database") {
  TempDb db;
  Brand brand;
  brand.slug = "zrno";
  brand.name = "Zrno";
  auto b = db.store->AddBrand(brand).value();
  Source source;
  source.brand_id = b.id;
  source.name = "feed";
  source.platform = "replay";
  const Source added = db.store->AddSource(source).value();
  FakeClock clock(*ParseIsoTimestamp("2026-11-23T12:00:00Z"));
  Post p;
  p.platform = "replay";
  p.external_id = "1";
  p.text = "gdje je narudžba";
  p.created_at = clock.Now();
  const std::int64_t post =
      db.store->IngestPage(added.id, std::vector<Post>{p}, "", clock.Now(), std::nullopt)->inserted_ids.at(0);
  for (int due_minutes : {-90, -30, 60}) {  // two overdue (both missed), one in time
    Case c;
    c.brand_id = b.id;
    c.first_post_id = post;
    c.due_at = clock.Now() + std::chrono::minutes(due_minutes);
    CaseChange open;
    open.action = "case.open";
    Alert alert;
    alert.route = "team";
    alert.kind = "sla_missed";
    alert.dedup_key = "due:" + std::to_string(due_minutes);
    open.alerts = {alert};
    REQUIRE(db.store->CreateCase(c, open, clock.Now() - std::chrono::hours(2)));
  }
  UnusedHttp http;
  Scheduler scheduler(*db.store, http, clock, SchedulerOptions{}, 1);
  HttpRouter router;
  AddOpsRoutes(router, *db.store, scheduler, &clock);
  ServerRequest get;
  get.method = "GET";
  get.path = "/metrics";
  const std::string metrics = router.Dispatch(get).body;
  CHECK(metrics.find("\nodziv_cases_open 3\n") != std::string::npos);
  CHECK(metrics.find("\nodziv_cases_overdue 2\n") != std::string::npos);
  CHECK(metrics.find("\nodziv_sla_missed_total 2\n") != std::string::npos);
  CHECK(metrics.find("odziv_alerts{status=\"pending\"} 3\n") != std::string::npos);
  CHECK(metrics.find("# TYPE odziv_poll_duration_seconds histogram") != std::string::npos);

  get.path = "/healthz";
  ServerResponse health = router.Dispatch(get);
  CHECK(health.status == 200);
  CHECK(health.body.find("\"database_writable\":\"ok\"") != std::string::npos);

  SqliteStoreOptions read_only;
  read_only.path = db.dir / "odziv.db";
  read_only.read_only = true;
  auto reader = OpenSqliteStore(read_only).value();
  HttpRouter reader_router;
  AddOpsRoutes(reader_router, *reader, scheduler, &clock);
  health = reader_router.Dispatch(get);
  CHECK(health.status == 503);
  CHECK(health.body.find("\"status\":\"failing\"") != std::string::npos);
  CHECK(health.body.find("read-only") != std::string::npos);
}
