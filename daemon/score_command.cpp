#include "daemon/score_command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include <boost/program_options.hpp>
#include <cpprest/json.h>
#include <fmt/format.h>

#include "daemon/json_text.h"
#include "sentiment/evaluation.h"
#include "sentiment/judge.h"

namespace odziv::daemon {
namespace {

namespace po = boost::program_options;
using sentiment::EvalMetrics;
using sentiment::EvalSet;
using sentiment::Judge;
using sentiment::JudgeInput;

constexpr int kExitUsage = 2;
constexpr int kExitData = 65;
constexpr int kExitConfig = 78;

void AppendJsonList(std::string& out, const std::vector<std::string>& items) {
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    AppendJsonString(out, items[i]);
  }
  out.push_back(']');
}

std::string AssessmentJson(const std::string& id, const Assessment& a) {
  std::string out = "{";
  if (!id.empty()) {
    out += "\"id\":";
    AppendJsonString(out, id);
    out += ",";
  }
  out += fmt::format("\"sentiment\":{:.4f},\"label\":\"{}\",\"confidence\":{:.2f},", a.sentiment,
                     SentimentLabelName(a.label), a.confidence);
  out += "\"language\":";
  AppendJsonString(out, a.language);
  out += ",\"script\":";
  AppendJsonString(out, a.script);
  out += ",\"topics\":";
  AppendJsonList(out, a.topics);
  out += ",\"intents\":";
  AppendJsonList(out, a.intents);
  out += fmt::format(",\"urgency\":{},\"priority\":\"P{}\",\"urgency_explanation\":", a.urgency, a.priority);
  AppendJsonString(out, a.urgency_explanation);
  out += ",\"reasons\":";
  AppendJsonList(out, a.reasons);
  out += ",\"model_version\":";
  AppendJsonString(out, a.model_version);
  out += "}";
  return out;
}

enum class Format { kAuto, kText, kJsonl, kTsv };

struct TsvColumns {
  int id = -1, lang = -1, score = -1, label = -1, text = -1;
};

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> f;
  std::size_t start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    f.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return f;
}

std::optional<TsvColumns> ParseTsvHeader(std::string_view line) {
  TsvColumns c;
  auto fields = SplitTabs(line);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto f = fields[i];
    int idx = static_cast<int>(i);
    if (f == "id") c.id = idx;
    else if (f == "lang") c.lang = idx;
    else if (f == "score") c.score = idx;
    else if (f == "label") c.label = idx;
    else if (f == "text") c.text = idx;
  }
  if (c.text < 0) return std::nullopt;
  return c;
}

struct Source {
  std::string name;  // file name, or "-" for standard input
  std::istream* stream;
};

std::string BaseName(const std::string& path) {
  std::string b = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (b.size() > 4 && b.ends_with(".tsv")) b.resize(b.size() - 4);
  return b;
}

