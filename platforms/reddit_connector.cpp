#include "platforms/reddit_connector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <charconv>
#include <cmath>

#include "platforms/base64.h"
#include "platforms/cursor.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "reddit";
constexpr std::string_view kWebsite = "https://www.reddit.com";

Timestamp EpochSeconds(const JsonView& v) {
  const double seconds = v.Number();
  // Reddit writes times as float seconds ("1458434031.0"); anything outside 1970–5138 is not one.
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e11) v.Bad("is not a time in epoch seconds");
  return FromUnixMillis(std::llround(seconds * 1000));
}

// "/r/sub/comments/bb24k7/slug/ekftbox/?context=3" → "t3_bb24k7"; empty when the link names no post.
std::string ThreadOfContext(std::string_view context) {
  constexpr std::string_view kComments = "/comments/";
  auto at = context.find(kComments);
  if (at == std::string_view::npos) return {};
  std::string_view rest = context.substr(at + kComments.size());
  std::string_view id = rest.substr(0, rest.find('/'));
  return id.empty() ? std::string() : "t3_" + std::string(id);
}

bool IsGone(std::string_view text) { return text == "[deleted]" || text == "[removed]"; }

Post ThingToPost(const JsonView& thing, std::string_view brand_username) {
  const std::string kind = thing.At("kind").String();
  const JsonView d = thing.At("data");
  Post post;
  post.platform = std::string(kPlatform);
  post.external_id = d.At("name").String();
  post.created_at = EpochSeconds(d.At("created_utc"));
  if (auto edited = d.Find("edited"); edited && !edited->raw().is_boolean()) post.edited_at = EpochSeconds(*edited);
  const std::string author = d.StringOr("author");
  post.author.id = d.StringOr("author_fullname");
  post.author.name = author;
  if (!author.empty() && author != "[deleted]") post.author.handle = "u/" + author;
  std::string permalink = d.StringOr("permalink");
  if (kind == "t3") {
    post.kind = PostKind::kMention;
    post.thread_id = post.external_id;
    const std::string title = d.At("title").String();
    const std::string selftext = d.StringOr("selftext");
    post.text = selftext.empty() ? title : fmt::format("{}\n\n{}", title, selftext);
    post.metrics.replies = d.IntOr("num_comments");
    if (IsGone(selftext)) post.deleted_at = post.edited_at.value_or(post.created_at);
  } else {
    // Inbox items say why they are there; a mention is the reason odziv reads the inbox.
    post.kind = d.StringOr("type") == "username_mention" ? PostKind::kMention : PostKind::kComment;
    post.text = d.At("body").String();
    post.parent_id = d.StringOr("parent_id");
    post.thread_id = d.StringOr("link_id");
    const std::string context = d.StringOr("context");
    if (post.thread_id.empty()) post.thread_id = ThreadOfContext(context);
    if (post.thread_id.empty()) post.thread_id = post.parent_id.empty() ? post.external_id : post.parent_id;
    if (permalink.empty()) permalink = context;
    if (IsGone(post.text)) post.deleted_at = post.edited_at.value_or(post.created_at);
  }
  post.metrics.likes = d.IntOr("score");
  if (!permalink.empty()) post.url = permalink.starts_with("/") ? std::string(kWebsite) + permalink : permalink;
  post.from_brand = !brand_username.empty() && EqualsIgnoreCase(author, brand_username);
  return post;
}

// ReadJson of a parse that can itself end in an Error other than kMalformed (a refusal inside HTTP 200).
template <class T>
Result<T> Flatten(Result<Result<T>> nested) {
  if (!nested) return std::unexpected(nested.error());
  return std::move(*nested);
}

class RedditConnector final : public Connector {
 public:
  enum class Mode { kNew, kComments, kSearch, kMentions };
  struct Config {
    std::string base_url;
    std::string auth_url;
    Mode mode = Mode::kMentions;
    std::string subreddit;
    std::string query;
    std::string client_id;
    std::string client_secret;
    std::string username;
    std::string password;
    std::string refresh_token;
    std::string brand_username;
    std::string user_agent;
    std::int64_t limit = 100;
  };

