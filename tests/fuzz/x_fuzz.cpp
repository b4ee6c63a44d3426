// libFuzzer target: the X response parsers must never crash, hang or read out of bounds, whatever the bytes; it either parses
// or returns kMalformed. Seeds: tests/data/x/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/x_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseXTweetPage(body, Endpoint{"x", "fuzz"}, "783214");
  (void)ParseXCreateTweet(body, Endpoint{"x", "fuzz"});
  return 0;
}
