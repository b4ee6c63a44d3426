// Text helpers behind drafter.h: platform limits, graphemes, personal data, Latin → Cyrillic.
#include <utf8proc.h>

#include <array>
#include <cctype>

#include "responders/drafter.h"

namespace odziv::responders {

std::optional<std::size_t> PlatformReplyLimit(std::string_view platform) {
  struct Limit {
    std::string_view platform;
    std::size_t graphemes;
  };
  static constexpr std::array<Limit, 9> kLimits = {{{"x", 280},
                                                    {"bluesky", 300},
                                                    {"google_play", 350},
                                                    {"mastodon", 500},
                                                    {"instagram", 2200},
                                                    {"youtube", 10000},
                                                    {"reddit", 10000},
                                                    {"facebook", 8000},
                                                    {"app_store", 5970}}};
  for (const auto& limit : kLimits)
    if (limit.platform == platform) return limit.graphemes;
  return std::nullopt;
}

std::size_t CountGraphemes(std::string_view text) {
  std::size_t count = 0;
  utf8proc_int32_t previous = -1, state = 0;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t pos = 0, size = static_cast<utf8proc_ssize_t>(text.size());
  while (pos < size) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(bytes + pos, size - pos, &cp);
    if (n <= 0) {  // an invalid byte counts as one character
      ++count;
      ++pos;
      previous = -1;
      continue;
    }
    if (previous < 0 || utf8proc_grapheme_break_stateful(previous, cp, &state)) ++count;
    previous = cp;
    pos += n;
  }
  return count;
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool HasEmail(std::string_view t) {
  for (std::size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    if (at == 0 || !(std::isalnum(static_cast<unsigned char>(t[at - 1])) || t[at - 1] == '.' || t[at - 1] == '_'))
      continue;  // "@handle" is a mention, not an address
    auto dot = t.find('.', at);
    auto space = t.find_first_of(" \t\n,;", at);
    if (dot != std::string_view::npos && (space == std::string_view::npos || dot < space) && dot > at + 1) return true;
  }
  return false;
}

// Nine or more digits, allowing spaces, '-', '/', '.', and a leading '+', in one run.
bool HasPhone(std::string_view t) {
  int digits = 0;
  for (char c : t) {
    if (IsDigit(c)) ++digits;
    else if (c == ' ' || c == '-' || c == '/' || c == '.' || c == '+' || c == '(' || c == ')') continue;
    else digits = 0;
    if (digits >= 9) return true;
  }
  return false;
}

// "#12345", "order 12345", "narudžba br. 4711", "račun 2024-113": a marker word or '#' before 4+ digits.
bool HasOrderNumber(std::string_view t) {
  std::string lower;
  for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i + 1 < lower.size(); ++i) {
    if (lower[i] == '#' && IsDigit(lower[i + 1])) {
      std::size_t j = i + 1;
      while (j < lower.size() && IsDigit(lower[j])) ++j;
      if (j - i - 1 >= 4) return true;
    }
  }
  static constexpr std::array<std::string_view, 12> kMarkers = {
      "order", "invoice", "narudžb", "narudzb", "porudžbin", "porudzbin", "račun", "racun", "broj", "br.",
      "поруџбин", "наруџб"};
  for (std::string_view marker : kMarkers) {
    for (std::size_t at = lower.find(marker); at != std::string::npos; at = lower.find(marker, at + 1)) {
      std::size_t j = at + marker.size();
      std::size_t gap = 0;
      while (j < lower.size() && !IsDigit(lower[j]) && gap < 12) ++j, ++gap;
      std::size_t start = j;
      while (j < lower.size() && (IsDigit(lower[j]) || lower[j] == '-')) ++j;
      if (j - start >= 4) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> FindPersonalData(std::string_view text) {
  std::vector<std::string> found;
  if (HasEmail(text)) found.emplace_back("email");
  if (HasPhone(text)) found.emplace_back("phone");
  if (HasOrderNumber(text)) found.emplace_back("order number");
  return found;
}

std::string LatinToCyrillic(std::string_view text) {
  struct Pair {
    std::string_view latin, cyrillic;
  };
  // Digraphs first, then single letters (upper and lower case).
  static constexpr std::array<Pair, 66> kMap = {{
      {"Lj", "Љ"}, {"LJ", "Љ"}, {"lj", "љ"}, {"Nj", "Њ"}, {"NJ", "Њ"}, {"nj", "њ"}, {"Dž", "Џ"}, {"DŽ", "Џ"}, {"dž", "џ"},
      {"A", "А"},  {"a", "а"},  {"B", "Б"},  {"b", "б"},  {"V", "В"},  {"v", "в"},  {"G", "Г"},  {"g", "г"},  {"D", "Д"},
      {"d", "д"},  {"Đ", "Ђ"},  {"đ", "ђ"},  {"E", "Е"},  {"e", "е"},  {"Ž", "Ж"},  {"ž", "ж"},  {"Z", "З"},  {"z", "з"},
      {"I", "И"},  {"i", "и"},  {"J", "Ј"},  {"j", "ј"},  {"K", "К"},  {"k", "к"},  {"L", "Л"},  {"l", "л"},  {"M", "М"},
      {"m", "м"},  {"N", "Н"},  {"n", "н"},  {"O", "О"},  {"o", "о"},  {"P", "П"},  {"p", "п"},  {"R", "Р"},  {"r", "р"},
      {"S", "С"},  {"s", "с"},  {"T", "Т"},  {"t", "т"},  {"Ć", "Ћ"},  {"ć", "ћ"},  {"U", "У"},  {"u", "у"},  {"F", "Ф"},
      {"f", "ф"},  {"H", "Х"},  {"h", "х"},  {"C", "Ц"},  {"c", "ц"},  {"Č", "Ч"},  {"č", "ч"},  {"Š", "Ш"},  {"š", "ш"},
      {"Ü", "Ü"},  {"ü", "ü"},  {"Ö", "Ö"},
  }};
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    // Whole words that must stay Latin: handles, hashtags, links, foreign words.
    std::size_t end = text.find_first_of(" \t\n", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    bool keep = word.find_first_of("qwxyQWXY@#") != std::string_view::npos || word.find("://") != std::string_view::npos;
    if (keep) {
      out += word;
    } else {
      std::size_t j = 0;
      while (j < word.size()) {
        bool matched = false;
        for (const auto& [latin, cyrillic] : kMap) {
          if (word.substr(j).starts_with(latin)) {
            out += cyrillic;
            j += latin.size();
            matched = true;
            break;
          }
        }
        if (!matched) out += word[j++];
      }
    }
    if (end < text.size()) out += text[end];
    i = end + 1;
  }
  return out;
}

}  // namespace odziv::responders
