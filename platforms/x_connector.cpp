#include "platforms/x_connector.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "platforms/cursor.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "x";
constexpr std::int64_t kTwitterEpochMillis = 1288834974657;  // snowflake epoch
constexpr std::string_view kTweetFields =
    "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,lang,public_metrics,"
    "edit_history_tweet_ids";
constexpr std::string_view kUserFields = "username,name,public_metrics";

struct XUser {
  std::string username;
  std::string name;
  std::int64_t followers = 0;
};

Post ParseTweet(const JsonView& t, const std::map<std::string, XUser>& users, std::string_view brand_user_id) {
  Post post;
  post.platform = std::string(kPlatform);
  const std::string id = t.At("id").Id();
  // An edited tweet has a new id per version; the first of edit_history_tweet_ids names the post.
  auto history = t.ArrayOr("edit_history_tweet_ids");
  post.external_id = history.empty() ? id : history.front().Id();
  post.kind = PostKind::kMention;
  post.text = t.At("text").String();
  post.language = t.StringOr("lang");
  if (post.language == "und" || post.language == "zxx" || post.language == "qme") post.language.clear();
  post.thread_id = t.IdOr("conversation_id", post.external_id);
  for (const auto& ref : t.ArrayOr("referenced_tweets"))
    if (ref.At("type").String() == "replied_to") post.parent_id = ref.At("id").Id();
  if (auto created = t.Find("created_at")) {
    auto ts = ParseIsoTimestamp(created->String());
    if (!ts) created->Bad("is not an ISO 8601 time");
    post.created_at = *ts;
  } else if (auto ts = XSnowflakeTime(id)) {
    post.created_at = *ts;
  } else {
    t.At("id").Bad("carries no time and the tweet has no created_at");
  }
  if (history.size() > 1) {
    post.edited_at = post.created_at;
    if (auto first = XSnowflakeTime(post.external_id)) post.created_at = *first;
  }
  post.author.id = t.IdOr("author_id");
  if (auto it = users.find(post.author.id); it != users.end()) {
    post.author.handle = "@" + it->second.username;
    post.author.name = it->second.name;
    post.author.reach = it->second.followers;
  }
  if (auto m = t.Find("public_metrics")) {
    post.metrics.likes = m->IntOr("like_count");
    post.metrics.replies = m->IntOr("reply_count");
    post.metrics.shares = m->IntOr("retweet_count") + m->IntOr("quote_count");
    post.metrics.views = m->IntOr("impression_count");
  }
  const std::string& who = post.author.handle.empty() ? std::string("i/web") : post.author.handle.substr(1);
  post.url = fmt::format("https://x.com/{}/status/{}", who, id);
  post.from_brand = !brand_user_id.empty() && post.author.id == brand_user_id;
  return post;
}

class XConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string query;
    std::string user_id;
    std::string brand_handle;
    std::string token;
    std::int64_t max_results = 100;
  };

  XConnector(Config config, const ConnectorContext& ctx) : config_(std::move(config)), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    const bool search = !config_.query.empty();
    const std::string since = cursor->Get("since");
    const std::string token = cursor->Get("token");

    std::vector<std::pair<std::string, std::string>> params;
    if (search) params.emplace_back("query", config_.query);
    params.emplace_back("max_results", std::to_string(config_.max_results));
    if (!since.empty()) params.emplace_back("since_id", since);
    if (!token.empty()) params.emplace_back(search ? "next_token" : "pagination_token", token);
    params.emplace_back("tweet.fields", std::string(kTweetFields));
    params.emplace_back("expansions", "author_id");
    params.emplace_back("user.fields", std::string(kUserFields));
    const std::string path = search ? "/2/tweets/search/recent" : fmt::format("/2/users/{}/mentions", config_.user_id);
    const Endpoint endpoint{std::string(kPlatform), search ? "GET /2/tweets/search/recent" : "GET /2/users/:id/mentions"};

    auto response = SendChecked(ctx_.http, Request("GET", JoinUrl(config_.base_url, path, params)), endpoint,
                                Dialect::kX, Purpose::kRead, ctx_.clock.Now());
    if (!response) {
      // A paging token the platform no longer accepts: start the run again from `since` (already stored
      // posts are deduplicated by the daemon), rather than stall the source.
      if (response.error().code == ErrorCode::kConfig && !token.empty()) {
        Cursor restart = *cursor;
        restart.Erase("token").Erase("newest");
        return FetchPage{{}, restart.Encode(), true};
      }
      return std::unexpected(response.error());
    }
    auto page = ParseXTweetPage(response->body, endpoint, config_.user_id);
    if (!page) return std::unexpected(page.error());

    FetchPage out;
    out.posts = std::move(page->posts);
    // The run's newest id is that of its first page (X returns newest first).
    std::string run_newest = token.empty() ? page->newest_id : cursor->Get("newest");
    Cursor next;
    // Without a since_id there is nothing to page back to: take the newest page, as on a first poll.
    const bool first_poll = since.empty() && token.empty();
    if (!page->next_token.empty() && !first_poll) {
      // Older items remain between `since` and this page: keep `since` until the run ends.
      next.Set("since", since).Set("token", page->next_token).Set("newest", run_newest);
      out.more = true;
    } else {
      // The first poll takes one page (the most recent items) rather than the whole 7-day window.
      std::string newest = since;
      if (!run_newest.empty() && (newest.empty() || XIdGreater(run_newest, newest))) newest = run_newest;
      next.Set("since", newest);
    }
    out.next_cursor = next.Encode();
    if (out.next_cursor.empty()) out.next_cursor = "since=";  // polled, nothing found yet
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    const Endpoint endpoint{std::string(kPlatform), "POST /2/tweets"};
    HttpRequest request = Request("POST", JoinUrl(config_.base_url, "/2/tweets"));
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = BuildXReplyBody(reply.text, reply.in_reply_to);
    auto response = SendChecked(ctx_.http, request, endpoint, Dialect::kX, Purpose::kWrite, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    return ParseXCreateTweet(response->body, endpoint);
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    if (config_.brand_handle.empty())
      return Fail(ErrorCode::kInvalidArgument, "x: set 'brand_handle' to let odziv look for the brand's replies");
    const Endpoint endpoint{std::string(kPlatform), "GET /2/tweets/search/recent"};
    std::vector<std::pair<std::string, std::string>> params = {
        {"query", fmt::format("in_reply_to_tweet_id:{} from:{}", post_external_id, config_.brand_handle)},
        {"max_results", "10"},
        {"tweet.fields", std::string(kTweetFields)},
        {"expansions", "author_id"},
        {"user.fields", std::string(kUserFields)}};
    auto response = SendChecked(ctx_.http, Request("GET", JoinUrl(config_.base_url, "/2/tweets/search/recent", params)),
                                endpoint, Dialect::kX, Purpose::kRead, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    auto page = ParseXTweetPage(response->body, endpoint, config_.user_id);
    if (!page) return std::unexpected(page.error());
    for (auto& post : page->posts) {
      if (post.author.handle.size() > 1 && EqualsIgnoreCase(post.author.handle.substr(1), config_.brand_handle)) {
        post.from_brand = true;
        return std::optional<Post>(std::move(post));
      }
    }
    return std::optional<Post>();
  }

 private:

  HttpRequest Request(std::string method, std::string url) const {
    HttpRequest request = BearerRequest(std::move(method), std::move(url), config_.token);
    request.headers.emplace_back("Accept", "application/json");
    return request;
  }

  Config config_;
  ConnectorContext ctx_;
};

}  // namespace

