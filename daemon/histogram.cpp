#include "daemon/histogram.h"

#include <fmt/format.h>

#include <algorithm>

namespace odziv::daemon {

void Histogram::Observe(std::chrono::duration<double> duration) {
  const double seconds = std::max(0.0, duration.count());
  auto bound = std::lower_bound(kBounds.begin(), kBounds.end(), seconds);
  if (bound != kBounds.end()) ++in_bucket_[static_cast<std::size_t>(bound - kBounds.begin())];
  ++count_;
  sum_ += seconds;
}

std::uint64_t Histogram::CountUpTo(std::size_t i) const {
  std::uint64_t total = 0;
  for (std::size_t j = 0; j <= i && j < in_bucket_.size(); ++j) total += in_bucket_[j];
  return total;
}

std::string Histogram::Samples(std::string_view name, std::string_view labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  std::string out;
  for (std::size_t i = 0; i < kBounds.size(); ++i)
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, kBounds[i], CountUpTo(i));
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, count_);
  const std::string braces = labels.empty() ? "" : fmt::format("{{{}}}", labels);
  out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, braces, sum_, name, braces, count_);
  return out;
}

}  // namespace odziv::daemon
