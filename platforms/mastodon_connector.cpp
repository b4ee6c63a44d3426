#include "platforms/mastodon_connector.h"

#include <fmt/format.h>

#include <algorithm>

#include "platforms/cursor.h"
#include "platforms/html_text.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "mastodon";

// Mastodon ids are strings; on one instance they are snowflake-like numbers, compared by length then text.
bool IdGreater(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() > b.size();
  return a > b;
}

Post StatusToPost(const JsonView& s, std::string_view brand_account_id) {
  Post post;
  post.platform = std::string(kPlatform);
  post.external_id = s.At("id").Id();
  const std::string visibility = s.StringOr("visibility", "public");
  post.kind = visibility == "direct" ? PostKind::kMessage : PostKind::kMention;
  post.parent_id = s.IdOr("in_reply_to_id");
  // The API names a status's parent, not its root; the parent is the nearest thread odziv can name
  // without one more request per post.
  post.thread_id = post.parent_id.empty() ? post.external_id : post.parent_id;
  std::string text = HtmlToText(s.StringOr("content"));
  std::string warning = s.StringOr("spoiler_text");
  post.text = warning.empty() ? text : fmt::format("{}\n\n{}", warning, text);
  post.language = s.StringOr("language");
  post.url = s.StringOr("url", s.StringOr("uri"));
  auto created = ParseIsoTimestamp(s.At("created_at").String());
  if (!created) s.At("created_at").Bad("is not an ISO 8601 time");
  post.created_at = *created;
  if (auto edited = s.Find("edited_at")) {
    auto t = ParseIsoTimestamp(edited->String());
    if (!t) edited->Bad("is not an ISO 8601 time");
    post.edited_at = *t;
  }
  const JsonView account = s.At("account");
  post.author.id = account.At("id").Id();
  post.author.handle = "@" + account.At("acct").String();
  post.author.name = account.StringOr("display_name");
  if (post.author.name.empty()) post.author.name = account.StringOr("username");
  post.author.reach = account.IntOr("followers_count");
  post.metrics.likes = s.IntOr("favourites_count");
  post.metrics.replies = s.IntOr("replies_count");
  post.metrics.shares = s.IntOr("reblogs_count");
  post.from_brand = !brand_account_id.empty() && post.author.id == brand_account_id;
  return post;
}

void OldestFirst(MastodonPage& page) {
  std::stable_sort(page.posts.begin(), page.posts.end(), [](const Post& a, const Post& b) {
    if (a.created_at != b.created_at) return a.created_at < b.created_at;
    return IdGreater(b.external_id, a.external_id);
  });
}

class MastodonConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string token;
    std::string query;
    std::string account_id;
    std::int64_t limit = 40;
    std::string visibility = "public";
  };

  MastodonConnector(Config config, const ConnectorContext& ctx) : config_(std::move(config)), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    const std::string min_id = cursor->Get("min_id");
    const bool search = !config_.query.empty();
    std::vector<std::pair<std::string, std::string>> params;
    std::string path;
    Endpoint endpoint{std::string(kPlatform), ""};
    if (search) {
      path = "/api/v2/search";
      endpoint.name = "GET /api/v2/search";
      params = {{"q", config_.query}, {"type", "statuses"}, {"resolve", "false"}};
    } else {
      path = "/api/v1/notifications";
      endpoint.name = "GET /api/v1/notifications";
      params = {{"types[]", "mention"}};
    }
    params.emplace_back("limit", std::to_string(config_.limit));
    // min_id: the page immediately newer than the cursor, so nothing between is skipped. The first poll
    // (no cursor) takes the newest page only.
    if (!min_id.empty()) params.emplace_back("min_id", min_id);
    auto response = SendChecked(ctx_.http, Request("GET", JoinUrl(config_.base_url, path, params)), endpoint,
                                Dialect::kMastodon, Purpose::kRead, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    auto page = search ? ParseMastodonSearch(response->body, endpoint, config_.account_id)
                       : ParseMastodonNotifications(response->body, endpoint, config_.account_id);
    if (!page) return std::unexpected(page.error());

    std::string newest = min_id;
    if (!page->newest_id.empty() && (newest.empty() || IdGreater(page->newest_id, newest))) newest = page->newest_id;
    // The Link header's "prev" names the newest item of the page as min_id; trust it when present (it
    // counts notifications the type filter removed too).
    if (auto link = response->Header("Link")) {
      auto links = ParseLinkHeader(*link);
      if (auto prev = links.find("prev"); prev != links.end())
        if (auto id = QueryParameter(prev->second, "min_id"); id && !id->empty() && (newest.empty() || IdGreater(*id, newest)))
          newest = *id;
    }
    FetchPage out;
    out.posts = std::move(page->posts);
    Cursor next;
    next.Set("min_id", newest);
    out.next_cursor = next.Encode();
    if (out.next_cursor.empty()) out.next_cursor = "min_id=";  // polled, nothing found yet
    // A full page after a cursor means newer items are waiting.
    out.more = !min_id.empty() && page->items >= static_cast<std::size_t>(config_.limit);
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    // The original decides who is mentioned and how visible the answer is.
    const Endpoint get{std::string(kPlatform), "GET /api/v1/statuses/:id"};
    auto original = SendChecked(ctx_.http, Request("GET", JoinUrl(config_.base_url, "/api/v1/statuses/" + UrlEncode(reply.in_reply_to))),
                                get, Dialect::kMastodon, Purpose::kWrite, ctx_.clock.Now());
    if (!original) return std::unexpected(original.error());
    auto parent = ReadJson(original->body, get, [](const JsonView& s) {
      return std::pair<std::string, std::string>(s.At("account").At("acct").String(), s.StringOr("visibility", "public"));
    });
    if (!parent) return std::unexpected(parent.error());
    auto [acct, parent_visibility] = *parent;
    std::string visibility = (parent_visibility == "direct" || parent_visibility == "private" || parent_visibility == "unlisted")
                                 ? parent_visibility
                                 : config_.visibility;
    std::string text = reply.text;
    if (text.find("@" + acct) == std::string::npos) text = fmt::format("@{} {}", acct, text);

    const Endpoint endpoint{std::string(kPlatform), "POST /api/v1/statuses"};
    HttpRequest request = Request("POST", JoinUrl(config_.base_url, "/api/v1/statuses"));
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (!reply.idempotency_key.empty()) request.headers.emplace_back("Idempotency-Key", reply.idempotency_key);
    request.body = BuildMastodonReplyBody(text, reply.in_reply_to, visibility);
    auto response = SendChecked(ctx_.http, request, endpoint, Dialect::kMastodon, Purpose::kWrite, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    auto post = ParseMastodonStatus(response->body, endpoint, config_.account_id);
    if (!post) return std::unexpected(post.error());
    return PublishedReply{post->external_id, post->url};
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    if (config_.account_id.empty())
      return Fail(ErrorCode::kInvalidArgument, "mastodon: set 'account_id' to let odziv look for the brand's replies");
    const Endpoint endpoint{std::string(kPlatform), "GET /api/v1/statuses/:id/context"};
    auto response = SendChecked(
        ctx_.http,
        Request("GET", JoinUrl(config_.base_url, fmt::format("/api/v1/statuses/{}/context", UrlEncode(post_external_id)))),
        endpoint, Dialect::kMastodon, Purpose::kRead, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    auto found = ReadJson(response->body, endpoint, [&](const JsonView& root) {
      std::optional<Post> out;
      for (const auto& s : root.At("descendants").Array()) {
        if (s.At("account").At("id").Id() != config_.account_id) continue;
        Post post = StatusToPost(s, config_.account_id);
        if (!out || post.created_at < out->created_at) out = std::move(post);
      }
      return out;
    });
    if (!found) return std::unexpected(found.error());
    return *found;
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

Result<MastodonPage> ParseMastodonNotifications(std::string_view body, const Endpoint& endpoint,
                                                std::string_view brand_account_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    MastodonPage page;
    for (const auto& n : root.Array()) {
      ++page.items;
      std::string id = n.At("id").Id();
      if (page.newest_id.empty() || IdGreater(id, page.newest_id)) page.newest_id = id;
      if (n.At("type").String() != "mention") continue;
      auto status = n.Find("status");
      if (!status) continue;  // the status was deleted since
      page.posts.push_back(StatusToPost(*status, brand_account_id));
    }
    OldestFirst(page);
    return page;
  });
}

Result<MastodonPage> ParseMastodonStatuses(std::string_view body, const Endpoint& endpoint,
                                           std::string_view brand_account_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    MastodonPage page;
    for (const auto& s : root.Array()) {
      ++page.items;
      page.posts.push_back(StatusToPost(s, brand_account_id));
      if (page.newest_id.empty() || IdGreater(page.posts.back().external_id, page.newest_id))
        page.newest_id = page.posts.back().external_id;
    }
    OldestFirst(page);
    return page;
  });
}

Result<MastodonPage> ParseMastodonSearch(std::string_view body, const Endpoint& endpoint,
                                         std::string_view brand_account_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    MastodonPage page;
    for (const auto& s : root.At("statuses").Array()) {
      ++page.items;
      page.posts.push_back(StatusToPost(s, brand_account_id));
      if (page.newest_id.empty() || IdGreater(page.posts.back().external_id, page.newest_id))
        page.newest_id = page.posts.back().external_id;
    }
    OldestFirst(page);
    return page;
  });
}

Result<Post> ParseMastodonStatus(std::string_view body, const Endpoint& endpoint, std::string_view brand_account_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) { return StatusToPost(root, brand_account_id); });
}

std::string BuildMastodonReplyBody(std::string_view text, std::string_view in_reply_to, std::string_view visibility) {
  return UrlQuery({{"status", std::string(text)},
                   {"in_reply_to_id", std::string(in_reply_to)},
                   {"visibility", std::string(visibility)}});
}

Result<std::unique_ptr<Connector>> MakeMastodonConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  MastodonConnector::Config config;
  auto instance = settings.Required("base_url", "the instance, e.g. https://mastodon.social");
  if (!instance) return std::unexpected(instance.error());
  auto base = settings.BaseUrl("");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  config.query = settings.Optional("query");
  config.account_id = settings.Optional("account_id");
  auto limit = settings.Int("limit", 40, 1, 40);
  if (!limit) return std::unexpected(limit.error());
  config.limit = *limit;
  config.visibility = settings.Optional("visibility", "public");
  if (config.visibility != "public" && config.visibility != "unlisted")
    return std::unexpected(settings.ConfigError(fmt::format("setting 'visibility' must be public or unlisted, not '{}'", config.visibility)));
  auto token = settings.Secret("token");
  if (!token) return std::unexpected(token.error());
  config.token = *token;
  return std::unique_ptr<Connector>(std::make_unique<MastodonConnector>(std::move(config), context));
}

}  // namespace odziv::platforms
