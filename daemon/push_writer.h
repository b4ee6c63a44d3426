// PushWriter: stores verified webhook pushes with group commit. Requests hand their posts to Submit; one
// thread takes whatever is queued (up to max_batch pushes), stores it in ONE transaction
// (Store::IngestPushed) and only then answers each push, so a 200 always means durable, and a burst costs one
// fsync per batch instead of one per push. Pushes never move a source's poll cursor.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/store.h"

namespace odziv::daemon {

struct PushWriterOptions {
  // Pushes stored per transaction at most. 500 keeps a transaction (and the lock on the database) short —
  // a few tens of milliseconds — while a burst still needs few fsyncs.
  std::size_t max_batch = 500;
};

class PushWriter {
 public:
  using Done = std::function<void(Result<IngestReport>)>;
  // Called on the writer thread after each committed batch with what it stored (the pipeline judges new
  // posts and confirms cases from it, as after a poll).
  using OnStored = std::function<void(const IngestReport&)>;

  // Starts the writer thread. `store` and `clock` outlive the writer.
  PushWriter(Store& store, const Clock& clock, PushWriterOptions options, OnStored on_stored);
  // Stop().
  ~PushWriter();
  PushWriter(const PushWriter&) = delete;
  PushWriter& operator=(const PushWriter&) = delete;

  // Queues `push`; `done` is called once, on the writer thread, with the push's report after its batch is
  // committed, or with the error that kept it from being stored (nothing of it is stored then). After Stop,
  // `done` is called at once with kUnavailable. Thread-safe.
  void Submit(PushedPosts push, Done done);

  // Stores what is queued, then ends the thread; later pushes are refused. Idempotent.
  void Stop();

 private:
  struct Pending {
    PushedPosts push;
    Done done;
  };
  void Run();
  void StoreBatch(std::vector<Pending>& batch);

  Store& store_;
  const Clock& clock_;
  const PushWriterOptions options_;
  const OnStored on_stored_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::thread thread_;
};

}  // namespace odziv::daemon