  RedditConnector(Config config, const ConnectorContext& ctx)
      : config_(std::move(config)), ctx_(ctx), session_([this](std::string_view) { return ObtainToken(); }) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    const std::string before = cursor->Get("before");
    std::vector<std::pair<std::string, std::string>> params;
    std::string path;
    switch (config_.mode) {
      case Mode::kNew: path = fmt::format("/r/{}/new", config_.subreddit); break;
      case Mode::kComments: path = fmt::format("/r/{}/comments", config_.subreddit); break;
      case Mode::kMentions:
        path = "/message/mentions";
        params = {{"mark", "false"}};  // leave them unread for the people who also read the inbox on Reddit
        break;
      case Mode::kSearch:
        path = config_.subreddit.empty() ? "/search" : fmt::format("/r/{}/search", config_.subreddit);
        params = {{"q", config_.query}, {"sort", "new"}, {"type", "link"}};
        if (!config_.subreddit.empty()) params.emplace_back("restrict_sr", "1");
        break;
    }
    params.emplace_back("limit", std::to_string(config_.limit));
    params.emplace_back("raw_json", "1");
    const Endpoint endpoint{std::string(kPlatform), "GET " + EndpointName()};
    const std::string url = JoinUrl(config_.base_url, path, params);
    // `before`: the page just newer than the newest item stored, so a burst larger than a page is read in
    // order over several polls. The first poll (no cursor) takes the newest page only.
    auto page = List(before.empty() ? url : url + "&before=" + UrlEncode(before), endpoint);
    if (!page) return std::unexpected(page.error());
    // A full page after an anchor means newer items are waiting.
    const bool more = !before.empty() && page->items >= static_cast<std::size_t>(config_.limit);
    if (!before.empty() && page->items == 0) {
      // Reddit answers an anchor it no longer lists (a removed post) with an empty page, poll after poll.
      // The newest page tells: it starts with the anchor when nothing is new; otherwise what is not older
      // than the anchor was is taken (the daemon stores a post seen twice once) and the anchor moves on.
      page = List(url, endpoint);
      if (!page) return std::unexpected(page.error());
      if (page->newest == before) page->posts.clear();
      const Timestamp anchor_time = FromUnixMillis(std::atoll(cursor->Get("before_ms").c_str()));
      std::erase_if(page->posts, [&](const Post& p) { return p.created_at < anchor_time; });
    }

