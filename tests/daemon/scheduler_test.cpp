#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "core/clock.h"
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
};

class UnusedHttp final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest&) override { return Fail(ErrorCode::kUnavailable, "no network here"); }
};

}  // namespace

TEST_CASE("Scheduler polls a backlog until it is stored, and applies source changes without a restart") {
  TempDb db;
  Brand brand;
  brand.slug = "zrno";
  brand.name = "Zrno";
  auto b = db.store->AddBrand(brand).value();
  Source source;
  source.brand_id = b.id;
  source.name = "feed";
  source.platform = "replay";
  source.settings = {{"file", db.WriteFeed(50)}, {"batch", "4"}, {"drain", "true"}};
  source.poll_interval = std::chrono::seconds(1);
  db.store->AddSource(source).value();

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
  CHECK(db.store->CountPosts(b.id).value() == 50);
  auto after = db.store->GetSource("feed").value();
  CHECK(after.health == SourceHealth::kNeedsHuman);
  CHECK(after.last_error.find("/nonexistent.jsonl") != std::string::npos);
  CHECK(after.cursor == "1:50");
}
