#include "sentiment/language.h"

namespace odziv::sentiment {

LanguageGuess DecideLanguage(const LanguageEvidence& e, const TextStats& stats, std::string_view hint) {
  LanguageGuess g;
  int letters = stats.latin_letters + stats.cyrillic_letters;
  if (letters == 0) g.script = "none";
  else if (stats.cyrillic_letters * 5 >= letters && stats.latin_letters * 5 >= letters) g.script = "mixed";
  else g.script = stats.cyrillic_letters > stats.latin_letters ? "cyrillic" : "latin";

  bool hint_bcs = hint == "bs" || hint == "hr" || hint == "sr" || hint == "sh" || hint == "me" || hint == "cnr";
  // Diacritics and Cyrillic are strong BCS evidence; function words decide between the rest.
  double bcs = e.bcs_words + (stats.bcs_diacritics > 0 ? 1.5 : 0) + (stats.cyrillic_letters > 2 ? 3 : 0) +
               0.5 * (e.croatian + e.serbian + e.bosnian + e.ijekavian + e.ekavian);
  double en = e.english_words;
  if (bcs == 0 && en == 0) {
    if (hint == "en") g.language = "en";
    else if (hint_bcs) { g.bcs = true; g.language = hint == "me" || hint == "cnr" ? "sh" : hint; }
    else g.language = "und";
    return g;
  }
  if (en > bcs || (en == bcs && hint == "en")) {
    g.language = "en";
    return g;
  }
  g.bcs = true;
  if (stats.cyrillic_letters > stats.latin_letters) {  // Cyrillic BCS is Serbian (Montenegrin is rare)
    g.language = "sr";
    return g;
  }
  int sr = e.serbian + e.ekavian;
  int hr = e.croatian;
  int bs = e.bosnian;
  // Ijekavian speech is Croatian or Bosnian, never standard Serbian of Serbia.
  if (sr > 0 && sr > hr + bs + e.ijekavian) g.language = "sr";
  else if (hr > 0 && hr > bs && hr > sr) g.language = "hr";
  else if (bs > 0 && bs > hr && bs > sr) g.language = "bs";
  else if (hint == "bs" || hint == "hr" || hint == "sr") {
    // The platform's tag decides when the text does not contradict it.
    bool contradicts = (hint == "sr" && e.ijekavian > e.ekavian) || (hint != "sr" && e.ekavian > e.ijekavian);
    g.language = contradicts ? std::string_view("sh") : hint;
  } else {
    g.language = "sh";
  }
  return g;
}

}  // namespace odziv::sentiment