    FetchPage out;
    Cursor next;
    if (page->newest.empty()) {
      next.Set("before", before).Set("before_ms", cursor->Get("before_ms"));
    } else {
      next.Set("before", page->newest).Set("before_ms", std::to_string(ToUnixMillis(page->newest_at)));
    }
    out.more = more;
    out.posts = std::move(page->posts);
    out.next_cursor = next.Encode();
    if (out.next_cursor.empty()) out.next_cursor = "before=";  // polled, nothing found yet
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    if (!reply.in_reply_to.starts_with("t1_") && !reply.in_reply_to.starts_with("t3_"))
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("reddit: '{}' is not the fullname of a post (t3_…) or comment (t1_…)", reply.in_reply_to));
    const Endpoint endpoint{std::string(kPlatform), "POST /api/comment"};
    const std::string url = JoinUrl(config_.base_url, "/api/comment", {{"raw_json", "1"}});
    auto response = session_.Send(
        ctx_.http,
        [&](std::string_view token) {
          HttpRequest request = Request("POST", url, token);
          request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
          request.body = BuildRedditReplyBody(reply.text, reply.in_reply_to);
          return request;
        },
        endpoint, Dialect::kReddit, Purpose::kWrite, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    return ParseRedditComment(response->body, endpoint);
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    if (config_.brand_username.empty())
      return Fail(ErrorCode::kInvalidArgument, "reddit: set 'brand_username' to let odziv look for the brand's replies");
    // The brand's newest comments, each naming its parent: one request whatever the thread's size.
    const Endpoint endpoint{std::string(kPlatform), "GET /user/:name/comments"};
    auto response = Get(JoinUrl(config_.base_url, fmt::format("/user/{}/comments", UrlEncode(config_.brand_username)),
                                {{"sort", "new"}, {"limit", "100"}, {"raw_json", "1"}}),
                        endpoint);
    if (!response) return std::unexpected(response.error());
    auto page = ParseRedditListing(response->body, endpoint, config_.brand_username);
    if (!page) return std::unexpected(page.error());
    for (auto& post : page->posts)  // oldest first: the brand's first answer
      if (post.parent_id == post_external_id && post.from_brand) return std::optional<Post>(std::move(post));
    return std::optional<Post>();
  }

 private:
  std::string EndpointName() const {
    switch (config_.mode) {
      case Mode::kNew: return "/r/:sub/new";
      case Mode::kComments: return "/r/:sub/comments";
      case Mode::kSearch: return config_.subreddit.empty() ? "/search" : "/r/:sub/search";
      case Mode::kMentions: break;
    }
    return "/message/mentions";
  }

  HttpRequest Request(std::string method, std::string url, std::string_view token) const {
    HttpRequest request = BearerRequest(std::move(method), std::move(url), token);
    request.headers.emplace_back("User-Agent", config_.user_agent);
    request.headers.emplace_back("Accept", "application/json");
    return request;
  }

  Result<RedditListing> List(const std::string& url, const Endpoint& endpoint) {
    auto response = Get(url, endpoint);
    if (!response) return std::unexpected(response.error());
    return ParseRedditListing(response->body, endpoint, config_.brand_username);
  }

  Result<HttpResponse> Get(const std::string& url, const Endpoint& endpoint) {
    return session_.Send(
        ctx_.http, [&](std::string_view token) { return Request("GET", url, token); }, endpoint, Dialect::kReddit,
        Purpose::kRead, ctx_.clock.Now());
  }

  Result<TokenGrant> ObtainToken() {
    const Endpoint endpoint{std::string(kPlatform), "POST /api/v1/access_token"};
    HttpRequest request;
    request.method = "POST";
    request.url = JoinUrl(config_.auth_url, "/api/v1/access_token");
    request.headers.emplace_back("Authorization", BasicAuthorization(config_.client_id, config_.client_secret));
    request.headers.emplace_back("User-Agent", config_.user_agent);
    request.headers.emplace_back("Accept", "application/json");
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (!config_.password.empty())
      request.body = UrlQuery({{"grant_type", "password"}, {"username", config_.username}, {"password", config_.password}});
    else if (!config_.refresh_token.empty())
      request.body = UrlQuery({{"grant_type", "refresh_token"}, {"refresh_token", config_.refresh_token}});
    else
      request.body = UrlQuery({{"grant_type", "client_credentials"}});
    const Timestamp now = ctx_.clock.Now();
    auto response = SendChecked(ctx_.http, request, endpoint, Dialect::kReddit, Purpose::kRead, now);
    if (!response) return std::unexpected(response.error());
    return ParseRedditToken(response->body, endpoint, now);
  }

  Config config_;
  ConnectorContext ctx_;
  TokenSession session_;
};

bool IsSubredditName(std::string_view name) {
  if (name.size() < 2 || name.size() > 21) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

}  // namespace

