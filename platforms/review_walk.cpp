#include "platforms/review_walk.h"

#include <algorithm>

namespace odziv::platforms {

Post BrandReplyPost(const Post& review, std::string reply_id, std::string text, Timestamp at) {
  Post reply;
  reply.platform = review.platform;
  reply.kind = PostKind::kComment;
  reply.external_id = reply_id.empty() ? review.external_id + "/reply" : std::move(reply_id);
  reply.thread_id = review.external_id;
  reply.parent_id = review.external_id;
  reply.text = std::move(text);
  reply.created_at = at;
  reply.url = review.url;
  reply.from_brand = true;
  return reply;
}

void AppendOldestFirst(std::vector<ListedReview>& page, const std::vector<std::size_t>& fresh, std::vector<Post>& out) {
  const std::size_t first = out.size();
  for (std::size_t i : fresh) {
    out.push_back(std::move(page[i].review));
    if (page[i].brand_reply) out.push_back(std::move(*page[i].brand_reply));
  }
  std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                   [](const Post& a, const Post& b) { return a.created_at < b.created_at; });
}

Result<ReviewWalk> ReviewWalk::Resume(std::string_view cursor, std::string_view platform) {
  auto parsed = Cursor::Parse(cursor, platform);
  if (!parsed) return std::unexpected(parsed.error());
  ReviewWalk walk;
  walk.cursor_ = std::move(*parsed);
  walk.after_ = Watermark::Read(walk.cursor_, "after_");
  walk.page_ = walk.cursor_.Get("page");
  // A run starts from the mark it must reach; its newest only moves forward from there.
  walk.run_ = walk.page_.empty() ? walk.after_ : Watermark::Read(walk.cursor_, "run_");
  return walk;
}

WalkStep ReviewWalk::Take(const std::vector<ReviewKey>& keys, std::string_view next_page, ListingOrder order) const {
  WalkStep step;
  Watermark run = run_;
  bool reached = false;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (after_.Covers(keys[i].id, keys[i].at)) {
      if (order == ListingOrder::kNewestFirst) {
        reached = true;
        break;
      }
      continue;
    }
    step.fresh.push_back(i);
    run.Advance(keys[i].id, keys[i].at);
  }
  Cursor next = cursor_;
  const bool one_page = first_poll() && order == ListingOrder::kNewestFirst;
  if (!reached && !next_page.empty() && !one_page) {
    next.Set("page", next_page);
    run.Write(next, "run_");
    step.more = true;
  } else {
    next.Erase("page").Erase("run_ms").Erase("run_edge");
    run.Write(next, "after_");
  }
  step.next_cursor = next.Encode();
  if (step.next_cursor.empty()) step.next_cursor = "after_ms=";  // nothing listed yet
  return step;
}

FetchPage ReviewWalk::TakePage(std::vector<ListedReview>& reviews, std::string_view next_page, ListingOrder order) const {
  std::vector<ReviewKey> keys;
  keys.reserve(reviews.size());
  for (const auto& r : reviews) keys.push_back(r.Key());
  WalkStep step = Take(keys, next_page, order);
  FetchPage out;
  AppendOldestFirst(reviews, step.fresh, out.posts);
  out.next_cursor = std::move(step.next_cursor);
  out.more = step.more;
  return out;
}

}  // namespace odziv::platforms
