#include "sentiment/stemmer.h"

#include <libstemmer.h>

namespace odziv::sentiment {

Stemmer::Stemmer(Language language)
    : stemmer_(sb_stemmer_new(language == Language::kEnglish ? "english" : "serbian", "UTF_8")) {}

Stemmer::~Stemmer() {
  if (stemmer_) sb_stemmer_delete(stemmer_);
}

std::string_view Stemmer::Stem(std::string_view word) {
  if (!stemmer_ || word.size() > 64) return word;
  const sb_symbol* s =
      sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (!s) return word;
  return std::string_view(reinterpret_cast<const char*>(s), static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
}

}  // namespace odziv::sentiment
