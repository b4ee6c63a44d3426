#include "daemon/push_writer.h"

#include <utility>
#include <vector>

namespace odziv::daemon {

PushWriter::PushWriter(Store& store, const Clock& clock, PushWriterOptions options, OnStored on_stored)
    : store_(store), clock_(clock), options_(options), on_stored_(std::move(on_stored)) {
  thread_ = std::thread([this] { Run(); });
}

PushWriter::~PushWriter() { Stop(); }

void PushWriter::Submit(PushedPosts push, Done done) {
  {
    std::lock_guard held(mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(push), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Fail(ErrorCode::kUnavailable, "the daemon is stopping; send the push again later"));
}

void PushWriter::Stop() {
  {
    std::lock_guard held(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void PushWriter::Run() {
  std::unique_lock held(mu_);
  while (true) {
    wake_.wait(held, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is stored
    std::vector<Pending> batch;
    const std::size_t n = std::min(queue_.size(), std::max<std::size_t>(1, options_.max_batch));
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    held.unlock();
    StoreBatch(batch);
    held.lock();
  }
}

void PushWriter::StoreBatch(std::vector<Pending>& batch) {
  std::vector<PushedPosts> pushes;
  pushes.reserve(batch.size());
  for (auto& pending : batch) pushes.push_back(std::move(pending.push));
  const Timestamp now = clock_.Now();
  auto stored = store_.IngestPushed(pushes, now);
  IngestReport total;
  if (stored) {
    for (std::size_t i = 0; i < batch.size(); ++i) total += (*stored)[i];
    if (on_stored_) on_stored_(total);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move((*stored)[i]));
    return;
  }
  // The batch failed as a whole: store each push alone, so that one bad push (its source removed meanwhile)
  // does not cost the others.
  std::vector<Result<IngestReport>> results;
  results.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch.size() == 1) {
      results.push_back(Fail(stored.error()));
      break;
    }
    auto alone = store_.IngestPushed(std::span<const PushedPosts>(&pushes[i], 1), now);
    if (alone) {
      total += alone->front();
      results.push_back(std::move(alone->front()));
    } else {
      results.push_back(Fail(alone.error()));
    }
  }
  if (on_stored_ && total.inserted + total.edited + total.deleted + total.refreshed > 0) on_stored_(total);
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
}

}  // namespace odziv::daemon
