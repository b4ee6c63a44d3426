// Stemmer: Snowball's English or Serbian stemmer over canonical (folded) keys. Serbian handles Croatian
// and Bosnian well enough for lexicon matching ("odlična", "odličnog" -> one stem).
// Not thread-safe: each thread keeps its own (see Judge); construction costs a few microseconds.
#pragma once

#include <string_view>

struct sb_stemmer;

namespace odziv::sentiment {

class Stemmer {
 public:
  enum class Language { kEnglish, kSerbian };
  explicit Stemmer(Language language);
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // The stem of `word` (lower-case UTF-8); valid until the next call. Returns `word` itself if the
  // stemmer is unavailable.
  std::string_view Stem(std::string_view word);

 private:
  sb_stemmer* stemmer_ = nullptr;
};

}  // namespace odziv::sentiment
