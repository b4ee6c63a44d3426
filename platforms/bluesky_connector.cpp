#include "platforms/bluesky_connector.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "platforms/cursor.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"
#include "platforms/watermark.h"

namespace odziv::platforms {
namespace {

using web::json::value;

constexpr std::string_view kPlatform = "bluesky";
constexpr std::string_view kPostCollection = "/app.bsky.feed.post/";

Timestamp TimeAt(const JsonView& v) {
  auto t = ParseIsoTimestamp(v.String());
  if (!t) v.Bad("is not an ISO 8601 time");
  return *t;
}

// A post as listings show it: the record (what the author wrote) and the view around it.
BlueskyItem ToItem(const JsonView& view, const JsonView& record, std::string_view brand_did, PostKind kind) {
  BlueskyItem item;
  Post& post = item.post;
  post.platform = std::string(kPlatform);
  post.kind = kind;
  post.external_id = view.At("uri").String();
  item.indexed_at = TimeAt(view.At("indexedAt"));
  post.text = record.StringOr("text");
  // createdAt is chosen by the author's client; indexedAt stands in when it is missing or unreadable.
  auto created = record.Has("createdAt") && record.At("createdAt").IsString()
                     ? ParseIsoTimestamp(record.At("createdAt").String())
                     : std::nullopt;
  post.created_at = created.value_or(item.indexed_at);
  auto langs = record.ArrayOr("langs");
  if (!langs.empty()) post.language = langs.front().String();
  post.thread_id = post.external_id;
  if (auto reply = record.Find("reply")) {
    post.parent_id = reply->At("parent").At("uri").String();
    post.thread_id = reply->At("root").At("uri").String();
  }
  const JsonView author = view.At("author");
  post.author.id = author.At("did").String();
  post.author.handle = author.StringOr("handle");
  post.author.name = author.StringOr("displayName");
  post.author.reach = author.IntOr("followersCount");
  post.metrics.likes = view.IntOr("likeCount");
  post.metrics.replies = view.IntOr("replyCount");
  post.metrics.shares = view.IntOr("repostCount") + view.IntOr("quoteCount");
  post.url = BlueskyPostUrl(post.external_id, post.author.handle);
  post.from_brand = !brand_did.empty() && post.author.id == brand_did;
  return item;
}

void OldestFirst(BlueskyPage& page) {
  // Newest first on the wire; equal times keep their reversed listing order.
  std::reverse(page.items.begin(), page.items.end());
  std::stable_sort(page.items.begin(), page.items.end(),
                   [](const BlueskyItem& a, const BlueskyItem& b) { return a.indexed_at < b.indexed_at; });
}

// The watermark's view of an item: its indexedAt and URI.
Post Key(const BlueskyItem& item) {
  Post key;
  key.external_id = item.post.external_id;
  key.created_at = item.indexed_at;
  return key;
}

value Ref(const BlueskyRef& ref) {
  value out = value::object();
  out["uri"] = value::string(ref.uri);
  out["cid"] = value::string(ref.cid);
  return out;
}

bool IsHandleChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool StartsSpan(std::string_view text, std::size_t at) {
  if (at == 0) return true;
  const char before = text[at - 1];
  return before == ' ' || before == '\n' || before == '\t' || before == '(' || before == '[';
}

// Trailing characters that end a sentence rather than a URL or handle.
bool IsTrailingPunctuation(char c) {
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' || c == ']' ||
         c == '"' || c == '\'';
}

class BlueskyConnector final : public Connector {
 public:
  struct Config {
    std::string base_url;
    std::string session_url;
    std::string handle;
    std::string app_password;
    std::string query;
    std::vector<std::string> reasons;
    std::int64_t limit = 50;
  };

  BlueskyConnector(Config config, const ConnectorContext& ctx)
      : config_(std::move(config)), ctx_(ctx), session_([this](std::string_view refresh) { return Login(refresh); }) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    Watermark seen = Watermark::Read(*cursor, "seen_");
    Watermark run = Watermark::Read(*cursor, "run_");
    const std::string page_token = cursor->Get("page");
    const bool search = !config_.query.empty();

