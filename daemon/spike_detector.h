// SpikeDetector: decides from counts alone whether a brand is in a spike of negative posts, and when a
// spike is new enough to tell people about. Pure logic with per-brand memory; the AlertScanner
// (daemon/alert_scanner.h) reads the counts from the Store and writes the alert.
//
// A spike is `window` with at least max(min_posts, factor × normal) negative posts, where normal is the
// brand's negative posts per window over the baseline days before it. One spike is one alert: a spike
// episode starts when the count first reaches the threshold and lasts until it has stayed below it for
// `cooldown`; only the start is reported. Not thread-safe: one scanner owns it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "core/timestamp.h"
#include "daemon/alert_rules.h"

namespace odziv::daemon {

struct SpikeCounts {
  std::int64_t window_negative = 0;    // negative posts created in [now - window, now)
  std::int64_t baseline_negative = 0;  // negative posts created in the baseline before the window
  // How much time baseline_negative covers; unset: the whole baseline. Less while a brand's history is still
  // being read (the scanner reads it an hour at a time).
  std::optional<std::chrono::minutes> baseline_span;
};

// A spike that has just started.
struct Spike {
  Timestamp started_at{};       // the episode's start: the brand's spike alert is keyed by it
  std::int64_t count = 0;       // negative posts in the window
  double normal = 0;            // the normal number of negative posts per window
  std::int64_t threshold = 0;   // the count at which a window is a spike
};

// Negative posts per window over the baseline (or over `span` of it).
double NormalPerWindow(const SpikeSettings& settings, std::int64_t baseline_negative);
double NormalPerWindow(std::chrono::minutes window, std::chrono::minutes span, std::int64_t baseline_negative);
// max(min_posts, ⌈factor × normal⌉).
std::int64_t SpikeThreshold(const SpikeSettings& settings, double normal_per_window);

class SpikeDetector {
 public:
  // After a restart: the brand's newest spike alert, so that a spike that is still going on is not
  // reported again when that alert is within the cooldown. Only the first call per brand counts.
  void Seed(std::int64_t brand_id, std::optional<Timestamp> last_spike_at);
  bool Seeded(std::int64_t brand_id) const { return brands_.contains(brand_id); }

  // One look at the brand's counts at `now`: the spike to report, or nullopt (no spike, or one that was
  // already reported).
  std::optional<Spike> Observe(std::int64_t brand_id, const SpikeSettings& settings, const SpikeCounts& counts,
                               Timestamp now);

  // Whether the brand is in a spike episode (for reports and tests).
  bool InEpisode(std::int64_t brand_id) const;

 private:
  struct Episode {
    Timestamp started_at{};
    std::optional<Timestamp> below_since;  // when the count last fell below the threshold; unset while above
  };
  std::map<std::int64_t, std::optional<Episode>> brands_;  // seen brands → their episode, if in one
};

}  // namespace odziv::daemon
