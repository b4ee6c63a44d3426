// Histogram: a distribution of durations in fixed buckets, as /metrics shows it (a Prometheus histogram).
// A plain value: the owner guards it (the scheduler's mutex) and copies it into status snapshots.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace odziv::daemon {

class Histogram {
 public:
  // Upper bounds in seconds: from a quick API call to a poll that pages through a backlog.
  static constexpr std::array<double, 11> kBounds = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

  void Observe(std::chrono::duration<double> duration);

  std::uint64_t count() const { return count_; }
  double sum_seconds() const { return sum_; }
  // Observations at or below kBounds[i] (cumulative, as Prometheus wants them).
  std::uint64_t CountUpTo(std::size_t i) const;

  // The sample lines of metric `name` with `labels` ("platform=\"x\"", or empty): _bucket per bound and
  // +Inf, _sum, _count. Without the # HELP and # TYPE lines, which go once per metric.
  std::string Samples(std::string_view name, std::string_view labels) const;

 private:
  std::array<std::uint64_t, kBounds.size()> in_bucket_{};  // observations in (kBounds[i-1], kBounds[i]]
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace odziv::daemon
