// Tokenizer: turns a post's UTF-8 text into tokens whose keys are in one canonical form, so that every
// spelling of a BCS word meets its lexicon entry: lower case, Cyrillic transliterated to Latin, diacritics
// removed ("čekam", "cekam" and "чекам" all become "cekam"; "đ" and "ђ" become "dj"), letters repeated
// three or more times cut to two ("jaaaako" -> "jaako", flagged as elongated). Hashtags, @mentions, URLs,
// emoji, emoticons, numbers and the punctuation that matters for scoring are tokens of their own.
// First step of judging; pure, allocation-free once the output buffers have grown.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace odziv::sentiment {

enum class TokenKind : std::uint8_t {
  kWord,      // letters (any script), digits, inner apostrophes
  kNumber,    // digits only
  kHashtag,   // "#fail": key is "fail"
  kMention,   // "@acme": key is "acme"
  kUrl,       // "https://…", "www.…": key is "url"
  kEmoji,     // one pictograph: key is its UTF-8 (modifiers and variation selectors dropped)
  kEmoticon,  // ":-)))" : key is the canonical ":)"; letters in lower case (":D" -> ":d")
  kPunct,     // one of . , ; : ! ? ( ) - as a clause boundary; key is the character
};

struct Token {
  std::uint32_t key_offset = 0;  // into TokenizedText::keys
  std::uint32_t key_length = 0;
  std::uint32_t source_offset = 0;  // into the original text (valid UTF-8 there)
  std::uint32_t source_length = 0;
  TokenKind kind = TokenKind::kWord;
  bool all_caps = false;    // two or more letters, all upper case
  bool elongated = false;   // a letter was repeated three or more times
  bool diacritics = false;  // carried č ć š ž đ (or other marks) before folding
};

// What the tokenizer saw in the whole text; used by language detection and bad-input reporting.
struct TextStats {
  int latin_letters = 0;
  int cyrillic_letters = 0;
  int other_letters = 0;      // Greek, Arabic, CJK …
  int upper_letters = 0;
  int bcs_diacritics = 0;     // č ć š ž đ (either case, either script's equivalent)
  int invalid_utf8 = 0;       // malformed sequences, each replaced by U+FFFD (and skipped)
  int format_chars = 0;       // zero-width joiners, bidi marks, BOMs: ignored
  int exclamations = 0;
  int questions = 0;
  bool truncated = false;     // the text was longer than the tokenizer's limit
};

struct TokenizedText {
  std::vector<Token> tokens;
  std::string keys;  // canonical keys of all tokens, back to back
  TextStats stats;

  // The key of `t`, one of this text's tokens.
  std::string_view Key(const Token& t) const { return {keys.data() + t.key_offset, t.key_length}; }
  void Clear() {
    tokens.clear();
    keys.clear();
    stats = TextStats{};
  }
};

// Longest text judged, in bytes; longer posts are judged on their first kMaxTextBytes (stats.truncated).
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;
// Most tokens judged per post.
inline constexpr std::size_t kMaxTokens = 4096;

// Tokenizes `text` into `out` (cleared first). Never fails: invalid UTF-8 is counted and skipped.
void Tokenize(std::string_view text, TokenizedText& out);

// The canonical key of one word or phrase as the tokenizer would produce it, for loading lexicons:
// folds case, script and diacritics; keeps spaces, '*', and emoji as they are.
std::string FoldKey(std::string_view text);

// Cuts every run of a repeated letter to one ("good" -> "god"); used as a second try for elongated words.
void SqueezeRuns(std::string_view key, std::string& out);

}  // namespace odziv::sentiment
