// sentiment_speed FILE.tsv…: how many posts per second one core judges, per file and over the tweet files
// (mozetic_*: tweet-length posts), for the three depths of judging side by side in the same run:
//   tokenize  the tokenizer alone: the ceiling, what reading the text costs before any judging;
//   score     Judge::Score: sentiment only (what `odziv score --eval` times);
//   assess    Judge::Assess: the full judgement with reasons, topics, intents and urgency as strings.
// Each pass runs over the file's texts after one warm-up pass (the per-thread word cache filled, as in a
// running daemon); the best of kRounds rounds of thread CPU time counts, so that other processes on a
// shared machine disturb the figures as little as possible. bench/sentiment/run calls it.
//
// sentiment_speed --count score|assess ROUNDS FILE.tsv…: runs only that pass, ROUNDS times, and prints
// nothing else: for counting instructions, which a busy machine does not disturb, e.g.
//   valgrind --tool=callgrind sentiment_speed --count assess 3 FILE… minus the same with 1 round.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sentiment/judge.h"
#include "sentiment/tokenizer.h"

namespace {

using odziv::sentiment::Judge;
using odziv::sentiment::JudgeInput;

constexpr int kRounds = 5;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Post {
  std::string lang, text;
};

// The `lang` and `text` columns of a sentiment TSV (header `id lang source score label text`).
bool ReadTsv(const std::string& path, std::vector<Post>& posts) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) return false;
  int lang_col = -1, text_col = -1, col = 0;
  for (std::size_t start = 0;; ++col) {
    std::size_t tab = line.find('\t', start);
    std::string_view f = std::string_view(line).substr(start, tab == std::string::npos ? std::string::npos : tab - start);
    if (f == "lang") lang_col = col;
    if (f == "text") text_col = col;
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  if (text_col < 0) return false;
  while (std::getline(in, line)) {
    Post p;
    col = 0;
    for (std::size_t start = 0;; ++col) {
      std::size_t tab = line.find('\t', start);
      std::string f = line.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
      if (col == lang_col) p.lang = f;
      if (col == text_col) p.text = std::move(f);
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    posts.push_back(std::move(p));
  }
  return true;
}

// Best thread-CPU seconds of kRounds runs of `pass` (after one untimed warm-up run).
template <class F>
double BestSeconds(F&& pass) {
  pass();
  double best = 1e300;
  for (int r = 0; r < kRounds; ++r) {
    double start = ThreadCpuSeconds();
    pass();
    best = std::min(best, ThreadCpuSeconds() - start);
  }
  return best;
}

struct Rates {
  std::size_t posts = 0, bytes = 0;
  double tokenize = 0, score = 0, assess = 0;  // seconds
};

void PrintRow(std::string_view name, const Rates& r) {
  auto rate = [&](double s) { return s > 0 ? static_cast<double>(r.posts) / s : 0.0; };
  fmt::print("{:<26} {:>6} {:>6.0f} {:>11.0f} {:>11.0f} {:>11.0f} {:>8.2f} {:>8.2f}\n", name, r.posts,
             r.posts ? static_cast<double>(r.bytes) / static_cast<double>(r.posts) : 0.0, rate(r.tokenize),
             rate(r.score), rate(r.assess), r.assess > 0 ? r.tokenize / r.assess : 0.0,
             r.assess > 0 ? r.score / r.assess : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string count_pass;
  int count_rounds = 0;
  if (argc >= 4 && std::string_view(argv[1]) == "--count") {
    count_pass = argv[2];
    count_rounds = std::atoi(argv[3]);
    argv += 3;
    argc -= 3;
  }
  if (argc < 2 || (!count_pass.empty() && count_pass != "score" && count_pass != "assess")) {
    std::fprintf(stderr, "usage: sentiment_speed [--count score|assess ROUNDS] FILE.tsv...\n");
    return 2;
  }
  auto lexicon = odziv::sentiment::Lexicon::LoadEmbedded();
  if (!lexicon) {
    std::fprintf(stderr, "sentiment_speed: %s\n", odziv::Describe(lexicon.error()).c_str());
    return 78;
  }
  auto judge = Judge::Create(std::move(*lexicon));
  if (!judge) return 78;

  if (!count_pass.empty()) {
    std::vector<Post> posts;
    for (int f = 1; f < argc; ++f)
      if (!ReadTsv(argv[f], posts)) return 2;
    std::size_t sink = 0;
    for (int r = 0; r < count_rounds; ++r)
      for (const Post& p : posts) {
        if (count_pass == "score") {
          sink += judge->Score(p.text, p.lang).evidence;
        } else {
          JudgeInput in;
          in.text = p.text;
          in.language_hint = p.lang;
          sink += judge->Assess(in).reasons.size();
        }
      }
    return sink == 0 && count_rounds > 0 ? 1 : 0;
  }
  fmt::print("{:<26} {:>6} {:>6} {:>11} {:>11} {:>11} {:>8} {:>8}\n", "file", "posts", "bytes", "tokenize/s",
             "score/s", "assess/s", "a÷tok", "a÷score");
  Rates tweets;
  odziv::sentiment::TokenizedText tokens;
  std::size_t sink = 0;  // keeps the passes from being optimised away
  for (int f = 1; f < argc; ++f) {
    std::vector<Post> posts;
    if (!ReadTsv(argv[f], posts)) {
      std::fprintf(stderr, "sentiment_speed: cannot read a TSV with a 'text' column from '%s'\n", argv[f]);
      return 2;
    }
    Rates r;
    r.posts = posts.size();
    for (const Post& p : posts) r.bytes += p.text.size();
    r.tokenize = BestSeconds([&] {
      for (const Post& p : posts) {
        odziv::sentiment::Tokenize(p.text, tokens);
        sink += tokens.tokens.size();
      }
    });
    r.score = BestSeconds([&] {
      for (const Post& p : posts) sink += judge->Score(p.text, p.lang).label == odziv::SentimentLabel::kPositive;
    });
    r.assess = BestSeconds([&] {
      for (const Post& p : posts) {
        JudgeInput in;
        in.text = p.text;
        in.language_hint = p.lang;
        sink += judge->Assess(in).reasons.size();
      }
    });
    std::string name = argv[f];
    name = name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
    if (name.ends_with(".tsv")) name.resize(name.size() - 4);
    PrintRow(name, r);
    if (name.starts_with("mozetic_")) {
      tweets.posts += r.posts;
      tweets.bytes += r.bytes;
      tweets.tokenize += r.tokenize;
      tweets.score += r.score;
      tweets.assess += r.assess;
    }
  }
  if (tweets.posts) PrintRow("all tweets (mozetic_*)", tweets);
  return sink == 0 ? 1 : 0;
}
