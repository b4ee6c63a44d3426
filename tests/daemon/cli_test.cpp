#include <catch2/catch.hpp>

#include <cpprest/json.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "daemon/command.h"
#include "daemon/exit_status.h"

using namespace odziv::daemon;

namespace {

struct Cli {
  std::string dir;
  std::string db;
  std::string out, err;

  Cli() {
    std::mt19937_64 rng(std::random_device{}());
    dir = (std::filesystem::temp_directory_path() / ("odziv-cli-" + std::to_string(rng()))).string();
    std::filesystem::create_directories(dir);
    db = dir + "/odziv.db";
  }
  ~Cli() { std::filesystem::remove_all(dir); }

  int operator()(std::vector<std::string> args, const std::string& input = "") {
    args.push_back("--db");
    args.push_back(db);
    std::istringstream in(input);
    std::ostringstream o, e;
    int status = RunCli(args, in, o, e);
    out = o.str();
    err = e.str();
    return status;
  }
};

// A replay feed of `posts` posts in the CLI's temporary directory.
std::string Feed(const Cli& cli, int posts = 30) {
  std::string path = cli.dir + "/feed.jsonl";
  std::ofstream out(path);
  for (int i = 0; i < posts; ++i)
    out << R"({"id":"f)" << i << R"(","kind":"review","rating":)" << (i % 5 + 1) << R"(,"text":"recenzija )" << i
        << R"( čekam","author":{"id":"a)" << i << R"(","handle":"@a)" << i << R"("}})" << '\n';
  return path;
}

}  // namespace

TEST_CASE("odziv brand add, list, show, update and remove manage brands") {
  Cli cli;
  REQUIRE(cli({"brand", "add", "zrno", "--name", "Kafeterija Zrno", "--timezone", "Europe/Sarajevo"}) == kExitOk);
  CHECK(cli({"brand", "add", "zrno", "--name", "Again"}) == kExitFailure);
  CHECK(cli.err.find("zrno") != std::string::npos);
  REQUIRE(cli({"brand", "list", "--json"}) == kExitOk);
  auto list = web::json::value::parse(cli.out);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["slug"].as_string() == "zrno");
  CHECK(list[0]["timezone"].as_string() == "Europe/Sarajevo");
  REQUIRE(cli({"brand", "update", "zrno", "--name", "Zrno"}) == kExitOk);
  REQUIRE(cli({"brand", "show", "zrno", "--json"}) == kExitOk);
  CHECK(web::json::value::parse(cli.out)["name"].as_string() == "Zrno");
  CHECK(cli({"brand", "add", "x", "--name", "X", "--timezone", "Mars/Olympus"}) == kExitUsage);
  CHECK(cli.err.find("Mars/Olympus") != std::string::npos);
  REQUIRE(cli({"brand", "remove", "zrno"}) == kExitOk);
  CHECK(cli({"brand", "show", "zrno"}) == kExitFailure);
}

TEST_CASE("odziv source commands refuse unknown platforms and pasted secrets") {
  Cli cli;
  REQUIRE(cli({"brand", "add", "zrno", "--name", "Zrno"}) == kExitOk);
  CHECK(cli({"source", "add", "s", "--brand", "zrno", "--platform", "myspace"}) == kExitUsage);
  CHECK(cli.err.find("myspace") != std::string::npos);
  CHECK(cli({"source", "add", "s", "--brand", "zrno", "--platform", "replay", "--set", "token=sk-live-123"}) ==
        kExitUsage);
  CHECK(cli.err.find("sk-live-123") == std::string::npos);
  CHECK(cli({"source", "add", "s", "--brand", "zrno", "--platform", "replay", "--set", "token=env:ZRNO_TOKEN"}) ==
        kExitOk);
  CHECK(cli({"source", "add", "t", "--brand", "nobody", "--platform", "replay"}) == kExitFailure);
}

TEST_CASE("odziv poll --once stores posts, skips what it already has, and the cursor survives") {
  Cli cli;
  REQUIRE(cli({"brand", "add", "zrno", "--name", "Zrno"}) == kExitOk);
  REQUIRE(cli({"source", "add", "demo", "--brand", "zrno", "--platform", "replay", "--set", "file=" + Feed(cli), "--set",
               "batch=5"}) == kExitOk);
  REQUIRE(cli({"poll", "demo", "--once", "--json"}) == kExitOk);
  auto first = web::json::value::parse(cli.out);
  CHECK(first["fetched"].as_integer() == 5);
  CHECK(first["inserted"].as_integer() == 5);
  CHECK(first["cursor_after"].as_string() == "1:5");
  REQUIRE(cli({"poll", "demo", "--once", "--json"}) == kExitOk);
  CHECK(web::json::value::parse(cli.out)["cursor_before"].as_string() == "1:5");
  REQUIRE(cli({"posts", "list", "--brand", "zrno", "--json", "--limit", "100"}) == kExitOk);
  auto posts = web::json::value::parse(cli.out)["posts"];
  CHECK(posts.size() == 10);
  // Rewinding the cursor refetches the same posts: stored once.
  REQUIRE(cli({"source", "remove", "demo"}) == kExitOk);
  REQUIRE(cli({"source", "add", "demo", "--brand", "zrno", "--platform", "replay", "--set", "file=" + Feed(cli), "--set",
               "batch=10"}) == kExitOk);
  REQUIRE(cli({"poll", "demo", "--once", "--json"}) == kExitOk);
  auto again = web::json::value::parse(cli.out);
  CHECK(again["inserted"].as_integer() == 0);
  CHECK(again["unchanged"].as_integer() + again["refreshed"].as_integer() == 10);
}

