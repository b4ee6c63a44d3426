#include "platforms/html_text.h"

#include <array>
#include <cctype>
#include <charconv>

namespace odziv::platforms {
namespace {

struct Named {
  std::string_view name;
  char32_t code;
};

// The references that appear in practice; anything else is left as written.
constexpr std::array<Named, 28> kNamed = {{
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},    {"ndash", 0x2013},  {"mdash", 0x2014},  {"hellip", 0x2026}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"laquo", 0xAB},    {"raquo", 0xBB},
    {"copy", 0xA9},    {"reg", 0xAE},      {"trade", 0x2122},  {"euro", 0x20AC},   {"bull", 0x2022},
    {"middot", 0xB7},  {"scaron", 0x161},  {"Scaron", 0x160},  {"ccaron", 0x10D},  {"Ccaron", 0x10C},
    {"zcaron", 0x17E}, {"Zcaron", 0x17D},  {"eacute", 0xE9},
}};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsBlockTag(std::string_view name) {
  static constexpr std::array<std::string_view, 22> kBlocks = {
      "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote",
      "pre", "hr", "section", "article", "header", "footer", "dd"};
  for (auto b : kBlocks)
    if (name == b) return true;
  return false;
}

// A paragraph break in the raw text (end of <p>): becomes an empty line; plain '\n's collapse into one.
constexpr char kParagraph = '\x1e';

// Collapses spaces and tabs, trims each line, drops empty lines except one per paragraph break.
std::string Tidy(std::string_view text) {
  std::string out;
  std::string line;
  bool paragraph = false;
  auto flush = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.empty()) return;
    if (!out.empty()) out += paragraph ? "\n\n" : "\n";
    out += line;
    line.clear();
    paragraph = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n' || c == kParagraph) {
      flush();
      if (c == kParagraph && !out.empty()) paragraph = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      if (!line.empty() && line.back() != ' ') line += ' ';
    } else if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0xA0) {  // no-break space
      if (!line.empty() && line.back() != ' ') line += ' ';
      ++i;
    } else {
      line += c;
    }
  }
  flush();
  return out;
}

}  // namespace

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string DecodeHtmlEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    auto semi = text.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += text[i++];
      continue;
    }
    std::string_view ref = text.substr(i + 1, semi - i - 1);
    bool done = false;
    if (ref.size() >= 2 && ref[0] == '#') {
      std::uint32_t cp = 0;
      bool hex = ref[1] == 'x' || ref[1] == 'X';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) {
        AppendUtf8(out, cp);
        done = true;
      }
    } else {
      for (const auto& n : kNamed) {
        if (ref == n.name) {
          AppendUtf8(out, n.code);
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string HtmlToText(std::string_view html) {
  std::string raw;
  raw.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c != '<') {
      raw += c;
      ++i;
      continue;
    }
    if (html.substr(i, 4) == "<!--") {
      auto end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    auto close = html.find('>', i + 1);
    if (close == std::string_view::npos) break;
    std::string_view tag = html.substr(i + 1, close - i - 1);
    bool closing = !tag.empty() && tag.front() == '/';
    if (closing) tag.remove_prefix(1);
    std::size_t name_end = 0;
    while (name_end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[name_end])))) ++name_end;
    std::string name = Lower(tag.substr(0, name_end));
    i = close + 1;
    if (!closing && (name == "script" || name == "style")) {
      auto end = Lower(html.substr(i)).find("</" + name);
      i = end == std::string::npos ? html.size() : i + end;
      continue;
    }
    if (name == "br" || (IsBlockTag(name) && (closing || name == "hr" || name == "li" || name == "p" || name == "div"))) {
      raw += (name == "p" && closing) ? kParagraph : '\n';
    } else if (name == "td" || name == "th") {
      raw += ' ';
    }
  }
  return Tidy(DecodeHtmlEntities(raw));
}

}  // namespace odziv::platforms
