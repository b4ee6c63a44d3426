// libFuzzer target: the YouTube response parsers must never crash, hang or read out of bounds, whatever the bytes; it either parses
// or returns kMalformed. Seeds: tests/data/youtube/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/youtube_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseYouTubeThreads(body, Endpoint{"youtube", "fuzz"}, "UC");
  (void)ParseYouTubeComments(body, Endpoint{"youtube", "fuzz"}, "UC");
  (void)ParseYouTubeComment(body, Endpoint{"youtube", "fuzz"}, "UC");
  return 0;
}
