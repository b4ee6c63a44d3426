#include "platforms/youtube_connector.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "platforms/cursor.h"
#include "platforms/html_text.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "youtube";

Timestamp Time(const JsonView& v) {
  auto t = ParseIsoTimestamp(v.String());
  if (!t) v.Bad("is not an ISO 8601 time");
  return *t;
}

// A comment resource (youtube#comment) as a post.
Post CommentToPost(const JsonView& comment, std::string_view video_id, std::string_view brand_channel_id) {
  Post post;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kComment;
  post.external_id = comment.At("id").String();
  const JsonView s = comment.At("snippet");
  post.parent_id = s.StringOr("parentId");
  post.thread_id = post.parent_id.empty() ? post.external_id : post.parent_id;
  std::string original = s.StringOr("textOriginal");
  post.text = original.empty() ? HtmlToText(s.StringOr("textDisplay")) : original;
  post.author.name = s.StringOr("authorDisplayName");
  if (auto channel = s.Find("authorChannelId")) post.author.id = channel->StringOr("value");
  post.created_at = Time(s.At("publishedAt"));
  if (auto updated = s.Find("updatedAt")) {
    Timestamp t = Time(*updated);
    if (t > post.created_at) post.edited_at = t;
  }
  post.metrics.likes = s.IntOr("likeCount");
  std::string video(s.StringOr("videoId", video_id));
  if (!video.empty()) post.url = fmt::format("https://www.youtube.com/watch?v={}&lc={}", video, post.external_id);
  post.from_brand = !brand_channel_id.empty() && post.author.id == brand_channel_id;
  return post;
}

// Units spent per Pacific day, so a source stops before YouTube's project quota runs dry for all.
class QuotaBudget {
 public:
  explicit QuotaBudget(std::int64_t daily_units) : daily_units_(daily_units) {}

  // Ok and counted, or kRateLimited until the next Pacific midnight.
  Status Spend(int units, Timestamp now, std::string_view what) {
    if (now >= resets_at_) {
      spent_ = 0;
      resets_at_ = NextPacificMidnight(now);
    }
    if (spent_ + units > daily_units_)
      return std::unexpected(Error{ErrorCode::kRateLimited,
                                   fmt::format("youtube: {} needs {} quota units; {} of this source's {} are spent today",
                                               what, units, spent_, daily_units_),
                                   std::chrono::ceil<std::chrono::seconds>(resets_at_ - now)});
    spent_ += units;
    return {};
  }

 private:
  std::int64_t daily_units_;
  std::int64_t spent_ = 0;
  Timestamp resets_at_{};
};

class YouTubeConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string channel_id;
    std::string video_id;
    std::string token;
    std::string api_key;
    std::int64_t max_results = 100;
    std::int64_t daily_quota = 10000;
  };

  YouTubeConnector(Config config, const ConnectorContext& ctx)
      : config_(std::move(config)), ctx_(ctx), budget_(config_.daily_quota) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    const Endpoint endpoint{std::string(kPlatform), "GET /youtube/v3/commentThreads"};
    const Timestamp now = ctx_.clock.Now();
    if (auto spent = budget_.Spend(kYouTubeListCost, now, "commentThreads.list"); !spent) return std::unexpected(spent.error());

    const std::string token = cursor->Get("token");
    std::vector<std::pair<std::string, std::string>> params = {{"part", "snippet,replies"}, {"order", "time"},
                                                               {"textFormat", "plainText"},
                                                               {"maxResults", std::to_string(config_.max_results)}};
    if (!config_.video_id.empty()) params.emplace_back("videoId", config_.video_id);
    else params.emplace_back("allThreadsRelatedToChannelId", config_.channel_id);
    if (!token.empty()) params.emplace_back("pageToken", token);
    auto response = SendChecked(ctx_.http, Request("GET", "/youtube/v3/commentThreads", params), endpoint, Dialect::kGoogle,
                                Purpose::kRead, now);
    if (!response) return std::unexpected(response.error());
    auto page = ParseYouTubeThreads(response->body, endpoint, config_.channel_id);
    if (!page) return std::unexpected(page.error());

    const std::string known = cursor->Get("known");
    std::optional<Timestamp> known_at;
    if (auto ms = ParseMillis(cursor->Get("known_at"))) known_at = FromUnixMillis(*ms);
    // Walk newest to oldest until the newest thread stored before (or, if it was deleted, anything older).
    FetchPage out;
    bool reached_known = false;
    for (auto& thread : page->threads) {
      if ((!known.empty() && thread.id == known) || (known_at && thread.published < *known_at)) {
        reached_known = true;
        break;
      }
      for (auto& post : thread.posts) out.posts.push_back(std::move(post));
    }
    std::stable_sort(out.posts.begin(), out.posts.end(),
                     [](const Post& a, const Post& b) { return a.created_at < b.created_at; });

    // The run's newest thread is the first of its first page.
    std::string run_newest = token.empty() ? std::string() : cursor->Get("run_newest");
    std::string run_newest_at = token.empty() ? std::string() : cursor->Get("run_newest_at");
    if (token.empty() && !page->threads.empty()) {
      run_newest = page->threads.front().id;
      run_newest_at = std::to_string(ToUnixMillis(page->threads.front().published));
    }
    Cursor next;
    const bool first_poll = known.empty() && !known_at && token.empty();
    if (!reached_known && !page->next_page_token.empty() && !first_poll) {
      // Older unseen threads remain: keep the stop marker until the run reaches it.
      next.Set("known", known).Set("known_at", cursor->Get("known_at"));
      next.Set("token", page->next_page_token).Set("run_newest", run_newest).Set("run_newest_at", run_newest_at);
      out.more = true;
    } else if (!run_newest.empty()) {
      next.Set("known", run_newest).Set("known_at", run_newest_at);
    } else {
      next.Set("known", known).Set("known_at", cursor->Get("known_at"));
    }
    out.next_cursor = next.Encode();
    if (out.next_cursor.empty()) out.next_cursor = "known=";  // no comments at all yet
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    if (config_.token.empty())
      return Fail(ErrorCode::kUnauthenticated, "youtube: replying needs setting 'token' (an OAuth token); an API key only reads");
    const Endpoint endpoint{std::string(kPlatform), "POST /youtube/v3/comments"};
    const Timestamp now = ctx_.clock.Now();
    if (auto spent = budget_.Spend(kYouTubeInsertCost, now, "comments.insert"); !spent) return std::unexpected(spent.error());
    // Replies attach to the thread's top-level comment; a reply's id is "<thread>.<suffix>".
    std::string parent = !reply.thread_id.empty() ? reply.thread_id : reply.in_reply_to.substr(0, reply.in_reply_to.find('.'));
    HttpRequest request = Request("POST", "/youtube/v3/comments", {{"part", "snippet"}});
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = BuildYouTubeReplyBody(parent, reply.text);
    auto response = SendChecked(ctx_.http, request, endpoint, Dialect::kGoogle, Purpose::kWrite, now);
    if (!response) return std::unexpected(response.error());
    auto post = ParseYouTubeComment(response->body, endpoint, config_.channel_id);
    if (!post) return std::unexpected(post.error());
    return PublishedReply{post->external_id, post->url};
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    if (config_.channel_id.empty())
      return Fail(ErrorCode::kInvalidArgument, "youtube: set 'channel_id' to let odziv look for the brand's replies");
    const Endpoint endpoint{std::string(kPlatform), "GET /youtube/v3/comments"};
    const Timestamp now = ctx_.clock.Now();
    if (auto spent = budget_.Spend(kYouTubeListCost, now, "comments.list"); !spent) return std::unexpected(spent.error());
    std::string thread(post_external_id.substr(0, post_external_id.find('.')));
    auto response = SendChecked(ctx_.http,
                                Request("GET", "/youtube/v3/comments",
                                        {{"part", "snippet"}, {"parentId", thread}, {"maxResults", "100"}, {"textFormat", "plainText"}}),
                                endpoint, Dialect::kGoogle, Purpose::kRead, now);
    if (!response) return std::unexpected(response.error());
    auto replies = ParseYouTubeComments(response->body, endpoint, config_.channel_id);
    if (!replies) return std::unexpected(replies.error());
    for (auto& post : *replies)
      if (post.from_brand) return std::optional<Post>(std::move(post));
    return std::optional<Post>();
  }

 private:
  static std::optional<std::int64_t> ParseMillis(std::string_view text) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
  }

  HttpRequest Request(std::string method, std::string_view path, std::vector<std::pair<std::string, std::string>> params) const {
    HttpRequest request;
    request.method = std::move(method);
    if (config_.token.empty()) params.emplace_back("key", config_.api_key);
    request.url = JoinUrl(config_.base_url, path, params);
    if (!config_.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + config_.token);
    request.headers.emplace_back("Accept", "application/json");
    return request;
  }

  Config config_;
  ConnectorContext ctx_;
  QuotaBudget budget_;
};

}  // namespace

