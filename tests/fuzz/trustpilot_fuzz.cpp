// libFuzzer target: the Trustpilot review parsers and the OAuth token answer must never crash, hang or
// read out of bounds, whatever the bytes; they parse or return kMalformed. Seeds: tests/data/trustpilot/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/access_token.h"
#include "platforms/trustpilot_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseTrustpilotReviews(body, Endpoint{"trustpilot", "fuzz"});
  (void)ParseTrustpilotReview(body, Endpoint{"trustpilot", "fuzz"});
  (void)ParseTokenResponse(body, Endpoint{"trustpilot", "fuzz"}, FromUnixSeconds(1767225600));
  return 0;
}
