#include "daemon/logging.h"

#include <cpprest/json.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/secret.h"
#include "daemon/json_text.h"

using odziv::ErrorCode;
using odziv::daemon::LogFormat;
using odziv::daemon::Logger;
using odziv::daemon::LogOptions;
using odziv::daemon::RedactSecrets;
using odziv::daemon::RegisterSecret;
using odziv::daemon::SetUpLogging;

namespace {

// Sends every line to `lines` at the given level, format and journal setting.
void Capture(std::vector<std::string>& lines, std::string level, LogFormat format, bool journal) {
  LogOptions options;
  options.level = std::move(level);
  options.format = format;
  options.journal = journal;
  options.write_line = [&lines](std::string_view line) { lines.emplace_back(line); };
  REQUIRE(SetUpLogging(options));
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

TEST_CASE("SetUpLogging rejects an unknown level or format with kConfig naming the choices") {
  LogOptions options;
  options.level = "verbose";
  auto status = SetUpLogging(options);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == ErrorCode::kConfig);
  CHECK(Contains(status.error().message, "'verbose'"));
  CHECK(Contains(status.error().message, "debug"));

  auto format = odziv::daemon::ParseLogFormat("yaml");
  REQUIRE_FALSE(format);
  CHECK(format.error().code == ErrorCode::kConfig);
  CHECK(Contains(format.error().message, "auto, text, json"));
  CHECK(odziv::daemon::ParseLogFormat("json").value() == LogFormat::kJson);
  CHECK(odziv::daemon::ParseLogFormat("text").value() == LogFormat::kText);
  CHECK(odziv::daemon::ParseLogFormat("auto").value() == LogFormat::kAuto);
}

TEST_CASE("Logger returns one logger per component, all writing through one sink") {
  std::vector<std::string> lines;
  Capture(lines, "info", LogFormat::kText, false);
  auto scheduler = Logger("scheduler");
  CHECK(scheduler == Logger("scheduler"));
  CHECK(scheduler != Logger("store"));
  CHECK(scheduler->sinks() == Logger("store")->sinks());
  CHECK(Logger("")->name() == "odziv");
  scheduler->info("polled {} sources", 3);
  Logger("store")->info("wrote a batch");
  REQUIRE(lines.size() == 2);
  CHECK(Contains(lines[0], "scheduler: polled 3 sources"));
  CHECK(Contains(lines[1], "store: wrote a batch"));
}

TEST_CASE("Text lines carry a UTC timestamp, the level and the component") {
  std::vector<std::string> lines;
  Capture(lines, "info", LogFormat::kText, false);
  Logger("scheduler")->warn("source {} answered 429", "x/acme");
  REQUIRE(lines.size() == 1);
  const std::string& line = lines[0];
  // 2026-11-23T13:44:13.123Z warn  scheduler: source x/acme answered 429
  REQUIRE(line.size() > 25);
  CHECK(line[4] == '-');
  CHECK(line[10] == 'T');
  CHECK(line[23] == 'Z');
  CHECK(line.substr(24) == " warn  scheduler: source x/acme answered 429\n");
}

TEST_CASE("Under the journal, lines start with the syslog priority and carry no timestamp") {
  std::vector<std::string> lines;
  Capture(lines, "trace", LogFormat::kAuto, true);
  auto log = Logger("http");
  log->trace("t");
  log->debug("d");
  log->info("i");
  log->warn("w");
  log->error("e");
  log->critical("c");
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "<7>http: t\n");
  CHECK(lines[1] == "<7>http: d\n");
  CHECK(lines[2] == "<6>http: i\n");
  CHECK(lines[3] == "<4>http: w\n");
  CHECK(lines[4] == "<3>http: e\n");
  CHECK(lines[5] == "<2>http: c\n");

  lines.clear();
  Capture(lines, "info", LogFormat::kJson, true);
  log->error("e");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("<3>{\"ts\":"));
}

TEST_CASE("Lines below the configured level are dropped, and a reload changes the level of existing loggers") {
  std::vector<std::string> lines;
  auto log = Logger("level-test");
  Capture(lines, "warn", LogFormat::kText, false);
  log->info("hidden");
  log->warn("shown");
  CHECK(lines.size() == 1);
  Capture(lines, "debug", LogFormat::kText, false);
  log->debug("now shown");
  CHECK(lines.size() == 2);
  Capture(lines, "off", LogFormat::kText, false);
  log->critical("hidden too");
  CHECK(lines.size() == 2);
}

