#include "daemon/queue_page_cache.h"

#include <algorithm>

namespace odziv::daemon {

bool QueuePageCache::Usable(const Entry& entry, const StoreGeneration& generation, Timestamp now) const {
  // A clock that went back counts as too old: the page's times may be ahead of it.
  return entry.generation == generation && now >= entry.read_at && now - entry.read_at < max_age_;
}

std::shared_ptr<const std::string> QueuePageCache::Find(const std::string& key, const StoreGeneration& generation,
                                                        Timestamp now) {
  std::lock_guard lock(mu_);
  auto found = entries_.find(key);
  if (found == entries_.end()) return nullptr;
  if (!Usable(found->second, generation, now)) return nullptr;
  return found->second.body;
}

void QueuePageCache::Keep(const std::string& key, const StoreGeneration& generation, Timestamp now,
                          std::string body) {
  if (body.size() > max_bytes_) return;
  std::lock_guard lock(mu_);
  if (auto old = entries_.find(key); old != entries_.end()) {
    bytes_ -= old->second.body->size();
    entries_.erase(old);
  }
  MakeRoom(body.size(), generation, now);
  bytes_ += body.size();
  entries_.emplace(key, Entry{generation, now, std::make_shared<const std::string>(std::move(body))});
}

std::size_t QueuePageCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void QueuePageCache::MakeRoom(std::size_t needed, const StoreGeneration& generation, Timestamp now) {
  if (bytes_ + needed <= max_bytes_) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!Usable(it->second, generation, now)) {
      bytes_ -= it->second.body->size();
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  while (bytes_ + needed > max_bytes_ && !entries_.empty()) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.read_at < b.second.read_at;
    });
    bytes_ -= oldest->second.body->size();
    entries_.erase(oldest);
  }
}

}  // namespace odziv::daemon
