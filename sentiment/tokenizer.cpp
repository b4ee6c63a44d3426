#include "sentiment/tokenizer.h"

#include <utf8proc.h>

#include <array>
#include <cctype>
#include <cstring>

namespace odziv::sentiment {
namespace {

// What a code point is, as bits: one byte per character keeps the table small and Classify a single load.
enum CharFlag : std::uint8_t {
  kLetter = 1u << 0,
  kDigit = 1u << 1,
  kUpper = 1u << 2,
  kCyrillic = 1u << 3,
  kLatin = 1u << 4,
  kDiacritic = 1u << 5,  // č ć š ž đ, their Cyrillic letters ч ћ ш ж ђ џ, and every other non-ASCII Latin letter
  kMark = 1u << 6,       // combining mark: dropped, the letter before it stays
  kIgnorable = 1u << 7,  // format characters: zero-width joiners, bidi marks, BOM, soft hyphen
};

// How one code point folds. Built once for U+0000–U+052F (Latin, Greek, Cyrillic); everything above is
// classified through utf8proc on the fly.
struct Fold {
  char out[4] = {0, 0, 0, 0};  // canonical ASCII (lower case); empty for non-letters
  std::uint8_t length = 0;
  std::uint8_t flags = 0;      // CharFlag bits
};

constexpr std::uint32_t kTableSize = 0x530;

void SetOut(Fold& f, const char* s) {
  std::size_t n = std::strlen(s);
  std::memcpy(f.out, s, n);
  f.length = static_cast<std::uint8_t>(n);
}

const char* CyrillicLower(std::uint32_t cp) {
  switch (cp) {
    case 0x430: return "a";  case 0x431: return "b";  case 0x432: return "v";  case 0x433: return "g";
    case 0x434: return "d";  case 0x435: return "e";  case 0x436: return "z";  case 0x437: return "z";
    case 0x438: return "i";  case 0x439: return "j";  case 0x43A: return "k";  case 0x43B: return "l";
    case 0x43C: return "m";  case 0x43D: return "n";  case 0x43E: return "o";  case 0x43F: return "p";
    case 0x440: return "r";  case 0x441: return "s";  case 0x442: return "t";  case 0x443: return "u";
    case 0x444: return "f";  case 0x445: return "h";  case 0x446: return "c";  case 0x447: return "c";
    case 0x448: return "s";  case 0x449: return "sc"; case 0x44A: return "";   case 0x44B: return "y";
    case 0x44C: return "";   case 0x44D: return "e";  case 0x44E: return "ju"; case 0x44F: return "ja";
    case 0x450: return "e";  case 0x451: return "e";  case 0x452: return "dj"; case 0x453: return "gj";
    case 0x454: return "je"; case 0x455: return "dz"; case 0x456: return "i";  case 0x457: return "ji";
    case 0x458: return "j";  case 0x459: return "lj"; case 0x45A: return "nj"; case 0x45B: return "c";
    case 0x45C: return "kj"; case 0x45D: return "i";  case 0x45E: return "u";  case 0x45F: return "dz";
    case 0x491: return "g";
    default: return nullptr;
  }
}

std::array<Fold, kTableSize> BuildTable() {
  std::array<Fold, kTableSize> t{};
  for (std::uint32_t cp = 0; cp < kTableSize; ++cp) {
    Fold& f = t[cp];
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'a' && c <= 'z') { f.flags = kLetter | kLatin; f.out[0] = c; f.length = 1; }
      if (c >= 'A' && c <= 'Z') {
        f.flags = kLetter | kLatin | kUpper;
        f.out[0] = static_cast<char>(c - 'A' + 'a');
        f.length = 1;
      }
      if (c >= '0' && c <= '9') { f.flags = kDigit; f.out[0] = c; f.length = 1; }
      continue;
    }
    if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME) { f.flags = kMark; continue; }
    if (cat == UTF8PROC_CATEGORY_CF) { f.flags = kIgnorable; continue; }
    bool is_letter = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
                     cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LM ||
                     cat == UTF8PROC_CATEGORY_LO;
    if (cat == UTF8PROC_CATEGORY_ND) {
      f.flags = kDigit;
      continue;  // non-ASCII digits stay as their UTF-8 (length 0 here means "copy as is")
    }
    if (!is_letter) continue;
    f.flags = kLetter;
    if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) f.flags |= kUpper;
    auto lower = static_cast<std::uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
    if (cp >= 0x400) {
      f.flags |= kCyrillic;
      if (const char* s = CyrillicLower(lower)) SetOut(f, s);
      if (lower == 0x447 || lower == 0x45B || lower == 0x448 || lower == 0x436 || lower == 0x452 ||
          lower == 0x45F)
        f.flags |= kDiacritic;
      if (f.length == 0 && !CyrillicLower(lower)) f.length = 0;  // other Cyrillic: copied as is
      continue;
    }
    if (cp >= 0x370) continue;  // Greek and Coptic: copied as is (lower-cased)
    f.flags |= kLatin | kDiacritic;  // non-ASCII Latin letters all count as carrying marks
    // Latin with marks: decompose, strip the marks, fold case; keep the result if it is ASCII.
    switch (lower) {
      case 0x111: SetOut(f, "dj"); continue;  // đ
      case 0xDF: SetOut(f, "ss"); continue;
      case 0xE6: SetOut(f, "ae"); continue;
      case 0xF8: SetOut(f, "o"); continue;
      case 0x142: SetOut(f, "l"); continue;
      case 0x131: SetOut(f, "i"); continue;
      case 0xFE: SetOut(f, "th"); continue;
      case 0x153: SetOut(f, "oe"); continue;
      case 0x1C6: case 0x1C5: case 0x1C4: SetOut(f, "dz"); continue;  // ǆ
      case 0x1C9: case 0x1C8: case 0x1C7: SetOut(f, "lj"); continue;
      case 0x1CC: case 0x1CB: case 0x1CA: SetOut(f, "nj"); continue;
      default: break;
    }
    utf8proc_uint8_t* mapped = nullptr;
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
    utf8proc_ssize_t m = utf8proc_map(buf, n, &mapped,
                                      static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                                                     UTF8PROC_CASEFOLD | UTF8PROC_COMPAT));
    if (m > 0 && m <= 3) {
      bool ascii = true;
      for (utf8proc_ssize_t k = 0; k < m; ++k)
        if (mapped[k] >= 0x80 || !((mapped[k] >= 'a' && mapped[k] <= 'z'))) ascii = false;
      if (ascii) {
        std::memcpy(f.out, mapped, static_cast<std::size_t>(m));
        f.length = static_cast<std::uint8_t>(m);
      }
    }
    std::free(mapped);
  }
  return t;
}

