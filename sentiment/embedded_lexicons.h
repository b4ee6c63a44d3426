// The lexicon files of sentiment/lexicons/, compiled into the binary by a CMake step
// (sentiment/embed_lexicons.cmake), so that the daemon needs no data directory to judge posts.
#pragma once

#include <cstddef>

namespace odziv::sentiment {

struct EmbeddedFile {
  const char* name;  // file name, e.g. "bcs.lex"
  const char* text;
  std::size_t size;
};

extern const EmbeddedFile kEmbeddedLexicons[];
extern const std::size_t kEmbeddedLexiconCount;

}  // namespace odziv::sentiment