    std::vector<std::pair<std::string, std::string>> params;
    std::string path;
    if (search) {
      path = "/xrpc/app.bsky.feed.searchPosts";
      params = {{"q", config_.query}, {"sort", "latest"}};
    } else {
      path = "/xrpc/app.bsky.notification.listNotifications";
      for (const auto& reason : config_.reasons) params.emplace_back("reasons", reason);
    }
    params.emplace_back("limit", std::to_string(config_.limit));
    if (!page_token.empty()) params.emplace_back("cursor", page_token);
    const Endpoint endpoint{std::string(kPlatform), "GET " + path.substr(6)};
    auto response = Get(JoinUrl(config_.base_url, path, params), endpoint);
    if (!response) return std::unexpected(response.error());
    auto did = Did();
    if (!did) return std::unexpected(did.error());
    auto page = search ? ParseBlueskySearch(response->body, endpoint, *did)
                       : ParseBlueskyNotifications(response->body, endpoint, *did, config_.reasons);
    if (!page) return std::unexpected(page.error());

    FetchPage out;
    bool reached_seen = false;
    std::vector<Post> keys;
    for (auto& item : page->items) {
      Post key = Key(item);
      if (seen.Covers(key)) {
        reached_seen = true;
        continue;
      }
      keys.push_back(std::move(key));
      out.posts.push_back(std::move(item.post));
    }
    // The walk's newest item is on its first page.
    if (page_token.empty()) {
      run = Watermark();
      run.Advance(keys);
    }
    const bool first_poll = seen.empty() && page_token.empty();
    Cursor next;
    if (!first_poll && !reached_seen && !page->cursor.empty() && page->listed > 0) {
      // Older unseen items remain: keep `seen` until the walk reaches it.
      seen.Write(next, "seen_");
      run.Write(next, "run_");
      next.Set("page", page->cursor);
      out.more = true;
    } else {
      // The first poll takes the newest page only, rather than the account's whole history.
      (run.empty() || run.ms() < seen.ms() ? seen : run).Write(next, "seen_");
    }
    out.next_cursor = next.Encode();
    if (out.next_cursor.empty()) out.next_cursor = "seen_ms=";  // polled, nothing found yet
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    if (!reply.in_reply_to.starts_with("at://"))
      return Fail(ErrorCode::kInvalidArgument, fmt::format("bluesky: '{}' is not a post's AT-URI", reply.in_reply_to));
    // A reply names its parent and the thread's root by URI and content hash; the parent says its root.
    const Endpoint get{std::string(kPlatform), "GET app.bsky.feed.getPosts"};
    auto original = Send("GET", JoinUrl(config_.base_url, "/xrpc/app.bsky.feed.getPosts", {{"uris", reply.in_reply_to}}),
                         "", get, Purpose::kWrite);
    if (!original) return std::unexpected(original.error());
    auto refs = ParseBlueskyReplyRefs(original->body, get);
    if (!refs) return std::unexpected(refs.error());

