// QueuePageCache: the JSON bodies of the approval queue's pages as /api/v1/queue last answered them, so that
// the web app's many agents polling the same page cost one query and one JSON build per change, not one per
// request. An entry is used only while the store's data generation is the one it was read at (any write,
// from this process or another, makes every entry stale) and for at most `max_age`, because a page carries
// times that run on (time_left_s). The key says whose page it is: the brands the principal may see and the
// normalised query, so two principals share a page only when they would be shown the same one.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/store.h"
#include "core/timestamp.h"

namespace odziv::daemon {

class QueuePageCache {
 public:
  // Entries older than `max_age` are not used; the bodies kept add up to at most `max_bytes`.
  explicit QueuePageCache(std::chrono::milliseconds max_age = std::chrono::seconds(1),
                          std::size_t max_bytes = 16 * 1024 * 1024)
      : max_age_(max_age), max_bytes_(max_bytes) {}

  // The body kept for `key`, when it was read at `generation` no longer than max_age before `now`.
  std::shared_ptr<const std::string> Find(const std::string& key, const StoreGeneration& generation, Timestamp now);
  // Keeps `body` for `key`, read at `generation` (taken before the page was read) at `now`. A body larger
  // than the whole budget is not kept.
  void Keep(const std::string& key, const StoreGeneration& generation, Timestamp now, std::string body);

  std::size_t size() const;

 private:
  struct Entry {
    StoreGeneration generation;
    Timestamp read_at;
    std::shared_ptr<const std::string> body;
  };
  bool Usable(const Entry& entry, const StoreGeneration& generation, Timestamp now) const;
  // Drops what can no longer be used, then the oldest, until `needed` more bytes fit. Holds mu_.
  void MakeRoom(std::size_t needed, const StoreGeneration& generation, Timestamp now);

  const std::chrono::milliseconds max_age_;
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mu_
  std::size_t bytes_ = 0;                              // guarded by mu_
};

}  // namespace odziv::daemon