TEST_CASE("odziv poll --once reports a broken source and records it in the source's health") {
  Cli cli;
  REQUIRE(cli({"brand", "add", "zrno", "--name", "Zrno"}) == kExitOk);
  REQUIRE(cli({"source", "add", "gone", "--brand", "zrno", "--platform", "replay", "--set",
               "file=/nonexistent/posts.jsonl"}) == kExitOk);
  CHECK(cli({"poll", "gone", "--once"}) == kExitConfig);
  CHECK(cli.err.find("/nonexistent/posts.jsonl") != std::string::npos);
  REQUIRE(cli({"source", "show", "gone", "--json"}) == kExitOk);
  auto source = web::json::value::parse(cli.out);
  CHECK(source["health"].as_string() == "needs_human");
  REQUIRE(cli({"source", "resume", "gone"}) == kExitOk);
  REQUIRE(cli({"source", "show", "gone", "--json"}) == kExitOk);
  CHECK(web::json::value::parse(cli.out)["health"].as_string() == "ok");
}

TEST_CASE("odziv config export and import round-trip brands and sources") {
  Cli cli;
  REQUIRE(cli({"brand", "add", "zrno", "--name", "Zrno", "--timezone", "Europe/Zagreb", "--settings",
               R"({"sla":{"policies":[{"name":"p1","max_priority":1,"minutes":60}]}})"}) == kExitOk);
  REQUIRE(cli({"source", "add", "demo", "--brand", "zrno", "--platform", "replay", "--set", "file=" + Feed(cli),
               "--interval", "30"}) == kExitOk);
  REQUIRE(cli({"config", "export"}) == kExitOk);
  const std::string exported = cli.out;

  Cli other;
  std::filesystem::create_directories(other.dir);
  REQUIRE(other({"config", "import", "-", "--dry-run"}, exported) == kExitOk);
  CHECK(other.out.find("dry run: 2 added") != std::string::npos);
  REQUIRE(other({"brand", "list", "--json"}) == kExitOk);
  CHECK(web::json::value::parse(other.out).size() == 0);
  REQUIRE(other({"config", "import", "-"}, exported) == kExitOk);
  REQUIRE(other({"config", "export"}) == kExitOk);
  CHECK(other.out == exported);
  REQUIRE(other({"config", "import", "-"}, exported) == kExitOk);
  CHECK(other.out.find("0 added, 2 updated") != std::string::npos);
}

TEST_CASE("odziv config import checks the whole document first and changes nothing when it is wrong") {
  Cli cli;
  const std::string bad = R"({"odziv_config":1,"brands":[
      {"slug":"ok","name":"OK","sources":[{"name":"s1","platform":"replay","settings":{"file":"x"}}]},
      {"slug":"Bad Slug","name":"x"},
      {"slug":"b2","name":"B2","timezone":"Nowhere/City","sources":[{"name":"s2","platform":"friendster"}]}]})";
  CHECK(cli({"config", "import", "-"}, bad) == kExitFailure);
  CHECK(cli.err.find("3 problem(s)") != std::string::npos);
  CHECK(cli.err.find("friendster") != std::string::npos);
  REQUIRE(cli({"brand", "list", "--json"}) == kExitOk);
  CHECK(web::json::value::parse(cli.out).size() == 0);
  CHECK(cli({"config", "import", "-"}, "{not json") == kExitFailure);
  CHECK(cli({"config", "import", "-"}, R"({"odziv_config":99,"brands":[]})") == kExitFailure);
  CHECK(cli.err.find("99") != std::string::npos);
}

TEST_CASE("odziv prints help for every command and exits 2 on unknown ones") {
  Cli cli;
  for (std::vector<std::string> words : std::vector<std::vector<std::string>>{
           {"brand", "add"}, {"brand", "list"}, {"source", "add"}, {"source", "update"}, {"config", "import"},
           {"poll"}, {"posts", "list"}, {"run"}, {"cases", "list"}, {"cases", "show"}, {"cases", "close"},
           {"cases", "assign"}, {"audit", "unanswered"}, {"user", "add"}, {"user", "list"}}) {
    words.push_back("--help");
    INFO(words[0]);
    CHECK(cli(words) == kExitOk);
    CHECK(cli.out.find("Usage: odziv") != std::string::npos);
    CHECK(cli.out.find("--db") != std::string::npos);
  }
  CHECK(cli({"nonsense"}) == kExitUsage);
  CHECK(cli({"brand", "fly"}) == kExitUsage);
}
