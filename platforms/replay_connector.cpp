#include "platforms/replay_connector.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace odziv::platforms {
namespace {

using web::json::value;

std::string GetString(const value& obj, const char* key) {
  if (!obj.has_field(key)) return {};
  const value& v = obj.at(key);
  if (v.is_string()) return v.as_string();
  if (v.is_number()) return v.serialize();
  return {};
}

std::int64_t GetInt(const value& obj, const char* key) {
  if (!obj.has_field(key)) return 0;
  const value& v = obj.at(key);
  if (v.is_number()) return v.as_number().to_int64();
  return 0;
}

class ReplayConnector final : public Connector {
 public:
  ReplayConnector(std::string location, std::size_t batch, bool loop, bool drain, const ConnectorContext& ctx)
      : location_(std::move(location)), batch_(batch), loop_(loop), drain_(drain), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor) override {
    auto lines = LoadLines();
    if (!lines) return Fail(lines.error());
    std::size_t round = 1, index = 0;
    if (!cursor.empty()) {
      auto colon = cursor.find(':');
      if (colon == std::string_view::npos ||
          std::from_chars(cursor.data(), cursor.data() + colon, round).ec != std::errc() ||
          std::from_chars(cursor.data() + colon + 1, cursor.data() + cursor.size(), index).ec != std::errc())
        return Fail(ErrorCode::kMalformed, fmt::format("replay cursor '{}' is not <round>:<line>", cursor));
    }
    FetchPage page;
    const Timestamp now = ctx_.clock.Now();
    while (page.posts.size() < batch_) {
      if (index >= lines->size()) {
        if (!loop_ || lines->empty()) break;
        ++round;
        index = 0;
      }
      const auto& [line_number, text] = (*lines)[index];
      auto post = ParseReplayLine(text, line_number, now);
      if (!post) return Fail(post.error().WithContext(location_));
      if (round > 1) {
        post->created_at = now;
        std::string suffix = fmt::format("~{}", round);
        post->external_id += suffix;
        if (!post->thread_id.empty()) post->thread_id += suffix;
        if (!post->parent_id.empty()) post->parent_id += suffix;
      }
      page.posts.push_back(std::move(*post));
      ++index;
    }
    page.next_cursor = fmt::format("{}:{}", round, index);
    page.more = drain_ && index < lines->size();  // otherwise the pace is the point: one batch per poll
    return page;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    // Replies to replayed posts go nowhere; the id is derived from the idempotency key so a retry after a
    // crash yields the same id, as a platform with idempotency keys would.
    return PublishedReply{fmt::format("replay-reply-{}", reply.idempotency_key), ""};
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view) override { return std::optional<Post>(); }

 private:
  // (1-based line number, text) of every line that holds a post.
  Result<std::vector<std::pair<std::size_t, std::string>>> LoadLines() {
    std::string content;
    if (location_.starts_with("http://") || location_.starts_with("https://")) {
      HttpRequest request;
      request.url = location_;
      auto resp = ctx_.http.Send(request);
      if (!resp) return Fail(resp.error().WithContext("replay"));
      if (resp->status == 429 || resp->status >= 500) {
        Error e{resp->status == 429 ? ErrorCode::kRateLimited : ErrorCode::kUnavailable,
                fmt::format("replay {} answered HTTP {}", location_, resp->status), std::nullopt};
        if (auto ra = resp->Header("Retry-After")) {
          long long secs = 0;
          if (std::from_chars(ra->data(), ra->data() + ra->size(), secs).ec == std::errc())
            e.retry_after = std::chrono::seconds(secs);
        }
        return Fail(e);
      }
      if (resp->status == 401 || resp->status == 403)
        return Fail(ErrorCode::kUnauthenticated, fmt::format("replay {} answered HTTP {}", location_, resp->status));
      if (resp->status != 200)
        return Fail(ErrorCode::kMalformed, fmt::format("replay {} answered HTTP {}", location_, resp->status));
      content = std::move(resp->body);
    } else {
      std::ifstream in(location_, std::ios::binary);
      if (!in) return Fail(ErrorCode::kConfig, fmt::format("replay file {} cannot be read", location_));
      std::stringstream ss;
      ss << in.rdbuf();
      content = ss.str();
    }
    std::vector<std::pair<std::size_t, std::string>> lines;
    std::istringstream in(content);
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      lines.emplace_back(number, std::move(line));
    }
    return lines;
  }

  std::string location_;
  std::size_t batch_;
  bool loop_;
  bool drain_;
  ConnectorContext ctx_;
};

}  // namespace

