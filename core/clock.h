// Clock: the seam over wall-clock time, so that schedules, deadlines and backoff can be tested by moving a
// FakeClock instead of sleeping.
#pragma once

#include <atomic>

#include "core/timestamp.h"

namespace odziv {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current UTC time. Thread-safe.
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that moves only when told. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_ms_(ToUnixMillis(start)) {}
  Timestamp Now() const override { return FromUnixMillis(now_ms_.load()); }
  void Advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }
  void Set(Timestamp t) { now_ms_ = ToUnixMillis(t); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace odziv
