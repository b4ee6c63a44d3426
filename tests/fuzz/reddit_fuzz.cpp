// libFuzzer target: the Reddit response parsers must never crash, hang or read out of bounds, whatever the
// bytes; they either parse or return an Error. Seeds: tests/data/reddit/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/reddit_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseRedditListing(body, Endpoint{"reddit", "fuzz"}, "zrno_official");
  (void)ParseRedditToken(body, Endpoint{"reddit", "fuzz"}, FromUnixSeconds(1700000000));
  (void)ParseRedditComment(body, Endpoint{"reddit", "fuzz"});
  (void)RedditRateLimitWait(body);
  return 0;
}
