// libFuzzer target: the Bluesky response parsers and the facet finder must never crash, hang or read out of
// bounds, whatever the bytes; facets must lie inside the text. Seeds: tests/data/bluesky/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "platforms/bluesky_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const Endpoint endpoint{"bluesky", "fuzz"};
  (void)ParseBlueskySearch(body, endpoint, "did:plc:zrno");
  (void)ParseBlueskyNotifications(body, endpoint, "did:plc:zrno", {"mention", "reply", "quote"});
  (void)ParseBlueskySession(body, endpoint);
  (void)ParseBlueskyReplyRefs(body, endpoint);
  (void)ParseBlueskyCreatedRecord(body, endpoint);
  for (const auto& facet : FindBlueskyFacets(body))
    if (facet.byte_start >= facet.byte_end || facet.byte_end > body.size()) std::abort();
  return 0;
}