Result<YouTubeThreadPage> ParseYouTubeThreads(std::string_view body, const Endpoint& endpoint,
                                              std::string_view brand_channel_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    YouTubeThreadPage page;
    page.next_page_token = root.StringOr("nextPageToken");
    for (const auto& item : root.At("items").Array()) {
      YouTubeThread thread;
      thread.id = item.At("id").String();
      const JsonView snippet = item.At("snippet");
      std::string video = snippet.StringOr("videoId");
      Post top = CommentToPost(snippet.At("topLevelComment"), video, brand_channel_id);
      top.metrics.replies = snippet.IntOr("totalReplyCount");
      thread.published = top.created_at;
      thread.posts.push_back(std::move(top));
      if (auto replies = item.Find("replies")) {
        std::vector<Post> embedded;
        for (const auto& c : replies->ArrayOr("comments")) embedded.push_back(CommentToPost(c, video, brand_channel_id));
        std::stable_sort(embedded.begin(), embedded.end(), [](const Post& a, const Post& b) { return a.created_at < b.created_at; });
        for (auto& p : embedded) thread.posts.push_back(std::move(p));
      }
      page.threads.push_back(std::move(thread));
    }
    return page;
  });
}

Result<std::vector<Post>> ParseYouTubeComments(std::string_view body, const Endpoint& endpoint,
                                               std::string_view brand_channel_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    std::vector<Post> posts;
    for (const auto& c : root.At("items").Array()) posts.push_back(CommentToPost(c, "", brand_channel_id));
    std::stable_sort(posts.begin(), posts.end(), [](const Post& a, const Post& b) { return a.created_at < b.created_at; });
    return posts;
  });
}

Result<Post> ParseYouTubeComment(std::string_view body, const Endpoint& endpoint, std::string_view brand_channel_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    if (root.StringOr("kind") == "youtube#commentThread") {
      const JsonView snippet = root.At("snippet");
      return CommentToPost(snippet.At("topLevelComment"), snippet.StringOr("videoId"), brand_channel_id);
    }
    return CommentToPost(root, "", brand_channel_id);
  });
}

std::string BuildYouTubeReplyBody(std::string_view parent_id, std::string_view text) {
  web::json::value snippet = web::json::value::object();
  snippet["parentId"] = web::json::value::string(std::string(parent_id));
  snippet["textOriginal"] = web::json::value::string(std::string(text));
  web::json::value body = web::json::value::object();
  body["snippet"] = snippet;
  return body.serialize();
}

Result<std::unique_ptr<Connector>> MakeYouTubeConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  YouTubeConnector::Config config;
  auto base = settings.BaseUrl("https://www.googleapis.com");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  config.channel_id = settings.Optional("channel_id");
  config.video_id = settings.Optional("video_id");
  if (config.channel_id.empty() && config.video_id.empty())
    return std::unexpected(settings.ConfigError("needs setting 'channel_id' (all the channel's videos) or 'video_id'"));
  auto max_results = settings.Int("max_results", 100, 1, 100);
  if (!max_results) return std::unexpected(max_results.error());
  config.max_results = *max_results;
  auto quota = settings.Int("daily_quota", 10000, 1, 100000000);
  if (!quota) return std::unexpected(quota.error());
  config.daily_quota = *quota;
  if (!settings.Optional("token").empty()) {
    auto token = settings.Secret("token");
    if (!token) return std::unexpected(token.error());
    config.token = *token;
  } else if (!settings.Optional("api_key").empty()) {
    auto key = settings.Secret("api_key");
    if (!key) return std::unexpected(key.error());
    config.api_key = *key;
  } else {
    return std::unexpected(settings.ConfigError("needs setting 'token' (OAuth, to read and reply) or 'api_key' (to read only)"));
  }
  return std::unique_ptr<Connector>(std::make_unique<YouTubeConnector>(std::move(config), context));
}

}  // namespace odziv::platforms
