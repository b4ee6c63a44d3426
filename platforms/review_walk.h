// ReviewWalk: how the review sites' connectors (Google Business Profile, App Store Connect, Google Play)
// resume a listing. A review is keyed by its id and the time that moves when it is written or edited; the
// cursor keeps a Watermark of the newest such time returned (keys after_ms / after_edge), and while a
// paging run is unfinished, the platform's reference to its next page (page) and the run's newest
// (run_ms / run_edge), so that a restart in the middle of a run neither skips nor repeats a review.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/post.h"
#include "core/timestamp.h"
#include "platforms/connector.h"
#include "platforms/cursor.h"
#include "platforms/watermark.h"

namespace odziv::platforms {

struct ReviewKey {
  std::string id;
  Timestamp at{};  // created, or last edited
};

// A review as the review sites list it: the review and, in the same object, the brand's one reply.
struct ListedReview {
  Post review;                     // kind kReview, rating 1–5 when the site gives one
  std::optional<Post> brand_reply;  // from BrandReplyPost
  ReviewKey Key() const { return {review.external_id, review.edited_at.value_or(review.created_at)}; }
};

// The brand's reply to `review` as a post: a comment from the brand in the review's thread. Sites that
// give the reply no id of its own get "<review id>/reply" (`reply_id` empty).
Post BrandReplyPost(const Post& review, std::string reply_id, std::string text, Timestamp at);

// The reviews at `fresh` and their replies, oldest first, appended to `out`.
void AppendOldestFirst(std::vector<ListedReview>& page, const std::vector<std::size_t>& fresh, std::vector<Post>& out);

enum class ListingOrder {
  kNewestFirst,  // sorted by the key's time, newest first: a run stops at the first review returned before
  kUnordered,    // no promised order (Google Play): a run reads every page
};

struct WalkStep {
  std::vector<std::size_t> fresh;  // indexes (into the page) of the reviews not returned before
  std::string next_cursor;
  bool more = false;  // the run continues: fetch again at once
};

class ReviewWalk {
 public:
  // kMalformed (naming the platform) for a cursor that does not parse.
  [[nodiscard]] static Result<ReviewWalk> Resume(std::string_view cursor, std::string_view platform);

  // The platform's reference to the page to ask for (token, URL, number); empty: the first page.
  const std::string& page() const { return page_; }
  // Nothing returned yet and no run under way: the connector's first poll.
  bool first_poll() const { return after_.empty() && page_.empty(); }

  // Takes one page: its reviews' keys as listed, and the reference to the page after it ("" on the last).
  // A first poll of a kNewestFirst listing reads one page only (the recent window), as every connector's
  // first poll does.
  WalkStep Take(const std::vector<ReviewKey>& keys, std::string_view next_page, ListingOrder order) const;
  // Take over a page of listed reviews: the fresh ones and their replies oldest first, with the cursor.
  FetchPage TakePage(std::vector<ListedReview>& reviews, std::string_view next_page, ListingOrder order) const;

 private:
  Cursor cursor_;
  Watermark after_;
  Watermark run_;
  std::string page_;
};

}  // namespace odziv::platforms