Result<RedditListing> ParseRedditListing(std::string_view body, const Endpoint& endpoint,
                                         std::string_view brand_username) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    RedditListing page;
    const JsonView data = root.At("data");
    for (const auto& child : data.At("children").Array()) {
      ++page.items;
      const std::string kind = child.At("kind").String();
      if (kind != "t1" && kind != "t3") continue;  // messages (t4), accounts, subreddits
      Post post = ThingToPost(child, brand_username);
      // Listings are newest first; the first of equal times is the newest.
      if (page.newest.empty() || post.created_at > page.newest_at) {
        page.newest = post.external_id;
        page.newest_at = post.created_at;
      }
      page.posts.push_back(std::move(post));
    }
    page.after = data.StringOr("after");
    std::reverse(page.posts.begin(), page.posts.end());
    std::stable_sort(page.posts.begin(), page.posts.end(),
                     [](const Post& a, const Post& b) { return a.created_at < b.created_at; });
    return page;
  });
}

Result<TokenGrant> ParseRedditToken(std::string_view body, const Endpoint& endpoint, Timestamp now) {
  return Flatten(ReadJson(body, endpoint, [&](const JsonView& root) -> Result<TokenGrant> {
    if (auto error = root.Find("error"))
      return Fail(ErrorCode::kUnauthenticated,
                  fmt::format("{}: token refused ({}): check the app's client id, secret and the account's credentials",
                              endpoint.Describe(), error->raw().is_string() ? error->String() : error->raw().serialize()));
    TokenGrant grant;
    grant.access = root.At("access_token").String();
    if (grant.access.empty()) root.At("access_token").Bad("is empty");
    const std::int64_t expires_in = root.IntOr("expires_in", 3600);
    if (expires_in <= 0) root.At("expires_in").Bad("is not a positive number of seconds");
    // A token said to last longer than a year is kept for a year (and a huge number cannot overflow).
    grant.expires_at = now + std::chrono::seconds(std::min<std::int64_t>(expires_in, 365 * 24 * 3600));
    return grant;
  }));
}

Result<PublishedReply> ParseRedditComment(std::string_view body, const Endpoint& endpoint) {
  return Flatten(ReadJson(body, endpoint, [&](const JsonView& root) -> Result<PublishedReply> {
    const JsonView json = root.At("json");
    auto errors = json.ArrayOr("errors");
    if (!errors.empty()) {
      // [CODE, message, field]
      auto parts = errors.front().Array();
      const std::string code = parts.empty() ? std::string() : parts[0].String();
      const std::string words = parts.size() > 1 && parts[1].IsString() ? parts[1].String() : code;
      std::string message = fmt::format("{}: Reddit refused the reply ({}: {})", endpoint.Describe(), code, words);
      if (code == "RATELIMIT")
        return std::unexpected(Error{ErrorCode::kRateLimited, std::move(message),
                                     RedditRateLimitWait(words).value_or(kDefaultRetryAfter)});
      return std::unexpected(Error{ErrorCode::kFailedPrecondition, std::move(message), std::nullopt});
    }
    auto things = json.At("data").At("things").Array();
    if (things.empty()) json.At("data").At("things").Bad("is empty");
    const JsonView d = things.front().At("data");
    PublishedReply reply;
    reply.external_id = d.At("name").String();
    if (auto permalink = d.StringOr("permalink"); !permalink.empty()) {
      reply.url = std::string(kWebsite) + permalink;
    } else if (auto link = d.StringOr("link_id"); link.starts_with("t3_")) {
      reply.url = fmt::format("{}/comments/{}/_/{}", kWebsite, link.substr(3), d.At("id").String());
    }
    return reply;
  }));
}

std::string BuildRedditReplyBody(std::string_view text, std::string_view thing_id) {
  return UrlQuery({{"api_type", "json"}, {"thing_id", std::string(thing_id)}, {"text", std::string(text)}});
}

