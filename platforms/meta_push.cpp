#include "platforms/meta_push.h"

#include <fmt/format.h>

#include "platforms/json_reader.h"

namespace odziv::platforms {
namespace {

Timestamp UnixOr(const JsonView& object, std::string_view key, Timestamp fallback) {
  const std::int64_t seconds = object.IntOr(key, 0);
  // Meta sends Unix seconds; anything outside 1970–9999 is not a time.
  if (seconds <= 0 || seconds > 253402300799) return fallback;
  return FromUnixMillis(seconds * 1000);
}

// A "feed" change of a Page: a visitor's post ("post", "status", "photo" …) or a comment, added or edited.
void FeedChange(const JsonView& value, std::string_view page_id, Timestamp at, std::vector<Post>& out) {
  const std::string verb = value.StringOr("verb");
  if (verb != "add" && verb != "edited") return;  // removals and hides: polling sees what is left
  const std::string item = value.StringOr("item");
  Post post;
  post.platform = "facebook";
  if (item == "comment") {
    post.kind = PostKind::kComment;
    post.external_id = value.At("comment_id").Id();
    post.thread_id = value.At("post_id").Id();
    post.parent_id = value.IdOr("parent_id", post.thread_id);
  } else if (item == "post" || item == "status" || item == "photo" || item == "video" || item == "share") {
    post.kind = PostKind::kMention;  // a visitor's post on the Page talks to the brand
    post.external_id = value.At("post_id").Id();
    post.thread_id = post.external_id;
  } else {
    return;  // reactions, likes, ratings: nothing to answer
  }
  post.text = value.StringOr("message");
  post.created_at = UnixOr(value, "created_time", at);
  if (verb == "edited") post.edited_at = at;
  if (auto from = value.Find("from")) {
    post.author.id = from->IdOr("id");
    post.author.name = from->StringOr("name");
  }
  post.from_brand = !page_id.empty() && post.author.id == page_id;
  out.push_back(std::move(post));
}

// An Instagram "comments" change: a comment on the account's media, or a reply to one.
void InstagramComment(const JsonView& value, std::string_view username, Timestamp at, std::vector<Post>& out) {
  Post post;
  post.platform = "instagram";
  post.kind = PostKind::kComment;
  post.external_id = value.At("id").Id();
  // As the connector threads them: a top-level comment is its own thread; a reply joins its comment's.
  const std::string parent = value.IdOr("parent_id");
  post.thread_id = parent.empty() ? post.external_id : parent;
  post.parent_id = parent;
  post.text = value.StringOr("text");
  post.created_at = at;
  std::string who;
  if (auto from = value.Find("from")) who = from->StringOr("username");
  if (!who.empty()) {
    post.author.id = who;
    post.author.handle = "@" + who;
    post.author.name = who;
  }
  post.from_brand = !username.empty() && who == username;
  out.push_back(std::move(post));
}

}  // namespace

Result<std::vector<Post>> ParseMetaPush(std::string_view body, std::string_view platform,
                                        std::string_view brand_account, Timestamp now) {
  const Endpoint endpoint{std::string(platform), "POST /webhooks (Meta delivery)"};
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    root.At("object").String();
    std::vector<Post> posts;
    for (const auto& entry : root.At("entry").Array()) {
      const Timestamp at = UnixOr(entry, "time", now);
      for (const auto& change : entry.ArrayOr("changes")) {
        const std::string field = change.StringOr("field");
        auto value = change.Find("value");
        if (!value) continue;
        if (platform == "facebook" && field == "feed") FeedChange(*value, brand_account, at, posts);
        if (platform == "instagram" && field == "comments") InstagramComment(*value, brand_account, at, posts);
      }
    }
    return posts;
  });
}

}  // namespace odziv::platforms
