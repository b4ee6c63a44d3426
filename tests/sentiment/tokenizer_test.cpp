#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sentiment/flat_string_map.h"
#include "sentiment/tokenizer.h"

using namespace odziv::sentiment;

namespace {
std::vector<std::string> Keys(std::string_view text) {
  TokenizedText tt;
  Tokenize(text, tt);
  std::vector<std::string> keys;
  for (const Token& t : tt.tokens) keys.emplace_back(tt.Key(t));
  return keys;
}
}  // namespace

TEST_CASE("Tokenizer folds case, diacritics and Cyrillic to one key") {
  CHECK(Keys("Čekam") == std::vector<std::string>{"cekam"});
  CHECK(Keys("cekam") == std::vector<std::string>{"cekam"});
  CHECK(Keys("ЧЕКАМ") == std::vector<std::string>{"cekam"});
  CHECK(Keys("Đorđe Ђорђе djordje") == std::vector<std::string>{"djordje", "djordje", "djordje"});
  CHECK(Keys("љубав ljubav") == std::vector<std::string>{"ljubav", "ljubav"});
  CHECK(Keys("džem џем") == std::vector<std::string>{"dzem", "dzem"});
  // Decomposed diacritics (c + combining caron) fold like precomposed ones.
  CHECK(Keys("c\xCC\x8C" "ekam") == std::vector<std::string>{"cekam"});
}

TEST_CASE("Tokenizer cuts elongations to two letters and flags them") {
  TokenizedText tt;
  Tokenize("jaaaako dobrooo sooo good", tt);
  REQUIRE(tt.tokens.size() == 4);
  CHECK(tt.Key(tt.tokens[0]) == "jaako");
  CHECK(tt.tokens[0].elongated);
  CHECK(tt.Key(tt.tokens[1]) == "dobroo");
  CHECK(tt.Key(tt.tokens[3]) == "good");
  CHECK_FALSE(tt.tokens[3].elongated);
  std::string squeezed;
  SqueezeRuns("jaako", squeezed);
  CHECK(squeezed == "jako");
}

TEST_CASE("Tokenizer gives hashtags, mentions, URLs, emoji and emoticons tokens of their own") {
  TokenizedText tt;
  Tokenize("@Acme_Support #fail https://t.co/AbC?x=1 😡 :-))) <3 xD!!", tt);
  std::vector<TokenKind> kinds;
  for (const Token& t : tt.tokens) kinds.push_back(t.kind);
  REQUIRE(kinds.size() == 8);
  CHECK(kinds[0] == TokenKind::kMention);
  CHECK(tt.Key(tt.tokens[0]) == "acme_support");
  CHECK(kinds[1] == TokenKind::kHashtag);
  CHECK(tt.Key(tt.tokens[1]) == "fail");
  CHECK(kinds[2] == TokenKind::kUrl);
  CHECK(kinds[3] == TokenKind::kEmoji);
  CHECK(kinds[4] == TokenKind::kEmoticon);
  CHECK(tt.Key(tt.tokens[4]) == ":)");
  CHECK(tt.Key(tt.tokens[5]) == "<3");
  CHECK(tt.Key(tt.tokens[6]) == "xd");
  CHECK(kinds[7] == TokenKind::kPunct);
  CHECK(tt.stats.exclamations == 2);
}

TEST_CASE("Tokenizer keeps apostrophes inside words and marks capitals") {
  TokenizedText tt;
  Tokenize("I DON'T like it’s", tt);
  REQUIRE(tt.tokens.size() == 4);
  CHECK(tt.Key(tt.tokens[1]) == "don't");
  CHECK(tt.tokens[1].all_caps);
  CHECK_FALSE(tt.tokens[0].all_caps);  // one letter is not shouting
  CHECK(tt.Key(tt.tokens[3]) == "it's");
}

TEST_CASE("Tokenizer skips invalid UTF-8 and counts it") {
  TokenizedText tt;
  Tokenize("ne\xFFvalja \xC3", tt);
  CHECK(tt.stats.invalid_utf8 == 2);
  REQUIRE(tt.tokens.size() == 2);
  CHECK(tt.Key(tt.tokens[0]) == "ne");
  CHECK(tt.Key(tt.tokens[1]) == "valja");
}

TEST_CASE("Tokenizer ignores zero-width joiners and bidi marks inside words") {
  TokenizedText tt;
  Tokenize("dob\xE2\x80\x8Bro \xE2\x80\x8Fsuper\xE2\x80\x8E 👩\xE2\x80\x8D💻", tt);
  REQUIRE(tt.tokens.size() >= 2);
  CHECK(tt.Key(tt.tokens[0]) == "dobro");
  CHECK(tt.Key(tt.tokens[1]) == "super");
  CHECK(tt.stats.format_chars >= 4);
}

TEST_CASE("Tokenizer reads only the first 64 KiB of a huge post") {
  std::string huge(1 << 20, 'a');
  for (std::size_t i = 0; i < huge.size(); i += 7) huge[i] = ' ';
  TokenizedText tt;
  Tokenize(huge, tt);
  CHECK(tt.stats.truncated);
  CHECK(tt.tokens.size() <= kMaxTokens);
}

TEST_CASE("FoldKey folds lexicon entries like the tokenizer folds text") {
  CHECK(FoldKey("Užasan") == "uzasan");
  CHECK(FoldKey("ужасан") == "uzasan");
  CHECK(FoldKey("odlič*") == "odlic*");
  CHECK(FoldKey("nikad više") == "nikad vise");
  CHECK(FoldKey("♥") == FoldKey("❤"));
}

TEST_CASE("FlatStringMap finds what was inserted, also after growing and clearing") {
  FlatStringMap<int> map;
  for (int i = 0; i < 1000; ++i) map.Insert("k" + std::to_string(i), i);
  CHECK(map.size() == 1000);
  REQUIRE(map.Find("k999"));
  CHECK(*map.Find("k999") == 999);
  CHECK_FALSE(map.Find("k1000"));
  map.Clear();
  CHECK(map.size() == 0);
  CHECK_FALSE(map.Find("k1"));
  map.Insert("a", 1);
  CHECK(*map.Find("a") == 1);
}

TEST_CASE("Tokenizer reads the HTML entities platforms leave in text") {
  TokenizedText tt;
  Tokenize("volim te &lt;3 &amp; tebe", tt);
  std::vector<std::string> keys;
  for (const Token& t : tt.tokens) keys.emplace_back(tt.Key(t));
  CHECK(keys == std::vector<std::string>{"volim", "te", "<3", "tebe"});
}
