// WorkerThread: runs one round of some work (delivering the reply outbox, the alert outbox) on its own thread,
// again every `interval` and at once when woken, from construction until destruction. Destruction waits for
// the round in progress, so the work's references must outlive the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace odziv::daemon {

class WorkerThread {
 public:
  WorkerThread(std::function<void()> round, std::chrono::milliseconds interval);
  ~WorkerThread();
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // Starts the next round now (or right after the one in progress).
  void Wake();

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace odziv::daemon
