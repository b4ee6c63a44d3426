#include "daemon/scheduler.h"

#include <fmt/format.h>

#include <algorithm>

#include "daemon/logging.h"
#include "platforms/registry.h"

namespace odziv::daemon {

struct Scheduler::Slot {
  Source source;
  std::string fingerprint;  // the configuration the connector was built from
  std::unique_ptr<platforms::Connector> connector;
  Timestamp next_poll{};
  bool in_flight = false;
  bool removed = false;  // gone from the database while a poll was in flight
};

namespace {

std::string Fingerprint(const Source& s) {
  std::string out = s.platform;
  for (const auto& [k, v] : s.settings) out += fmt::format("\x1f{}={}", k, v);
  return out;
}

bool Eligible(const Source& s) { return !s.paused && s.health != SourceHealth::kNeedsHuman; }

}  // namespace

Scheduler::Scheduler(Store& store, HttpClient& http, const Clock& clock, SchedulerOptions options, std::uint64_t seed)
    : store_(store), http_(http), clock_(clock), options_(options), rng_(seed) {
  options_.max_concurrent_polls = std::max<std::size_t>(1, options_.max_concurrent_polls);
  options_.max_concurrent_polls_per_platform =
      std::clamp<std::size_t>(options_.max_concurrent_polls_per_platform, 1, options_.max_concurrent_polls);
  for (std::size_t i = 0; i < options_.max_concurrent_polls; ++i) {
    workers_.emplace_back([this] {
      std::unique_lock lock(mutex_);
      while (true) {
        work_.wait(lock, [this] { return workers_stop_ || !queue_.empty(); });
        if (workers_stop_) return;
        std::int64_t id = queue_.front();
        queue_.erase(queue_.begin());
        lock.unlock();
        PollOne(id);
        lock.lock();
      }
    });
  }
}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(mutex_);
    workers_stop_ = true;
  }
  work_.notify_all();
  for (auto& t : workers_) t.join();
}

double Scheduler::Random() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

std::chrono::seconds Scheduler::IntervalOf(const Source& source) const {
  if (source.poll_interval) return *source.poll_interval;
  if (const auto* info = platforms::FindPlatform(source.platform)) return info->default_poll_interval;
  return std::chrono::seconds(300);
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
}

void Scheduler::Wake() {
  {
    std::lock_guard lock(mutex_);
    reload_ = true;
  }
  wake_.notify_all();
}

void Scheduler::SetPolicy(const PollPolicy& policy) {
  std::lock_guard lock(mutex_);
  options_.policy = policy;
}

SchedulerStatus Scheduler::Status() const {
  std::lock_guard lock(mutex_);
  SchedulerStatus status = counters_;
  for (const auto& [id, slot] : slots_) {
    if (slot->removed) continue;
    ++status.sources;
    if (slot->in_flight) ++status.in_flight;
    if (!slot->source.paused) ++status.active;
    if (slot->source.health == SourceHealth::kDegraded) ++status.degraded;
    if (slot->source.health == SourceHealth::kNeedsHuman) ++status.needs_human;
  }
  return status;
}

