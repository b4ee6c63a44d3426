#include <catch2/catch.hpp>

#include <cpprest/json.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/score_command.h"

using odziv::daemon::RunScoreCommand;

namespace {
struct Run {
  int status;
  std::string out, err;
};
Run Score(std::vector<std::string> args, const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out, err;
  int status = RunScoreCommand(args, in, out, err);
  return {status, out.str(), err.str()};
}
std::vector<web::json::value> JsonLines(const std::string& out) {
  std::vector<web::json::value> v;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) v.push_back(web::json::value::parse(line));
  return v;
}
}  // namespace

TEST_CASE("odziv score --help lists every option with its default") {
  Run r = Score({"--help"});
  CHECK(r.status == 0);
  for (const char* option : {"--eval", "--format", "--lexicons", "--platform", "--kind", "--lang"})
    CHECK(r.out.find(option) != std::string::npos);
  CHECK(r.out.find("(=auto)") != std::string::npos);
  CHECK(r.out.find("(=mention)") != std::string::npos);
}

TEST_CASE("odziv score rejects unknown options and values with exit 2") {
  CHECK(Score({"--bogus"}).status == 2);
  CHECK(Score({"--format", "xml"}).status == 2);
  CHECK(Score({"--kind", "tweet"}).status == 2);
  Run missing = Score({"/nonexistent/posts.txt"});
  CHECK(missing.status == 2);
  CHECK(missing.err.find("cannot read") != std::string::npos);
}

TEST_CASE("odziv score exits 78 when the lexicons do not load") {
  Run r = Score({"--lexicons", "/nonexistent/lexicons"}, "dobro\n");
  CHECK(r.status == 78);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("odziv score writes one JSON object per plain text line") {
  Run r = Score({}, "Odlična usluga!\nThis is terrible\n\xFF broken\n");
  REQUIRE(r.status == 0);
  auto rows = JsonLines(r.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].at("label").as_string() == "pos");
  CHECK(rows[1].at("label").as_string() == "neg");
  CHECK(rows[1].at("language").as_string() == "en");
  for (const char* field : {"sentiment", "confidence", "script", "topics", "intents", "urgency", "priority", "reasons"})
    CHECK(rows[0].has_field(field));
}

TEST_CASE("odziv score reads JSONL posts with rating, reach and platform") {
  Run r = Score({}, R"({"id":"r1","text":"Hrana je bila hladna, zovem inspekciju","rating":1,"author_reach":12000,"platform":"google_reviews","kind":"review"})"
                    "\nnot json\n");
  CHECK(r.status == 65);
  CHECK(r.err.find(":2: not a JSON post") != std::string::npos);
  auto rows = JsonLines(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].at("id").as_string() == "r1");
  CHECK(rows[0].at("priority").as_string() == "P1");
  CHECK(rows[0].at("urgency_explanation").as_string().find("inspekciju") != std::string::npos);
}

TEST_CASE("odziv score reads the sentiment TSV and evaluates it") {
  const std::string tsv =
      "id\tlang\tsource\tscore\tlabel\ttext\n"
      "t:1\ten\tt\t2.5\tpos\tGreat movie, I loved it\n"
      "t:2\ten\tt\t-3.1\tneg\tAwful and boring\n"
      "t:3\tsr\tt\t0.1\tneu\tFilm počinje u osam\n";
  Run scored = Score({}, tsv);
  REQUIRE(scored.status == 0);
  auto rows = JsonLines(scored.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].at("id").as_string() == "t:1");

  auto path = std::filesystem::temp_directory_path() / "odziv_score_eval_test.tsv";
  std::ofstream(path) << tsv;
  Run eval = Score({"--eval", path.string()});
  std::filesystem::remove(path);
  REQUIRE(eval.status == 0);
  CHECK(eval.out.find("macro-F1") != std::string::npos);
  CHECK(eval.out.find("odziv_score_eval_test") != std::string::npos);
  CHECK(eval.out.find("1.000") != std::string::npos);  // all three right, r = 1-ish
}
