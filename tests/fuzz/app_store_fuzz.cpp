// libFuzzer target: the App Store Connect review and response parsers must never crash, hang or read out
// of bounds, whatever the bytes; they parse or return kMalformed. Seeds: tests/data/app_store/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/app_store_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseAppStoreReviews(body, Endpoint{"app_store", "fuzz"});
  (void)ParseAppStoreResponse(body, Endpoint{"app_store", "fuzz"}, "r");
  return 0;
}
