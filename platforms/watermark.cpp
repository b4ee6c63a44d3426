#include "platforms/watermark.h"

#include <charconv>

namespace odziv::platforms {

Watermark Watermark::Read(const Cursor& cursor, std::string_view prefix) {
  Watermark w;
  std::string ms = cursor.Get(std::string(prefix) + "ms");
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), value);
  if (!ms.empty() && ec == std::errc() && end == ms.data() + ms.size() && value > 0) w.ms_ = value;
  const std::string edge_text = cursor.Get(std::string(prefix) + "edge");
  std::string_view rest = edge_text;
  while (!rest.empty()) {
    auto bar = rest.find('|');
    if (bar != 0) w.edge_.emplace(rest.substr(0, bar));
    rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
  }
  return w;
}

void Watermark::Write(Cursor& cursor, std::string_view prefix) const {
  std::string edge;
  for (const auto& id : edge_) edge += (edge.empty() ? "" : "|") + id;
  cursor.Set(std::string(prefix) + "ms", ms_ > 0 ? std::to_string(ms_) : std::string());
  cursor.Set(std::string(prefix) + "edge", edge);
}

bool Watermark::Covers(const Post& post) const { return Covers(post.external_id, post.created_at); }

bool Watermark::Covers(std::string_view id, Timestamp at) const {
  std::int64_t t = ToUnixMillis(at);
  return t < ms_ || (t == ms_ && edge_.contains(std::string(id)));
}

void Watermark::Advance(const std::vector<Post>& posts) {
  for (const auto& p : posts) Advance(p.external_id, p.created_at);
}

void Watermark::Advance(std::string_view id, Timestamp at) {
  std::int64_t t = ToUnixMillis(at);
  if (t > ms_) {
    ms_ = t;
    edge_.clear();
  }
  if (t == ms_) edge_.emplace(id);
}

}  // namespace odziv::platforms
