// libFuzzer target: the Google Play review parsers and the service-account key reader must never crash,
// hang or read out of bounds, whatever the bytes; they parse or return an Error. Seeds: tests/data/google_play/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/google_play_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseGooglePlayReviews(body, Endpoint{"google_play", "fuzz"});
  (void)ParseGooglePlayReview(body, Endpoint{"google_play", "fuzz"});
  (void)ParseGooglePlayReply(body, Endpoint{"google_play", "fuzz"}, "r");
  (void)ParseGoogleServiceAccount(body);
  return 0;
}
