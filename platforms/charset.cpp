#include "platforms/charset.h"

#include <fmt/format.h>
#include <iconv.h>

#include <cctype>
#include <cerrno>

namespace odziv::platforms {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> CharsetOf(std::string_view content_type) {
  std::size_t pos = content_type.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = content_type.substr(pos + 1);
    auto next = rest.find(';');
    std::string_view param = rest.substr(0, next);
    auto eq = param.find('=');
    if (eq != std::string_view::npos && Lower(Trim(param.substr(0, eq))) == "charset") {
      std::string_view value = Trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      if (!value.empty()) return Lower(value);
    }
    pos = next == std::string_view::npos ? next : pos + 1 + next;
  }
  return std::nullopt;
}

std::optional<std::string> XmlDeclaredEncoding(std::string_view document) {
  if (document.starts_with("\xEF\xBB\xBF")) document.remove_prefix(3);
  if (!document.starts_with("<?xml")) return std::nullopt;
  auto end = document.find("?>");
  std::string_view decl = document.substr(0, end);
  auto at = decl.find("encoding");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = Trim(decl.substr(at + 8));
  if (rest.empty() || rest.front() != '=') return std::nullopt;
  rest = Trim(rest.substr(1));
  if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) return std::nullopt;
  char quote = rest.front();
  auto close = rest.find(quote, 1);
  if (close == std::string_view::npos) return std::nullopt;
  return Lower(rest.substr(1, close - 1));
}

std::string DetectXmlEncoding(std::string_view document, std::string_view content_type) {
  if (auto charset = CharsetOf(content_type)) return *charset;
  if (document.starts_with("\xEF\xBB\xBF")) return "utf-8";
  if (document.starts_with("\xFF\xFE")) return "utf-16le";
  if (document.starts_with("\xFE\xFF")) return "utf-16be";
  std::string type = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  if (type.starts_with("text/")) return "us-ascii";
  if (auto declared = XmlDeclaredEncoding(document)) return *declared;
  return "utf-8";
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n == 2 && c < 0xC2) return false;  // overlong
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    if (n == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return false;  // overlong, surrogates
    }
    if (n == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return false;
    }
    i += n;
  }
  return true;
}

Result<std::string> ToUtf8(std::string_view bytes, std::string_view charset) {
  std::string name = Lower(charset);
  if (name == "utf-8" || name == "utf8") {
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
    if (!IsValidUtf8(bytes)) return Fail(ErrorCode::kMalformed, "the bytes are not valid UTF-8");
    return std::string(bytes);
  }
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1))
    return Fail(ErrorCode::kMalformed, fmt::format("unknown character encoding '{}'", charset));
  std::string out;
  out.resize(bytes.size() * 4 + 16);
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  std::size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  int saved = errno;
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1))
    return Fail(ErrorCode::kMalformed, fmt::format("the bytes are not valid {} ({})", charset,
                                                   saved == EILSEQ ? "invalid sequence" : "truncated sequence"));
  out.resize(out.size() - out_left);
  if (out.starts_with("\xEF\xBB\xBF")) out.erase(0, 3);
  return out;
}

}  // namespace odziv::platforms
