#include "tests/platforms/fake_platform_server.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace odziv::platforms::testing {

std::string ReceivedRequest::Header(std::string_view name) const {
  if (!headers.is_object()) return {};
  for (const auto& [key, value] : headers.as_object()) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(key[i])) != std::tolower(static_cast<unsigned char>(name[i]))) same = false;
    if (same && value.is_string()) return value.as_string();
  }
  return {};
}

FakePlatformServer& FakePlatformServer::Shared() {
  static FakePlatformServer server;
  return server;
}

FakePlatformServer::FakePlatformServer() {
  std::string script = std::string(ODZIV_SOURCE_DIR) + "/tests/fake_platform/fake_platform.py";
  std::string data = std::string(ODZIV_SOURCE_DIR) + "/tests/data";
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<std::string> args = {"python3", script, "--data", data};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) throw std::runtime_error("cannot start python3 for the fake platform server");
  // Wait for "READY http://127.0.0.1:PORT\n".
  std::string line;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  close(fds[0]);
  if (!line.starts_with("READY ")) throw std::runtime_error("fake platform server did not start: " + line);
  url_ = line.substr(6);
  HttpClientOptions options;
  options.default_timeout = std::chrono::milliseconds(10000);
  http_ = MakeCpprestHttpClient(options);
}

FakePlatformServer::~FakePlatformServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

web::json::value FakePlatformServer::Control(std::string_view path, const web::json::value& body) {
  HttpRequest request;
  request.method = body.is_null() ? "GET" : "POST";
  request.url = url_ + std::string(path);
  if (!body.is_null()) {
    request.body = body.serialize();
    request.headers.emplace_back("Content-Type", "application/json");
  }
  auto response = http_->Send(request);
  if (!response) FAIL("fake platform control " << path << ": " << response.error().message);
  if (response->status != 200) FAIL("fake platform control " << path << " answered " << response->status << ": " << response->body);
  return web::json::value::parse(response->body);
}

void FakePlatformServer::Reset() { Control("/_fake/reset", web::json::value::object()); }

void FakePlatformServer::Load(std::string_view file) {
  web::json::value body = web::json::value::object();
  body["file"] = web::json::value::string(std::string(file));
  Control("/_fake/load", body);
}

void FakePlatformServer::Route(const web::json::value& route) { Control("/_fake/route", route); }
void FakePlatformServer::Fault(const web::json::value& fault) { Control("/_fake/fault", fault); }
void FakePlatformServer::Synthetic(const web::json::value& args) { Control("/_fake/synthetic", args); }
void FakePlatformServer::Gzip(bool enabled) {
  web::json::value body = web::json::value::object();
  body["enabled"] = web::json::value::boolean(enabled);
  Control("/_fake/gzip", body);
}

void FakePlatformServer::EnableReplies(const web::json::value& args) { Control("/_fake/replies", args); }
web::json::value FakePlatformServer::Replies() { return Control("/_fake/replies", web::json::value::null()); }
void FakePlatformServer::Release() { Control("/_fake/release", web::json::value::object()); }

std::vector<ReceivedRequest> FakePlatformServer::Requests() {
  auto list = Control("/_fake/requests", web::json::value::null());
  std::vector<ReceivedRequest> out;
  for (const auto& r : list.as_array())
    out.push_back({r.at("method").as_string(), r.at("path").as_string(), r.at("query").as_string(),
                   r.at("body").as_string(), r.at("headers")});
  return out;
}

std::size_t FakePlatformServer::Count(std::string_view method, std::string_view path) {
  std::size_t n = 0;
  for (const auto& r : Requests())
    if (r.method == method && r.path == path) ++n;
  return n;
}

web::json::value Json(std::string_view text) { return web::json::value::parse(std::string(text)); }

std::string ReadTestData(std::string_view relative) {
  std::string path = std::string(ODZIV_SOURCE_DIR) + "/tests/data/" + std::string(relative);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string CassetteBody(std::string_view relative, std::size_t index) {
  auto doc = web::json::value::parse(ReadTestData(relative));
  const auto& response = doc.at("interactions").as_array().at(index).at("response");
  const auto& body = response.at("body");
  return body.is_string() ? body.as_string() : body.serialize();
}

HttpClient& TestHttp() {
  static std::unique_ptr<HttpClient> client = [] {
    HttpClientOptions options;
    options.threads = 2;
    options.default_timeout = std::chrono::milliseconds(2000);
    return MakeCpprestHttpClient(options);
  }();
  return *client;
}

}  // namespace odziv::platforms::testing