TEST_CASE("JSON lines are one valid, escaped object each") {
  std::vector<std::string> lines;
  Capture(lines, "debug", LogFormat::kJson, false);
  const std::string text = "say \"hi\" \\ back\nnew line\ttab \x01 čekam Ђ 😀 bad\xC3(";
  Logger("x")->debug("{}", text);
  REQUIRE(lines.size() == 1);
  const std::string& line = lines[0];
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  auto parsed = web::json::value::parse(line.substr(0, line.size() - 1));
  CHECK(parsed.at("level").as_string() == "debug");
  CHECK(parsed.at("component").as_string() == "x");
  CHECK(parsed.at("ts").as_string().size() == 24);
  CHECK(parsed.at("msg").as_string() == "say \"hi\" \\ back\nnew line\ttab \x01 čekam Ђ 😀 bad\xEF\xBF\xBD(");
  CHECK(Contains(line, "\\\"hi\\\""));
  CHECK(Contains(line, "\\u0001"));
}

TEST_CASE("A newline in a message cannot forge a journal record") {
  std::vector<std::string> lines;
  Capture(lines, "info", LogFormat::kAuto, true);
  Logger("pipeline")->info("post text: {}", "ok\n<3>fake: database destroyed\r");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "<6>pipeline: post text: ok\\n<3>fake: database destroyed\\r\n");
}

TEST_CASE("Registered secrets never appear in log lines, even at debug level") {
  std::vector<std::string> lines;
  const std::string token = "xoxb-1234-5678-AbCdEfGhIjKl";
  const std::string odd = "p@ss/w+rd=9";
  RegisterSecret(token);
  RegisterSecret(odd);
  RegisterSecret("abc");  // too short to register: ordinary words stay readable
  for (LogFormat format : {LogFormat::kText, LogFormat::kJson, LogFormat::kAuto}) {
    lines.clear();
    Capture(lines, "trace", format, format == LogFormat::kAuto);
    Logger("slack")->debug("posting with {} to channel abc", token);
    Logger("slack")->trace("GET /feed?key={}&sig={}", odd, "p%40ss%2Fw%2Brd%3D9");
    Logger("slack")->debug("{}{}", token, token);
    REQUIRE(lines.size() == 3);
    for (const auto& line : lines) {
      CHECK_FALSE(Contains(line, "AbCdEfGhIjKl"));
      CHECK_FALSE(Contains(line, "w+rd"));
      CHECK_FALSE(Contains(line, "w%2Brd"));
      CHECK(Contains(line, "[redacted]"));
    }
    CHECK(Contains(lines[0], "posting with [redacted] to channel abc"));
  }
}

TEST_CASE("Values resolved by ResolveSecret are registered automatically once logging is set up") {
  std::vector<std::string> lines;
  Capture(lines, "debug", LogFormat::kText, false);
  ::setenv("ODZIV_LOGGING_TEST_TOKEN", "mastodon-9f8e7d6c5b4a", 1);
  auto value = odziv::ResolveSecret("env:ODZIV_LOGGING_TEST_TOKEN");
  REQUIRE(value);
  Logger("mastodon")->debug("resolved token {}", *value);
  REQUIRE(lines.size() == 1);
  CHECK_FALSE(Contains(lines[0], "9f8e7d6c5b4a"));
  CHECK(Contains(lines[0], "resolved token [redacted]"));
}

TEST_CASE("Credential patterns are masked in any case and form") {
  CHECK(RedactSecrets("Authorization: Bearer eyJhbGciOi.J9.abc-_x") == "Authorization: Bearer [redacted]");
  CHECK(RedactSecrets("authorization: basic dXNlcjpwYXNz") == "authorization: basic [redacted]");
  CHECK(RedactSecrets("Authorization: dXNlcjpwYXNz") == "Authorization: [redacted]");
  CHECK(RedactSecrets(R"({"Authorization":"Bot MTk4NjIy.Gx"})") == R"({"Authorization":"Bot [redacted]"})");
  CHECK(RedactSecrets("curl -H 'authorization: BEARER tok123456' https://x") ==
        "curl -H 'authorization: BEARER [redacted]' https://x");
  CHECK(RedactSecrets("GET /me?access_token=EAAB12345&fields=id") == "GET /me?access_token=[redacted]&fields=id");
  CHECK(RedactSecrets("refresh_token=r1r2r3; id_token=i1i2") == "refresh_token=[redacted]; id_token=[redacted]");
  CHECK(RedactSecrets(R"({"access_token": "AT-99", "token_type": "bearer"})") ==
        R"({"access_token": "[redacted]", "token_type": "bearer"})");
  CHECK(RedactSecrets("smtp login password=hunter2 user=ops") == "smtp login password=[redacted] user=ops");
  CHECK(RedactSecrets(R"({"password":"with space \" and quote"})") == R"({"password":"[redacted]"})");
  CHECK(RedactSecrets("PASSWORD: Zima2026!") == "PASSWORD: [redacted]");
  CHECK(RedactSecrets("client_secret=cs_1&api_key=ak_2&X-Api-Key: k3") ==
        "client_secret=[redacted]&api_key=[redacted]&X-Api-Key: [redacted]");
  CHECK(RedactSecrets("POST https://hooks.slack.com/services/T0001/B0002/XXXXyyyyZZZZ failed: 404") ==
        "POST https://hooks.slack.com/services/[redacted] failed: 404");
  CHECK(RedactSecrets("connecting to postgresql://odziv:s3cr3t@db.internal:5432/odziv") ==
        "connecting to postgresql://odziv:[redacted]@db.internal:5432/odziv");
  CHECK(RedactSecrets("smtps://mailer:p%40ss@mail.example.com") == "smtps://mailer:[redacted]@mail.example.com");
}

