// libFuzzer target: the Instagram response and webhook parsers must never crash, hang or read out of bounds, whatever the bytes; it either parses
// or returns kMalformed. Seeds: tests/data/instagram/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platforms/instagram_connector.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseInstagramComments(body, Endpoint{"instagram", "fuzz"}, "me");
  (void)ParseInstagramMedia(body, Endpoint{"instagram", "fuzz"}, "me");
  (void)ParseInstagramReplies(body, Endpoint{"instagram", "fuzz"}, "1", "me");
  (void)ParseInstagramCommentsById(body, Endpoint{"instagram", "fuzz"}, "me");
  (void)ParseInstagramMentionedComment(body, Endpoint{"instagram", "fuzz"}, "1");
  (void)InstagramMentionsFromWebhook(body);
  return 0;
}