    std::vector<BlueskyFacet> facets = FindBlueskyFacets(reply.text);
    for (auto& facet : facets) {
      if (facet.kind != BlueskyFacet::Kind::kMention) continue;
      auto resolved = ResolveHandle(facet.value);
      if (!resolved) {
        // A handle that does not resolve stays plain text; anything else stops the reply.
        if (resolved.error().code == ErrorCode::kFailedPrecondition) continue;
        return std::unexpected(resolved.error());
      }
      facet.did = *resolved;
    }
    auto did = Did();
    if (!did) return std::unexpected(did.error());
    const Endpoint create{std::string(kPlatform), "POST com.atproto.repo.createRecord"};
    auto response = Send("POST", JoinUrl(config_.base_url, "/xrpc/com.atproto.repo.createRecord"),
                         BuildBlueskyReplyRecord(*did, reply.text, facets, *refs, ctx_.clock.Now()), create,
                         Purpose::kWrite);
    if (!response) return std::unexpected(response.error());
    return ParseBlueskyCreatedRecord(response->body, create);
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    const Endpoint endpoint{std::string(kPlatform), "GET app.bsky.feed.getPostThread"};
    auto response = Get(JoinUrl(config_.base_url, "/xrpc/app.bsky.feed.getPostThread",
                                {{"uri", std::string(post_external_id)}, {"depth", "1"}, {"parentHeight", "0"}}),
                        endpoint);
    if (!response) return std::unexpected(response.error());
    auto did = Did();
    if (!did) return std::unexpected(did.error());
    auto found = ReadJson(response->body, endpoint, [&](const JsonView& root) {
      std::optional<Post> out;
      for (const auto& entry : root.At("thread").ArrayOr("replies")) {
        auto post = entry.Find("post");  // blocked and deleted replies carry none
        if (!post || post->At("author").At("did").String() != *did) continue;
        BlueskyItem item = ToItem(*post, post->At("record"), *did, PostKind::kComment);
        if (!out || item.post.created_at < out->created_at) out = std::move(item.post);
      }
      return out;
    });
    if (!found) return std::unexpected(found.error());
    return *found;
  }

 private:
  Result<HttpResponse> Send(std::string method, const std::string& url, const std::string& body,
                            const Endpoint& endpoint, Purpose purpose) {
    return session_.Send(
        ctx_.http,
        [&](std::string_view token) {
          HttpRequest request = BearerRequest(method, url, token);
          request.headers.emplace_back("Accept", "application/json");
          if (!body.empty()) {
            request.headers.emplace_back("Content-Type", "application/json");
            request.body = body;
          }
          return request;
        },
        endpoint, Dialect::kBluesky, purpose, ctx_.clock.Now());
  }

  Result<HttpResponse> Get(const std::string& url, const Endpoint& endpoint) {
    return Send("GET", url, "", endpoint, Purpose::kRead);
  }

  // The account's DID, from the session (made first when there is none).
  Result<std::string> Did() {
    auto grant = session_.Current(ctx_.clock.Now());
    if (!grant) return std::unexpected(grant.error());
    return did_;
  }

  // kFailedPrecondition when the handle does not resolve.
  Result<std::string> ResolveHandle(const std::string& handle) {
    const Endpoint endpoint{std::string(kPlatform), "GET com.atproto.identity.resolveHandle"};
    auto response = Send("GET", JoinUrl(config_.base_url, "/xrpc/com.atproto.identity.resolveHandle", {{"handle", handle}}),
                         "", endpoint, Purpose::kWrite);
    if (!response) return std::unexpected(response.error());
    return ReadJson(response->body, endpoint, [](const JsonView& root) { return root.At("did").String(); });
  }

  Result<TokenGrant> Login(std::string_view refresh) {
    HttpRequest request;
    request.method = "POST";
    request.headers.emplace_back("Accept", "application/json");
    Endpoint endpoint{std::string(kPlatform), ""};
    if (refresh.empty()) {
      endpoint.name = "POST com.atproto.server.createSession";
      request.url = JoinUrl(config_.session_url, "/xrpc/com.atproto.server.createSession");
      request.headers.emplace_back("Content-Type", "application/json");
      value body = value::object();
      body["identifier"] = value::string(config_.handle);
      body["password"] = value::string(config_.app_password);
      request.body = body.serialize();
    } else {
      endpoint.name = "POST com.atproto.server.refreshSession";
      request = BearerRequest("POST", JoinUrl(config_.session_url, "/xrpc/com.atproto.server.refreshSession"), refresh);
      request.headers.emplace_back("Accept", "application/json");
    }
    auto response = SendChecked(ctx_.http, request, endpoint, Dialect::kBluesky, Purpose::kRead, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    auto session = ParseBlueskySession(response->body, endpoint);
    if (!session) return std::unexpected(session.error());
    did_ = session->did;
    return session->grant;
  }

  Config config_;
  ConnectorContext ctx_;
  std::string did_;
  TokenSession session_;
};

}  // namespace

