// AlertScanner: writes the alerts that no single case change carries — a spike of negative posts for a
// brand, a source that needs a person, and each brand's digest when its period ends — to the alert outbox, where the AlertDispatcher
// (daemon/alert_dispatcher.h) delivers them like any other. Runs on the dispatcher's thread in `odziv run`.
//
// Each alert's dedup key names its event (`spike:<brand>:<episode start>`, `digest:<brand>:<route>:<period
// end>`, `source:<source>:needs_human:<failed poll>`), so scanning again, from this process or after a restart, never writes the same event twice.
// Not thread-safe: one thread calls Scan.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/store.h"
#include "daemon/alert_rules.h"
#include "daemon/spike_detector.h"

namespace odziv::daemon {

struct AlertScannerOptions {
  // How often each brand's counts are read for spikes: often enough to tell people within a minute or two,
  // rarely enough that hundreds of brands cost little.
  std::chrono::seconds spike_every{60};
  // A brand's baseline (days of posts, the most expensive count) is read an hour at a time and kept: each
  // scan reads at most this many of its hours, newest first, so a brand with a large history never holds
  // the database for long. Until all are read, the normal rate comes from the hours read so far.
  std::size_t baseline_hours_per_scan = 12;
  std::string app_url;  // the web app's base URL for links; empty: no link
};

struct ScanReport {
  std::size_t spikes = 0;   // spike alerts written
  std::size_t digests = 0;  // digest alerts written (one per route)
  std::size_t sources = 0;  // source_unhealthy alerts written
};

// What one digest tells: a brand's period in numbers and its worst posts.
struct DigestContent {
  std::string brand_name;
  DigestEvery every = DigestEvery::kDaily;
  DigestSettings::Period period;
  std::string timezone = "UTC";  // the period is shown in the brand's local time
  SentimentCounts posts;
  CaseCounts cases;
  std::size_t held_back = 0;  // alerts that throttling kept back in the period
  std::vector<PostOutcome> worst;
};

// The digest's title ("Daily digest: 240 posts, 12 unanswered cases") and plain-text summary (pure).
std::string DigestTitle(const DigestContent& digest);
std::string DigestSummary(const DigestContent& digest);
// The spike alert's title and summary (pure): counts, the normal rate and the worst posts.
std::string SpikeTitle(const Spike& spike, const SpikeSettings& settings);
std::string SpikeSummary(const Spike& spike, const SpikeSettings& settings, const std::vector<PostOutcome>& worst);

class AlertScanner {
 public:
  // The references outlive the scanner.
  AlertScanner(Store& store, const Clock& clock, AlertScannerOptions options);

  // Checks every brand for a new spike (at most every spike_every) and for a digest period that has ended
  // and writes the alerts. Errors when the Store fails; a brand whose settings cannot be read is skipped
  // (validation at `odziv brand add|update` keeps that from happening).
  [[nodiscard]] Result<ScanReport> Scan();

 private:
  Status CheckSpike(const Brand& brand, const SpikeSettings& spike, Timestamp now, ScanReport& report);
  Status CheckSources(const Brand& brand, const std::string& route, Timestamp now, ScanReport& report);
  Status WriteDigest(const Brand& brand, const DigestSettings& digest, Timestamp now, ScanReport& report);


  Store& store_;
  const Clock& clock_;
  AlertScannerOptions options_;
  SpikeDetector spikes_;
  std::optional<Timestamp> last_spike_check_;
  std::map<std::int64_t, std::map<Timestamp, std::int64_t>> baseline_hours_;  // brand → hour → negative posts
  std::map<std::int64_t, Timestamp> digest_written_;  // brand → end of the newest period written
};

}  // namespace odziv::daemon