Result<Post> ParseReplayLine(std::string_view line, std::size_t line_number, Timestamp now) {
  value obj;
  try {
    obj = value::parse(std::string(line));
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, fmt::format("line {}: not JSON ({})", line_number, e.what()));
  }
  if (!obj.is_object()) return Fail(ErrorCode::kMalformed, fmt::format("line {}: not a JSON object", line_number));
  try {
    Post post;
    post.platform = "replay";
    post.external_id = GetString(obj, "id");
    if (post.external_id.empty())
      return Fail(ErrorCode::kMalformed, fmt::format("line {}: field 'id' is missing or empty", line_number));
    std::string kind = GetString(obj, "kind");
    auto parsed_kind = ParsePostKind(kind.empty() ? "mention" : kind);
    if (!parsed_kind)
      return Fail(ErrorCode::kMalformed,
                  fmt::format("line {}: kind '{}' is not mention, comment, review or message", line_number, kind));
    post.kind = *parsed_kind;
    post.text = GetString(obj, "text");
    post.language = GetString(obj, "lang");
    post.thread_id = GetString(obj, "thread_id");
    if (post.thread_id.empty()) post.thread_id = post.external_id;
    post.parent_id = GetString(obj, "parent_id");
    post.url = GetString(obj, "url");
    if (obj.has_field("rating") && obj.at("rating").is_number()) {
      int rating = obj.at("rating").as_number().to_int32();
      if (rating < 1 || rating > 5)
        return Fail(ErrorCode::kMalformed, fmt::format("line {}: rating {} is not 1 to 5", line_number, rating));
      post.rating = rating;
    }
    post.created_at = now;
    if (std::string created = GetString(obj, "created_at"); !created.empty()) {
      auto t = ParseIsoTimestamp(created);
      if (!t)
        return Fail(ErrorCode::kMalformed, fmt::format("line {}: created_at '{}' is not ISO 8601", line_number, created));
      post.created_at = *t;
    }
    if (std::string edited = GetString(obj, "edited_at"); !edited.empty()) post.edited_at = ParseIsoTimestamp(edited);
    if (obj.has_field("deleted") && obj.at("deleted").is_boolean() && obj.at("deleted").as_bool())
      post.deleted_at = now;
    if (obj.has_field("author") && obj.at("author").is_object()) {
      const value& a = obj.at("author");
      post.author = Author{GetString(a, "id"), GetString(a, "handle"), GetString(a, "name"), GetInt(a, "reach")};
    }
    if (obj.has_field("metrics") && obj.at("metrics").is_object()) {
      const value& m = obj.at("metrics");
      post.metrics = PostMetrics{GetInt(m, "likes"), GetInt(m, "replies"), GetInt(m, "shares"), GetInt(m, "views")};
    }
    post.from_brand = obj.has_field("from_brand") && obj.at("from_brand").is_boolean() && obj.at("from_brand").as_bool();
    return post;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, fmt::format("line {}: {}", line_number, e.what()));
  }
}

Result<std::unique_ptr<Connector>> MakeReplayConnector(const Source& source, const ConnectorContext& context) {
  std::string file = source.Setting("file");
  if (file.empty())
    return Fail(ErrorCode::kConfig, fmt::format("source {}: replay needs setting 'file' (a .jsonl path or URL)", source.name));
  std::size_t batch = 3;
  std::string batch_text = source.Setting("batch", "3");
  if (std::from_chars(batch_text.data(), batch_text.data() + batch_text.size(), batch).ec != std::errc() || batch == 0 ||
      batch > 10000)
    return Fail(ErrorCode::kConfig,
                fmt::format("source {}: replay setting 'batch' must be 1 to 10000, not '{}'", source.name, batch_text));
  bool loop = source.Setting("loop", "false") == "true";
  bool drain = source.Setting("drain", "false") == "true";
  return std::unique_ptr<Connector>(std::make_unique<ReplayConnector>(file, batch, loop, drain, context));
}

}  // namespace odziv::platforms
