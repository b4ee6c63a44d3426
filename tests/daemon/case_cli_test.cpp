// `odziv user`, `odziv cases` and brand settings validation, in-process as the binary runs them.
#include <catch2/catch.hpp>
#include <cpprest/json.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <sstream>

#include "daemon/command.h"
#include "daemon/exit_status.h"

using namespace odziv::daemon;

namespace {

struct Cli {
  std::filesystem::path dir;
  std::string out, err;

  Cli() {
    std::random_device random;
    dir = std::filesystem::temp_directory_path() /
          ("odziv-case-cli-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(dir);
  }
  ~Cli() { std::filesystem::remove_all(dir); }

  int operator()(std::vector<std::string> args, const std::string& input = "") {
    args.push_back("--db");
    args.push_back((dir / "odziv.db").string());
    std::istringstream in(input);
    std::ostringstream o, e;
    const int status = RunCli(args, in, o, e);
    out = o.str();
    err = e.str();
    return status;
  }
};

}  // namespace

TEST_CASE("odziv brand add and update refuse SLA and triage settings they cannot read, naming the key") {
  Cli cli;
  CHECK(cli({"brand", "add", "zrno", "--name", "Zrno", "--settings", R"({"sla":{"business_hours":{"mon":"8-16"}}})"}) ==
        kExitUsage);
  CHECK(cli.err.find("settings.sla.business_hours.mon") != std::string::npos);
  REQUIRE(cli({"brand", "add", "zrno", "--name", "Zrno", "--timezone", "Europe/Sarajevo", "--settings",
               R"({"sla":{"business_hours":{"mon-fri":"08:00-16:00"}}})"}) == kExitOk);
  CHECK(cli({"brand", "update", "zrno", "--settings", R"({"triage":{"answer_max_rating":9}})"}) == kExitUsage);
  CHECK(cli.err.find("settings.triage.answer_max_rating") != std::string::npos);
  const std::string bad_import = R"({"odziv_config":1,"brands":[
      {"slug":"kafa","name":"Kafa","settings":{"sla":{"policies":[]}}}]})";
  CHECK(cli({"config", "import", "-"}, bad_import) == kExitFailure);
  CHECK(cli.err.find("settings.sla.policies") != std::string::npos);
}

TEST_CASE("odziv user add and list keep brands, roles, languages and platforms") {
  Cli cli;
  REQUIRE(cli({"brand", "add", "zrno", "--name", "Zrno"}) == kExitOk);
  REQUIRE(cli({"user", "add", "amra", "--name", "Amra Hadžić", "--email", "amra@example.com", "--brand", "zrno:lead",
               "--languages", "bs,en", "--platforms", "x,google"}) == kExitOk);
  CHECK(cli({"user", "add", "amra", "--name", "Again"}) == kExitFailure);
  CHECK(cli({"user", "add", "boris", "--name", "Boris", "--brand", "zrno:boss"}) == kExitUsage);
  CHECK(cli({"user", "add", "boris", "--name", "Boris", "--brand", "nobody"}) == kExitFailure);
  CHECK(cli({"user", "add", "Bad Login", "--name", "X"}) == kExitFailure);
  REQUIRE(cli({"user", "list", "--json"}) == kExitOk);
  auto users = web::json::value::parse(cli.out);
  REQUIRE(users.size() == 1);
  CHECK(users[0]["brands"]["zrno"].as_string() == "lead");
  CHECK(users[0]["languages"].size() == 2);
  REQUIRE(cli({"user", "list"}) == kExitOk);
  CHECK(cli.out.find("zrno:lead") != std::string::npos);
}

TEST_CASE("odziv cases commands refuse unknown cases, states and reasons") {
  Cli cli;
  CHECK(cli({"cases", "show", "42"}) == kExitFailure);
  CHECK(cli.err.find("no case with id 42") != std::string::npos);
  CHECK(cli({"cases", "show", "forty-two"}) == kExitUsage);
  CHECK(cli({"cases", "list", "--state", "lost"}) == kExitUsage);
  CHECK(cli({"cases", "close", "42", "--reason", "bored"}) == kExitUsage);
  CHECK(cli.err.find("resolved_privately") != std::string::npos);
  CHECK(cli({"cases", "assign", "42"}) == kExitUsage);
  REQUIRE(cli({"cases", "list", "--json"}) == kExitOk);
  CHECK(web::json::value::parse(cli.out)["cases"].size() == 0);
  REQUIRE(cli({"audit", "unanswered", "--json"}) == kExitOk);
  CHECK(web::json::value::parse(cli.out)["count"].as_integer() == 0);
  CHECK(cli({"audit", "unanswered", "--since", "yesterday"}) == kExitUsage);
  CHECK(cli({"audit", "everything"}) == kExitUsage);
}
