#include "daemon/spike_detector.h"

#include <algorithm>
#include <cmath>

namespace odziv::daemon {

double NormalPerWindow(std::chrono::minutes window, std::chrono::minutes span, std::int64_t baseline_negative) {
  const auto windows = span / window;
  return windows > 0 ? static_cast<double>(baseline_negative) / static_cast<double>(windows) : 0.0;
}

double NormalPerWindow(const SpikeSettings& settings, std::int64_t baseline_negative) {
  return NormalPerWindow(settings.window, std::chrono::duration_cast<std::chrono::minutes>(settings.baseline),
                         baseline_negative);
}

std::int64_t SpikeThreshold(const SpikeSettings& settings, double normal_per_window) {
  const auto relative = static_cast<std::int64_t>(std::ceil(settings.factor * normal_per_window));
  return std::max<std::int64_t>(settings.min_posts, relative);
}

void SpikeDetector::Seed(std::int64_t brand_id, std::optional<Timestamp> last_spike_at) {
  if (brands_.contains(brand_id)) return;
  // What happened after that alert is unknown: take it that the count fell back right after it, so the
  // episode ends one cooldown after the alert unless the count is still above the threshold now.
  if (last_spike_at) brands_[brand_id] = Episode{*last_spike_at, *last_spike_at};
  else brands_[brand_id] = std::nullopt;
}

std::optional<Spike> SpikeDetector::Observe(std::int64_t brand_id, const SpikeSettings& settings,
                                            const SpikeCounts& counts, Timestamp now) {
  std::optional<Episode>& episode = brands_[brand_id];
  const double normal = counts.baseline_span
                            ? NormalPerWindow(settings.window, *counts.baseline_span, counts.baseline_negative)
                            : NormalPerWindow(settings, counts.baseline_negative);
  const std::int64_t threshold = SpikeThreshold(settings, normal);
  auto cooled_down = [&] { return episode && episode->below_since && now - *episode->below_since >= settings.cooldown; };

  if (cooled_down()) episode.reset();
  if (counts.window_negative >= threshold) {
    if (episode) {
      episode->below_since.reset();
      return std::nullopt;
    }
    episode = Episode{now, std::nullopt};
    return Spike{now, counts.window_negative, normal, threshold};
  }
  if (episode && !episode->below_since) episode->below_since = now;
  if (cooled_down()) episode.reset();
  return std::nullopt;
}

bool SpikeDetector::InEpisode(std::int64_t brand_id) const {
  auto it = brands_.find(brand_id);
  return it != brands_.end() && it->second.has_value();
}

}  // namespace odziv::daemon
