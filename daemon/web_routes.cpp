#include "daemon/web_routes.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "daemon/logging.h"

namespace odziv::daemon {

namespace fs = std::filesystem;

namespace {

struct WebFile {
  std::string body;
  std::string content_type;
  std::string etag;  // quoted, as sent
};

using WebFiles = std::map<std::string, WebFile, std::less<>>;  // by path relative to the root, "js/app.js"

std::string ContentTypeOf(const fs::path& path) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},          {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},               {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"}};
  auto found = kTypes.find(path.extension().string());
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

// FNV-1a over the content: stable across restarts, so a browser's cached copy stays valid.
std::string EtagOf(std::string_view body) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return fmt::format("\"{:016x}-{:x}\"", hash, body.size());
}

bool IsInside(const fs::path& path, const fs::path& root) {
  auto [root_end, path_at] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

WebFiles ReadWebRoot(const fs::path& web_root) {
  WebFiles files;
  std::error_code ec;
  fs::path root = fs::canonical(web_root, ec);
  if (ec) return files;
  // Directory symlinks are not followed (the default), so walking cannot leave the root or loop.
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;  // follows a file symlink: checked just below
    fs::path real = fs::canonical(it->path(), file_ec);
    if (file_ec || !IsInside(real, root)) continue;
    std::ifstream in(real, std::ios::binary);
    if (!in) continue;
    WebFile file;
    file.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    file.content_type = ContentTypeOf(real);
    file.etag = EtagOf(file.body);
    files.emplace(it->path().lexically_relative(root).generic_string(), std::move(file));
  }
  return files;
}

// A path relative to the root as a request may name it: segments that are not empty, ".", or "..", no
// backslash (a separator elsewhere), no NUL, not absolute.
bool IsPlainRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

// Whether If-None-Match ("a", W/"a", "b" or *) names `etag`.
bool Matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.find('*') != std::string_view::npos) return true;
  std::size_t start = 0;
  while (start < if_none_match.size()) {
    std::size_t end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string_view tag = if_none_match.substr(start, end - start);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    start = end + 1;
  }
  return false;
}

ServerResponse WithWebHeaders(ServerResponse response) {
  response.headers.emplace_back("Content-Security-Policy", kWebContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  return response;
}

ServerResponse Serve(const WebFile& file, const ServerRequest& request) {
  ServerResponse response;
  response.headers.emplace_back("ETag", file.etag);
  response.headers.emplace_back("Cache-Control", "no-cache");
  if (auto tags = request.Header("If-None-Match"); tags && Matches(*tags, file.etag)) {
    response.status = 304;
    response.content_type = file.content_type;
    return WithWebHeaders(std::move(response));
  }
  response.content_type = file.content_type;
  response.body = file.body;
  return WithWebHeaders(std::move(response));
}

ServerResponse NotFound() {
  return WithWebHeaders(ServerResponse::Text(404, "not found\n"));
}

}  // namespace

fs::path DefaultWebRoot() {
  fs::path installed = ODZIV_INSTALLED_WEB_ROOT;
  std::error_code ec;
  if (fs::is_regular_file(installed / "index.html", ec)) return installed;
  return ODZIV_SOURCE_WEB_ROOT;
}

void AddWebRoutes(HttpRouter& router, fs::path web_root) {
  auto files = std::make_shared<const WebFiles>(ReadWebRoot(web_root));
  auto index = files->find("index.html");
  if (index == files->end()) {
    Logger("web")->warn("no index.html in {}: the web app answers 503 (set web-root)", web_root.string());
  }
  const WebFile* index_file = index == files->end() ? nullptr : &index->second;
  auto app = [files, index_file](const ServerRequest& request) {
    if (index_file == nullptr)
      return WithWebHeaders(ServerResponse::Text(503, "the web app is not installed on this server\n"));
    return Serve(*index_file, request);
  };
  router.Add("GET", "/", app);
  router.Add("GET", "/app/{rest...}", app);
  router.Add("GET", "/static/{file...}", [files](const ServerRequest& request) {
    auto name = request.params.find("file");
    if (name == request.params.end() || !IsPlainRelativePath(name->second)) return NotFound();
    auto file = files->find("static/" + name->second);
    if (file == files->end()) return NotFound();
    return Serve(file->second, request);
  });
}

}  // namespace odziv::daemon
