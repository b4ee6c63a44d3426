#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "judge_fixture.h"
#include "sentiment/evaluation.h"

using namespace odziv;
using namespace odziv::sentiment;
using namespace odziv::sentiment::testing;

constexpr auto kNeg = SentimentLabel::kNegative;
constexpr auto kNeu = SentimentLabel::kNeutral;
constexpr auto kPos = SentimentLabel::kPositive;

TEST_CASE("Binary gold is decided by the sign of the score, and zero is a miss") {
  EvalSet set;
  set.Add(kPos, "Positive", 0.01, kNeu);  // sign says pos: a hit although the label is neutral
  set.Add(kNeg, "Negative", -0.3, kNeg);
  set.Add(kNeg, "Negative", 0.0, kNeu);   // no answer: a miss
  set.Add(kPos, "Positive", -0.2, kNeg);
  EvalMetrics m = set.Finish();
  CHECK(m.binary);
  CHECK(m.n == 4);
  CHECK(m.accuracy == Approx(0.5));
  // pos: tp 1, fn 1, fp 0 -> F1 2/3; neg: tp 1, fn 1, fp 1 -> F1 1/2; neutral is not a gold class.
  CHECK(m.macro_f1 == Approx((2.0 / 3 + 0.5) / 2));
  CHECK_FALSE(m.pearson);
}

TEST_CASE("Three-class gold is compared with labels and macro-F1 covers the gold classes") {
  EvalSet set;
  set.Add(kPos, "1.5", 0.5, kPos);
  set.Add(kNeu, "0.2", 0.01, kNeu);
  set.Add(kNeg, "-2.5", -0.6, kNeg);
  set.Add(kNeg, "-1.5", 0.02, kNeu);
  EvalMetrics m = set.Finish();
  CHECK_FALSE(m.binary);
  CHECK(m.accuracy == Approx(0.75));
  REQUIRE(m.pearson);
  CHECK(*m.pearson > 0.8);
}

TEST_CASE("Pooled sets keep each file's rule") {
  EvalSet binary, three, pooled;
  binary.Add(kPos, "Positive", 0.01, kNeu);
  three.Add(kPos, "+1", 0.01, kNeu);
  three.Add(kNeu, "+NS", 0.0, kNeu);
  pooled.Merge(binary);
  pooled.Merge(three);
  CHECK(pooled.Finish().accuracy == Approx(2.0 / 3));
}

namespace {

// The goals of issue 3 on the dev split. `floor` is what this version measured (minus a small margin):
// the test fails when judging gets worse than that, and warns while a goal is not yet reached.
// vader_* and crofireda's train rows are training data of the learned lexicons (learned_*.lex), so their
// numbers are partly in-sample; see docs/judging.md.
struct Goal {
  const char* file;
  double f1_goal, f1_floor;
  double r_goal, r_floor;  // 0 when r is not measured
};

const Goal kGoals[] = {
    {"vader_movie", 0.50, 0.51, 0.50, 0.66},
    {"vader_nyt", 0.60, 0.59, 0.55, 0.585},
    {"uci_amazon", 0.85, 0.88, 0, 0},
    {"uci_imdb", 0.80, 0.845, 0, 0},
    {"mozetic_tweets_en", 0.78, 0.775, 0, 0},
    {"mozetic_tweets_bs", 0.78, 0.735, 0, 0},
    {"mozetic_tweets_hr", 0.78, 0.69, 0, 0},
    {"mozetic_tweets_sr", 0.78, 0.695, 0, 0},
    {"senticomments_sr", 0.60, 0.60, 0, 0},
    {"crofireda", 0.55, 0.58, 0, 0},
};

std::filesystem::path DataDir() { return std::filesystem::path(ODZIV_SOURCE_DIR) / ".." / "shared" / "data" / "sentiment"; }

EvalMetrics EvaluateFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header: id lang source score label text
  EvalSet set;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::size_t start = 0;
    for (int k = 0; k < 5; ++k) {
      std::size_t tab = line.find('\t', start);
      if (tab == std::string::npos) break;
      f.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
    if (f.size() < 5) continue;
    auto gold = ParseSentimentLabel(f[4]);
    if (!gold) continue;
    SentimentScore s = TheJudge().Score(std::string_view(line).substr(start), f[1]);
    set.Add(*gold, f[3], s.score, s.label);
  }
  return set.Finish();
}

}  // namespace

TEST_CASE("The judging goals hold on the dev data sets") {
  if (!std::filesystem::exists(DataDir() / "vader_movie.tsv")) {
    WARN("skipped: no ../shared/data/sentiment next to the repository");
    return;
  }
  for (const Goal& g : kGoals) {
    EvalMetrics m = EvaluateFile(DataDir() / (std::string(g.file) + ".tsv"));
    INFO(g.file << ": macro-F1 " << m.macro_f1 << (m.pearson ? " r " + std::to_string(*m.pearson) : std::string()));
    CHECK(m.macro_f1 >= g.f1_floor);
    if (m.macro_f1 < g.f1_goal) WARN(g.file << ": macro-F1 " << m.macro_f1 << " is below the goal " << g.f1_goal);
    if (g.r_goal > 0) {
      REQUIRE(m.pearson);
      CHECK(*m.pearson >= g.r_floor);
      if (*m.pearson < g.r_goal) WARN(g.file << ": r " << *m.pearson << " is below the goal " << g.r_goal);
    }
  }
  // The Cyrillic and ASCII copies of SentiComments must score within 0.02 of the original.
  double original = EvaluateFile(DataDir() / "senticomments_sr.tsv").macro_f1;
  CHECK(std::abs(EvaluateFile(DataDir() / "senticomments_sr_cyrl.tsv").macro_f1 - original) <= 0.02);
  CHECK(std::abs(EvaluateFile(DataDir() / "senticomments_sr_ascii.tsv").macro_f1 - original) <= 0.02);
}
