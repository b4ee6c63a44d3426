#include "platforms/paging.h"

#include <cctype>

#include "core/http_client.h"

namespace odziv::platforms {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::map<std::string, std::string> ParseLinkHeader(std::string_view header) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto open = header.find('<', pos);
    if (open == std::string_view::npos) break;
    auto close = header.find('>', open);
    if (close == std::string_view::npos) break;
    std::string url(header.substr(open + 1, close - open - 1));
    // Parameters run to the next link: a ',' outside quotes followed by '<'.
    std::size_t end = close + 1;
    bool quoted = false;
    while (end < header.size()) {
      char c = header[end];
      if (c == '"') quoted = !quoted;
      if (!quoted && c == ',') break;
      ++end;
    }
    std::string_view params = header.substr(close + 1, end - close - 1);
    pos = end + 1;
    while (!params.empty()) {
      auto semi = params.find(';');
      std::string_view param = Trim(params.substr(0, semi));
      params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
      auto eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name(Trim(param.substr(0, eq)));
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name != "rel") continue;
      std::string_view value = Trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      while (!value.empty()) {
        auto space = value.find(' ');
        std::string rel(value.substr(0, space));
        value = space == std::string_view::npos ? std::string_view() : Trim(value.substr(space + 1));
        for (auto& c : rel) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!rel.empty()) out.emplace(rel, url);
      }
    }
  }
  return out;
}

std::optional<std::string> UrlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> QueryParameter(std::string_view url, std::string_view name) {
  auto q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = url.substr(q + 1);
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    auto eq = part.find('=');
    auto key = UrlDecode(part.substr(0, eq));
    if (key && *key == name) return eq == std::string_view::npos ? std::string() : UrlDecode(part.substr(eq + 1));
  }
  return std::nullopt;
}

std::string JoinUrl(std::string_view base_url, std::string_view path,
                    const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out(base_url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (!path.empty() && path.front() != '/') out += '/';
  out += path;
  if (!query.empty()) {
    out += out.find('?') == std::string::npos ? '?' : '&';
    out += UrlQuery(query);
  }
  return out;
}

std::string UrlPath(std::string_view url) {
  auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return "/";
  rest = rest.substr(slash);
  return std::string(rest.substr(0, rest.find('?')));
}

}  // namespace odziv::platforms
