// libFuzzer target: the Facebook response parsers must never crash, hang or read out of bounds, whatever the bytes; it either parses
// or returns kMalformed. Seeds: tests/data/facebook/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/facebook_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseFacebookFeed(body, Endpoint{"facebook", "fuzz"}, "4");
  (void)ParseFacebookComments(body, Endpoint{"facebook", "fuzz"}, "4_1", "4");
  (void)ParseGraphCreated(body, Endpoint{"facebook", "fuzz"});
  return 0;
}
