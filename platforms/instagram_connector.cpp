#include "platforms/instagram_connector.h"

#include <fmt/format.h>

#include <algorithm>

#include "platforms/cursor.h"
#include "platforms/facebook_connector.h"
#include "platforms/graph_paging.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"
#include "platforms/watermark.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "instagram";
constexpr std::string_view kCommentFields = "id,text,timestamp,username,like_count";
constexpr std::string_view kMentionPrefix = "mention:";

Post CommentToPost(const JsonView& c, std::string_view thread_id, std::string_view parent_id, std::string_view username) {
  Post post;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kComment;
  post.external_id = c.At("id").Id();
  post.thread_id = thread_id.empty() ? post.external_id : std::string(thread_id);
  post.parent_id = std::string(parent_id);
  post.text = c.StringOr("text");
  post.created_at = GraphTime(c.At("timestamp"));
  std::string who = c.StringOr("username");
  if (who.empty())
    if (auto from = c.Find("from")) who = from->StringOr("username");
  if (!who.empty()) {
    post.author.id = who;  // the API names commenters by username only
    post.author.handle = "@" + who;
    post.author.name = who;
  }
  post.metrics.likes = c.IntOr("like_count");
  post.from_brand = !username.empty() && who == username;
  return post;
}

void AddComments(const JsonView& list, std::string_view media_permalink, std::string_view username, InstagramCommentPage& page) {
  for (const auto& c : list.Array()) {
    Post top = CommentToPost(c, "", "", username);
    top.url = std::string(media_permalink);
    if (!page.oldest_top_level || top.created_at < *page.oldest_top_level) page.oldest_top_level = top.created_at;
    const std::string top_id = top.external_id;
    if (auto replies = c.Find("replies")) {
      for (const auto& r : replies->ArrayOr("data")) {
        Post reply = CommentToPost(r, top_id, top_id, username);
        reply.url = std::string(media_permalink);
        top.metrics.replies += 1;
        page.posts.push_back(std::move(reply));
      }
    }
    page.posts.push_back(std::move(top));
  }
}

void OldestFirst(std::vector<Post>& posts) {
  std::stable_sort(posts.begin(), posts.end(), [](const Post& a, const Post& b) { return a.created_at < b.created_at; });
}

struct Account {
  std::string base_url;
  std::string version;
  std::string ig_user_id;
  std::string username;
  std::string token;
};

Result<Account> ReadAccount(const SourceSettings& settings) {
  Account a;
  auto base = settings.BaseUrl("https://graph.facebook.com");
  if (!base) return std::unexpected(base.error());
  a.base_url = *base;
  a.version = settings.Optional("api_version", "v21.0");
  if (!a.version.starts_with('v') || a.version.find('/') != std::string::npos)
    return std::unexpected(settings.ConfigError(fmt::format("setting 'api_version' must look like v21.0, not '{}'", a.version)));
  auto user = settings.Required("ig_user_id", "the professional account's numeric id");
  if (!user) return std::unexpected(user.error());
  a.ig_user_id = *user;
  a.username = settings.Optional("username");
  if (a.username.starts_with('@')) a.username.erase(0, 1);
  auto token = settings.Secret("token");
  if (!token) return std::unexpected(token.error());
  a.token = *token;
  return a;
}

HttpRequest GraphRequest(const Account& account, std::string method, std::string url) {
  return BearerRequest(std::move(method), std::move(url), account.token);
}

class InstagramConnector final : public Connector {
 public:
  InstagramConnector(Account account, std::string media_id, std::int64_t media_limit, std::int64_t limit,
                     const ConnectorContext& ctx)
      : account_(std::move(account)), media_id_(std::move(media_id)), media_limit_(media_limit), limit_(limit), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    const Timestamp now = ctx_.clock.Now();
    const bool one_media = !media_id_.empty();
    const std::string path = one_media ? fmt::format("/{}/{}/comments", account_.version, media_id_)
                                       : fmt::format("/{}/{}/media", account_.version, account_.ig_user_id);
    const Endpoint endpoint{std::string(kPlatform), one_media ? "GET /{ig-media-id}/comments" : "GET /{ig-user-id}/media"};
    const Watermark after = Watermark::Read(*cursor, "after_");
    const std::string page_query = cursor->Get("page");
    const std::string reply_fields = fmt::format("replies{{{}}}", kCommentFields);
    std::string url;
    if (!page_query.empty()) {
      url = JoinUrl(account_.base_url, path) + "?" + page_query;
    } else if (one_media) {
      url = JoinUrl(account_.base_url, path,
                    {{"fields", fmt::format("{},{}", kCommentFields, reply_fields)}, {"limit", std::to_string(limit_)}});
    } else {
      url = JoinUrl(account_.base_url, path,
                    {{"fields", fmt::format("id,permalink,timestamp,comments_count,comments.limit({}){{{},{}}}", limit_,
                                            kCommentFields, reply_fields)},
                     {"limit", std::to_string(media_limit_)}});
    }
    auto response = SendChecked(ctx_.http, GraphRequest(account_, "GET", url), endpoint, Dialect::kMeta, Purpose::kRead, now);
    if (!response) {
      if (response.error().code == ErrorCode::kConfig && !page_query.empty()) return RestartGraphRun(*cursor);
      return std::unexpected(response.error());
    }
    auto page = one_media ? ParseInstagramComments(response->body, endpoint, account_.username)
                          : ParseInstagramMedia(response->body, endpoint, account_.username);
    if (!page) return std::unexpected(page.error());

