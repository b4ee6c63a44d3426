#include "platforms/charset.h"

#include <fmt/format.h>
#include <iconv.h>

#include <cctype>
#include <cerrno>
#include <cstdint>

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

std::size_t Utf8SequenceLength(std::string_view text) {
  if (text.empty()) return 0;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  std::uint32_t code = lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string ReplaceInvalidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t length = Utf8SequenceLength(text.substr(i)); length > 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
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
