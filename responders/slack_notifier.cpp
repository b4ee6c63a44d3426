#include "responders/slack_notifier.h"

#include <fmt/format.h>

#include <charconv>

namespace odziv::responders {
namespace {

using web::json::value;

// mrkdwn needs &, < and > escaped; everything else is literal.
std::string EscapeMrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

// Cuts UTF-8 text to at most `max_bytes` bytes on a character boundary, marking the cut with "…".
std::string Cut(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

value PlainText(const std::string& text) {
  value t = value::object();
  t["type"] = value::string("plain_text");
  t["text"] = value::string(text);
  return t;
}

value Mrkdwn(const std::string& text) {
  value t = value::object();
  t["type"] = value::string("mrkdwn");
  t["text"] = value::string(text);
  return t;
}

std::string Quote(const std::string& text) {
  std::string out = ">";
  for (char c : text) {
    out += c;
    if (c == '\n') out += ">";
  }
  return out;
}

std::string ShortReach(std::int64_t reach) {
  if (reach >= 1'000'000) return fmt::format("{:.1f}M", static_cast<double>(reach) / 1e6);
  if (reach >= 1'000) return fmt::format("{:.1f}k", static_cast<double>(reach) / 1e3);
  return std::to_string(reach);
}

}  // namespace

value SlackPayload(const Alert& alert) {
  const std::string headline = fmt::format("P{} · {}: {}", alert.priority, alert.brand_name, alert.title);
  value blocks = value::array();
  value header = value::object();
  header["type"] = value::string("header");
  header["text"] = PlainText(Cut(headline, 150));
  blocks[blocks.size()] = header;

  if (!alert.summary.empty()) {
    value section = value::object();
    section["type"] = value::string("section");
    section["text"] = Mrkdwn(Cut(EscapeMrkdwn(alert.summary), 3000));
    blocks[blocks.size()] = section;
  }
  if (alert.post) {
    const AlertPost& p = *alert.post;
    std::string who = fmt::format("*{}*", EscapeMrkdwn(p.author.empty() ? "someone" : p.author));
    if (p.author_reach > 0) who += fmt::format(" ({} followers)", ShortReach(p.author_reach));
    who += fmt::format(" on {}", EscapeMrkdwn(p.platform));
    if (p.rating) who += fmt::format(" · {}★", *p.rating);
    std::string text = who + "\n" + Quote(Cut(EscapeMrkdwn(p.text), 2500));
    value section = value::object();
    section["type"] = value::string("section");
    section["text"] = Mrkdwn(Cut(text, 3000));
    blocks[blocks.size()] = section;
  }
  value context = value::array();
  if (!alert.reasons.empty()) {
    std::string why = "Why: ";
    for (std::size_t i = 0; i < alert.reasons.size(); ++i) why += (i ? "; " : "") + alert.reasons[i];
    context[context.size()] = Mrkdwn(Cut(EscapeMrkdwn(why), 2000));
  }
  if (alert.time_left) context[context.size()] = Mrkdwn(fmt::format("⏱ {}", DescribeTimeLeft(*alert.time_left)));
  if (context.size() > 0) {
    value block = value::object();
    block["type"] = value::string("context");
    block["elements"] = context;
    blocks[blocks.size()] = block;
  }
  if (!alert.link.empty()) {
    value button = value::object();
    button["type"] = value::string("button");
    button["text"] = PlainText(alert.kind == AlertKind::kNewCase ? "Open the draft" : "Open the case");
    button["url"] = value::string(alert.link);
    value elements = value::array();
    elements[0] = button;
    value actions = value::object();
    actions["type"] = value::string("actions");
    actions["elements"] = elements;
    blocks[blocks.size()] = actions;
  }
  value payload = value::object();
  payload["text"] = value::string(Cut(EscapeMrkdwn(headline), 3000));
  payload["blocks"] = blocks;
  return payload;
}

namespace {

class SlackNotifier final : public Notifier {
 public:
  SlackNotifier(std::string url, HttpClient& http) : url_(std::move(url)), http_(http) {}

  Status Send(const Alert& alert) override {
    HttpRequest request;
    request.method = "POST";
    request.url = url_;
    request.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    request.body = SlackPayload(alert).serialize();
    auto response = http_.Send(request);
    if (!response) {
      Error e = response.error();
      e.message = "Slack webhook: request failed";  // the transport's message may carry the secret URL
      return Fail(e);
    }
    std::string word = response->body.substr(0, 200);
    if (response->status == 200) return {};
    if (response->status == 429) {
      Error e{ErrorCode::kRateLimited, "Slack webhook: rate limited (HTTP 429)", std::chrono::seconds(1)};
      if (auto after = response->Header("Retry-After")) {
        long seconds = 0;
        if (std::from_chars(after->data(), after->data() + after->size(), seconds).ec == std::errc() && seconds > 0)
          e.retry_after = std::chrono::seconds(seconds);
      }
      return Fail(e);
    }
    if (response->status >= 500)
      return Fail(ErrorCode::kUnavailable, fmt::format("Slack webhook: {} (HTTP {})", word, response->status));
    if (response->status == 403 || response->status == 404 || response->status == 410)
      return Fail(ErrorCode::kUnauthenticated,
                  fmt::format("Slack webhook: {} (HTTP {}): the webhook was revoked or its channel is gone; "
                              "create a new one and update the route",
                              word, response->status));
    return Fail(ErrorCode::kFailedPrecondition, fmt::format("Slack webhook: {} (HTTP {})", word, response->status));
  }

 private:
  std::string url_;
  HttpClient& http_;
};

}  // namespace

std::unique_ptr<Notifier> MakeSlackNotifier(std::string webhook_url, HttpClient& http) {
  return std::make_unique<SlackNotifier>(std::move(webhook_url), http);
}

}  // namespace odziv::responders
