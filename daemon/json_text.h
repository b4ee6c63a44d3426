// Writing JSON text by hand, for the places that build their output line by line (log lines, `odziv score`)
// rather than through a JSON library's values.
#pragma once

#include <string>
#include <string_view>

namespace odziv::daemon {

// Appends `text` as a JSON string, quotes included: quotes, backslashes and control characters escaped, and
// each byte that does not start a valid UTF-8 sequence (a platform's broken text) written as U+FFFD, so that
// the output always parses.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace odziv::daemon
