// Charset: finding a feed's character encoding (RFC 3023 order: the HTTP charset parameter, then a byte
// order mark, then the XML declaration, then the media type's default) and transcoding it to UTF-8 with
// glibc's iconv. Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace odziv::platforms {

// The charset parameter of a Content-Type value, lower-cased ("text/xml;charset = US-ASCII" → "us-ascii").
std::optional<std::string> CharsetOf(std::string_view content_type);

// The encoding named in an XML declaration at the start of `document`, lower-cased.
std::optional<std::string> XmlDeclaredEncoding(std::string_view document);

// The encoding to decode `document` with, by RFC 3023's rules: HTTP charset, BOM, "us-ascii" for text/*
// media types without a charset, the XML declaration, else "utf-8".
std::string DetectXmlEncoding(std::string_view document, std::string_view content_type);

// Length (1 to 4) of the valid UTF-8 sequence that `text` starts with, 0 when it starts with none: empty text,
// a stray continuation byte, a sequence cut short, an overlong form, a surrogate or a code point past U+10FFFF.
std::size_t Utf8SequenceLength(std::string_view text);

bool IsValidUtf8(std::string_view text);

// `text` with each byte that does not start a valid UTF-8 sequence replaced by U+FFFD, so that it can be
// quoted in JSON or a log line (a platform's broken text, a client's raw path).
std::string ReplaceInvalidUtf8(std::string_view text);

// `bytes` in `charset` as UTF-8 (a UTF-8 BOM is dropped). kMalformed when iconv does not know the charset
// or the bytes are not valid in it.
[[nodiscard]] Result<std::string> ToUtf8(std::string_view bytes, std::string_view charset);

}  // namespace odziv::platforms