void Scheduler::ReloadSources() {
  auto generation = store_.ConfigGeneration();
  if (!generation) {
    Logger("scheduler")->warn("cannot read the configuration generation: {}", Describe(generation.error()));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (*generation == generation_ && !reload_) return;
  }
  auto sources = store_.ListSources(std::nullopt);
  if (!sources) {
    Logger("scheduler")->warn("cannot list sources: {}", Describe(sources.error()));
    return;
  }
  std::lock_guard lock(mutex_);
  generation_ = *generation;
  reload_ = false;
  const Timestamp now = clock_.Now();
  std::map<std::int64_t, bool> seen;
  for (Source& source : *sources) {
    seen[source.id] = true;
    auto it = slots_.find(source.id);
    if (it == slots_.end()) {
      auto slot = std::make_unique<Slot>();
      slot->next_poll = source.next_poll_at ? *source.next_poll_at
                                            : FirstPollTime(now, IntervalOf(source), options_.policy, Random());
      slot->fingerprint = Fingerprint(source);
      slot->source = std::move(source);
      Logger("scheduler")->info("source {} ({}) scheduled", slot->source.name, slot->source.platform);
      slots_.emplace(slot->source.id, std::move(slot));
      continue;
    }
    Slot& slot = *it->second;
    std::string fingerprint = Fingerprint(source);
    if (slot.in_flight) {
      // The worker writes its outcome; a configuration change made meanwhile is applied by the next check.
      if (fingerprint != slot.fingerprint || source.paused != slot.source.paused) generation_ = -1;
      continue;
    }
    if (fingerprint != slot.fingerprint) {
      slot.connector.reset();
      slot.fingerprint = fingerprint;
      Logger("scheduler")->info("source {} changed: its connector is rebuilt", source.name);
    }
    // A person resumed it (health reset) or changed its interval: the database's next poll time wins.
    if (slot.source.health == SourceHealth::kNeedsHuman && source.health != SourceHealth::kNeedsHuman)
      slot.next_poll = source.next_poll_at.value_or(now);
    else if (source.next_poll_at)
      slot.next_poll = *source.next_poll_at;
    slot.source = std::move(source);
  }
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (seen.count(it->first)) {
      ++it;
    } else if (it->second->in_flight) {
      it->second->removed = true;
      ++it;
    } else {
      Logger("scheduler")->info("source {} removed", it->second->source.name);
      it = slots_.erase(it);
    }
  }
}

bool Scheduler::Run(std::chrono::milliseconds grace, const std::function<void()>& on_tick) {
  auto last_check = std::chrono::steady_clock::now() - options_.config_check_interval;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (reload_ || std::chrono::steady_clock::now() - last_check >= options_.config_check_interval) {
      lock.unlock();
      ReloadSources();
      last_check = std::chrono::steady_clock::now();
      lock.lock();
      if (stop_) break;
    }
    const Timestamp now = clock_.Now();
    std::size_t in_flight = 0;
    std::map<std::string, std::size_t> platform_in_flight;
    std::vector<Slot*> due;
    Timestamp next_wake = now + std::chrono::seconds(1);
    for (auto& [id, slot] : slots_) {
      if (slot->in_flight) {
        ++in_flight;
        ++platform_in_flight[slot->source.platform];
        continue;
      }
      if (slot->removed || !Eligible(slot->source)) continue;
      if (slot->next_poll <= now) due.push_back(slot.get());
      else next_wake = std::min(next_wake, slot->next_poll);
    }
    std::sort(due.begin(), due.end(), [](const Slot* a, const Slot* b) { return a->next_poll < b->next_poll; });
    for (Slot* slot : due) {
      if (in_flight >= options_.max_concurrent_polls) break;
      // A platform with its share in flight waits, however overdue its sources are: were it hanging, every
      // slot would otherwise fill with its polls and starve the other platforms until the HTTP timeout.
      std::size_t& platform_busy = platform_in_flight[slot->source.platform];
      if (platform_busy >= options_.max_concurrent_polls_per_platform) continue;
      ++platform_busy;
      slot->in_flight = true;
      ++in_flight;
      queue_.push_back(slot->source.id);
      work_.notify_one();
    }
    auto wait = std::max(std::chrono::milliseconds(10), std::chrono::duration_cast<std::chrono::milliseconds>(next_wake - now));
    wake_.wait_for(lock, std::min(wait, std::chrono::milliseconds(1000)));
    lock.unlock();
    if (on_tick) on_tick();
    lock.lock();
  }
  // Shutting down: nothing new starts; wait for what is in flight.
  for (std::int64_t id : queue_)
    if (auto it = slots_.find(id); it != slots_.end()) it->second->in_flight = false;
  queue_.clear();
  auto deadline = std::chrono::steady_clock::now() + grace;
  auto busy = [this] {
    return std::any_of(slots_.begin(), slots_.end(), [](const auto& entry) { return entry.second->in_flight; });
  };
  while (busy() && std::chrono::steady_clock::now() < deadline) wake_.wait_until(lock, deadline);
  return !busy();
}

