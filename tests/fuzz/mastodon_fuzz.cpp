// libFuzzer target: the Mastodon response parsers must never crash, hang or read out of bounds, whatever the bytes; it either parses
// or returns kMalformed. Seeds: tests/data/mastodon/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/mastodon_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseMastodonNotifications(body, Endpoint{"mastodon", "fuzz"}, "1");
  (void)ParseMastodonSearch(body, Endpoint{"mastodon", "fuzz"}, "1");
  (void)ParseMastodonStatuses(body, Endpoint{"mastodon", "fuzz"}, "1");
  (void)ParseMastodonStatus(body, Endpoint{"mastodon", "fuzz"}, "1");
  return 0;
}
