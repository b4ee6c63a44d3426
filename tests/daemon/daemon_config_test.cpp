#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "daemon/daemon_config.h"

using namespace odziv;
using namespace odziv::daemon;

namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("odziv_config_test_" + name);
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("LoadDaemonConfig reads the INI file and lets the command line win") {
  std::string file = WriteFile("ok.conf", "db = /tmp/x.db\nlog-level = debug\n[scheduler]\njitter = 0.2\n"
                                          "max-concurrent-polls = 8\n[http-client]\ntimeout = 5\n");
  auto config = LoadDaemonConfig({"--config", file, "--scheduler.max-concurrent-polls", "2"});
  REQUIRE(config);
  CHECK(config->db == "/tmp/x.db");
  CHECK(config->log.level == "debug");
  CHECK(config->scheduler.policy.jitter == Approx(0.2));
  CHECK(config->scheduler.max_concurrent_polls == 2);
  CHECK(config->http_client.default_timeout == std::chrono::seconds(5));
}

TEST_CASE("LoadDaemonConfig gives one platform half of the concurrent polls unless told otherwise") {
  auto defaults = LoadDaemonConfig({});
  REQUIRE(defaults);
  CHECK(defaults->scheduler.max_concurrent_polls == 4);
  CHECK(defaults->scheduler.max_concurrent_polls_per_platform == 2);
  auto odd = LoadDaemonConfig({"--scheduler.max-concurrent-polls", "5"});
  REQUIRE(odd);
  CHECK(odd->scheduler.max_concurrent_polls_per_platform == 3);
  auto one = LoadDaemonConfig({"--scheduler.max-concurrent-polls", "1"});
  REQUIRE(one);
  CHECK(one->scheduler.max_concurrent_polls_per_platform == 1);
  auto set = LoadDaemonConfig({"--scheduler.max-concurrent-polls", "8", "--scheduler.max-concurrent-polls-per-platform", "6"});
  REQUIRE(set);
  CHECK(set->scheduler.max_concurrent_polls_per_platform == 6);
  auto over = LoadDaemonConfig({"--scheduler.max-concurrent-polls-per-platform", "5"});
  REQUIRE_FALSE(over);
  CHECK(over.error().code == ErrorCode::kConfig);
  CHECK(over.error().message.find("scheduler.max-concurrent-polls-per-platform = '5' must be a number from 1 to 4") !=
        std::string::npos);
}

TEST_CASE("LoadDaemonConfig reports every bad value at once as a configuration error") {
  std::string file = WriteFile("bad.conf", "log-level = loud\n[scheduler]\njitter = 3\nmax-concurrent-polls = zero\n");
  auto config = LoadDaemonConfig({"--config", file});
  REQUIRE_FALSE(config);
  CHECK(config.error().code == ErrorCode::kConfig);
  const std::string& m = config.error().message;
  CHECK(m.find("3 problems") != std::string::npos);
  CHECK(m.find("log-level") != std::string::npos);
  CHECK(m.find("scheduler.jitter") != std::string::npos);
  CHECK(m.find("scheduler.max-concurrent-polls") != std::string::npos);
}

TEST_CASE("LoadDaemonConfig refuses unknown keys and unreadable files with the file's name") {
  std::string file = WriteFile("unknown.conf", "[scheduler]\nturbo = yes\n");
  auto unknown = LoadDaemonConfig({"--config", file});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kConfig);
  CHECK(unknown.error().message.find("turbo") != std::string::npos);

  auto garbage = LoadDaemonConfig({"--config", WriteFile("garbage.conf", "[[[\x01\n=\n")});
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == ErrorCode::kConfig);

  auto missing = LoadDaemonConfig({"--config", "/nonexistent/odziv.conf"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("/nonexistent/odziv.conf") != std::string::npos);
}

TEST_CASE("LoadDaemonConfig treats an unknown command-line option as a usage error") {
  auto config = LoadDaemonConfig({"--no-such-option"});
  REQUIRE_FALSE(config);
  CHECK(config.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("LoadDaemonConfig leaves TLS off by default and reports TLS files that cannot be used") {
  auto plain = LoadDaemonConfig({});
  REQUIRE(plain);
  CHECK_FALSE(plain->http_server.tls());
  CHECK(plain->http_server.hsts_max_age == std::chrono::seconds(0));

  std::string file = WriteFile("tls.conf", "[http]\ntls-cert = /nonexistent/odziv-cert.pem\n"
                                           "tls-key = /nonexistent/odziv-key.pem\nhsts-max-age = -1\n");
  auto bad = LoadDaemonConfig({"--config", file});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kConfig);
  CHECK(bad.error().message.find("2 problems") != std::string::npos);
  CHECK(bad.error().message.find("http.hsts-max-age") != std::string::npos);
  CHECK(bad.error().message.find("http.tls-cert = '/nonexistent/odziv-cert.pem' cannot be read") != std::string::npos);

  auto half = LoadDaemonConfig({"--http.tls-key", file});
  REQUIRE_FALSE(half);
  CHECK(half.error().message.find("http.tls-cert and http.tls-key must be set together") != std::string::npos);

  // With no HTTP server the files are not read.
  CHECK(LoadDaemonConfig({"--config", WriteFile("tls_off.conf", "[http]\nlisten = off\ntls-cert = /nonexistent/c.pem\n"
                                                                "tls-key = /nonexistent/k.pem\n")}));
}

TEST_CASE("LoadDaemonConfig reports a web-root the system cannot look at as a problem, not an exception") {
  auto config = LoadDaemonConfig({"--web-root", std::string(5000, 'a')});
  REQUIRE_FALSE(config);
  CHECK(config.error().code == ErrorCode::kConfig);
  CHECK(config.error().message.find("web-root") != std::string::npos);
}

TEST_CASE("LoadDaemonConfig answers input that holds Boost's message placeholders instead of hanging") {
  auto line = LoadDaemonConfig({"--config", WriteFile("percent.conf", "x%invalid_line%y\n")});
  REQUIRE_FALSE(line);
  CHECK(line.error().code == ErrorCode::kConfig);
  CHECK(line.error().message.find("neither KEY = VALUE") != std::string::npos);
  auto key = LoadDaemonConfig({"--config", WriteFile("percent-key.conf", "%canonical_option% = 1\n")});
  REQUIRE_FALSE(key);
  CHECK(key.error().code == ErrorCode::kConfig);
  auto arg = LoadDaemonConfig({"--%canonical_option%", "1"});
  REQUIRE_FALSE(arg);
  CHECK(arg.error().code == ErrorCode::kInvalidArgument);
  auto fine = LoadDaemonConfig({"--config", WriteFile("percent-ok.conf", "db = /tmp/100%.db\n")});
  REQUIRE(fine);
  CHECK(fine->db == "/tmp/100%.db");
}
