// libFuzzer target: the Google Business Profile review parsers must never crash, hang or read out of
// bounds, whatever the bytes; they parse or return kMalformed. Seeds: tests/data/google/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/google_business_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseGoogleReviews(body, Endpoint{"google", "fuzz"});
  (void)ParseGoogleReview(body, Endpoint{"google", "fuzz"});
  (void)ParseGoogleReviewReply(body, Endpoint{"google", "fuzz"}, "r");
  return 0;
}