Result<BlueskyPage> ParseBlueskySearch(std::string_view body, const Endpoint& endpoint, std::string_view brand_did) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    BlueskyPage page;
    for (const auto& view : root.At("posts").Array()) {
      ++page.listed;
      page.items.push_back(ToItem(view, view.At("record"), brand_did, PostKind::kMention));
    }
    page.cursor = root.StringOr("cursor");
    OldestFirst(page);
    return page;
  });
}

Result<BlueskyPage> ParseBlueskyNotifications(std::string_view body, const Endpoint& endpoint,
                                              std::string_view brand_did, const std::vector<std::string>& reasons) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    BlueskyPage page;
    for (const auto& n : root.At("notifications").Array()) {
      ++page.listed;
      const std::string reason = n.At("reason").String();
      if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) continue;
      page.items.push_back(ToItem(n, n.At("record"), brand_did, reason == "reply" ? PostKind::kComment : PostKind::kMention));
    }
    page.cursor = root.StringOr("cursor");
    OldestFirst(page);
    return page;
  });
}

Result<BlueskySession> ParseBlueskySession(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [](const JsonView& root) {
    BlueskySession session;
    session.did = root.At("did").String();
    session.grant.access = root.At("accessJwt").String();
    if (session.grant.access.empty()) root.At("accessJwt").Bad("is empty");
    session.grant.refresh = root.StringOr("refreshJwt");
    return session;
  });
}

Result<BlueskyReplyRefs> ParseBlueskyReplyRefs(std::string_view body, const Endpoint& endpoint) {
  auto refs = ReadJson(body, endpoint, [](const JsonView& root) {
    std::optional<BlueskyReplyRefs> out;
    auto posts = root.At("posts").Array();
    if (posts.empty()) return out;
    const JsonView& post = posts.front();
    BlueskyReplyRefs found;
    found.parent = {post.At("uri").String(), post.At("cid").String()};
    found.root = found.parent;
    if (auto reply = post.At("record").Find("reply")) {
      const JsonView root_ref = reply->At("root");
      found.root = {root_ref.At("uri").String(), root_ref.At("cid").String()};
    }
    out = found;
    return out;
  });
  if (!refs) return std::unexpected(refs.error());
  if (!refs->has_value())
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("{}: the post is gone (deleted, or hidden from the brand's account)", endpoint.Describe()));
  return **refs;
}

Result<PublishedReply> ParseBlueskyCreatedRecord(std::string_view body, const Endpoint& endpoint) {
  return ReadJson(body, endpoint, [](const JsonView& root) {
    std::string uri = root.At("uri").String();
    if (!uri.starts_with("at://")) root.At("uri").Bad("is not an AT-URI");
    return PublishedReply{uri, BlueskyPostUrl(uri, "")};
  });
}

std::vector<BlueskyFacet> FindBlueskyFacets(std::string_view text) {
  std::vector<BlueskyFacet> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::string_view rest = text.substr(i);
    const bool link = rest.starts_with("https://") || rest.starts_with("http://");
    if ((link || text[i] == '@') && StartsSpan(text, i)) {
      std::size_t end = i + (link ? 0 : 1);
      if (link) {
        while (end < text.size() && static_cast<unsigned char>(text[end]) > ' ') ++end;
      } else {
        while (end < text.size() && IsHandleChar(text[end])) ++end;
      }
      while (end > i && IsTrailingPunctuation(text[end - 1])) --end;
      BlueskyFacet facet;
      facet.kind = link ? BlueskyFacet::Kind::kLink : BlueskyFacet::Kind::kMention;
      facet.byte_start = i;
      facet.byte_end = end;
      facet.value = std::string(text.substr(link ? i : i + 1, end - (link ? i : i + 1)));
      // A handle is a domain name: at least two labels. "http://" alone is no link.
      const bool valid = link ? facet.value.find("://") + 3 < facet.value.size()
                              : facet.value.find('.') != std::string::npos && facet.value.front() != '.' &&
                                    facet.value.back() != '-';
      if (valid) {
        out.push_back(std::move(facet));
        i = end;
        continue;
      }
    }
    ++i;
  }
  return out;
}

