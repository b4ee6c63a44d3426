#include "daemon/http_router.h"

#include <cpprest/json.h>

#include <algorithm>
#include <cctype>

#include "platforms/charset.h"

namespace odziv::daemon {

std::optional<std::string_view> ServerRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  return std::nullopt;
}

ServerResponse ServerResponse::Error(int status, std::string_view code, std::string_view message) {
  web::json::value body = web::json::value::object();
  web::json::value error = web::json::value::object();
  error["code"] = web::json::value::string(std::string(code));
  error["message"] = web::json::value::string(platforms::ReplaceInvalidUtf8(message));
  body["error"] = error;
  ServerResponse response;
  response.status = status;
  response.body = body.serialize();
  return response;
}

ServerResponse ServerResponse::Text(int status, std::string body, std::string content_type) {
  ServerResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (key && value) out[*key] = *value;
  }
  return out;
}

bool SetTarget(ServerRequest& request, std::string_view target) {
  const auto question = target.find('?');
  auto path = PercentDecode(target.substr(0, question), false);
  if (!path || path->empty() || path->front() != '/' || path->find('\0') != std::string::npos) return false;
  request.path = std::move(*path);
  request.query.clear();
  if (question != std::string_view::npos) request.query = ParseQuery(target.substr(question + 1));
  return true;
}

namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!part.empty()) out.emplace_back(part);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

void HttpRouter::Add(std::string method, std::string pattern, RouteHandler handler) {
  std::vector<std::string> segments = Split(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

std::vector<HttpRouter::RouteName> HttpRouter::Routes() const {
  std::vector<RouteName> names;
  names.reserve(routes_.size());
  for (const Route& route : routes_) names.push_back(RouteName{route.method, route.pattern});
  return names;
}

ServerResponse HttpRouter::Dispatch(ServerRequest request) const {
  const std::vector<std::string> parts = Split(request.path);
  std::string allowed;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    bool match = true;
    std::size_t i = 0;
    for (; i < route.segments.size(); ++i) {
      const std::string& seg = route.segments[i];
      if (seg.size() > 5 && seg.front() == '{' && seg.ends_with("...}")) {
        std::string rest;
        for (std::size_t j = i; j < parts.size(); ++j) rest += (j == i ? "" : "/") + parts[j];
        params[seg.substr(1, seg.size() - 5)] = rest;
        i = parts.size();
        break;
      }
      if (i >= parts.size()) {
        match = false;
        break;
      }
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') params[seg.substr(1, seg.size() - 2)] = parts[i];
      else if (seg != parts[i]) {
        match = false;
        break;
      }
    }
    if (!match || i != parts.size()) continue;
    if (route.method != request.method && !(route.method == "GET" && request.method == "HEAD")) {
      allowed += (allowed.empty() ? "" : ", ") + route.method;
      continue;
    }
    request.params = std::move(params);
    try {
      return route.handler(request);
    } catch (const std::exception&) {
      return ServerResponse::Error(500, "internal", "the server failed to answer this request");
    }
  }
  if (!allowed.empty()) {
    ServerResponse response = ServerResponse::Error(405, "method_not_allowed",
                                                    request.method + " is not allowed here; use " + allowed);
    response.headers.emplace_back("Allow", allowed);
    return response;
  }
  return ServerResponse::Error(404, "not_found", "no such resource: " + request.path);
}

}  // namespace odziv::daemon
