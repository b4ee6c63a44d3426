#include "platforms/facebook_connector.h"

#include <fmt/format.h>

#include <algorithm>

#include "platforms/cursor.h"
#include "platforms/graph_paging.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"
#include "platforms/watermark.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "facebook";
constexpr std::string_view kCommentFields = "id,message,created_time,from,parent{id},permalink_url,like_count,comment_count";

// Comment ids are "{post}_{comment}". Responses that lack `id` (the recorded ones) still carry it in the
// permalink: …/posts/{post}/?comment_id={c}[&reply_comment_id={r}].
struct PermalinkIds {
  std::string id;
  std::string parent;
};
std::optional<PermalinkIds> IdsFromPermalink(std::string_view url, std::string_view object_id) {
  auto comment = QueryParameter(url, "comment_id");
  if (!comment) return std::nullopt;
  std::string post(object_id.substr(object_id.rfind('_') == std::string_view::npos ? 0 : object_id.rfind('_') + 1));
  if (auto at = url.find("/posts/"); at != std::string_view::npos) {
    std::string_view rest = url.substr(at + 7);
    post = std::string(rest.substr(0, rest.find_first_of("/?")));
  }
  auto reply = QueryParameter(url, "reply_comment_id");
  if (reply) return PermalinkIds{post + "_" + *reply, post + "_" + *comment};
  return PermalinkIds{post + "_" + *comment, ""};
}

Post CommentToPost(const JsonView& c, std::string_view object_id, std::string_view page_id) {
  Post post;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kComment;
  std::string permalink = c.StringOr("permalink_url");
  post.url = permalink;
  std::string parent;
  if (c.Has("id")) {
    post.external_id = c.At("id").Id();
  } else if (auto ids = IdsFromPermalink(permalink, object_id)) {
    post.external_id = ids->id;
    parent = ids->parent;
  } else {
    c.At("id");  // reports "….id is missing"
  }
  if (auto p = c.Find("parent")) parent = p->At("id").Id();
  // A top-level comment answers the post; a reply answers its comment. The thread is the post.
  post.thread_id = std::string(object_id);
  post.parent_id = parent.empty() ? std::string(object_id) : parent;
  post.text = c.StringOr("message");
  post.created_at = GraphTime(c.At("created_time"));
  if (auto from = c.Find("from")) {
    post.author.id = from->IdOr("id");
    post.author.name = from->StringOr("name");
  }
  post.metrics.likes = c.IntOr("like_count");
  post.metrics.replies = c.IntOr("comment_count");
  post.from_brand = !page_id.empty() && post.author.id == page_id;
  return post;
}

Post FeedPostToPost(const JsonView& p, std::string_view page_id) {
  Post post;
  post.platform = std::string(kPlatform);
  post.external_id = p.At("id").Id();
  post.thread_id = post.external_id;
  post.text = p.StringOr("message");
  if (post.text.empty()) post.text = p.StringOr("story");
  post.url = p.StringOr("permalink_url");
  post.created_at = GraphTime(p.At("created_time"));
  if (auto from = p.Find("from")) {
    post.author.id = from->IdOr("id");
    post.author.name = from->StringOr("name");
  }
  post.from_brand = !page_id.empty() && post.author.id == page_id;
  // A visitor's post on the Page talks to the brand: a mention.
  post.kind = PostKind::kMention;
  if (auto comments = p.Find("comments"))
    if (auto summary = comments->Find("summary")) post.metrics.replies = summary->IntOr("total_count");
  if (auto reactions = p.Find("reactions"))
    if (auto summary = reactions->Find("summary")) post.metrics.likes = summary->IntOr("total_count");
  if (auto shares = p.Find("shares")) post.metrics.shares = shares->IntOr("count");
  return post;
}

void OldestFirst(std::vector<Post>& posts) {
  std::stable_sort(posts.begin(), posts.end(), [](const Post& a, const Post& b) { return a.created_at < b.created_at; });
}

class FacebookConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string version;
    std::string page_id;
    std::string post_id;
    std::string token;
    std::int64_t lookback_days = 7;
    std::int64_t limit = 25;
  };

  FacebookConnector(Config config, const ConnectorContext& ctx) : config_(std::move(config)), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    const Timestamp now = ctx_.clock.Now();
    const bool feed = config_.post_id.empty();
    const std::string object = feed ? config_.page_id : config_.post_id;
    const std::string path = fmt::format("/{}/{}/{}", config_.version, object, feed ? "feed" : "comments");
    const Endpoint endpoint{std::string(kPlatform), feed ? "GET /{page-id}/feed" : "GET /{post-id}/comments"};
    const Watermark after = Watermark::Read(*cursor, "after_");
    const std::string page_query = cursor->Get("page");

    std::string url;
    if (!page_query.empty()) {
      url = JoinUrl(config_.base_url, path) + "?" + page_query;
    } else if (feed) {
      auto since = std::chrono::floor<std::chrono::seconds>(now - std::chrono::days(config_.lookback_days));
      url = JoinUrl(config_.base_url, path,
                    {{"fields", fmt::format("id,message,story,created_time,permalink_url,from,shares,"
                                            "comments.filter(stream).order(reverse_chronological).limit(100).summary(true){{{}}}",
                                            kCommentFields)},
                     {"since", std::to_string(since.time_since_epoch().count())},
                     {"limit", std::to_string(config_.limit)}});
    } else {
      // Oldest first from the watermark: each page is complete and the next is strictly newer.
      std::vector<std::pair<std::string, std::string>> params = {
          {"fields", std::string(kCommentFields)}, {"filter", "stream"}, {"order", "chronological"},
          {"limit", std::to_string(config_.limit)}};
      if (!after.empty()) params.emplace_back("since", std::to_string(after.ms() / 1000));
      url = JoinUrl(config_.base_url, path, params);
    }
    auto response = SendChecked(ctx_.http, Request("GET", url), endpoint, Dialect::kMeta, Purpose::kRead, now);
    if (!response) {
      if (response.error().code == ErrorCode::kConfig && !page_query.empty()) return RestartGraphRun(*cursor);
      return std::unexpected(response.error());
    }
    auto page = feed ? ParseFacebookFeed(response->body, endpoint, config_.page_id)
                     : ParseFacebookComments(response->body, endpoint, config_.post_id, config_.page_id);
    if (!page) return std::unexpected(page.error());

    FetchPage out;
    for (auto& post : page->posts)
      if (!after.Covers(post)) out.posts.push_back(std::move(post));
    const bool first_poll = after.empty() && page_query.empty();
    Cursor next;
    if (feed) {
      // The feed is newest first and an old post may carry new comments: read the whole window, then move
      // the watermark to the newest item of the run.
      Watermark run = cursor->Has("page") ? Watermark::Read(*cursor, "run_") : after;
      run.Advance(out.posts);
      if (!page->next_query.empty() && !first_poll) {
        after.Write(next, "after_");
        run.Write(next, "run_");
        next.Set("page", page->next_query);
        out.more = true;
      } else {
        run.Write(next, "after_");
      }
    } else {
      Watermark moved = after;
      moved.Advance(out.posts);
      moved.Write(next, "after_");
      if (!page->next_query.empty()) {
        next.Set("page", page->next_query);
        out.more = true;
      }
    }
    out.next_cursor = next.Encode();
    if (out.next_cursor.empty()) out.next_cursor = "after_ms=";
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    const Endpoint endpoint{std::string(kPlatform), "POST /{object-id}/comments"};
    HttpRequest request = Request("POST", JoinUrl(config_.base_url, fmt::format("/{}/{}/comments", config_.version,
                                                                                 UrlEncode(reply.in_reply_to))));
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.body = UrlQuery({{"message", reply.text}});
    auto response = SendChecked(ctx_.http, request, endpoint, Dialect::kMeta, Purpose::kWrite, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    return ParseGraphCreated(response->body, endpoint);
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    const Endpoint endpoint{std::string(kPlatform), "GET /{object-id}/comments"};
    std::string url = JoinUrl(config_.base_url, fmt::format("/{}/{}/comments", config_.version, UrlEncode(post_external_id)),
                              {{"fields", std::string(kCommentFields)}, {"filter", "stream"}, {"limit", "100"}});
    auto response = SendChecked(ctx_.http, Request("GET", url), endpoint, Dialect::kMeta, Purpose::kRead, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    auto page = ParseFacebookComments(response->body, endpoint, post_external_id, config_.page_id);
    if (!page) return std::unexpected(page.error());
    for (auto& post : page->posts)
      if (post.from_brand) return std::optional<Post>(std::move(post));
    return std::optional<Post>();
  }

 private:
  HttpRequest Request(std::string method, std::string url) const {
    return BearerRequest(std::move(method), std::move(url), config_.token);
  }

  Config config_;
  ConnectorContext ctx_;
};

}  // namespace

Timestamp GraphTime(const JsonView& value) {
  auto t = ParseIsoTimestamp(value.String());
  if (!t) value.Bad("is not a Graph API time");
  return *t;
}

Result<GraphPage> ParseFacebookFeed(std::string_view body, const Endpoint& endpoint, std::string_view page_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    GraphPage page;
    for (const auto& p : root.At("data").Array()) {
      Post post = FeedPostToPost(p, page_id);
      const std::string post_id = post.external_id;
      page.posts.push_back(std::move(post));
      if (auto comments = p.Find("comments"))
        for (const auto& c : comments->ArrayOr("data")) page.posts.push_back(CommentToPost(c, post_id, page_id));
    }
    OldestFirst(page.posts);
    page.next_query = GraphNextQuery(root);
    return page;
  });
}

Result<GraphPage> ParseFacebookComments(std::string_view body, const Endpoint& endpoint, std::string_view object_id,
                                        std::string_view page_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    GraphPage page;
    for (const auto& c : root.At("data").Array()) page.posts.push_back(CommentToPost(c, object_id, page_id));
    OldestFirst(page.posts);
    page.next_query = GraphNextQuery(root);
    return page;
  });
}

Result<PublishedReply> ParseGraphCreated(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [](const JsonView& root) {
    return PublishedReply{root.At("id").Id(), root.StringOr("permalink_url")};
  });
}

Result<std::unique_ptr<Connector>> MakeFacebookConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  FacebookConnector::Config config;
  auto base = settings.BaseUrl("https://graph.facebook.com");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  config.version = settings.Optional("api_version", "v21.0");
  if (!config.version.starts_with('v') || config.version.find('/') != std::string::npos)
    return std::unexpected(settings.ConfigError(fmt::format("setting 'api_version' must look like v21.0, not '{}'", config.version)));
  auto page_id = settings.Required("page_id", "the Page's numeric id");
  if (!page_id) return std::unexpected(page_id.error());
  config.page_id = *page_id;
  config.post_id = settings.Optional("post_id");
  auto lookback = settings.Int("lookback_days", 7, 1, 30);
  if (!lookback) return std::unexpected(lookback.error());
  config.lookback_days = *lookback;
  auto limit = settings.Int("limit", 25, 1, 100);
  if (!limit) return std::unexpected(limit.error());
  config.limit = *limit;
  auto token = settings.Secret("token");
  if (!token) return std::unexpected(token.error());
  config.token = *token;
  return std::unique_ptr<Connector>(std::make_unique<FacebookConnector>(std::move(config), context));
}

}  // namespace odziv::platforms
