// Lexicon: every word list judging uses (valences, negators, boosters, contrast and irony markers,
// language evidence, topic and intent cues), loaded once from the project's text files (`*.lex`, format in
// docs/judging.md) and immutable afterwards. Keys are folded by FoldKey, so an entry written "čekam",
// "cekam" or "чекам" is the same entry.
//
// File format, one entry per line:
//   # a comment
//   [valence bcs]            a section; every entry below belongs to it
//   odličan        3.0       word, then its value (valence −4…+4, booster factor …); value defaults to 1
//   odlič*         3.0       '*' at the end: every word that starts so (BCS morphology)
//   ne valja      -2.0       several words: a phrase (first word exact, later words may end in '*')
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "sentiment/flat_string_map.h"

namespace odziv::sentiment {

class Stemmer;

// One section's single-word entries: exact words, prefixes ("odlič*"), and the stems of the exact words.
class TermTable {
 public:
  enum class Match : std::uint8_t { kNone, kExact, kStem, kPrefix };
  struct Hit {
    float value = 0;
    Match match = Match::kNone;
  };

  void AddExact(std::string_view key, float value) { exact_.Insert(key, value); }
  void AddPrefix(std::string_view key, float value);
  void AddStem(std::string_view stem, float value) { stem_.Insert(stem, value); }

  const float* FindExact(std::string_view key) const { return exact_.Find(key); }
  const float* FindStem(std::string_view stem) const { return stem_.Find(stem); }
  // The longest prefix entry that `key` starts with (prefix entries match only keys longer by ≤ 8 bytes).
  const float* FindPrefix(std::string_view key) const;
  // Exact, then prefix: enough for cues and rules, whose entries carry their own '*'.
  Hit Find(std::string_view key) const;
  std::size_t size() const { return exact_.size() + prefix_.size(); }

 private:
  FlatStringMap<float> exact_, prefix_, stem_;
  std::size_t min_prefix_ = 64, max_prefix_ = 0;
};

// Where a section's entries go.
enum class Section : std::uint8_t {
  kValenceEn, kValenceBcs, kValenceAny,  // polarity of words and emoji, −4 … +4
  kNegation,                             // flips the polarity of the next words in the clause
  kNegationEn,                           // negates in English posts only ("no" is "but" in BCS)
  kBooster,                              // multiplies the next valence word: 1.3 = "very", 0.6 = "slightly"
  kContrast,                             // "but": what follows weighs more than what went before
  kContrastBcs,                          // contrast in BCS posts only ("no")
  kConcession,                           // "although", "despite": the clause it opens weighs less than the rest
  kIrony,                                // "#sarcasm", "yeah right": positive text reads negative
  kFunctionEn, kFunctionBcs,             // common words that tell the language
  kVariantHr, kVariantSr, kVariantBs, kIjekavian, kEkavian,  // tell Croatian, Serbian, Bosnian apart
  kLearnedEn, kLearnedBcs,               // learned word weights (learned_*.lex), for words no hand list knows
  kCue,                                  // a topic or an intent; which one is in Phrase::cue / cue bits
};

struct Phrase {
  std::vector<std::string> words;        // folded; a word ending in '*' is a prefix
  Section section = Section::kValenceAny;
  float value = 0;
  std::uint32_t cues = 0;                // for Section::kCue: one bit per cue id
};

class Lexicon {
 public:
  // Loads every `*.lex` file in `dir` (in name order). kConfig error naming file and line on a bad entry,
  // an unknown section, or a directory without lexicons.
  static Result<Lexicon> LoadDirectory(const std::string& dir);
  // The lexicons compiled into the binary at build time (sentiment/lexicons/*.lex).
  static Result<Lexicon> LoadEmbedded();
  // From (file name, contents) pairs; what both of the above use, and what tests use.
  static Result<Lexicon> LoadTexts(const std::vector<std::pair<std::string, std::string>>& files);

  const TermTable& table(Section s) const { return tables_[static_cast<std::size_t>(s)]; }
  // Cue bits of a single word (exact or prefix entries of every [topic …] and [intent …] section).
  std::uint32_t CueBits(std::string_view key) const;
  const std::vector<std::string>& cue_names() const { return cue_names_; }  // "topic delivery", …
  // Phrases whose first word is `key`, as indices into phrases(); nullptr when none.
  const std::vector<std::uint32_t>* PhrasesStartingWith(std::string_view key) const;
  const std::vector<Phrase>& phrases() const { return phrases_; }
  // Short hash of every file's contents: tells judgements made with different lexicons apart.
  const std::string& version() const { return version_; }

 private:
  static constexpr std::size_t kSections = static_cast<std::size_t>(Section::kCue) + 1;
  std::vector<TermTable> tables_ = std::vector<TermTable>(kSections);
  FlatStringMap<std::uint32_t> cue_exact_, cue_prefix_;
  std::size_t cue_min_prefix_ = 64, cue_max_prefix_ = 0;
  std::vector<std::string> cue_names_;
  FlatStringMap<std::uint32_t> phrase_index_;  // first word -> index into phrase_lists_
  std::vector<std::vector<std::uint32_t>> phrase_lists_;
  std::vector<Phrase> phrases_;
  std::string version_;
};

}  // namespace odziv::sentiment