void Scheduler::PollOne(std::int64_t source_id) {
  Source source;
  std::unique_ptr<platforms::Connector> connector;
  PollPolicy policy;
  double r1, r2;
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(source_id);
    if (it == slots_.end()) return;
    if (stop_) {  // queued before shutdown, never started
      it->second->in_flight = false;
      wake_.notify_all();
      return;
    }
    source = it->second->source;
    connector = std::move(it->second->connector);
    policy = options_.policy;
    r1 = Random();
    r2 = Random();
  }
  auto log = Logger("scheduler");
  const std::chrono::seconds interval = IntervalOf(source);
  PollReport report;
  const auto poll_started = std::chrono::steady_clock::now();
  if (!connector) {
    auto made = platforms::MakeConnector(source, platforms::ConnectorContext{http_, clock_});
    if (made) connector = std::move(*made);
    else report.error = made.error();
  }
  if (connector) {
    Timestamp next = NextPollAfterSuccess(clock_.Now(), interval, false, policy, r1);
    report = PollSource(store_, *connector, source, clock_, options_.max_pages_per_poll, next);
  }
  Timestamp next_poll;
  SourceHealth health = SourceHealth::kOk;
  int failures = 0;
  std::string last_error;
  if (report.error && report.storing_failed) {
    // The database failed (a full disk, another process holding the lock), not the platform: the source keeps
    // its health and its backoff, so that it is not reported as failing and polls again soon after the
    // database recovers rather than up to max_backoff later. The page was not stored and is fetched again.
    health = source.health;
    failures = source.consecutive_failures;
    last_error = source.last_error;
    next_poll = clock_.Now() + policy.first_backoff;
    log->error("source {}: {}; the page is fetched again at {}", source.name, Describe(*report.error),
               FormatIsoTimestamp(next_poll));
  } else if (report.error) {
    const Timestamp now = clock_.Now();
    PollFailure failure = DecideAfterFailure(source, *report.error, now, interval, policy, r2);
    if (auto recorded = store_.RecordPollFailure(source.id, failure, now); !recorded)
      log->error("source {}: cannot record a failed poll: {}", source.name, Describe(recorded.error()));
    health = failure.health;
    failures = failure.consecutive_failures;
    last_error = failure.error;
    next_poll = failure.next_poll_at.value_or(Timestamp::max());
    if (failure.health == SourceHealth::kNeedsHuman) {
      log->error("source {} needs a person and is no longer polled: {} (fix it, then 'odziv source resume {}')",
                 source.name, failure.error, source.name);
      connector.reset();
    } else {
      log->warn("source {}: poll failed ({} in a row), next try at {}: {}", source.name, failures,
                FormatIsoTimestamp(next_poll), failure.error);
    }
  } else {
    next_poll = report.more ? clock_.Now() : NextPollAfterSuccess(clock_.Now(), interval, false, policy, r1);
    if (source.health == SourceHealth::kDegraded)
      log->info("source {} is healthy again after {} failed polls", source.name, source.consecutive_failures);
    if (report.fetched > 0 || report.stored.inserted > 0)
      log->info("source {}: fetched {}, new {}, edited {}, deleted {}, unchanged {}", source.name, report.fetched,
                report.stored.inserted, report.stored.edited, report.stored.deleted, report.stored.unchanged);
    else
      log->debug("source {}: nothing new", source.name);
  }
  {
    std::lock_guard lock(mutex_);
    ++counters_.polls;
    if (report.error) ++counters_.failed_polls;
    counters_.poll_seconds[source.platform].Observe(std::chrono::steady_clock::now() - poll_started);
    counters_.posts_stored += report.stored.inserted;
    auto it = slots_.find(source_id);
    if (it != slots_.end()) {
      Slot& slot = *it->second;
      slot.in_flight = false;
      slot.next_poll = next_poll;
      slot.source.health = health;
      slot.source.consecutive_failures = failures;
      slot.source.last_error = last_error;
      slot.source.cursor = report.cursor_after;
      if (slot.removed) {
        slots_.erase(it);
      } else if (!slot.connector && Fingerprint(slot.source) == slot.fingerprint) {
        slot.connector = std::move(connector);
      }
    }
  }
  wake_.notify_all();
  if (on_poll) on_poll(source, report);
}

}  // namespace odziv::daemon