// Built during static initialisation (utf8proc is plain C with static tables), so that lookups need no guard.
const std::array<Fold, kTableSize> kTable = BuildTable();
inline const std::array<Fold, kTableSize>& Table() { return kTable; }

// Decodes one code point at s[i]; returns its length, or 0 for a malformed sequence (then cp = 0xFFFD).
std::size_t Decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  auto c0 = static_cast<unsigned char>(s[i]);
  if (c0 < 0x80) {
    cp = c0;
    return 1;
  }
  // Two-byte sequences (Latin with diacritics, Cyrillic) without a call into utf8proc.
  if (c0 >= 0xC2 && c0 <= 0xDF && i + 1 < s.size()) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c1 & 0xC0) == 0x80) {
      cp = ((c0 & 0x1Fu) << 6) | (c1 & 0x3Fu);
      return 2;
    }
  }
  utf8proc_int32_t out = 0;
  utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                        static_cast<utf8proc_ssize_t>(s.size() - i), &out);
  if (n <= 0) {
    cp = 0xFFFD;
    return 0;
  }
  cp = static_cast<std::uint32_t>(out);
  return static_cast<std::size_t>(n);
}

bool IsEmoji(std::uint32_t cp) {
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return !(cp >= 0x1F3FB && cp <= 0x1F3FF);  // skin tones dropped
  if (cp >= 0x2600 && cp <= 0x27BF) return true;
  if (cp >= 0x2B00 && cp <= 0x2BFF) return true;
  if (cp >= 0x2300 && cp <= 0x23FF) return true;
  return cp == 0x2122 || cp == 0x2139 || cp == 0x3030 || cp == 0x303D;
}

