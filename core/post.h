// Post: one item a platform shows about a brand (a mention, a comment, a review or a direct message),
// as a connector produces it and as storage keeps it. Stored once per (brand, platform, external_id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/timestamp.h"

namespace odziv {

enum class PostKind { kMention, kComment, kReview, kMessage };

std::string_view PostKindName(PostKind kind);                       // "mention", "comment", …
std::optional<PostKind> ParsePostKind(std::string_view name);       // inverse of PostKindName

struct Author {
  std::string id;      // the platform's id of the account ("2244994945", "did:plc:…", "t2_abc")
  std::string handle;  // what people type to mention it ("@acme", "acme.bsky.social"); may be empty
  std::string name;    // display name; may be empty
  std::int64_t reach = 0;  // followers or subscribers, 0 when unknown
};

// Engagement counters as the platform reports them; 0 when the platform does not say.
struct PostMetrics {
  std::int64_t likes = 0;
  std::int64_t replies = 0;
  std::int64_t shares = 0;
  std::int64_t views = 0;
};

struct Post {
  std::string platform;     // connector name: "x", "mastodon", "rss", "replay" …
  std::string external_id;  // the platform's id, opaque (never parsed as a number)
  PostKind kind = PostKind::kMention;
  std::string thread_id;    // id of the conversation's root; equals external_id for a root post
  std::string parent_id;    // id of the item this one answers; empty for a root post
  Author author;
  std::string text;         // plain text (HTML already reduced), UTF-8
  std::string language;     // the platform's language hint ("en", "sr"); empty when none
  std::optional<int> rating;  // 1–5 stars, reviews only
  std::string url;          // a link a person can open; may be empty
  Timestamp created_at{};
  std::optional<Timestamp> edited_at;
  std::optional<Timestamp> deleted_at;  // set when the platform reports the post as removed
  PostMetrics metrics;
  bool from_brand = false;  // written by the brand's own account (a reply made outside odziv, say)
};

}  // namespace odziv
