#include "daemon/web_routes.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

namespace {

void Write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A web root with an index page, a script and a stylesheet, and beside it a secret the routes must not serve.
struct Fixture {
  fs::path dir;
  fs::path root;
  HttpRouter router;

  Fixture() {
    std::random_device random;
    dir = fs::temp_directory_path() / ("odziv-web-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    root = dir / "web";
    Write(root / "index.html", "<!doctype html><title>odziv</title>");
    Write(root / "static" / "app.js", "export const x = 1;\n");
    Write(root / "static" / "app.css", "body { margin: 0 }\n");
    Write(root / "static" / "sub" / "x.js", "");
    Write(dir / "secret.txt", "do not serve me");
    fs::create_directories(dir / "outside");
    Write(dir / "outside" / "more.txt", "nor me");
    fs::create_symlink(dir / "secret.txt", root / "static" / "secret.txt");
    fs::create_directory_symlink(dir / "outside", root / "static" / "outside");
    fs::create_symlink(root / "static" / "app.css", root / "static" / "alias.css");  // inside: fine
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  ServerResponse Get(std::string path, HttpHeaders headers = {}) {
    AddRoutesOnce();
    ServerRequest request;
    request.method = "GET";
    request.path = std::move(path);
    request.headers = std::move(headers);
    return router.Dispatch(std::move(request));
  }

 private:
  bool added_ = false;
  void AddRoutesOnce() {
    if (!added_) AddWebRoutes(router, root);
    added_ = true;
  }
};

std::optional<std::string> HeaderOf(const ServerResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return std::nullopt;
}

}  // namespace

TEST_CASE("Web routes answer the app's own routes with index.html") {
  Fixture f;
  for (const char* path : {"/", "/app", "/app/queue", "/app/cases/42", "/app/settings/zrno/sources"}) {
    INFO(path);
    ServerResponse response = f.Get(path);
    CHECK(response.status == 200);
    CHECK(response.content_type == "text/html; charset=utf-8");
    CHECK(response.body == "<!doctype html><title>odziv</title>");
  }
}

TEST_CASE("Web routes serve static files with their content type and the security headers") {
  Fixture f;
  ServerResponse js = f.Get("/static/app.js");
  CHECK(js.status == 200);
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  CHECK(js.body == "export const x = 1;\n");
  CHECK(f.Get("/static/app.css").content_type == "text/css; charset=utf-8");
  CHECK(f.Get("/static/alias.css").body == "body { margin: 0 }\n");
  for (const char* path : {"/", "/app/queue", "/static/app.js", "/static/nope.js"}) {
    INFO(path);
    ServerResponse response = f.Get(path);
    CHECK(HeaderOf(response, "Content-Security-Policy") ==
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    CHECK(HeaderOf(response, "X-Content-Type-Options") == "nosniff");
    CHECK(HeaderOf(response, "Referrer-Policy") == "same-origin");
  }
  CHECK(HeaderOf(js, "Cache-Control") == "no-cache");
}

TEST_CASE("Web routes answer 304 to an If-None-Match that names the file's ETag, and the file otherwise") {
  Fixture f;
  ServerResponse first = f.Get("/static/app.js");
  auto etag = HeaderOf(first, "ETag");
  REQUIRE(etag);
  CHECK(etag->front() == '"');
  ServerResponse again = f.Get("/static/app.js", {{"If-None-Match", *etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(HeaderOf(again, "ETag") == etag);
  CHECK(f.Get("/static/app.js", {{"If-None-Match", "\"other\", W/" + *etag}}).status == 304);
  ServerResponse changed = f.Get("/static/app.js", {{"If-None-Match", "\"other\""}});
  CHECK(changed.status == 200);
  CHECK(changed.body == "export const x = 1;\n");
  CHECK(f.Get("/", {{"If-None-Match", *HeaderOf(f.Get("/"), "ETag")}}).status == 304);
  CHECK(HeaderOf(f.Get("/static/app.css"), "ETag") != etag);
}

TEST_CASE("Web routes answer 404 for an unknown static file") {
  Fixture f;
  CHECK(f.Get("/static/missing.js").status == 404);
  CHECK(f.Get("/static/").status == 404);
  CHECK(f.Get("/static/sub").status == 404);  // a folder is not a file
}

TEST_CASE("Web routes refuse paths that climb out of the root, and symlinks that lead out of it") {
  Fixture f;
  for (const char* path : {"/static/../secret.txt", "/static/../../secret.txt", "/static/./app.js", "/static/../index.html",
                           "/static/sub/..", "/static/..\\secret.txt", "/static/static\\app.js"}) {
    INFO(path);
    ServerResponse response = f.Get(path);
    CHECK(response.status == 404);
    CHECK(response.body.find("do not serve me") == std::string::npos);
  }
  CHECK(f.Get(std::string("/static/app.js\0.css", 19)).status == 404);
  CHECK(f.Get("/static/secret.txt").status == 404);
  CHECK(f.Get("/static/outside/more.txt").status == 404);
}

TEST_CASE("Web routes answer 503 when the root has no index.html") {
  Fixture f;
  fs::remove(f.root / "index.html");
  ServerResponse response = f.Get("/app/queue");
  CHECK(response.status == 503);
  CHECK(HeaderOf(response, "Content-Security-Policy"));
}
