// FlatStringMap: an open-addressing hash map from short byte strings to small values, with every key
// stored in one arena. Judging looks up every token of every post, so lookups must not allocate and must
// touch as little memory as possible; std::unordered_map<std::string, …> does neither.
// Not thread-safe for writers; any number of readers may share a map that nobody writes.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace odziv::sentiment {

// 64-bit FNV-1a with a final mix: cheap for the 2–15 byte keys that tokens are.
inline std::uint64_t HashBytes(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 32;
  return h;
}

template <class V>
class FlatStringMap {
 public:
  FlatStringMap() { Rehash(16); }

  // Returns the value stored for `key`, or nullptr. The pointer stays valid until the next insertion.
  const V* Find(std::string_view key) const { return FindHashed(key, HashBytes(key)); }
  V* Find(std::string_view key) {
    return const_cast<V*>(static_cast<const FlatStringMap*>(this)->Find(key));
  }

  // Inserts `key` with `value` unless present; returns the stored value (old or new).
  V& Insert(std::string_view key, const V& value) {
    std::uint64_t h = HashBytes(key);
    if (V* v = const_cast<V*>(FindHashed(key, h))) return *v;
    if ((size_ + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);  // at most half full: short probes
    Slot& s = Probe(h);
    s.hash = h;
    s.offset = static_cast<std::uint32_t>(arena_.size());
    s.length = static_cast<std::uint32_t>(key.size());
    s.used = true;
    s.index = static_cast<std::uint32_t>(values_.size());
    values_.push_back(value);
    arena_.append(key);
    ++size_;
    return values_.back();
  }

  std::size_t size() const { return size_; }
  void Clear() {
    arena_.clear();
    values_.clear();
    size_ = 0;
    slots_.assign(16, Slot{});
  }

  // Calls f(key, value) for every entry, in no particular order.
  template <class F>
  void ForEach(F&& f) const {
    for (const Slot& s : slots_)
      if (s.used) f(std::string_view(arena_).substr(s.offset, s.length), values_[s.index]);
  }

 private:
  // 24 bytes, values kept apart: probing touches as few cache lines as possible.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    std::uint32_t index = 0;  // into values_
    bool used = false;
  };

  const V* FindHashed(std::string_view key, std::uint64_t h) const {
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.hash == h && s.length == key.size() &&
          std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0)
        return &values_[s.index];
    }
  }

  Slot& Probe(std::uint64_t h) {
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask)
      if (!slots_[i].used) return slots_[i];
  }

  void Rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    for (Slot& s : old)
      if (s.used) Probe(s.hash) = s;
  }

  std::vector<Slot> slots_;
  std::vector<V> values_;
  std::string arena_;
  std::size_t size_ = 0;
};

}  // namespace odziv::sentiment
