#include "daemon/worker_thread.h"

namespace odziv::daemon {

WorkerThread::WorkerThread(std::function<void()> round, std::chrono::milliseconds interval) {
  thread_ = std::thread([this, round = std::move(round), interval] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      woken_ = false;
      lock.unlock();
      round();
      lock.lock();
      wake_.wait_for(lock, interval, [this] { return stop_ || woken_; });
    }
  });
}

WorkerThread::~WorkerThread() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WorkerThread::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

}  // namespace odziv::daemon
