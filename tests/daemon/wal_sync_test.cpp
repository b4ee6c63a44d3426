#include <catch2/catch.hpp>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/wal_sync.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

namespace {

// A sync that counts its runs and, while `hold` is set, waits in its first run until released.
struct HeldSync {
  std::mutex mu;
  std::condition_variable changed;
  bool hold = true;
  bool started = false;
  int runs = 0;

  WalSync::SyncFile Function() {
    return [this]() -> Status {
      std::unique_lock lock(mu);
      ++runs;
      started = true;
      changed.notify_all();
      changed.wait(lock, [this] { return !hold; });
      return {};
    };
  }
  void WaitStarted() {
    std::unique_lock lock(mu);
    changed.wait(lock, [this] { return started; });
  }
  void Release() {
    std::lock_guard lock(mu);
    hold = false;
    changed.notify_all();
  }
};

}  // namespace

TEST_CASE("WalSync serves every caller that arrives during a sync with one more sync") {
  HeldSync held;
  WalSync sync(held.Function());
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  threads.emplace_back([&] { ok[0] = sync.Sync() ? 1 : 0; });
  held.WaitStarted();  // the first sync runs and waits
  for (int i = 1; i < 4; ++i) threads.emplace_back([&, i] { ok[i] = sync.Sync() ? 1 : 0; });
  while (sync.waiting() < 3) std::this_thread::yield();  // all three queued behind the running sync
  held.Release();
  for (std::thread& t : threads) t.join();
  CHECK(ok == std::vector<int>{1, 1, 1, 1});
  CHECK(held.runs == 2);  // the first caller's sync, then one for the other three together
  CHECK(sync.waiting() == 0);
}

TEST_CASE("WalSync gives a failed sync's error to every caller it served, and the next sync runs afresh") {
  int runs = 0;
  WalSync sync([&runs]() -> Status {
    if (++runs == 1) return Fail(ErrorCode::kUnavailable, "cannot sync the database's log: Input/output error");
    return {};
  });
  auto failed = sync.Sync();
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::kUnavailable);
  CHECK(sync.Sync());
  CHECK(runs == 2);
}

TEST_CASE("WalSync::LogFile syncs an existing log, treats a missing one as synced, and names a log it cannot open") {
  const fs::path dir = testing::MakeTempDir("odziv-wal-sync");
  {
    std::ofstream(dir / "odziv.db-wal") << "frames";
    CHECK(WalSync::LogFile((dir / "odziv.db-wal").string())());
    CHECK(WalSync::LogFile((dir / "missing.db-wal").string())());
    std::ofstream(dir / "file") << "not a directory";
    const std::string unreachable = (dir / "file" / "odziv.db-wal").string();
    auto refused = WalSync::LogFile(unreachable)();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::kUnavailable);
    CHECK(refused.error().message.find(unreachable) != std::string::npos);
  }
  fs::remove_all(dir);
}
