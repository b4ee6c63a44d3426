#include "daemon/pipeline.h"

#include <algorithm>
#include <optional>

#include "daemon/connector_cache.h"
#include "daemon/logging.h"
#include "platforms/registry.h"

namespace odziv::daemon {

Assessment PlaceholderJudge(const StoredPost& post) {
  Assessment a;
  a.language = post.post.language.empty() ? "und" : post.post.language;
  a.script = "none";
  a.model_version = "placeholder";
  if (post.post.kind == PostKind::kReview && post.post.rating && *post.post.rating <= 2) {
    a.label = SentimentLabel::kNegative;
    a.sentiment = -0.6;
    a.priority = 2;
    a.urgency = 60;
    a.reasons = {"low star rating (placeholder judge)"};
  } else {
    a.reasons = {"placeholder judge: no sentiment model yet"};
  }
  return a;
}

Status Pipeline::OnPoll(const IngestReport& stored, Timestamp now) {
  for (std::int64_t id : stored.changed_ids) {  // judged again from there on the next tick
    std::int64_t lowest = lowest_changed_.load();
    while (id < lowest && !lowest_changed_.compare_exchange_weak(lowest, id)) {
    }
  }
  // New posts of others are judged on the next Tick; only the brand's own (and deleted ones) matter now.
  std::vector<std::int64_t> ids = stored.changed_ids;
  for (std::int64_t id : stored.inserted_brand_or_deleted_ids) ids.push_back(id);
  for (std::int64_t id : ids) {
    auto post = store_.GetPost(id);
    if (!post) return Fail(post.error());
    if (!post->post.from_brand && !post->post.deleted_at) continue;  // judged on the next Tick
    if (auto tracked = tracker_.OnPostChanged(*post, now); !tracked) return tracked;
  }
  return {};
}

Result<PipelineReport> Pipeline::Tick(Timestamp now, std::size_t batch, bool watch) {
  std::lock_guard lock(mu_);
  auto report = [&] {
    DeferredSync deferred;
    return TickUnsynced(now, batch, watch);
  }();
  // One disk sync for the tick's judgements, cases, drafts and alerts, before the alert thread hears of them.
  if (auto synced = store_.Sync(); !synced) return Fail(synced.error());
  return report;
}

Result<PipelineReport> Pipeline::TickUnsynced(Timestamp now, std::size_t batch, bool watch) {
  PipelineReport report;
  if (auto lowest = lowest_changed_.exchange(kNoChange); lowest != kNoChange)
    judged_through_ = std::min(judged_through_, lowest - 1);
  if (!full_scan_at_ || now < *full_scan_at_ || now - *full_scan_at_ >= kFullScanEvery) {
    judged_through_ = 0;
    full_scan_at_ = now;
  }
  auto pending = store_.ListUnassessedPosts(std::nullopt, batch, judged_through_);
  if (!pending) return Fail(pending.error());
  std::optional<std::int64_t> first_failed;
  // Committed 10 posts at a time: the commits cost no disk sync (DeferredSync), and polls, pushes and the
  // alert dispatcher, which wait for the store as long as a batch is open, get their turn every few
  // milliseconds (with 50, alerts fell seconds behind their cases at 4,000 posts a second).
  constexpr std::size_t kPostsPerCommit = 10;
  std::unique_ptr<StoreBatch> together;
  std::size_t in_batch = 0;
  for (const StoredPost& post : *pending) {
    if (together && in_batch == kPostsPerCommit) {
      if (auto committed = together->Commit(); !committed) return Fail(committed.error());
      together.reset();
    }
    if (!together) {
      auto begun = store_.BeginBatch();
      if (!begun) return Fail(begun.error());
      together = std::move(*begun);
      in_batch = 0;
    }
    ++in_batch;
    const Assessment assessment = judge_(post);
    // Triage first, then the assessment: a crash in between judges the post again after the restart, and
    // OnAssessed leaves a post that is already in a case where it is.
    auto tracked = tracker_.OnAssessed(post, assessment, now);
    if (!tracked) {
      const Error error = tracked.error().WithContext("post " + std::to_string(post.id));
      if (error.code != ErrorCode::kConfig && error.code != ErrorCode::kMalformed) return Fail(error);
      if (!first_failed) first_failed = post.id;
      ++report.failed;
      report.last_error = Describe(error);
      continue;
    }
    const TriageRecord triage{tracked->triage.verdict == TriageVerdict::kNeedsAnswer, tracked->triage.reason};
    if (auto saved = store_.SaveAssessment(post.id, assessment, triage, now); !saved) return Fail(saved.error());
    ++report.assessed;
    if (tracked->opened) {
      ++report.opened;
    } else if (tracked->tracked_case) {
      ++report.joined;
    }
  }
  if (together) {
    if (auto committed = together->Commit(); !committed) return Fail(committed.error());
    together.reset();
  }
  // Every unjudged post above judged_through_ up to the batch's last was in the batch (they come in id order).
  if (!pending->empty()) judged_through_ = first_failed ? *first_failed - 1 : pending->back().id;
  // Posts whose triage failed stay pending: a batch of nothing else is no reason to go again at once.
  report.more = pending->size() >= batch && report.assessed > 0;
  if (watch) {
    auto watched = watchdog_.Tick(now);
    if (!watched) return Fail(watched.error());
    report.watchdog = *watched;
    report.watched = true;
  }
  if (drafting_) {
    constexpr std::size_t kDraftBatch = 100;
    auto drafted = drafting_->DraftPending(now, kDraftBatch);
    if (!drafted) return Fail(drafted.error());
    const std::size_t done = drafted->drafted + drafted->auto_sent;
    report.more = report.more || (done > 0 && done + drafted->failed >= kDraftBatch);
    report.drafting = std::move(*drafted);
  }
  return report;
}

ReplyFinder ConnectorReplyFinder(Store& store, HttpClient& http, const Clock& clock) {
  // One connector per source, kept across calls (the watchdog runs on one thread).
  auto cache = std::make_shared<ConnectorCache>([&http, &clock](const Source& source) {
    return platforms::MakeConnector(source, platforms::ConnectorContext{http, clock});
  });
  return [&store, cache](const Case& c) -> Result<std::optional<Post>> {
    auto first = store.GetPost(c.first_post_id);
    if (!first) return Fail(first.error());
    if (first->source_id == 0) return Fail(ErrorCode::kNotFound, "the source that fetched the post is gone");
    auto source = store.GetSourceById(first->source_id);
    if (!source) return Fail(source.error());
    auto connector = cache->Get(*source);
    if (!connector) return Fail(connector.error());
    return (*connector)->FindBrandReply(first->post.external_id);
  };
}

PipelineTimer::PipelineTimer(Pipeline& pipeline, const Clock& clock, std::chrono::milliseconds interval,
                             std::function<void(const PipelineReport&)> after_tick) {
  thread_ = std::thread([this, &pipeline, &clock, interval, after_tick = std::move(after_tick)] {
    auto log = Logger("cases");
    std::unique_lock lock(mu_);
    std::optional<std::chrono::steady_clock::time_point> last_watch;
    while (!stop_) {
      woken_ = false;
      lock.unlock();
      const auto started = std::chrono::steady_clock::now();
      const bool watch = !last_watch || started - *last_watch >= interval;
      auto report = pipeline.Tick(clock.Now(), 500, watch);
      bool again = false;
      if (report && report->watched) last_watch = started;
      if (!report) {
        log->error("cases: {}", Describe(report.error()));
      } else {
        const WatchdogReport& w = report->watchdog;
        const DraftingReport& d = report->drafting;
        if (report->assessed > 0 || w.escalations > 0 || w.reopened > 0 || w.confirmed > 0 || d.drafted > 0 ||
            d.auto_sent > 0)
          log->info("{} posts judged, {} cases opened, {} joined, {} escalations, {} re-opened, {} confirmed, "
                    "{} drafts queued, {} sent without approval",
                    report->assessed, report->opened, report->joined, w.escalations, w.reopened, w.confirmed,
                    d.drafted, d.auto_sent);
        if (d.failed > 0) log->error("{} cases could not be drafted: {}", d.failed, d.last_error);
        if (report->failed > 0)
          log->error("{} posts could not be triaged: {}", report->failed, report->last_error);
        if (report->watchdog.errors > 0)
          log->error("SLA watchdog skipped {} cases: {}", report->watchdog.errors, report->watchdog.last_error);
        if (after_tick) after_tick(*report);
        again = report->more;
      }
      lock.lock();
      if (again) continue;
      // The watchdog's next turn ends the wait when nothing wakes the timer sooner; after a failure, a whole
      // interval passes before the next try.
      auto wait = interval;
      if (report && last_watch)
        wait = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::max(std::chrono::steady_clock::duration::zero(), *last_watch + interval - std::chrono::steady_clock::now()));
      wake_.wait_for(lock, wait, [this] { return stop_ || woken_; });
    }
  });
}

void PipelineTimer::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

PipelineTimer::~PipelineTimer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace odziv::daemon
