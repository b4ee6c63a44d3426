// The `rss` platform: any RSS 0.9x/1.0/2.0 or Atom feed (blogs, forums, news, Google Alerts, Reddit and
// YouTube feeds). Conditional GET (ETag / Last-Modified), RFC 3023 charset rules with iconv transcoding,
// guid/id deduplication, HTML reduced to text. Feeds cannot be replied to.
//
// Settings:
//   url        the feed's URL (required); base_url is accepted as another name for it
//   encoding   the encoding to assume when the bytes do not fit the declared one (e.g. "big5"; default:
//              windows-1252-like ISO-8859-1, which never fails)
//   auth       optional credential reference to "user:password" for HTTP Basic authentication
// Cursor keys: etag, modified (validators for the next conditional GET), seen (short hashes of the
// entries in the last answer, with their update time, so an edited entry is returned again).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "platforms/connector.h"
#include "platforms/json_reader.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeRssConnector(const Source& source, const ConnectorContext& context);

struct ParsedFeed {
  std::string title;
  std::string encoding;          // the encoding the document was read in ("utf-8", "iso-8859-1", "us-ascii")
  bool encoding_guessed = false;  // the bytes did not fit the announced encoding; a fallback was used
  std::vector<Post> posts;        // oldest first
};

// Parses a feed document. `content_type` is the HTTP Content-Type (its charset wins over the XML
// declaration); `feed_url` qualifies ids that are not IRIs (guid "42" → "<feed_url>#42") so that two feeds
// cannot collide; entries without a date get `now`. kMalformed when the XML cannot be parsed or the root
// is neither rss, rdf:RDF nor feed.
[[nodiscard]] Result<ParsedFeed> ParseFeed(std::string_view body, std::string_view content_type,
                                           std::string_view feed_url, Timestamp now,
                                           std::string_view fallback_encoding, const Endpoint& endpoint);

// The target of a Google Alerts redirect link (https://www.google.com/url?…&url=<target>&…); other
// links unchanged.
std::string UnwrapGoogleRedirect(std::string_view link);

}  // namespace odziv::platforms
