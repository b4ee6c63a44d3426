#include "platforms/charset.h"

#include <catch2/catch.hpp>
#include <string>

using odziv::platforms::IsValidUtf8;
using odziv::platforms::ReplaceInvalidUtf8;
using odziv::platforms::Utf8SequenceLength;

TEST_CASE("Utf8SequenceLength measures one valid sequence and refuses every malformed kind", "[charset]") {
  CHECK(Utf8SequenceLength("a") == 1);
  CHECK(Utf8SequenceLength("\xC4\x8D" "ekam") == 2);   // č
  CHECK(Utf8SequenceLength("\xD1\x9B") == 2);           // ћ
  CHECK(Utf8SequenceLength("\xE2\x82\xAC") == 3);       // €
  CHECK(Utf8SequenceLength("\xF0\x9F\x98\xA1") == 4);   // 😡
  CHECK(Utf8SequenceLength("") == 0);
  CHECK(Utf8SequenceLength("\x80") == 0);               // a continuation byte alone
  CHECK(Utf8SequenceLength("\xC4") == 0);               // cut short
  CHECK(Utf8SequenceLength("\xC0\xAF") == 0);           // overlong '/'
  CHECK(Utf8SequenceLength("\xE0\x80\xAF") == 0);       // overlong, three bytes
  CHECK(Utf8SequenceLength("\xED\xA0\x80") == 0);       // a surrogate
  CHECK(Utf8SequenceLength("\xF4\x90\x80\x80") == 0);   // past U+10FFFF
  CHECK(Utf8SequenceLength("\xF5\x80\x80\x80") == 0);
}

TEST_CASE("ReplaceInvalidUtf8 keeps valid text and writes U+FFFD for each bad byte", "[charset]") {
  const std::string cyrillic = "\xD1\x85\xD0\xB8\xD1\x82\xD0\xBD\xD0\xBE";  // хитно
  CHECK(ReplaceInvalidUtf8(cyrillic) == cyrillic);
  CHECK(ReplaceInvalidUtf8("ok\xFF" "ok") == "ok\xEF\xBF\xBD" "ok");
  CHECK(ReplaceInvalidUtf8("\xC4") == "\xEF\xBF\xBD");
  CHECK(ReplaceInvalidUtf8("a\xED\xA0\x80z") == "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
  CHECK(IsValidUtf8(ReplaceInvalidUtf8("\xC0\xAF\xF0\x9F\x98")));
  CHECK(ReplaceInvalidUtf8("").empty());
}
