// Charset: finding a feed's character encoding (RFC 3023 order: the HTTP charset parameter, then a byte
// order mark, then the XML declaration, then the media type's default) and transcoding it to UTF-8 with
// glibc's iconv. Pure functions.
#pragma once

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

bool IsValidUtf8(std::string_view text);

// `bytes` in `charset` as UTF-8 (a UTF-8 BOM is dropped). kMalformed when iconv does not know the charset
// or the bytes are not valid in it.
[[nodiscard]] Result<std::string> ToUtf8(std::string_view bytes, std::string_view charset);

}  // namespace odziv::platforms