TEST_CASE("Redaction leaves ordinary text alone") {
  const std::vector<std::string> plain = {
      "polled source x/acme: 12 new posts, cursor 1723:55",
      "token_type=bearer",
      "secrets file /etc/odziv/secrets.env is readable",
      "secret reference 'env:' names no variable",
      "narudžba kasni 2 sata, tokeni nisu problem",
      "https://example.com/path?q=1",
      "user@example.com wrote to support",
      "",
  };
  for (const auto& text : plain) CHECK(RedactSecrets(text) == text);
}

TEST_CASE("JournalStreamMatches compares the device and inode of a descriptor") {
  auto path = std::filesystem::temp_directory_path() / fmt::format("odziv_journal_test_{}", ::getpid());
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  struct stat st {};
  REQUIRE(::fstat(fd, &st) == 0);
  const std::string matching = fmt::format("{}:{}", st.st_dev, st.st_ino);
  CHECK(odziv::daemon::JournalStreamMatches(matching, fd));
  CHECK_FALSE(odziv::daemon::JournalStreamMatches(fmt::format("{}:{}", st.st_dev, st.st_ino + 1), fd));
  CHECK_FALSE(odziv::daemon::JournalStreamMatches("garbage", fd));
  CHECK_FALSE(odziv::daemon::JournalStreamMatches(matching + "x", fd));
  CHECK_FALSE(odziv::daemon::JournalStreamMatches(matching, -1));
  ::close(fd);
  std::filesystem::remove(path);

  ::unsetenv("JOURNAL_STREAM");
  CHECK_FALSE(odziv::daemon::StderrIsJournal());
}

TEST_CASE("Loggers can be used from several threads while logging is reconfigured, one whole line per call") {
  std::vector<std::string> lines;
  Capture(lines, "info", LogFormat::kText, false);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      auto log = Logger(fmt::format("worker-{}", t));
      for (int i = 0; i < 200; ++i) log->info("line {} of worker {} with access_token=tok{}", i, t, i);
    });
  }
  LogOptions options;
  options.level = "info";
  options.journal = false;
  options.write_line = [&lines](std::string_view line) { lines.emplace_back(line); };
  for (int i = 0; i < 20; ++i) {
    options.format = i % 2 ? LogFormat::kJson : LogFormat::kText;
    REQUIRE(SetUpLogging(options));
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(lines.size() == 800);
  for (const auto& line : lines) {
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(Contains(line, "access_token=[redacted]"));
  }
}

TEST_CASE("SetSecretObserver sees every value ResolveSecret returns, and an empty function removes it") {
  std::vector<std::string> seen;
  odziv::SetSecretObserver([&seen](std::string_view value) { seen.emplace_back(value); });
  ::setenv("ODZIV_LOGGING_TEST_OBSERVED", "observed-value-1", 1);
  REQUIRE(odziv::ResolveSecret("env:ODZIV_LOGGING_TEST_OBSERVED"));
  CHECK_FALSE(odziv::ResolveSecret("env:ODZIV_LOGGING_TEST_UNSET_VARIABLE"));
  CHECK(seen == std::vector<std::string>{"observed-value-1"});
  odziv::SetSecretObserver({});
  REQUIRE(odziv::ResolveSecret("env:ODZIV_LOGGING_TEST_OBSERVED"));
  CHECK(seen.size() == 1);
  std::vector<std::string> lines;
  Capture(lines, "info", LogFormat::kText, false);  // puts RegisterSecret back as the observer
}

TEST_CASE("AppendJsonString writes a JSON string that parses back to the text, with bad bytes as U+FFFD",
          "[logging]") {
  const std::string text = "\"quoted\" \\ tab\t line\n bell\x07 \xC4\x8D" "ekam \xD1\x85\xD0\xB8\xD1\x82\xD0\xBD\xD0\xBE";
  std::string out;
  odziv::daemon::AppendJsonString(out, text);
  CHECK(web::json::value::parse(out).as_string() == text);

  std::string broken;
  odziv::daemon::AppendJsonString(broken, "a\xFF" "b");
  CHECK(broken == "\"a\xEF\xBF\xBD" "b\"");
  CHECK(web::json::value::parse(broken).as_string() == "a\xEF\xBF\xBD" "b");
}