struct CharClass {
  const Fold* fold = nullptr;  // for code points in the table
  std::uint8_t flags = 0;      // CharFlag bits
};

CharClass Classify(std::uint32_t cp) {
  if (cp < kTableSize) {
    const Fold& f = Table()[cp];
    return {&f, f.flags};
  }
  CharClass c;
  if (cp == 0xFE0F || cp == 0xFE0E || (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F)) {
    c.flags = kIgnorable;
    return c;
  }
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  switch (cat) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: c.flags = kLetter | kUpper; break;
    case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: c.flags = kLetter; break;
    case UTF8PROC_CATEGORY_ND: c.flags = kDigit; break;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_MC: c.flags = kMark; break;
    case UTF8PROC_CATEGORY_CF: c.flags = kIgnorable; break;
    default: break;
  }
  if (cp >= 0x1E00 && cp <= 0x1EFF) c.flags |= kLatin;  // Latin Extended Additional
  return c;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

// Appends the folded form of a letter or digit.
void AppendFolded(std::string& out, std::uint32_t cp, const CharClass& c) {
  if (c.fold && c.fold->length == 1) {
    out.push_back(c.fold->out[0]);
    return;
  }
  if (c.fold && c.fold->length) {
    out.append(c.fold->out, c.fold->length);
    return;
  }
  AppendUtf8(out, static_cast<std::uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
}

bool StartsWithNoCase(std::string_view s, std::size_t i, std::string_view prefix) {
  if (s.size() - i < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char a = s[i + k];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != prefix[k]) return false;
  }
  return true;
}

// Bytes as the fast path for ASCII words sees them: letters, digits, anything else.
enum class Ascii : std::uint8_t { kOther, kLower, kUpper, kDigit };
constexpr std::array<Ascii, 256> kAscii = [] {
  std::array<Ascii, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = c >= 'a' && c <= 'z' ? Ascii::kLower
           : c >= 'A' && c <= 'Z' ? Ascii::kUpper
           : c >= '0' && c <= '9' ? Ascii::kDigit
                                  : Ascii::kOther;
  return t;
}();
bool IsAsciiAlnum(char c) { return kAscii[static_cast<unsigned char>(c)] != Ascii::kOther; }
char AsciiLower(char c) {
  return kAscii[static_cast<unsigned char>(c)] == Ascii::kUpper ? static_cast<char>(c - 'A' + 'a') : c;
}
// ASCII letters and digits as keys hold them (lower case); 0 for every other byte.
constexpr std::array<char, 256> kAsciiKey = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c)
    if (kAscii[c] != Ascii::kOther) t[c] = static_cast<char>(kAscii[c] == Ascii::kUpper ? c - 'A' + 'a' : c);
  return t;
}();

// What an ASCII byte adds to the counts of a run of letters and digits: upper-case letters in the low half,
// digits in the high half, so that one addition a byte counts both.
constexpr std::uint64_t kOneDigit = std::uint64_t{1} << 32;
constexpr std::array<std::uint64_t, 256> kAsciiCounts = [] {
  std::array<std::uint64_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = kAscii[c] == Ascii::kUpper ? 1 : kAscii[c] == Ascii::kDigit ? kOneDigit : 0;
  return t;
}();

