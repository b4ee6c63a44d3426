#include "platforms/rss_connector.h"

#include <fmt/format.h>

#include <algorithm>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "platforms/base64.h"
#include "platforms/charset.h"
#include "platforms/cursor.h"
#include "platforms/html_text.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"
#include "platforms/source_settings.h"

namespace odziv::platforms {
namespace {

constexpr std::string_view kPlatform = "rss";

std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& node, std::string_view local) {
  for (auto child : node.children())
    if (child.type() == pugi::node_element && LocalName(child) == local) return child;
  return {};
}

// A child by its full (prefixed) name, for the few namespaced elements feeds use (dc:creator, dc:date).
pugi::xml_node Prefixed(const pugi::xml_node& node, std::string_view name) {
  for (auto child : node.children())
    if (child.type() == pugi::node_element && std::string_view(child.name()) == name) return child;
  return {};
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// All character data directly inside `node` (text and CDATA sections), trimmed.
std::string TextOf(const pugi::xml_node& node) {
  std::string out;
  for (auto child : node.children())
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) out += child.value();
  return Trim(out);
}

std::string InnerXml(const pugi::xml_node& node) {
  std::ostringstream out;
  for (auto child : node.children()) child.print(out, "", pugi::format_raw);
  return out.str();
}

// Atom text constructs: type="text" (default) is plain, "html" is escaped HTML, "xhtml" is inline markup.
std::string AtomText(const pugi::xml_node& node) {
  if (!node) return {};
  std::string type = node.attribute("type").as_string("text");
  if (type == "xhtml" || type == "application/xhtml+xml") return HtmlToText(InnerXml(node));
  if (type == "html" || type == "text/html") return HtmlToText(TextOf(node));
  return Trim(TextOf(node));
}

std::string Language(std::string_view tag) {
  std::string out(tag.substr(0, tag.find_first_of("-_")));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::uint64_t Fnv1a(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string QualifiedId(std::string_view id, std::string_view feed_url) {
  // IRIs (http:, tag:, urn:, yt:) are global already; bare guids ("42") are only unique within a feed.
  if (id.find(':') != std::string_view::npos) return std::string(id);
  return fmt::format("{}#{}", feed_url, id);
}

std::optional<Timestamp> AnyDate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (auto t = ParseRfc822Timestamp(text)) return t;
  return ParseIsoTimestamp(text);
}

std::string JoinText(const std::string& title, const std::string& body) {
  if (title.empty()) return body;
  if (body.empty() || body == title) return title;
  return title + "\n\n" + body;
}

Post RssItem(const pugi::xml_node& item, std::string_view feed_url, const std::string& language, Timestamp now) {
  Post post;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kMention;
  std::string title = HtmlToText(TextOf(Child(item, "title")));
  std::string link = TextOf(Child(item, "link"));
  auto guid_node = Child(item, "guid");
  std::string guid = TextOf(guid_node);
  std::string description = TextOf(Child(item, "encoded"));  // content:encoded: the full text when present
  if (description.empty()) description = TextOf(Child(item, "description"));
  std::string date_text = TextOf(Child(item, "pubDate"));
  if (date_text.empty()) date_text = TextOf(Prefixed(item, "dc:date"));
  auto created = AnyDate(date_text);
  post.created_at = created.value_or(now);

  bool guid_is_link = guid_node && std::string_view(guid_node.attribute("isPermaLink").as_string("true")) != "false";
  if (!guid.empty()) {
    post.external_id = QualifiedId(guid, feed_url);
  } else if (!link.empty()) {
    post.external_id = link;
  } else {
    post.external_id = fmt::format("{}#{:016x}", feed_url, Fnv1a(title + "\n" + date_text + "\n" + description));
  }
  post.url = !link.empty() ? link : (guid_is_link && guid.starts_with("http") ? guid : std::string());
  post.url = UnwrapGoogleRedirect(post.url);
  post.thread_id = post.external_id;
  post.text = JoinText(title, HtmlToText(description));
  post.language = language;
  std::string author = TextOf(Prefixed(item, "dc:creator"));
  if (author.empty()) author = TextOf(Child(item, "author"));
  post.author.id = author;
  post.author.name = author;
  return post;
}

Post AtomEntry(const pugi::xml_node& entry, std::string_view feed_url, const std::string& feed_language,
               const pugi::xml_node& feed_author, Timestamp now) {
  Post post;
  post.platform = std::string(kPlatform);
  post.kind = PostKind::kMention;
  std::string title = AtomText(Child(entry, "title"));
  std::string body = AtomText(Child(entry, "content"));
  if (body.empty()) body = AtomText(Child(entry, "summary"));
  if (body.empty()) body = Trim(TextOf(Child(Child(entry, "group"), "description")));  // YouTube: media:group
  std::string link;
  for (auto l : entry.children()) {
    if (l.type() != pugi::node_element || LocalName(l) != "link") continue;
    std::string_view rel = l.attribute("rel").as_string("alternate");
    if (rel == "alternate") {
      link = l.attribute("href").as_string();
      break;
    }
  }
  std::string id = TextOf(Child(entry, "id"));  // an IRI, compared as-is
  auto published = AnyDate(TextOf(Child(entry, "published")));
  auto updated = AnyDate(TextOf(Child(entry, "updated")));
  post.created_at = published ? *published : updated.value_or(now);
  if (published && updated && *updated > *published) post.edited_at = *updated;
  if (!id.empty()) {
    post.external_id = QualifiedId(id, feed_url);
  } else if (!link.empty()) {
    post.external_id = link;
  } else {
    post.external_id = fmt::format("{}#{:016x}", feed_url, Fnv1a(title + "\n" + body));
  }
  post.thread_id = post.external_id;
  post.url = UnwrapGoogleRedirect(link);
  post.text = JoinText(title, body);
  std::string lang = entry.attribute("xml:lang").as_string();
  post.language = lang.empty() ? feed_language : Language(lang);
  auto author = Child(entry, "author");
  if (!author) author = feed_author;
  post.author.name = TextOf(Child(author, "name"));
  std::string uri = TextOf(Child(author, "uri"));
  post.author.id = uri.empty() ? post.author.name : uri;
  return post;
}

std::string EntryHash(const Post& post) {
  std::int64_t version = post.edited_at ? ToUnixMillis(*post.edited_at) : 0;
  return fmt::format("{:08x}", static_cast<std::uint32_t>(Fnv1a(fmt::format("{}|{}", post.external_id, version))));
}

class RssConnector final : public Connector {
 public:
  RssConnector(std::string url, std::string fallback_encoding, std::string basic_auth, const ConnectorContext& ctx)
      : url_(std::move(url)), fallback_encoding_(std::move(fallback_encoding)), basic_auth_(std::move(basic_auth)), ctx_(ctx) {}

  Result<FetchPage> Fetch(std::string_view cursor_text) override {
    auto cursor = Cursor::Parse(cursor_text, kPlatform);
    if (!cursor) return std::unexpected(cursor.error());
    const Endpoint endpoint{std::string(kPlatform), "GET " + UrlPath(url_)};
    HttpRequest request;
    request.url = url_;
    request.headers.emplace_back("Accept", "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5");
    if (!basic_auth_.empty()) request.headers.emplace_back("Authorization", "Basic " + basic_auth_);
    if (auto etag = cursor->Get("etag"); !etag.empty()) request.headers.emplace_back("If-None-Match", etag);
    if (auto modified = cursor->Get("modified"); !modified.empty()) request.headers.emplace_back("If-Modified-Since", modified);
    const Timestamp now = ctx_.clock.Now();
    auto response = SendChecked(ctx_.http, request, endpoint, Dialect::kGeneric, Purpose::kRead, now);
    if (!response) return std::unexpected(response.error());
    if (response->status == 304) return FetchPage{{}, cursor->Encode(), false};

    auto feed = ParseFeed(response->body, response->Header("Content-Type").value_or(""), url_, now, fallback_encoding_, endpoint);
    if (!feed) return std::unexpected(feed.error());

    std::set<std::string, std::less<>> seen;
    std::string seen_text = cursor->Get("seen");
    for (std::size_t pos = 0; pos < seen_text.size();) {
      auto dot = seen_text.find('.', pos);
      seen.insert(seen_text.substr(pos, dot - pos));
      pos = dot == std::string::npos ? seen_text.size() : dot + 1;
    }
    FetchPage out;
    std::string next_seen;
    std::set<std::string> this_answer;
    for (auto& post : feed->posts) {
      std::string hash = EntryHash(post);
      if (!this_answer.insert(hash).second) continue;  // the same entry twice in one feed
      if (!next_seen.empty()) next_seen += '.';
      next_seen += hash;
      if (!seen.contains(hash)) out.posts.push_back(std::move(post));
    }
    Cursor next;
    next.Set("etag", response->Header("ETag").value_or(""));
    next.Set("modified", response->Header("Last-Modified").value_or(""));
    next.Set("seen", next_seen);
    out.next_cursor = next.Encode();
    // An empty feed still needs a non-empty cursor to show that a poll succeeded.
    if (out.next_cursor.empty()) out.next_cursor = "seen=.";
    return out;
  }

  Result<PublishedReply> Publish(const ReplyRequest&) override {
    return Fail(ErrorCode::kInvalidArgument, "rss: feeds cannot be replied to; answer on the site itself");
  }

  Result<std::optional<Post>> FindBrandReply(std::string_view) override {
    return Fail(ErrorCode::kInvalidArgument, "rss: feeds do not show replies");
  }

 private:
  std::string url_;
  std::string fallback_encoding_;
  std::string basic_auth_;
  ConnectorContext ctx_;
};

}  // namespace

std::string UnwrapGoogleRedirect(std::string_view link) {
  if (link.starts_with("https://www.google.com/url?") || link.starts_with("http://www.google.com/url?")) {
    if (auto target = QueryParameter(link, "url"); target && !target->empty()) return *target;
  }
  return std::string(link);
}

Result<ParsedFeed> ParseFeed(std::string_view body, std::string_view content_type, std::string_view feed_url,
                             Timestamp now, std::string_view fallback_encoding, const Endpoint& endpoint) {
  ParsedFeed feed;
  feed.encoding = DetectXmlEncoding(body, content_type);
  // us-ascii is a subset of UTF-8: a text/xml feed served without charset is usually UTF-8 in practice.
  std::string decode_as = feed.encoding == "us-ascii" && IsValidUtf8(body) ? "utf-8" : feed.encoding;
  auto utf8 = ToUtf8(body, decode_as);
  if (!utf8) {
    feed.encoding_guessed = true;
    // Servers often send text/xml without a charset for feeds that declare theirs: try the declaration.
    if (auto declared = XmlDeclaredEncoding(body); declared && *declared != decode_as) utf8 = ToUtf8(body, *declared);
    if (!utf8 && !fallback_encoding.empty()) utf8 = ToUtf8(body, fallback_encoding);
    if (!utf8 && IsValidUtf8(body)) utf8 = std::string(body);
    if (!utf8) utf8 = ToUtf8(body, "iso-8859-1");  // every byte is a character: never fails
    if (!utf8) return Fail(utf8.error().WithContext(endpoint.Describe()));
  }
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(utf8->data(), utf8->size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed)
    return Fail(ErrorCode::kMalformed, fmt::format("{}: not well-formed XML ({} at byte {})", endpoint.Describe(),
                                                   parsed.description(), parsed.offset));
  pugi::xml_node root = doc.document_element();
  std::string_view root_name = LocalName(root);
  if (root_name == "rss" || root_name == "RDF") {
    pugi::xml_node channel = Child(root, "channel");
    feed.title = HtmlToText(TextOf(Child(channel, "title")));
    std::string language = Language(TextOf(Child(channel, "language")));
    // RSS 2.0 puts items in the channel; RSS 1.0 (RDF) next to it.
    for (const pugi::xml_node& parent : {channel, root})
      for (auto item : parent.children())
        if (item.type() == pugi::node_element && LocalName(item) == "item")
          feed.posts.push_back(RssItem(item, feed_url, language, now));
  } else if (root_name == "feed") {
    feed.title = AtomText(Child(root, "title"));
    std::string language = Language(root.attribute("xml:lang").as_string());
    pugi::xml_node author = Child(root, "author");
    for (auto entry : root.children())
      if (entry.type() == pugi::node_element && LocalName(entry) == "entry")
        feed.posts.push_back(AtomEntry(entry, feed_url, language, author, now));
  } else {
    return Fail(ErrorCode::kMalformed, fmt::format("{}: the document is <{}>, not an RSS or Atom feed", endpoint.Describe(),
                                                   root ? root.name() : "nothing"));
  }
  std::stable_sort(feed.posts.begin(), feed.posts.end(),
                   [](const Post& a, const Post& b) { return a.created_at < b.created_at; });
  return feed;
}

Result<std::unique_ptr<Connector>> MakeRssConnector(const Source& source, const ConnectorContext& context) {
  SourceSettings settings(source);
  std::string url = settings.Optional("url", settings.Optional("base_url"));
  if (url.empty()) return std::unexpected(settings.ConfigError("needs setting 'url' (the feed's address)"));
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return std::unexpected(settings.ConfigError(fmt::format("setting 'url' must start with http:// or https://, not '{}'", url)));
  std::string encoding = settings.Optional("encoding");
  if (!encoding.empty() && !ToUtf8("a", encoding))
    return std::unexpected(settings.ConfigError(fmt::format("setting 'encoding': '{}' is not an encoding iconv knows", encoding)));
  std::string basic;
  if (!settings.Optional("auth").empty()) {
    auto credentials = settings.Secret("auth");
    if (!credentials) return std::unexpected(credentials.error());
    if (credentials->find(':') == std::string::npos)
      return std::unexpected(settings.ConfigError("the secret of setting 'auth' must be user:password"));
    basic = Base64(*credentials);
  }
  return std::unique_ptr<Connector>(std::make_unique<RssConnector>(std::move(url), std::move(encoding), std::move(basic), context));
}

}  // namespace odziv::platforms
