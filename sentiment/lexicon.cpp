#include "sentiment/lexicon.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sentiment/embedded_lexicons.h"
#include "sentiment/stemmer.h"
#include "sentiment/tokenizer.h"

namespace odziv::sentiment {

void TermTable::AddPrefix(std::string_view key, float value) {
  prefix_.Insert(key, value);
  min_prefix_ = std::min(min_prefix_, key.size());
  max_prefix_ = std::max(max_prefix_, key.size());
}

const float* TermTable::FindPrefix(std::string_view key) const {
  if (prefix_.size() == 0 || key.size() < min_prefix_) return nullptr;
  std::size_t longest = std::min(key.size(), max_prefix_);
  std::size_t shortest = key.size() > 8 ? std::max(min_prefix_, key.size() - 8) : min_prefix_;
  for (std::size_t n = longest; n >= shortest && n > 0; --n)
    if (const float* v = prefix_.Find(key.substr(0, n))) return v;
  return nullptr;
}

TermTable::Hit TermTable::Find(std::string_view key) const {
  if (const float* v = exact_.Find(key)) return {*v, Match::kExact};
  if (const float* v = FindPrefix(key)) return {*v, Match::kPrefix};
  return {};
}

std::uint32_t Lexicon::CueBits(std::string_view key) const {
  std::uint32_t bits = 0;
  if (const std::uint32_t* b = cue_exact_.Find(key)) bits |= *b;
  if (cue_prefix_.size() && key.size() >= cue_min_prefix_) {
    std::size_t longest = std::min(key.size(), cue_max_prefix_);
    for (std::size_t n = cue_min_prefix_; n <= longest; ++n)
      if (const std::uint32_t* b = cue_prefix_.Find(key.substr(0, n))) bits |= *b;
  }
  return bits;
}

const std::vector<std::uint32_t>* Lexicon::PhrasesStartingWith(std::string_view key) const {
  const std::uint32_t* i = phrase_index_.Find(key);
  return i ? &phrase_lists_[*i] : nullptr;
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParseFloat(std::string_view s, float& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::uint64_t Fnv(std::string_view s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

Result<Lexicon> Lexicon::LoadTexts(const std::vector<std::pair<std::string, std::string>>& files) {
  if (files.empty()) return Fail(ErrorCode::kConfig, "no lexicon files (*.lex) found");
  Lexicon lex;
  Stemmer english(Stemmer::Language::kEnglish), serbian(Stemmer::Language::kSerbian);
  std::uint64_t hash = 1469598103934665603ULL;
  std::vector<std::string> errors;

  for (const auto& [name, text] : files) {
    hash = Fnv(name, Fnv(text, hash));
    Section section = Section::kValenceAny;
    bool have_section = false;
    std::uint32_t cue_bit = 0;
    std::size_t line_no = 0;
    std::istringstream lines(text);
    std::string raw;
    while (std::getline(lines, raw)) {
      ++line_no;
      std::string_view line = Trim(raw);
      if (line.empty() || line.front() == '#') continue;
      auto where = [&] { return fmt::format("{}:{}", name, line_no); };
      if (line.front() == '[') {
        if (line.back() != ']') {
          errors.push_back(where() + ": section header without ']'");
          continue;
        }
        std::string_view head = Trim(line.substr(1, line.size() - 2));
        have_section = true;
        static const std::pair<std::string_view, Section> kNames[] = {
            {"valence en", Section::kValenceEn},     {"valence bcs", Section::kValenceBcs},
            {"valence any", Section::kValenceAny},   {"negation", Section::kNegation},
            {"booster", Section::kBooster},           {"contrast", Section::kContrast},
            {"negation en", Section::kNegationEn},   {"contrast bcs", Section::kContrastBcs},
            {"irony", Section::kIrony},               {"function en", Section::kFunctionEn},
            {"function bcs", Section::kFunctionBcs}, {"variant hr", Section::kVariantHr},
            {"variant sr", Section::kVariantSr},     {"variant bs", Section::kVariantBs},
            {"variant ijekavian", Section::kIjekavian}, {"variant ekavian", Section::kEkavian},
            {"learned en", Section::kLearnedEn},     {"learned bcs", Section::kLearnedBcs},
            {"concession", Section::kConcession}};
        bool found = false;
        for (const auto& [n, s] : kNames)
          if (head == n) { section = s; found = true; }
        if (!found && (head.starts_with("topic ") || head.starts_with("intent "))) {
          std::string cue(head);
          auto it = std::find(lex.cue_names_.begin(), lex.cue_names_.end(), cue);
          if (it == lex.cue_names_.end()) {
            if (lex.cue_names_.size() >= 32) {
              errors.push_back(where() + ": more than 32 topics and intents");
              continue;
            }
            lex.cue_names_.push_back(cue);
            it = lex.cue_names_.end() - 1;
          }
          cue_bit = 1u << static_cast<unsigned>(it - lex.cue_names_.begin());
          section = Section::kCue;
          found = true;
        }
        if (!found) {
          errors.push_back(where() + fmt::format(": unknown section '[{}]'", head));
          have_section = false;
        }
        continue;
      }
      if (!have_section) {
        errors.push_back(where() + ": entry outside a known [section]");
        continue;
      }
      // The value is the last field when it is a number.
      float value = 1.0f;
      std::string_view term = line;
      std::size_t cut = line.find_last_of(" \t");
      if (cut != std::string_view::npos) {
        float v;
        if (ParseFloat(line.substr(cut + 1), v)) {
          value = v;
          term = Trim(line.substr(0, cut));
        }
      }
      if (value < -10 || value > 10) {
        errors.push_back(where() + ": value outside −10…10");
        continue;
      }
      std::string key = FoldKey(term);
      // Collapse inner runs of spaces and tabs.
      std::vector<std::string> words;
      {
        std::string w;
        for (char c : key) {
          if (c == ' ' || c == '\t') {
            if (!w.empty()) words.push_back(std::move(w));
            w.clear();
          } else {
            w.push_back(c);
          }
        }
        if (!w.empty()) words.push_back(std::move(w));
      }
      if (words.empty() || words[0] == "*") {
        errors.push_back(where() + ": empty term");
        continue;
      }
      if (words.size() > 1) {
        if (words[0].back() == '*') {
          errors.push_back(where() + ": a phrase's first word must be a whole word");
          continue;
        }
        Phrase p{words, section, value, section == Section::kCue ? cue_bit : 0};
        auto idx = static_cast<std::uint32_t>(lex.phrases_.size());
        lex.phrases_.push_back(std::move(p));
        std::uint32_t& list = lex.phrase_index_.Insert(words[0], static_cast<std::uint32_t>(lex.phrase_lists_.size()));
        if (list == lex.phrase_lists_.size()) lex.phrase_lists_.emplace_back();
        lex.phrase_lists_[list].push_back(idx);
        continue;
      }
      std::string& w = words[0];
      // "odlič*" is a prefix; ":*" (a kiss) is not: a prefix ends in a letter or digit before the '*'.
      bool prefix = w.size() > 2 && w.back() == '*' && std::isalnum(static_cast<unsigned char>(w[w.size() - 2]));
      if (prefix) w.pop_back();
      if (section == Section::kCue) {
        auto& map = prefix ? lex.cue_prefix_ : lex.cue_exact_;
        map.Insert(w, 0) |= cue_bit;
        if (prefix) {
          lex.cue_min_prefix_ = std::min(lex.cue_min_prefix_, w.size());
          lex.cue_max_prefix_ = std::max(lex.cue_max_prefix_, w.size());
        }
        continue;
      }
      TermTable& table = lex.tables_[static_cast<std::size_t>(section)];
      if (prefix) {
        table.AddPrefix(w, value);
        continue;
      }
      table.AddExact(w, value);
      if (section == Section::kValenceEn || section == Section::kLearnedEn) {
        // Snowball also strips derivational endings ("useful" -> "use", "wonderful" -> "wonder", "exceptional" ->
        // "except", "imaginative" -> "imagin"); such a stem would give the base word the derived word's valence,
        // so only inflectional stems are kept.
        std::string_view stem = english.Stem(w);
        std::string_view rest = std::string_view(w).substr(std::min(stem.size(), w.size()));
        bool derived = w.starts_with(stem) && (rest.starts_with("ful") || rest.starts_with("less") ||
                                               rest.starts_with("ness") || rest.starts_with("abl") ||
                                               rest.starts_with("ibl") || rest.starts_with("ive") ||
                                               rest.starts_with("ativ") || rest.starts_with("ment") ||
                                               rest.starts_with("ous") || rest == "ly" || rest.starts_with("al") ||
                                               rest.starts_with("ion"));
        if (!derived) table.AddStem(stem, value);
      }
      if (section == Section::kValenceBcs || section == Section::kLearnedBcs) table.AddStem(serbian.Stem(w), value);
    }
  }
  if (!errors.empty()) {
    std::string all = errors.front();
    if (errors.size() > 1) all += fmt::format(" (and {} more)", errors.size() - 1);
    return Fail(ErrorCode::kConfig, "lexicon: " + all);
  }
  lex.version_ = fmt::format("lex-{:08x}", static_cast<std::uint32_t>(hash ^ (hash >> 32)));
  return lex;
}

Result<Lexicon> Lexicon::LoadDirectory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".lex") names.push_back(entry.path().string());
  if (ec) return Fail(ErrorCode::kConfig, fmt::format("lexicon directory '{}': {}", dir, ec.message()));
  std::sort(names.begin(), names.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& path : names) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Fail(ErrorCode::kConfig, fmt::format("cannot read lexicon '{}'", path));
    std::ostringstream text;
    text << in.rdbuf();
    files.emplace_back(std::filesystem::path(path).filename().string(), text.str());
  }
  if (files.empty()) return Fail(ErrorCode::kConfig, fmt::format("no *.lex files in '{}'", dir));
  return LoadTexts(files);
}

Result<Lexicon> Lexicon::LoadEmbedded() {
  std::vector<std::pair<std::string, std::string>> files;
  for (std::size_t i = 0; i < kEmbeddedLexiconCount; ++i)
    files.emplace_back(kEmbeddedLexicons[i].name,
                       std::string(kEmbeddedLexicons[i].text, kEmbeddedLexicons[i].size));
  return LoadTexts(files);
}

}  // namespace odziv::sentiment