// The characters an emoticon can start with (see MatchEmoticon).
bool MayStartEmoticon(char c) {
  return c == '<' || c == '^' || c == '(' || c == ')' || c == ':' || c == ';' || c == '=';
}

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Recognises an ASCII emoticon at s[i]; returns its length (0 if none) and its canonical key.
std::size_t MatchEmoticon(std::string_view s, std::size_t i, char key[4], std::size_t& key_len) {
  auto at = [&](std::size_t k) -> char { return i + k < s.size() ? s[i + k] : '\0'; };
  auto boundary = [&](std::size_t k) {
    char c = at(k);
    return c == '\0' || IsSpaceByte(c) || c == '.' || c == ',' || c == '!' || c == '?' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  char c = at(0);
  if (c == '<' && at(1) == '3') {
    std::size_t n = 2;
    while (at(n) == '3') ++n;
    std::memcpy(key, "<3", 2);
    key_len = 2;
    return n;
  }
  if (c == '<' && at(1) == '/' && at(2) == '3') {
    std::memcpy(key, "</3", 3);
    key_len = 3;
    return 3;
  }
  if (c == '^' && (at(1) == '^' || ((at(1) == '_' || at(1) == '.') && at(2) == '^'))) {
    std::memcpy(key, "^^", 2);
    key_len = 2;
    return at(1) == '^' ? 2 : 3;
  }
  if ((c == '(' || c == ')') && (at(1) == ':') && boundary(2) && (i == 0 || IsSpaceByte(s[i - 1]))) {
    key[0] = ':';
    key[1] = c == '(' ? ')' : '(';
    key_len = 2;
    return 2;
  }
  if (c != ':' && c != ';' && c != '=') return 0;
  std::size_t k = 1;
  bool tear = false;
  if (at(k) == '\'') { tear = true; ++k; }
  if (at(k) == '-' || at(k) == 'o' || at(k) == '^') ++k;
  char m = at(k);
  char canon;
  switch (m) {
    case ')': case ']': case '3': case '>': canon = ')'; break;
    case '(': case '[': case '<': canon = '('; break;
    case 'D': canon = 'd'; break;  // letters in lower case, as FoldKey writes lexicon entries
    case 'P': case 'p': canon = 'p'; break;
    case '/': case '\\': case '|': case 'S': canon = '/'; break;
    case '*': canon = '*'; break;
    case 'O': case 'o': canon = 'o'; break;
    default: return 0;
  }
  if (c == '=' && canon != ')' && canon != '(' && canon != 'd') return 0;
  std::size_t n = k + 1;
  while (at(n) == m) ++n;
  // ":D" and ":P" must not run into a word ("a:Pa"); ":/" must not be a URL scheme.
  if ((canon == 'd' || canon == 'p' || canon == 'o' || canon == '/') && !boundary(n)) return 0;
  key_len = 0;
  key[key_len++] = c == ';' ? ';' : ':';
  if (tear) key[key_len++] = '\'';
  key[key_len++] = canon;
  return n;
}

// What a word being built carries from one run of characters to the next.
struct WordState {
  int letters = 0, upper = 0, digits = 0;
  char last = 0;  // the last key byte, and how many times in a row it came: letters are cut to two
  int run = 0;
};

// Appends the run of ASCII letters and digits at text[at…] to the keys, lower case, a letter repeated three or
// more times cut to two; counts it into `word` and `stats`, and sets `elongated` when it cut. Returns where
// the run ends. Always inlined, as AddWord: they run once a word, and a call costs more than most words.
[[gnu::always_inline]] inline std::size_t AppendAsciiRun(std::string_view text, std::size_t at, std::string& keys,
                                                         WordState& word, TextStats& stats, bool& elongated) {
  const std::size_t base = keys.size(), begin = at, end = text.size();
  std::uint64_t counts = 0;
  // At most one key byte per text byte; the keys keep what the run wrote. Locals only in the loop: the
  // compiler must assume that a store through a char* may change anything else in memory.
  keys.resize_and_overwrite(base + (end - at), [&](char* buffer, std::size_t) {
    char* dst = buffer + base;
    const char* const src = text.data();
    char prev = word.last;
    int run = word.run;
    bool cut = false;
    for (; at < end; ++at) {
      const auto b = static_cast<unsigned char>(src[at]);
      const char ch = kAsciiKey[b];
      if (ch == 0) break;
      counts += kAsciiCounts[b];
      if (ch != prev) {
        prev = ch;
        run = 1;
      } else if (ch > '9' && ++run >= 3) {  // digits stay as they are
        cut = true;
        continue;
      }
      *dst++ = ch;
    }
    word.last = prev;
    word.run = run;
    elongated |= cut;
    return static_cast<std::size_t>(dst - buffer);
  });
  const auto upper = static_cast<int>(counts & 0xFFFFFFFF), digits = static_cast<int>(counts >> 32);
  const int letters = static_cast<int>(at - begin) - digits;
  word.letters += letters;
  word.upper += upper;
  word.digits += digits;
  stats.latin_letters += letters;
  stats.upper_letters += upper;
  return at;
}

// Adds a word, hashtag or number whose keys end where the keys end now, unless it has no key or the text
// has kMaxTokens tokens already (then its keys are dropped).
[[gnu::always_inline]] inline void AddWord(Token t, const WordState& word, TokenizedText& out) {
  t.key_length = static_cast<std::uint32_t>(out.keys.size() - t.key_offset);
  if (t.key_length == 0 || out.tokens.size() >= kMaxTokens) {
    out.keys.resize(t.key_offset);
    return;
  }
  if (t.kind == TokenKind::kWord && word.letters == 0 && word.digits > 0) t.kind = TokenKind::kNumber;
  t.all_caps = word.letters >= 2 && word.upper == word.letters;
  out.tokens.push_back(t);
}

}  // namespace