int Evaluate(const Judge& judge, const std::vector<Source>& sources, std::ostream& out, std::ostream& err) {
  std::map<std::string, EvalSet> pooled;
  out << fmt::format("{:<32} {:<5} {:>6} {:>8} {:>8} {:>7} {:>10}\n", "file", "lang", "n", "accuracy",
                     "macro-F1", "r", "texts/s");
  int status = 0;
  for (const Source& src : sources) {
    std::string line;
    if (!std::getline(*src.stream, line)) {
      err << "odziv score: " << src.name << ": empty input\n";
      status = kExitData;
      continue;
    }
    auto cols = ParseTsvHeader(line);
    if (!cols || cols->label < 0) {
      err << "odziv score: " << src.name << ": --eval needs a TSV with header 'id lang source score label text'\n";
      status = kExitData;
      continue;
    }
    // Read everything first so that the timing covers judging only.
    std::vector<std::string> lines;
    while (std::getline(*src.stream, line)) lines.push_back(std::move(line));
    struct Row {
      std::string_view lang, score, text;
      SentimentLabel gold;
    };
    std::vector<Row> rows;
    std::string lang_seen;
    std::size_t line_no = 1;
    for (const std::string& l : lines) {
      ++line_no;
      if (l.empty()) continue;
      auto f = SplitTabs(l);
      auto get = [&](int c) { return c >= 0 && static_cast<std::size_t>(c) < f.size() ? f[static_cast<std::size_t>(c)] : std::string_view(); };
      auto gold = sentiment::ParseSentimentLabel(get(cols->label));
      if (!gold) {
        err << fmt::format("odziv score: {}:{}: label is not neg/neu/pos\n", src.name, line_no);
        status = kExitData;
        continue;
      }
      rows.push_back({get(cols->lang), get(cols->score), get(cols->text), *gold});
      if (lang_seen.empty()) lang_seen = std::string(get(cols->lang));
      else if (lang_seen != get(cols->lang)) lang_seen = "mixed";
    }
    EvalSet set;
    // Judged twice: the first pass fills the per-thread word cache as a running daemon has it filled;
    // the second is timed (one thread) and is the speed reported.
    std::vector<sentiment::SentimentScore> scores;
    scores.reserve(rows.size());
    for (const Row& r : rows) scores.push_back(judge.Score(r.text, r.lang));
    // CPU time of this thread, not wall time: the speed of one core even on a busy machine.
    double start = ThreadCpuSeconds();
    for (std::size_t i = 0; i < rows.size(); ++i) scores[i] = judge.Score(rows[i].text, rows[i].lang);
    double seconds = ThreadCpuSeconds() - start;
    for (std::size_t i = 0; i < rows.size(); ++i) set.Add(rows[i].gold, rows[i].score, scores[i].score, scores[i].label);
    EvalMetrics m = set.Finish();
    out << fmt::format("{:<32} {:<5} {:>6} {:>8.3f} {:>8.3f} {:>7} {:>10.0f}\n", BaseName(src.name), lang_seen, m.n,
                       m.accuracy, m.macro_f1, m.pearson ? fmt::format("{:.3f}", *m.pearson) : "-",
                       seconds > 0 ? static_cast<double>(rows.size()) / seconds : 0.0);
    pooled[lang_seen].Merge(set);
  }
  if (sources.size() > 1) {
    for (const auto& [lang, set] : pooled) {
      EvalMetrics m = set.Finish();
      out << fmt::format("{:<32} {:<5} {:>6} {:>8.3f} {:>8.3f} {:>7}\n", "pooled " + lang, lang, m.n, m.accuracy,
                         m.macro_f1, m.pearson ? fmt::format("{:.3f}", *m.pearson) : "-");
    }
  }
  return status;
}

std::optional<std::int64_t> JsonInt(const web::json::value& obj, const char* key) {
  if (!obj.has_field(key)) return std::nullopt;
  const auto& v = obj.at(key);
  if (!v.is_number()) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(v.as_double()));
}

std::string JsonString(const web::json::value& obj, const char* key) {
  if (!obj.has_field(key) || !obj.at(key).is_string()) return {};
  return obj.at(key).as_string();
}

int ScorePosts(const Judge& judge, const std::vector<Source>& sources, Format format, const JudgeInput& defaults,
               std::ostream& out, std::ostream& err) {
  int status = 0;
  std::string line, buffer;
  for (const Source& src : sources) {
    Format f = format;
    std::optional<TsvColumns> cols;
    std::size_t line_no = 0;
    while (std::getline(*src.stream, line)) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (f == Format::kAuto) {
        if (line.starts_with("id\t") && (cols = ParseTsvHeader(line))) {
          f = Format::kTsv;
          continue;
        }
        f = !line.empty() && line.front() == '{' ? Format::kJsonl : Format::kText;
      }
      if (f == Format::kTsv && !cols) {
        cols = ParseTsvHeader(line);
        if (!cols) {
          err << fmt::format("odziv score: {}: TSV without a 'text' column in its header\n", src.name);
          status = kExitData;
          break;
        }
        continue;
      }
      JudgeInput input = defaults;
      std::string id, text, lang, platform;
      if (f == Format::kText) {
        input.text = line;
      } else if (f == Format::kTsv) {
        auto fields = SplitTabs(line);
        auto get = [&](int c) { return c >= 0 && static_cast<std::size_t>(c) < fields.size() ? std::string(fields[static_cast<std::size_t>(c)]) : std::string(); };
        id = get(cols->id);
        text = get(cols->text);
        lang = get(cols->lang);
        input.text = text;
        if (!lang.empty()) input.language_hint = lang;
      } else {
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        try {
          web::json::value v = web::json::value::parse(line);
          if (!v.is_object() || !v.has_field("text") || !v.at("text").is_string())
            throw std::runtime_error("no \"text\" string");
          text = v.at("text").as_string();
          id = JsonString(v, "id");
          if (id.empty())
            if (auto n = JsonInt(v, "id")) id = std::to_string(*n);
          lang = JsonString(v, "lang");
          platform = JsonString(v, "platform");
          input.text = text;
          if (!lang.empty()) input.language_hint = lang;
          if (!platform.empty()) input.platform = platform;
          if (auto k = ParsePostKind(JsonString(v, "kind"))) input.kind = *k;
          if (auto r = JsonInt(v, "rating"); r && *r >= 1 && *r <= 5) input.rating = static_cast<int>(*r);
          if (auto r = JsonInt(v, "author_reach")) input.author_reach = *r;
          if (auto r = JsonInt(v, "likes")) input.engagement.likes = *r;
          if (auto r = JsonInt(v, "replies")) input.engagement.replies = *r;
          if (auto r = JsonInt(v, "shares")) input.engagement.shares = *r;
          if (auto r = JsonInt(v, "age_seconds")) input.age = std::chrono::seconds(*r);
          if (auto r = JsonInt(v, "repeat_complaints")) input.repeat_complaints = static_cast<int>(*r);
        } catch (const std::exception& e) {
          err << fmt::format("odziv score: {}:{}: not a JSON post ({})\n", src.name, line_no, e.what());
          status = kExitData;
          continue;
        }
      }
      Assessment a = judge.Assess(input);
      buffer = AssessmentJson(id, a);
      buffer.push_back('\n');
      out << buffer;
    }
  }
  return status;
}

}  // namespace

int RunScoreCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  po::options_description options("odziv score [options] [FILE...]\n\nJudges posts and writes one JSON object per post.\nOptions");
  options.add_options()
      ("help,h", "print this help and exit")
      ("eval", po::bool_switch(), "compare with the gold labels of sentiment TSV files and print n, accuracy, "
                                  "macro-F1, Pearson r and texts per CPU-second (one thread) per file and pooled per language")
      ("format", po::value<std::string>()->default_value("auto"),
       "input format: auto (TSV if the first line is a TSV header, JSONL if it starts with '{', else text), "
       "text, jsonl or tsv")
      ("lexicons", po::value<std::string>()->default_value(""),
       "directory of *.lex files to judge with instead of the lexicons built into odziv")
      ("platform", po::value<std::string>()->default_value(""), "platform of every post (urgency weights differ)")
      ("kind", po::value<std::string>()->default_value("mention"), "kind of every post: mention, comment, review, message")
      ("lang", po::value<std::string>()->default_value(""), "language hint for every post (en, bs, hr, sr)");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>()->default_value({}, ""), "input files");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    err << "odziv score: " << e.what() << " (see odziv score --help)\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    out << options << "\nFILE '-' or no FILE reads standard input. Exit status: 0 done, 2 usage error, "
                      "65 some input lines unreadable, 78 lexicons do not load.\n";
    return 0;
  }
  Format format;
  const std::string& fmt_name = vm["format"].as<std::string>();
  if (fmt_name == "auto") format = Format::kAuto;
  else if (fmt_name == "text") format = Format::kText;
  else if (fmt_name == "jsonl") format = Format::kJsonl;
  else if (fmt_name == "tsv") format = Format::kTsv;
  else {
    err << "odziv score: --format must be auto, text, jsonl or tsv\n";
    return kExitUsage;
  }
  JudgeInput defaults;
  const std::string& kind_name = vm["kind"].as<std::string>();
  auto kind = ParsePostKind(kind_name);
  if (!kind) {
    err << "odziv score: --kind must be mention, comment, review or message\n";
    return kExitUsage;
  }
  defaults.kind = *kind;
  const std::string platform = vm["platform"].as<std::string>();
  const std::string lang = vm["lang"].as<std::string>();
  defaults.platform = platform;
  defaults.language_hint = lang;

  const std::string& dir = vm["lexicons"].as<std::string>();
  Result<sentiment::Lexicon> lexicon = dir.empty() ? sentiment::Lexicon::LoadEmbedded() : sentiment::Lexicon::LoadDirectory(dir);
  if (!lexicon) {
    err << "odziv score: " << Describe(lexicon.error()) << "\n";
    return kExitConfig;
  }
  Result<Judge> judge = Judge::Create(std::move(*lexicon));
  if (!judge) {
    err << "odziv score: " << Describe(judge.error()) << "\n";
    return kExitConfig;
  }

  std::vector<std::string> files = vm["file"].as<std::vector<std::string>>();
  if (files.empty()) files.push_back("-");
  std::vector<std::unique_ptr<std::ifstream>> opened;
  std::vector<Source> sources;
  for (const std::string& f : files) {
    if (f == "-") {
      sources.push_back({"-", &in});
      continue;
    }
    auto s = std::make_unique<std::ifstream>(f, std::ios::binary);
    if (!*s) {
      err << "odziv score: cannot read '" << f << "'\n";
      return kExitUsage;
    }
    sources.push_back({f, s.get()});
    opened.push_back(std::move(s));
  }
  if (vm["eval"].as<bool>()) return Evaluate(*judge, sources, out, err);
  return ScorePosts(*judge, sources, format, defaults, out, err);
}

}  // namespace odziv::daemon
