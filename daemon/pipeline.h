// Pipeline: what happens to posts after they are stored — judged, the judgement saved, then triaged into
// cases (CaseTracker) — working from the database (ListUnassessedPosts), so that a crash between steps loses
// no work: a post stored but not judged is judged after the restart. The scheduler calls OnPoll after every
// poll; the daemon's loop calls Tick on a timer (judging what is pending, then the SLA watchdog).
//
// The judge is a function (daemon/post_judge.h makes the real one from sentiment/), so that tests can judge
// by hand.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <optional>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/assessment.h"
#include "core/clock.h"
#include "core/http_client.h"
#include "core/store.h"
#include "daemon/case_tracker.h"
#include "daemon/drafting_stage.h"
#include "daemon/sla_watchdog.h"

namespace odziv::daemon {

using Judge = std::function<Assessment(const StoredPost&)>;

// A judge by stars alone, for tests that need predictable judgements: reviews of 1–2★ are negative P2,
// 3★ neutral, others neutral P4. Says so in model_version ("placeholder").
Assessment PlaceholderJudge(const StoredPost& post);

struct PipelineReport {
  std::size_t assessed = 0;
  std::size_t opened = 0;  // cases opened
  std::size_t joined = 0;  // posts that joined a case
  std::size_t failed = 0;  // posts left for the next tick because triage failed (see last_error)
  std::string last_error;
  bool more = false;       // a whole batch of posts or of drafts was done: more may be waiting
  bool watched = false;    // the SLA watchdog ran
  WatchdogReport watchdog;
  DraftingReport drafting;
};

class Pipeline {
 public:
  // `find_reply` (optional) lets the watchdog ask the platform before re-opening a case whose reply was not
  // polled (see SlaWatchdog). `drafting` (optional) drafts replies for the cases that need one, after the
  // watchdog (daemon/drafting_stage.h).
  Pipeline(Store& store, Judge judge, ReplyFinder find_reply = {}, DrafterFactory drafting = {})
      : store_(store),
        judge_(std::move(judge)),
        tracker_(store),
        watchdog_(store, std::move(find_reply)),
        drafting_(drafting ? std::make_unique<DraftingStage>(store, std::move(drafting)) : nullptr) {}

  // After a poll: changed posts (edits, deletes) and the brand's own new posts go to the tracker at once
  // (deleted → close, brand reply → confirm); new and edited posts are judged on the next Tick. Thread-safe.
  [[nodiscard]] Status OnPoll(const IngestReport& stored, Timestamp now);

  // Judges every stored post not yet judged (a batch of at most `batch` posts per call), triages it into a
  // case, saves its assessment, then runs the SLA watchdog (when `watch`) and drafting. Cases and assessments
  // are written 10 posts to a transaction (Store::BeginBatch), so a post costs its queries, not a disk sync
  // of its own; everything a tick writes is committed without a sync (DeferredSync) and synced once at its
  // end. A post whose triage fails (a brand's settings cannot be read) is counted in the report and
  // tried again next time; the others go on. Fails when the database does (the posts of the transaction
  // that failed are judged again next time). Thread-safe.
  [[nodiscard]] Result<PipelineReport> Tick(Timestamp now, std::size_t batch = 500, bool watch = true);

  CaseTracker& tracker() { return tracker_; }

 private:
  Result<PipelineReport> TickUnsynced(Timestamp now, std::size_t batch, bool watch);

  std::mutex mu_;  // one Tick at a time (the watchdog is single-threaded)
  // Ticks read unjudged posts above judged_through_ (every post up to it was judged when a tick last read
  // them), so that a tick costs the posts it judges rather than every post stored. Edits reported to OnPoll
  // lower it (lowest_changed_); a tick reads from the start every kFullScanEvery, and after a restart, for
  // edits that no poll of this process reported (`odziv poll --once`).
  static constexpr std::int64_t kNoChange = std::numeric_limits<std::int64_t>::max();
  static constexpr std::chrono::minutes kFullScanEvery{10};
  std::int64_t judged_through_ = 0;        // guarded by mu_
  std::optional<Timestamp> full_scan_at_;  // guarded by mu_
  std::atomic<std::int64_t> lowest_changed_{kNoChange};
  Store& store_;
  Judge judge_;
  CaseTracker tracker_;
  SlaWatchdog watchdog_;
  std::unique_ptr<DraftingStage> drafting_;
};

// A ReplyFinder that asks the connector of the source that fetched the case's first post
// (Connector::FindBrandReply). The references outlive the finder.
ReplyFinder ConnectorReplyFinder(Store& store, HttpClient& http, const Clock& clock);

// Runs Pipeline::Tick on its own thread (so that judging a backlog never delays polls) from construction
// until destruction: every `interval`, at once when woken (a poll stored new posts), and again at once while
// a tick finds a whole batch to do. The SLA watchdog, which reads every unanswered case, runs in at most one
// tick per `interval`. Failures are logged (component "cases") and retried next time.
class PipelineTimer {
 public:
  // 5 s: deadlines are minutes to hours, so seconds of delay in escalation do not matter; new posts do not
  // wait for the interval, since the scheduler wakes the timer. `after_tick` (optional) is called on the
  // timer's thread after each successful tick (the daemon wakes the alert dispatcher when cases opened).
  PipelineTimer(Pipeline& pipeline, const Clock& clock, std::chrono::milliseconds interval = std::chrono::seconds(5),
                std::function<void(const PipelineReport&)> after_tick = {});
  ~PipelineTimer();
  PipelineTimer(const PipelineTimer&) = delete;
  PipelineTimer& operator=(const PipelineTimer&) = delete;

  // Starts a tick now, or right after the one in progress. Thread-safe.
  void Wake();

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace odziv::daemon
