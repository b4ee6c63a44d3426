// libFuzzer target: the feed parser (XML, charsets, HTML reduction) must never crash, hang or read out of bounds, whatever the bytes; it either parses
// or returns kMalformed. Seeds: tests/data/rss/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/rss_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  // The first byte picks the Content-Type, so that charset handling is fuzzed too.
  static constexpr std::string_view kTypes[] = {"application/rss+xml", "text/xml", "text/xml; charset=iso-8859-1",
                                                "application/atom+xml; charset=utf-16", "application/xml; charset=big5"};
  std::string_view type = size > 0 ? kTypes[data[0] % 5] : kTypes[0];
  (void)ParseFeed(body, type, "https://feed.example/x", FromUnixSeconds(1795000000), "windows-1250", Endpoint{"rss", "fuzz"});
  return 0;
}
