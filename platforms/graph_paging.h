// GraphPaging: Meta Graph API (Facebook, Instagram) paging. A page's `paging.next` is a full URL on
// graph.facebook.com carrying the access token; odziv keeps only its query without the token, so that the
// cursor holds no secret and the next request goes to the source's configured base URL.
#pragma once

#include <string>
#include <string_view>

#include "platforms/connector.h"
#include "platforms/cursor.h"
#include "platforms/json_reader.h"

namespace odziv::platforms {

// The query of `paging.next` (without access_token) of a Graph response root, or "" on the last page.
std::string GraphNextQuery(const JsonView& root);

// Meta expires paging cursors. When a read in the middle of a paging run is refused as a bad request, the
// connector returns this page instead: no posts, `cursor` without the run (its watermark kept), more = true,
// so the next poll starts the run again from the watermark.
FetchPage RestartGraphRun(Cursor cursor);

// The query string of `url` without the parameter access_token (and without appsecret_proof).
std::string QueryWithoutToken(std::string_view url);

}  // namespace odziv::platforms
