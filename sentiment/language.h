// Language: which language a post is in (English, the BCS family and, when the evidence is clear,
// Bosnian, Croatian or Serbian) and its script, from counts the judge gathers while reading the tokens.
// Pure and cheap; the word lists behind the counts live in language.lex.
#pragma once

#include <string_view>

#include "sentiment/tokenizer.h"

namespace odziv::sentiment {

struct LanguageEvidence {
  int english_words = 0;  // common English words ("the", "and", "is" …)
  int bcs_words = 0;      // common BCS words ("je", "i", "da", "nije" …)
  int croatian = 0;       // words only Croatian uses ("tko", "tjedan", "kruh" …)
  int serbian = 0;        // words only Serbian uses ("hleb", "hiljadu", …)
  int bosnian = 0;        // words only Bosnian uses ("lahko", "hljeb", …)
  int ijekavian = 0;      // "lijepo", "vrijeme": Croatian or Bosnian (or Montenegrin)
  int ekavian = 0;        // "lepo", "vreme": Serbian
};

struct LanguageGuess {
  std::string_view language;  // "en", "bs", "hr", "sr", "sh" (BCS, variant unclear), "und"
  std::string_view script;    // "latin", "cyrillic", "mixed", "none"
  bool bcs = false;           // any of bs/hr/sr/sh: judge with the BCS lexicon
};

// `hint` is the platform's language tag ("sr", "en", "") and breaks ties only.
LanguageGuess DecideLanguage(const LanguageEvidence& evidence, const TextStats& stats, std::string_view hint);

}  // namespace odziv::sentiment