std::string BuildBlueskyReplyRecord(std::string_view repo_did, std::string_view text,
                                    const std::vector<BlueskyFacet>& facets, const BlueskyReplyRefs& refs,
                                    Timestamp created_at) {
  value record = value::object();
  record["$type"] = value::string("app.bsky.feed.post");
  record["text"] = value::string(std::string(text));
  record["createdAt"] = value::string(FormatIsoTimestamp(created_at));
  value reply = value::object();
  reply["root"] = Ref(refs.root);
  reply["parent"] = Ref(refs.parent);
  record["reply"] = reply;
  std::vector<value> facet_values;
  for (const auto& facet : facets) {
    value feature = value::object();
    if (facet.kind == BlueskyFacet::Kind::kMention) {
      if (facet.did.empty()) continue;
      feature["$type"] = value::string("app.bsky.richtext.facet#mention");
      feature["did"] = value::string(facet.did);
    } else {
      feature["$type"] = value::string("app.bsky.richtext.facet#link");
      feature["uri"] = value::string(facet.value);
    }
    value index = value::object();
    index["byteStart"] = value::number(static_cast<std::uint64_t>(facet.byte_start));
    index["byteEnd"] = value::number(static_cast<std::uint64_t>(facet.byte_end));
    value entry = value::object();
    entry["index"] = index;
    entry["features"] = value::array({feature});
    facet_values.push_back(entry);
  }
  if (!facet_values.empty()) record["facets"] = value::array(facet_values);
  value body = value::object();
  body["repo"] = value::string(std::string(repo_did));
  body["collection"] = value::string("app.bsky.feed.post");
  body["record"] = record;
  return body.serialize();
}

std::string BlueskyPostUrl(std::string_view uri, std::string_view handle) {
  if (!uri.starts_with("at://")) return {};
  const std::string_view rest = uri.substr(5);
  const auto collection = rest.find(kPostCollection);
  if (collection == std::string_view::npos || collection == 0) return {};
  const std::string_view rkey = rest.substr(collection + kPostCollection.size());
  if (rkey.empty() || rkey.find('/') != std::string_view::npos) return {};
  const std::string_view who = handle.empty() ? rest.substr(0, collection) : handle;
  return fmt::format("https://bsky.app/profile/{}/post/{}", who, rkey);
}

Result<std::unique_ptr<Connector>> MakeBlueskyConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  BlueskyConnector::Config config;
  auto base = settings.BaseUrl("https://bsky.social");
  if (!base) return std::unexpected(base.error());
  config.base_url = *base;
  auto session_url = settings.Url("session_url", config.base_url);
  if (!session_url) return std::unexpected(session_url.error());
  config.session_url = *session_url;
  auto handle = settings.Required("handle", "the brand account's handle, e.g. zrno.bsky.social");
  if (!handle) return std::unexpected(handle.error());
  config.handle = *handle;
  if (config.handle.starts_with('@')) config.handle.erase(0, 1);
  config.query = settings.Optional("query");
  std::stringstream reasons(settings.Optional("reasons", "mention,reply"));
  for (std::string reason; std::getline(reasons, reason, ',');) {
    reason.erase(0, reason.find_first_not_of(' '));
    reason.erase(reason.find_last_not_of(' ') + 1);
    if (reason.empty()) continue;
    if (reason != "mention" && reason != "reply" && reason != "quote")
      return std::unexpected(settings.ConfigError(
          fmt::format("setting 'reasons' lists '{}': odziv reads mention, reply and quote notifications", reason)));
    config.reasons.push_back(reason);
  }
  if (config.reasons.empty())
    return std::unexpected(settings.ConfigError("setting 'reasons' must list at least one of mention, reply, quote"));
  auto limit = settings.Int("limit", 50, 1, 100);
  if (!limit) return std::unexpected(limit.error());
  config.limit = *limit;
  auto password = settings.Secret("app_password");
  if (!password) return std::unexpected(password.error());
  config.app_password = *password;
  return std::unique_ptr<Connector>(std::make_unique<BlueskyConnector>(std::move(config), context));
}

}  // namespace odziv::platforms