std::optional<std::chrono::seconds> RedditRateLimitWait(std::string_view message) {
  auto digit = std::find_if(message.begin(), message.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digit == message.end()) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(&*digit, message.data() + message.size(), n);
  if (ec != std::errc() || n <= 0) return std::nullopt;
  n = std::min<std::int64_t>(n, 1000000000);  // no wait is longer than the clamp below; keeps the product in range
  std::string_view unit = message.substr(static_cast<std::size_t>(end - message.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  std::int64_t seconds = n;
  if (unit.starts_with("millisecond")) seconds = (n + 999) / 1000;
  else if (unit.starts_with("minute")) seconds = n * 60;
  else if (unit.starts_with("hour")) seconds = n * 3600;
  else if (!unit.starts_with("second")) return std::nullopt;
  return std::clamp(std::chrono::seconds(seconds), std::chrono::seconds(1), kMaxRetryAfter);
}

Result<std::unique_ptr<Connector>> MakeRedditConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  RedditConnector::Config config;
  auto base = settings.BaseUrl("https://oauth.reddit.com");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  auto auth_url = settings.Url("auth_url", "https://www.reddit.com");
  if (!auth_url) return std::unexpected(auth_url.error());
  config.auth_url = *auth_url;

  config.subreddit = settings.Optional("subreddit");
  if (config.subreddit.starts_with("r/")) config.subreddit.erase(0, 2);
  if (!config.subreddit.empty() && !IsSubredditName(config.subreddit))
    return std::unexpected(settings.ConfigError(
        fmt::format("setting 'subreddit' must be a subreddit name (2–21 letters, digits or '_'), not '{}'", config.subreddit)));
  config.query = settings.Optional("query");
  if (config.query.size() > 512)
    return std::unexpected(settings.ConfigError("setting 'query' is longer than Reddit's 512 characters"));
  const std::string listing = settings.Optional("listing", "new");
  if (listing != "new" && listing != "comments")
    return std::unexpected(settings.ConfigError(fmt::format("setting 'listing' must be new or comments, not '{}'", listing)));
  if (!config.query.empty()) config.mode = RedditConnector::Mode::kSearch;
  else if (!config.subreddit.empty()) config.mode = listing == "comments" ? RedditConnector::Mode::kComments : RedditConnector::Mode::kNew;
  else config.mode = RedditConnector::Mode::kMentions;

  auto client_id = settings.Required("client_id", "the app's client id, from https://www.reddit.com/prefs/apps");
  if (!client_id) return std::unexpected(client_id.error());
  config.client_id = *client_id;
  if (!settings.Optional("client_secret").empty()) {
    auto secret = settings.Secret("client_secret");
    if (!secret) return std::unexpected(secret.error());
    config.client_secret = *secret;
  }
  config.username = settings.Optional("username");
  if (config.username.starts_with("u/")) config.username.erase(0, 2);
  if (!config.username.empty()) {
    auto password = settings.Secret("password");
    if (!password) return std::unexpected(password.error());
    config.password = *password;
  } else if (!settings.Optional("refresh_token").empty()) {
    auto refresh = settings.Secret("refresh_token");
    if (!refresh) return std::unexpected(refresh.error());
    config.refresh_token = *refresh;
  }
  if (config.mode == RedditConnector::Mode::kMentions && config.password.empty() && config.refresh_token.empty())
    return std::unexpected(settings.ConfigError(
        "needs setting 'subreddit' or 'query', or the brand account ('username' and 'password', or 'refresh_token') "
        "to read its mentions"));
  config.brand_username = settings.Optional("brand_username", config.username);
  if (config.brand_username.starts_with("u/")) config.brand_username.erase(0, 2);
  config.user_agent = settings.Optional("user_agent");
  if (config.user_agent.empty()) {
    if (config.brand_username.empty())
      return std::unexpected(settings.ConfigError(
          "needs setting 'user_agent' (Reddit wants a unique one: \"<platform>:<app id>:<version> (by /u/<name>)\") "
          "or 'brand_username' to build it from"));
    config.user_agent = fmt::format("odziv:{}:0.1 (by /u/{})", config.client_id, config.brand_username);
  }
  auto limit = settings.Int("limit", 100, 1, 100);
  if (!limit) return std::unexpected(limit.error());
  config.limit = *limit;
  return std::unique_ptr<Connector>(std::make_unique<RedditConnector>(std::move(config), context));
}

}  // namespace odziv::platforms
