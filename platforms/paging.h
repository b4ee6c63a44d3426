// Paging: the small URL tools connectors page with: RFC 8288 Link headers (Mastodon, GitHub-style APIs),
// query parameters of "next" URLs (Meta's paging.next), and joining a configurable base URL with a path.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace odziv::platforms {

// rel → URL from a Link header: `<https://m.example/api/v1/notifications?max_id=7>; rel="next", <…>; rel="prev"`.
// A link with several rels ("next last") is listed under each. Malformed parts are skipped.
std::map<std::string, std::string> ParseLinkHeader(std::string_view header);

// The decoded value of query parameter `name` in `url`, or nullopt.
std::optional<std::string> QueryParameter(std::string_view url, std::string_view name);

// Decodes %XX escapes and '+' (as space). nullopt for a broken escape.
std::optional<std::string> UrlDecode(std::string_view text);

// base_url (with or without trailing '/') + path (with leading '/') + optional "?query".
std::string JoinUrl(std::string_view base_url, std::string_view path,
                    const std::vector<std::pair<std::string, std::string>>& query = {});

// The path of an absolute URL without scheme, host and query ("/api/v1/notifications"), for messages.
std::string UrlPath(std::string_view url);

}  // namespace odziv::platforms
