// HtmlText: reduces the HTML that Mastodon statuses, feed entries and some comments carry to the plain
// text odziv stores and judges: tags dropped, block ends and <br> become line breaks, entities decoded,
// scripts and styles removed, runs of spaces collapsed. Not a sanitiser: the result is never shown as HTML.
#pragma once

#include <string>
#include <string_view>

namespace odziv::platforms {

// Plain UTF-8 text from an HTML fragment. Tolerates broken markup (an unclosed tag ends the text).
std::string HtmlToText(std::string_view html);

// Decodes character references only (&amp; &#233; &#x161; and the common named ones); other text is kept.
std::string DecodeHtmlEntities(std::string_view text);

// Appends the UTF-8 encoding of a code point (invalid ones become U+FFFD).
void AppendUtf8(std::string& out, char32_t code_point);

}  // namespace odziv::platforms
