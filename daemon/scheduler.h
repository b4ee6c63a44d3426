// Scheduler: the daemon's loop over sources. Polls each active source on its own interval (per-platform
// default, per-source override), spread out by jitter, at most N at a time and at most M of one platform, and
// obeys what connectors report (retry after, backoff, needs a human). Picks up brand and source changes made by the CLI while it
// runs. Owns one connector per source, rebuilt when the source's configuration changes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/http_client.h"
#include "core/store.h"
#include "daemon/histogram.h"
#include "daemon/poll_policy.h"
#include "daemon/poller.h"
#include "platforms/connector.h"

namespace odziv::daemon {

struct SchedulerOptions {
  // Polls in flight at once. Each blocks one thread on the network; 4 keeps a small machine responsive.
  std::size_t max_concurrent_polls = 4;
  // Polls of one platform in flight at once. A platform that hangs holds at most this many threads until the
  // HTTP client's timeout frees them, so the other platforms keep the rest and their cadence. Clamped to
  // 1…max_concurrent_polls; 2 is half of the default 4.
  std::size_t max_concurrent_polls_per_platform = 2;
  PollPolicy policy;
  // Pages one poll may fetch before yielding to other sources (a backlog is then fetched over several
  // polls, due at once).
  std::size_t max_pages_per_poll = 10;
  // How often the database is asked whether brands or sources changed (a cheap read).
  std::chrono::milliseconds config_check_interval{2000};
};

// Counts for the one-line status (systemd STATUS=, /healthz).
struct SchedulerStatus {
  std::size_t sources = 0, active = 0, degraded = 0, needs_human = 0, in_flight = 0;
  std::uint64_t polls = 0, failed_polls = 0, posts_stored = 0;
  // How long polls took (wall time, every page of one poll), per platform: a handful of labels.
  std::map<std::string, Histogram> poll_seconds;
};

class Scheduler {
 public:
  // The references outlive the scheduler. `seed` makes jitter reproducible in tests.
  Scheduler(Store& store, HttpClient& http, const Clock& clock, SchedulerOptions options, std::uint64_t seed);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs until Stop(); then waits for polls in flight for at most `grace`. Returns true when all finished
  // (false: some are still blocked on the network; their pages are either stored whole or not at all).
  // `on_tick` runs on this thread at least once a second (systemd watchdog, status).
  bool Run(std::chrono::milliseconds grace, const std::function<void()>& on_tick);

  // Thread-safe. Stop() ends Run(); Wake() makes it re-read sources now; SetPolicy() applies a reloaded
  // configuration to future decisions.
  void Stop();
  void Wake();
  void SetPolicy(const PollPolicy& policy);

  SchedulerStatus Status() const;

  // Called after every poll with its source and report (on a worker thread). Set before Run().
  std::function<void(const Source&, const PollReport&)> on_poll;

 private:
  struct Slot;
  void ReloadSources();
  void Dispatch(Slot& slot);
  void PollOne(std::int64_t source_id);
  std::chrono::seconds IntervalOf(const Source& source) const;
  double Random();

  Store& store_;
  HttpClient& http_;
  const Clock& clock_;
  SchedulerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool reload_ = true;
  std::int64_t generation_ = -1;
  std::map<std::int64_t, std::unique_ptr<Slot>> slots_;
  std::mt19937_64 rng_;
  SchedulerStatus counters_;

  // Worker threads take source ids from this queue.
  std::vector<std::int64_t> queue_;
  std::condition_variable work_;
  std::vector<std::thread> workers_;
  bool workers_stop_ = false;
};

}  // namespace odziv::daemon
