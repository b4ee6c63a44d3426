#include "platforms/webhook_connector.h"

#include <cpprest/json.h>
#include <fmt/format.h>

namespace odziv::platforms {
namespace {

using web::json::value;

// A string field ("" when absent); a number is accepted for ids. Anything else is malformed.
Result<std::string> StringField(const value& obj, const char* key, std::size_t index) {
  if (!obj.has_field(key) || obj.at(key).is_null()) return std::string();
  const value& v = obj.at(key);
  if (v.is_string()) return v.as_string();
  if (v.is_number() && v.as_number().is_integral()) return v.serialize();
  return Fail(ErrorCode::kMalformed, fmt::format("post {}: field '{}' must be a string", index, key));
}

Result<Post> ParsePushedPost(const value& obj, std::size_t index, Timestamp now) {
  if (!obj.is_object()) return Fail(ErrorCode::kMalformed, fmt::format("post {}: not a JSON object", index));
  Post post;
  post.platform = "webhook";
  auto field = [&](const char* key, std::string& out) -> Status {
    auto text = StringField(obj, key, index);
    if (!text) return Fail(text.error());
    out = std::move(*text);
    return {};
  };
  for (auto [key, out] : {std::pair{"id", &post.external_id}, std::pair{"text", &post.text},
                          std::pair{"thread_id", &post.thread_id}, std::pair{"parent_id", &post.parent_id},
                          std::pair{"url", &post.url}, std::pair{"language", &post.language}}) {
    if (auto read = field(key, *out); !read) return Fail(read.error());
  }
  if (post.external_id.empty())
    return Fail(ErrorCode::kMalformed, fmt::format("post {}: field 'id' is missing or empty", index));
  if (post.thread_id.empty()) post.thread_id = post.external_id;
  std::string kind;
  if (auto read = field("kind", kind); !read) return Fail(read.error());
  auto parsed_kind = ParsePostKind(kind.empty() ? "mention" : kind);
  if (!parsed_kind)
    return Fail(ErrorCode::kMalformed,
                fmt::format("post {}: kind '{}' is not mention, comment, review or message", index, kind));
  post.kind = *parsed_kind;
  if (obj.has_field("rating") && !obj.at("rating").is_null()) {
    const value& r = obj.at("rating");
    if (!r.is_number() || !r.as_number().is_integral() || r.as_number().to_int64() < 1 ||
        r.as_number().to_int64() > 5)
      return Fail(ErrorCode::kMalformed, fmt::format("post {}: rating must be a whole number from 1 to 5", index));
    post.rating = static_cast<int>(r.as_number().to_int64());
  }
  post.created_at = now;
  std::string created;
  if (auto read = field("created_at", created); !read) return Fail(read.error());
  if (!created.empty()) {
    auto t = ParseIsoTimestamp(created);
    if (!t) return Fail(ErrorCode::kMalformed, fmt::format("post {}: created_at '{}' is not ISO 8601", index, created));
    post.created_at = *t;
  }
  if (obj.has_field("author") && !obj.at("author").is_null()) {
    const value& a = obj.at("author");
    if (!a.is_object()) return Fail(ErrorCode::kMalformed, fmt::format("post {}: author must be an object", index));
    for (auto [key, out] : {std::pair{"id", &post.author.id}, std::pair{"handle", &post.author.handle},
                            std::pair{"name", &post.author.name}}) {
      auto text = StringField(a, key, index);
      if (!text) return Fail(text.error());
      *out = std::move(*text);
    }
    if (a.has_field("reach") && a.at("reach").is_number() && a.at("reach").as_number().is_integral())
      post.author.reach = a.at("reach").as_number().to_int64();
  }
  return post;
}

class WebhookConnector final : public Connector {
 public:
  Result<FetchPage> Fetch(std::string_view cursor) override {
    FetchPage page;
    page.next_cursor = std::string(cursor);
    return page;
  }
  Result<PublishedReply> Publish(const ReplyRequest&) override {
    return Fail(ErrorCode::kInvalidArgument, "webhook sources only receive posts; replies cannot be posted");
  }
  Result<std::optional<Post>> FindBrandReply(std::string_view) override {
    return Fail(ErrorCode::kInvalidArgument, "webhook sources cannot look up replies");
  }
};

}  // namespace

Result<std::vector<Post>> ParseWebhookPush(std::string_view body, Timestamp now) {
  value root;
  try {
    root = value::parse(std::string(body));
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, fmt::format("body is not JSON ({})", e.what()));
  }
  try {
    if (!root.is_object() || !root.has_field("posts") || !root.at("posts").is_array())
      return Fail(ErrorCode::kMalformed, "body must be an object with a \"posts\" array");
    const auto& items = root.at("posts").as_array();
    if (items.size() > kMaxPostsPerPush)
      return Fail(ErrorCode::kMalformed,
                  fmt::format("{} posts in one push; at most {} are accepted", items.size(), kMaxPostsPerPush));
    std::vector<Post> posts;
    posts.reserve(items.size());
    std::size_t index = 0;
    for (const value& item : items) {
      auto post = ParsePushedPost(item, index++, now);
      if (!post) return Fail(post.error());
      posts.push_back(std::move(*post));
    }
    return posts;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, fmt::format("body: {}", e.what()));
  }
}

Result<std::unique_ptr<Connector>> MakeWebhookConnector(const Source&, const ConnectorContext&) {
  return std::unique_ptr<Connector>(std::make_unique<WebhookConnector>());
}

}  // namespace odziv::platforms