std::optional<Timestamp> XSnowflakeTime(std::string_view id) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  // Pre-snowflake ids are small sequential numbers with no time in them.
  if (value < (std::uint64_t{1} << 32)) return std::nullopt;
  return FromUnixMillis(static_cast<std::int64_t>(value >> 22) + kTwitterEpochMillis);
}

bool XIdGreater(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() > b.size();
  return a > b;
}

Result<XTweetPage> ParseXTweetPage(std::string_view body, const Endpoint& endpoint, std::string_view brand_user_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    XTweetPage page;
    std::map<std::string, XUser> users;
    if (auto includes = root.Find("includes")) {
      for (const auto& u : includes->ArrayOr("users")) {
        XUser user{u.At("username").String(), u.StringOr("name"), 0};
        if (auto m = u.Find("public_metrics")) user.followers = m->IntOr("followers_count");
        users.emplace(u.At("id").Id(), std::move(user));
      }
    }
    // An empty result has no "data" at all, only meta.result_count 0.
    for (const auto& t : root.ArrayOr("data")) page.posts.push_back(ParseTweet(t, users, brand_user_id));
    if (auto meta = root.Find("meta")) {
      page.newest_id = meta->IdOr("newest_id");
      page.next_token = meta->StringOr("next_token");
    } else if (!page.posts.empty()) {
      root.At("meta");  // reports "$.meta is missing"
    }
    // Newest first on the wire; odziv wants oldest first. Sort by id (time-ordered) rather than trust order.
    std::stable_sort(page.posts.begin(), page.posts.end(), [](const Post& a, const Post& b) {
      if (a.created_at != b.created_at) return a.created_at < b.created_at;
      return XIdGreater(b.external_id, a.external_id);
    });
    return page;
  });
}

Result<PublishedReply> ParseXCreateTweet(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [](const JsonView& root) {
    std::string id = root.At("data").At("id").Id();
    return PublishedReply{id, fmt::format("https://x.com/i/web/status/{}", id)};
  });
}

std::string BuildXReplyBody(std::string_view text, std::string_view in_reply_to) {
  web::json::value body = web::json::value::object();
  body["text"] = web::json::value::string(std::string(text));
  web::json::value reply = web::json::value::object();
  reply["in_reply_to_tweet_id"] = web::json::value::string(std::string(in_reply_to));
  body["reply"] = reply;
  return body.serialize();
}

Result<std::unique_ptr<Connector>> MakeXConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  XConnector::Config config;
  auto base = settings.BaseUrl("https://api.x.com");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  config.query = settings.Optional("query");
  config.user_id = settings.Optional("user_id");
  config.brand_handle = settings.Optional("brand_handle");
  if (config.brand_handle.starts_with('@')) config.brand_handle.erase(0, 1);
  if (config.query.empty() && config.user_id.empty())
    return std::unexpected(settings.ConfigError("needs setting 'query' (recent search) or 'user_id' (mentions)"));
  if (config.query.size() > 512)
    return std::unexpected(settings.ConfigError("setting 'query' is longer than X's 512 characters"));
  if (!config.user_id.empty() && config.user_id.find_first_not_of("0123456789") != std::string::npos)
    return std::unexpected(settings.ConfigError(fmt::format("setting 'user_id' must be the numeric account id, not '{}'", config.user_id)));
  auto max_results = settings.Int("max_results", 100, config.query.empty() ? 5 : 10, 100);
  if (!max_results) return std::unexpected(max_results.error());
  config.max_results = *max_results;
  auto token = settings.Secret("token");
  if (!token) return std::unexpected(token.error());
  config.token = *token;
  return std::unique_ptr<Connector>(std::make_unique<XConnector>(std::move(config), context));
}

}  // namespace odziv::platforms
