#include "daemon/json_text.h"

#include <fmt/format.h>

#include "platforms/charset.h"

namespace odziv::daemon {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else if (const std::size_t length = platforms::Utf8SequenceLength(text.substr(i)); length == 0) {
          out += "\xEF\xBF\xBD";
        } else {
          out.append(text.substr(i, length));
          i += length;
          continue;
        }
    }
    ++i;
  }
  out += '"';
}

}  // namespace odziv::daemon