    FetchPage out;
    for (auto& post : page->posts)
      if (!after.Covers(post)) out.posts.push_back(std::move(post));
    // Newest first: once a page's oldest top-level comment is behind the watermark, older pages hold only
    // what was returned before. Recent media are read whole (an old photo may have a new comment).
    bool reached = one_media && !after.empty() && page->oldest_top_level &&
                   ToUnixMillis(*page->oldest_top_level) < after.ms();
    const bool first_poll = after.empty() && page_query.empty();
    Watermark run = cursor->Has("page") ? Watermark::Read(*cursor, "run_") : after;
    run.Advance(out.posts);
    Cursor next;
    if (one_media && !page->next_query.empty() && !reached && !first_poll) {
      after.Write(next, "after_");
      run.Write(next, "run_");
      next.Set("page", page->next_query);
      out.more = true;
    } else {
      run.Write(next, "after_");
    }
    out.next_cursor = next.Encode();
    if (out.next_cursor.empty()) out.next_cursor = "after_ms=";
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest& reply) override {
    HttpRequest request;
    Endpoint endpoint{std::string(kPlatform), ""};
    if (reply.thread_id.starts_with(kMentionPrefix)) {
      // A comment in which the account was @mentioned, on someone else's media.
      endpoint.name = "POST /{ig-user-id}/mentions";
      request = GraphRequest(account_, "POST", JoinUrl(account_.base_url, fmt::format("/{}/{}/mentions", account_.version, account_.ig_user_id)));
      request.body = UrlQuery({{"comment_id", reply.in_reply_to},
                               {"media_id", reply.thread_id.substr(kMentionPrefix.size())},
                               {"message", reply.text}});
    } else {
      // Only top-level comments take replies: answer a reply in its thread.
      std::string target = reply.thread_id.empty() ? reply.in_reply_to : reply.thread_id;
      endpoint.name = "POST /{ig-comment-id}/replies";
      request = GraphRequest(account_, "POST", JoinUrl(account_.base_url, fmt::format("/{}/{}/replies", account_.version, UrlEncode(target))));
      request.body = UrlQuery({{"message", reply.text}});
    }
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    auto response = SendChecked(ctx_.http, request, endpoint, Dialect::kMeta, Purpose::kWrite, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    return ParseGraphCreated(response->body, endpoint);
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    if (account_.username.empty())
      return Fail(ErrorCode::kInvalidArgument, "instagram: set 'username' to let odziv look for the account's replies");
    const Endpoint endpoint{std::string(kPlatform), "GET /{ig-comment-id}/replies"};
    auto response = SendChecked(
        ctx_.http,
        GraphRequest(account_, "GET",
                     JoinUrl(account_.base_url, fmt::format("/{}/{}/replies", account_.version, UrlEncode(post_external_id)),
                             {{"fields", std::string(kCommentFields)}})),
        endpoint, Dialect::kMeta, Purpose::kRead, ctx_.clock.Now());
    if (!response) return std::unexpected(response.error());
    auto page = ParseInstagramReplies(response->body, endpoint, post_external_id, account_.username);
    if (!page) return std::unexpected(page.error());
    for (auto& post : page->posts)
      if (post.from_brand) return std::optional<Post>(std::move(post));
    return std::optional<Post>();
  }

 private:
  Account account_;
  std::string media_id_;
  std::int64_t media_limit_;
  std::int64_t limit_;
  ConnectorContext ctx_;
};

}  // namespace

