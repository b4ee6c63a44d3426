#include "responders/email_notifier.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <cstring>
#include <mutex>

namespace odziv::responders {
namespace {

std::string Base64(std::string_view data) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += {kTable[v >> 18], kTable[(v >> 12) & 63], kTable[(v >> 6) & 63], kTable[v & 63]};
  }
  if (i + 1 == data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += {kTable[v >> 18], kTable[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == data.size()) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += {kTable[v >> 18], kTable[(v >> 12) & 63], kTable[(v >> 6) & 63], '='};
  }
  return out;
}

// Base64 in lines of 76 characters, as MIME wants.
std::string Base64Lines(std::string_view data) {
  std::string encoded = Base64(data), out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

bool IsAscii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80 || c < 0x20) return false;
  return true;
}

// RFC 2047 encoded words, each at most 75 characters, split on UTF-8 character boundaries.
std::string EncodeHeader(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && end > start && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n': out += "<br>"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// The address inside "Name <a@b>", or the whole text.
std::string AddressOf(std::string_view mailbox) {
  auto open = mailbox.rfind('<');
  auto close = mailbox.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    return std::string(mailbox.substr(open + 1, close - open - 1));
  return std::string(mailbox);
}

std::string RfcDate(Timestamp t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd(day);
  weekday wd(day);
  hh_mm_ss<seconds> hms(floor<seconds>(t - day));
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[wd.c_encoding()],
                     static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()), hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string PlainBody(const Alert& alert) {
  std::string out = fmt::format("P{} · {}: {}\n", alert.priority, alert.brand_name, alert.title);
  if (!alert.summary.empty()) out += "\n" + alert.summary + "\n";
  if (alert.post) {
    const AlertPost& p = *alert.post;
    out += fmt::format("\n{} on {}{}:\n", p.author.empty() ? "someone" : p.author, p.platform,
                       p.rating ? fmt::format(" ({}★)", *p.rating) : "");
    out += "  " + p.text + "\n";
    if (!p.url.empty()) out += "  " + p.url + "\n";
  }
  if (!alert.reasons.empty()) {
    out += "\nWhy:\n";
    for (const auto& r : alert.reasons) out += "  - " + r + "\n";
  }
  if (alert.time_left) out += "\n" + DescribeTimeLeft(*alert.time_left) + "\n";
  if (!alert.link.empty()) out += "\nOpen in odziv: " + alert.link + "\n";
  return out;
}

std::string HtmlBody(const Alert& alert) {
  std::string out = "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">";
  out += fmt::format("<h2>P{} · {}: {}</h2>", alert.priority, EscapeHtml(alert.brand_name), EscapeHtml(alert.title));
  if (!alert.summary.empty()) {
    // A summary's lines (a digest's counts, its worst posts) stay lines.
    std::string summary = EscapeHtml(alert.summary);
    for (std::size_t at = summary.find('\n'); at != std::string::npos; at = summary.find('\n', at + 4))
      summary.replace(at, 1, "<br>");
    out += "<p>" + summary + "</p>";
  }
  if (alert.post) {
    const AlertPost& p = *alert.post;
    out += fmt::format("<p><b>{}</b> on {}{}</p>", EscapeHtml(p.author.empty() ? "someone" : p.author),
                       EscapeHtml(p.platform), p.rating ? fmt::format(" · {}★", *p.rating) : "");
    out += "<blockquote style=\"border-left:3px solid #ccc;padding-left:8px\">" + EscapeHtml(p.text) + "</blockquote>";
  }
  if (!alert.reasons.empty()) {
    out += "<p>Why:</p><ul>";
    for (const auto& r : alert.reasons) out += "<li>" + EscapeHtml(r) + "</li>";
    out += "</ul>";
  }
  if (alert.time_left) out += "<p><b>" + EscapeHtml(DescribeTimeLeft(*alert.time_left)) + "</b></p>";
  // Only http(s) links become links: anything else in a route's configuration stays text.
  if (alert.link.starts_with("https://") || alert.link.starts_with("http://"))
    out += fmt::format("<p><a href=\"{}\">Open in odziv</a></p>", EscapeHtml(alert.link));
  return out + "</body></html>";
}

}  // namespace

