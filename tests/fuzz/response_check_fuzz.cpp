// libFuzzer target: the shared plumbing that reads platform-controlled text: error bodies and rate-limit
// headers in every dialect, Link headers, cursors and HTML reduction.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platforms/cursor.h"
#include "platforms/html_text.h"
#include "platforms/paging.h"
#include "platforms/response_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  using namespace odziv::platforms;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const Timestamp now = FromUnixSeconds(1795000000);
  for (Dialect d : {Dialect::kGeneric, Dialect::kX, Dialect::kReddit, Dialect::kMastodon, Dialect::kBluesky, Dialect::kMeta,
                    Dialect::kGoogle}) {
    HttpResponse r{size > 0 ? 400 + data[0] % 200 : 429,
                   {{"Retry-After", text}, {"x-rate-limit-reset", text}, {"X-RateLimit-Reset", text},
                    {"RateLimit-Reset", text}, {"x-ratelimit-reset", text}, {"X-Business-Use-Case-Usage", text}},
                   text};
    (void)CheckResponse(r, Endpoint{"p", "fuzz"}, d, Purpose::kRead, now);
  }
  (void)ParseLinkHeader(text);
  (void)QueryParameter(text, "max_id");
  (void)Cursor::Parse(text, "p");
  (void)HtmlToText(text);
  return 0;
}
