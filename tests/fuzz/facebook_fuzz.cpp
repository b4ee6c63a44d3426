// libFuzzer target: the Facebook response parsers must never crash, hang or read out of bounds, whatever the bytes; it either parses
// or returns kMalformed. Also the Meta webhook delivery parser. Seeds: tests/data/facebook/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/facebook_connector.h"
#include "platforms/meta_push.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseFacebookFeed(body, Endpoint{"facebook", "fuzz"}, "4");
  (void)ParseFacebookComments(body, Endpoint{"facebook", "fuzz"}, "4_1", "4");
  (void)ParseGraphCreated(body, Endpoint{"facebook", "fuzz"});
  // Meta's webhook deliveries (Page feed, Instagram comments) come from the same Graph world.
  (void)ParseMetaPush(body, "facebook", "4", FromUnixMillis(1780000000000));
  (void)ParseMetaPush(body, "instagram", "zrno", FromUnixMillis(1780000000000));
  return 0;
}