std::string ComposeEmail(const Alert& alert, const EmailSettings& settings, Timestamp now) {
  const std::string id = Sha256Hex(alert.dedup_key).substr(0, 32);
  std::string domain = AddressOf(settings.from);
  domain = domain.find('@') != std::string::npos ? domain.substr(domain.find('@') + 1) : "odziv.invalid";
  const std::string boundary = "odziv-" + id;
  std::string to;
  for (const auto& address : settings.to) to += (to.empty() ? "" : ", ") + address;
  std::string m;
  m += "Date: " + RfcDate(now) + "\r\n";
  m += "From: " + settings.from + "\r\n";
  m += "To: " + to + "\r\n";
  m += "Subject: " + EncodeHeader(fmt::format("[{}] P{}: {}", alert.brand_name, alert.priority, alert.title)) + "\r\n";
  m += fmt::format("Message-ID: <{}@{}>\r\n", id, domain);
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "X-Odziv-Alert: " + std::string(AlertKindName(alert.kind)) + "\r\n";
  if (alert.kind == AlertKind::kDigest && !settings.unsubscribe_url.empty()) {
    m += "List-Unsubscribe: <" + settings.unsubscribe_url + ">\r\n";
    if (settings.unsubscribe_url.starts_with("https://")) m += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(PlainBody(alert));
  m += "--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(HtmlBody(alert));
  m += "--" + boundary + "--\r\n";
  return m;
}

namespace {

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t ReadChunk(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

class EmailNotifier final : public Notifier {
 public:
  EmailNotifier(EmailSettings settings, const Clock& clock) : settings_(std::move(settings)), clock_(clock) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Status Send(const Alert& alert) override {
    if (settings_.to.empty()) return Fail(ErrorCode::kConfig, "email route has no recipient");
    const std::string message = ComposeEmail(alert, settings_, clock_.Now());
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Fail(ErrorCode::kInternal, "libcurl could not start");
    const std::string url = fmt::format("{}://{}:{}", settings_.security == SmtpSecurity::kTls ? "smtps" : "smtp",
                                        settings_.host, settings_.port);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_USE_SSL, settings_.security == SmtpSecurity::kNone ? CURLUSESSL_NONE : CURLUSESSL_ALL);
    if (!settings_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    const std::string from = "<" + AddressOf(settings_.from) + ">";
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_slist* recipients = nullptr;
    for (const auto& address : settings_.to) recipients = curl_slist_append(recipients, ("<" + AddressOf(address) + ">").c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients_guard(recipients, &curl_slist_free_all);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
    Upload upload{&message};
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadChunk);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode code = curl_easy_perform(c);
    if (code == CURLE_OK) return {};
    long smtp_code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtp_code);
    std::string what = fmt::format("email via {}:{}: {}{}", settings_.host, settings_.port, curl_easy_strerror(code),
                                   smtp_code ? fmt::format(" (SMTP {})", smtp_code) : "");
    switch (code) {
      case CURLE_LOGIN_DENIED: return Fail(ErrorCode::kUnauthenticated, what);
      case CURLE_USE_SSL_FAILED: return Fail(ErrorCode::kConfig, what + ": the server does not offer STARTTLS");
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
        return Fail(ErrorCode::kUnavailable, what);
      default:
        // 4xx SMTP replies are temporary by definition; 5xx are final for this message.
        if (smtp_code >= 400 && smtp_code < 500) return Fail(ErrorCode::kUnavailable, what);
        return Fail(ErrorCode::kFailedPrecondition, what);
    }
  }

 private:
  EmailSettings settings_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<Notifier> MakeEmailNotifier(EmailSettings settings, const Clock& clock) {
  return std::make_unique<EmailNotifier>(std::move(settings), clock);
}

}  // namespace odziv::responders