Result<InstagramCommentPage> ParseInstagramComments(std::string_view body, const Endpoint& endpoint,
                                                    std::string_view username) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    InstagramCommentPage page;
    AddComments(root.At("data"), "", username, page);
    OldestFirst(page.posts);
    page.next_query = GraphNextQuery(root);
    return page;
  });
}

Result<InstagramCommentPage> ParseInstagramReplies(std::string_view body, const Endpoint& endpoint,
                                                   std::string_view parent_id, std::string_view username) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    InstagramCommentPage page;
    for (const auto& r : root.At("data").Array()) page.posts.push_back(CommentToPost(r, parent_id, parent_id, username));
    OldestFirst(page.posts);
    page.next_query = GraphNextQuery(root);
    return page;
  });
}

Result<InstagramCommentPage> ParseInstagramMedia(std::string_view body, const Endpoint& endpoint, std::string_view username) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    InstagramCommentPage page;
    for (const auto& media : root.At("data").Array()) {
      std::string permalink = media.StringOr("permalink");
      if (auto comments = media.Find("comments")) AddComments(comments->At("data"), permalink, username, page);
    }
    OldestFirst(page.posts);
    page.next_query = GraphNextQuery(root);
    return page;
  });
}

Result<std::vector<Post>> ParseInstagramCommentsById(std::string_view body, const Endpoint& endpoint,
                                                     std::string_view username) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    if (!root.IsObject()) root.Bad("is not an object");
    std::vector<Post> posts;
    for (const auto& [id, value] : root.raw().as_object()) {
      JsonView c(value, root.path() + "." + id);
      posts.push_back(CommentToPost(c, "", "", username));
    }
    OldestFirst(posts);
    return posts;
  });
}

Result<Post> ParseInstagramMentionedComment(std::string_view body, const Endpoint& endpoint, std::string_view media_id) {
  return ReadJson(body, endpoint, [&](const JsonView& root) {
    Post post = CommentToPost(root.At("mentioned_comment"), "", "", "");
    post.kind = PostKind::kMention;
    post.thread_id = fmt::format("{}{}", kMentionPrefix, media_id);
    if (auto media = root.At("mentioned_comment").Find("media")) post.url = media->StringOr("permalink");
    return post;
  });
}

Result<std::vector<InstagramMention>> InstagramMentionsFromWebhook(std::string_view body) {
  const Endpoint endpoint{std::string(kPlatform), "webhook mentions"};
  return ReadJson(body, endpoint, [](const JsonView& root) {
    std::vector<InstagramMention> out;
    for (const auto& entry : root.At("entry").Array()) {
      std::string user = entry.IdOr("id");
      for (const auto& change : entry.ArrayOr("changes")) {
        if (change.StringOr("field") != "mentions") continue;
        const JsonView value = change.At("value");
        out.push_back({user, value.At("comment_id").Id(), value.IdOr("media_id")});
      }
    }
    return out;
  });
}

Result<Post> FetchInstagramMention(const Source& source, const ConnectorContext& context, const InstagramMention& mention) {
  auto account = ReadAccount(SourceSettings(source));
  if (!account) return std::unexpected(account.error());
  const Endpoint endpoint{std::string(kPlatform), "GET /{ig-user-id}?fields=mentioned_comment"};
  std::string fields = fmt::format("mentioned_comment.comment_id({}){{{},media{{id,permalink}}}}", mention.comment_id, kCommentFields);
  auto response = SendChecked(context.http,
                              GraphRequest(*account, "GET",
                                           JoinUrl(account->base_url, fmt::format("/{}/{}", account->version, account->ig_user_id),
                                                   {{"fields", fields}})),
                              endpoint, Dialect::kMeta, Purpose::kRead, context.clock.Now());
  if (!response) return std::unexpected(response.error());
  return ParseInstagramMentionedComment(response->body, endpoint, mention.media_id);
}

Result<std::unique_ptr<Connector>> MakeInstagramConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  auto account = ReadAccount(settings);
  if (!account) return std::unexpected(account.error());
  auto media_limit = settings.Int("media_limit", 10, 1, 50);
  if (!media_limit) return std::unexpected(media_limit.error());
  auto limit = settings.Int("limit", 50, 1, 100);
  if (!limit) return std::unexpected(limit.error());
  return std::unique_ptr<Connector>(std::make_unique<InstagramConnector>(std::move(*account), settings.Optional("media_id"),
                                                                         *media_limit, *limit, context));
}

}  // namespace odziv::platforms
