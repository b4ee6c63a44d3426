// Watermark: "every item up to time T has been returned" for platforms without an incremental id (Meta's
// Graph API). Items at exactly T are told apart by id (the `edge`), so two comments in the same second
// on either side of a page boundary are neither lost nor repeated. Stored in a Cursor under a key prefix.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/post.h"
#include "platforms/cursor.h"

namespace odziv::platforms {

class Watermark {
 public:
  // Reads "<prefix>ms" and "<prefix>edge" from `cursor` ("after_" → after_ms, after_edge).
  static Watermark Read(const Cursor& cursor, std::string_view prefix);
  void Write(Cursor& cursor, std::string_view prefix) const;

  bool empty() const { return ms_ == 0; }
  std::int64_t ms() const { return ms_; }
  // True when `post` is at or before the mark and was returned already.
  bool Covers(const Post& post) const;
  // True when `post` is strictly older than the mark (a newest-first walk can stop there).
  bool Before(const Post& post) const { return ToUnixMillis(post.created_at) < ms_; }
  // Moves the mark to the newest of `posts`.
  void Advance(const std::vector<Post>& posts);

  // The same for an item known by id and a time other than its creation (a review's update time).
  bool Covers(std::string_view id, Timestamp at) const;
  void Advance(std::string_view id, Timestamp at);

 private:
  std::int64_t ms_ = 0;
  std::set<std::string> edge_;
};

}  // namespace odziv::platforms