void SqueezeRuns(std::string_view key, std::string& out) {
  out.clear();
  for (char c : key)
    if (out.empty() || out.back() != c) out.push_back(c);
}

void Tokenize(std::string_view text, TokenizedText& out) {
  out.Clear();
  TextStats& st = out.stats;
  if (text.size() > kMaxTextBytes) {
    std::size_t cut = kMaxTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
    st.truncated = true;
  }
  const std::size_t n = text.size();
  out.keys.reserve(n + 16);  // folding rarely lengthens a text; URLs add three bytes each

  // Whether a word starts the way a URL does ("http:", "https:", "www."): only then is there a URL to fold.
  bool maybe_url = false;
  // The word being built.
  bool in_word = false;
  Token cur;
  WordState word;

  auto finish_word = [&](std::size_t end) {
    if (!in_word) return;
    in_word = false;
    cur.source_length = static_cast<std::uint32_t>(end - cur.source_offset);
    AddWord(cur, word, out);
  };
  auto start_word = [&](std::size_t at, TokenKind kind) {
    in_word = true;
    cur = Token{};
    cur.kind = kind;
    cur.key_offset = static_cast<std::uint32_t>(out.keys.size());
    cur.source_offset = static_cast<std::uint32_t>(at);
    word = WordState{};
  };
  auto push_simple = [&](TokenKind kind, std::size_t at, std::size_t len, std::string_view key) {
    if (out.tokens.size() >= kMaxTokens) return;
    Token t;
    t.kind = kind;
    t.key_offset = static_cast<std::uint32_t>(out.keys.size());
    t.key_length = static_cast<std::uint32_t>(key.size());
    t.source_offset = static_cast<std::uint32_t>(at);
    t.source_length = static_cast<std::uint32_t>(len);
    out.keys.append(key);
    out.tokens.push_back(t);
  };
  auto word_char_at = [&](std::size_t at) {
    if (at >= n) return false;
    std::uint32_t cp2;
    if (Decode(text, at, cp2) == 0) return false;
    return (Classify(cp2).flags & (kLetter | kDigit)) != 0;
  };

  std::size_t i = 0;
  while (i < n) {
    // Fast path: runs of ASCII letters and digits, most of every post, written straight into the keys.
    if (IsAsciiAlnum(text[i])) {
      if (in_word) {
        i = AppendAsciiRun(text, i, out.keys, word, st, cur.elongated);
        continue;
      }
      // A new word. Most end with their ASCII run — at the end of the text, or at ASCII other than an apostrophe
      // (which may join two words): added here.
      Token t;
      t.key_offset = static_cast<std::uint32_t>(out.keys.size());
      t.source_offset = static_cast<std::uint32_t>(i);
      WordState w;
      const std::size_t end = AppendAsciiRun(text, i, out.keys, w, st, t.elongated);
      if (end < n && (text[end] == ':' || text[end] == '.')) {
        const char first = AsciiLower(text[i]);
        maybe_url |= first == 'h' || first == 'w';
      }
      if (end == n || (static_cast<unsigned char>(text[end]) < 0x80 && text[end] != '\'')) {
        t.source_length = static_cast<std::uint32_t>(end - i);
        AddWord(t, w, out);
        i = end < n && text[end] == ' ' ? end + 1 : end;
        continue;
      }
      in_word = true;
      cur = t;
      word = w;
      i = end;
      continue;
    }
    if (text[i] == ' ') {  // the common separator, without decoding
      finish_word(i);
      ++i;
      continue;
    }
    std::uint32_t cp = static_cast<unsigned char>(text[i]);
    std::size_t len = 1;
    CharClass c;  // ASCII other than letters and digits: no class at all
    if (cp >= 0x80) {
      len = Decode(text, i, cp);
      if (len == 0) {  // malformed: counted, acts as a separator
        ++st.invalid_utf8;
        finish_word(i);
        ++i;
        continue;
      }
      c = Classify(cp);
    }
    if (c.flags & kIgnorable) {
      ++st.format_chars;
      i += len;
      continue;
    }
    if (c.flags & kMark) {
      if (in_word) cur.diacritics = true;
      i += len;
      continue;
    }
    if (c.flags & (kLetter | kDigit)) {
      if (!in_word) start_word(i, TokenKind::kWord);
      if (c.flags & kLetter) {
        ++word.letters;
        if (c.flags & kUpper) { ++word.upper; ++st.upper_letters; }
        if (c.flags & kCyrillic) ++st.cyrillic_letters;
        else if (c.flags & kLatin) ++st.latin_letters;
        else ++st.other_letters;
        if (c.flags & kDiacritic) { cur.diacritics = true; ++st.bcs_diacritics; }
      } else {
        ++word.digits;
      }
      std::size_t before = out.keys.size();
      AppendFolded(out.keys, cp, c);
      // Cut runs of one repeated character to two.
      if (out.keys.size() == before + 1) {
        char ch = out.keys.back();
        if (ch == word.last && (c.flags & kLetter)) {
          if (++word.run >= 3) {
            out.keys.pop_back();
            cur.elongated = true;
          }
        } else {
          word.last = ch;
          word.run = 1;
        }
      } else {
        word.last = 0;
        word.run = 0;
      }
      i += len;
      continue;
    }
    // Apostrophes inside a word ("don't", "it’s").
    if ((cp == '\'' || cp == 0x2019) && in_word && cur.kind == TokenKind::kWord && word_char_at(i + len)) {
      out.keys.push_back('\'');
      word.last = 0;
      i += len;
      continue;
    }
    finish_word(i);
    if (cp < 0x80) {
      char ch = static_cast<char>(cp);
      if (ch == '#' && word_char_at(i + 1)) {
        start_word(i, TokenKind::kHashtag);
        ++i;
        continue;
      }
      if (ch == '@' && word_char_at(i + 1)) {
        std::size_t j = i + 1;
        while (j < n && (IsAsciiAlnum(text[j]) || text[j] == '_' ||
                         (text[j] == '.' && j + 1 < n && IsAsciiAlnum(text[j + 1]))))
          ++j;
        if (j > i + 1 && out.tokens.size() < kMaxTokens) {
          Token t;
          t.kind = TokenKind::kMention;
          t.key_offset = static_cast<std::uint32_t>(out.keys.size());
          t.key_length = static_cast<std::uint32_t>(j - i - 1);
          t.source_offset = static_cast<std::uint32_t>(i);
          t.source_length = static_cast<std::uint32_t>(j - i);
          out.keys.resize(t.key_offset + t.key_length);
          for (std::size_t k = i + 1; k < j; ++k) out.keys[t.key_offset + (k - i - 1)] = AsciiLower(text[k]);
          out.tokens.push_back(t);
        }
        i = j > i + 1 ? j : i + 1;
        continue;
      }
      // HTML entities that platforms leave in text ("&lt;3", "&amp;"): a heart, or a separator.
      if (ch == '&') {
        if (StartsWithNoCase(text, i, "&lt;3")) {
          std::size_t j = i + 5;
          while (j < n && text[j] == '3') ++j;
          push_simple(TokenKind::kEmoticon, i, j - i, "<3");
          i = j;
          continue;
        }
        bool entity = false;
        for (std::string_view e : {"&lt;", "&gt;", "&amp;", "&quot;", "&#39;", "&apos;", "&nbsp;"})
          if (StartsWithNoCase(text, i, e)) {
            i += e.size();
            entity = true;
            break;
          }
        if (entity) continue;
      }
      char key[4];
      std::size_t key_len = 0;
      if (MayStartEmoticon(ch))
        if (std::size_t m = MatchEmoticon(text, i, key, key_len)) {
          push_simple(TokenKind::kEmoticon, i, m, std::string_view(key, key_len));
          i += m;
          continue;
        }
      if (ch == '!' || ch == '?' || ch == '.' || ch == ',' || ch == ';' || ch == ':' || ch == '(' ||
          ch == ')' || ch == '-') {
        std::size_t j = i;
        while (j < n && text[j] == ch) ++j;
        if (ch == '!') st.exclamations += static_cast<int>(j - i);
        if (ch == '?') st.questions += static_cast<int>(j - i);
        push_simple(TokenKind::kPunct, i, j - i, std::string_view(&ch, 1));
        i = j;
        continue;
      }
      i += 1;
      continue;
    }
    if (cp == 0x2026 || cp == 0x2013 || cp == 0x2014) {  // … – — are clause boundaries too
      push_simple(TokenKind::kPunct, i, len, cp == 0x2026 ? "." : "-");
      i += len;
      continue;
    }
    if (IsEmoji(cp) || utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_SO) {
      std::string_view bytes = text.substr(i, len);
      if (cp == 0x2764 || cp == 0x2665) bytes = "\xE2\x9D\xA4";  // every red heart is one key
      push_simple(TokenKind::kEmoji, i, len, bytes);
      i += len;
      continue;
    }
    i += len;  // other symbols and spaces separate tokens
  }
  finish_word(n);

  // URLs: the tokenizer above splits "https://t.co/x" into words; fold them back into one token.
  // Cheaper than recognising them inline, and rare.
  for (std::size_t t = 0; maybe_url && t < out.tokens.size(); ++t) {
    Token& tok = out.tokens[t];
    if (tok.kind != TokenKind::kWord) continue;
    std::size_t at = tok.source_offset;
    char first = AsciiLower(text[at]);
    if (first != 'h' && first != 'w') continue;
    if (!(StartsWithNoCase(text, at, "http://") || StartsWithNoCase(text, at, "https://") ||
          StartsWithNoCase(text, at, "www."))) continue;
    std::size_t end = at;
    while (end < n && !IsSpaceByte(text[end])) ++end;
    std::size_t last_tok = t;
    while (last_tok + 1 < out.tokens.size() && out.tokens[last_tok + 1].source_offset < end) ++last_tok;
    tok.kind = TokenKind::kUrl;
    tok.source_length = static_cast<std::uint32_t>(end - at);
    tok.key_offset = static_cast<std::uint32_t>(out.keys.size());
    tok.key_length = 3;
    tok.all_caps = false;
    out.keys.append("url");
    out.tokens.erase(out.tokens.begin() + static_cast<std::ptrdiff_t>(t + 1),
                     out.tokens.begin() + static_cast<std::ptrdiff_t>(last_tok + 1));
  }
}

std::string FoldKey(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint32_t cp;
    std::size_t len = Decode(text, i, cp);
    if (len == 0) {
      ++i;
      continue;
    }
    CharClass c = Classify(cp);
    if (c.flags & (kIgnorable | kMark)) {
      i += len;
      continue;
    }
    if (c.flags & (kLetter | kDigit)) AppendFolded(out, cp, c);
    else if (cp == 0x2665) out.append("\xE2\x9D\xA4");
    else if (cp == 0x2019) out.push_back('\'');
    else out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace odziv::sentiment
