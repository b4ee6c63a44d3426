// libFuzzer target over the webhook receiver (AddWebhookRoutes): any method, target, headers and body
// (tests/fuzz/fuzz_request.h) through HttpRouter::Dispatch to GET/POST /webhooks/{source}, with a real
// SqliteStore and PushWriter behind them. Sources: "shop" (generic webhook), "page" (facebook), "insta"
// (instagram), "unset" (a webhook without its secret) and "news" (rss). The header "X-Fuzz-Sign: odziv" or
// "X-Fuzz-Sign: meta" makes the target sign the body correctly (X-Odziv-Signature at the clock's time,
// X-Hub-Signature-256), so that mutations get past the signature check into the payload parsers; without it
// they exercise the check itself. Every request must be answered 200, 400, 401, 403, 404 or 405 with a JSON
// error (or the handshake's challenge), never a 500, crash, hang or sanitizer report.
// Seeds: tests/fuzz/corpus/webhook/.
#include <unistd.h>

#include <cpprest/json.h>
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string_view>

#include "core/clock.h"
#include "daemon/logging.h"
#include "daemon/push_writer.h"
#include "daemon/sqlite_store.h"
#include "daemon/webhook_routes.h"
#include "platforms/push_signature.h"
#include "tests/fuzz/fuzz_request.h"

namespace {

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

constexpr std::string_view kSecret = "generic-secret";
constexpr std::string_view kAppSecret = "meta-app-secret";

struct World {
  fs::path dir;
  FakeClock clock{FromUnixSeconds(1'780'000'000)};
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<PushWriter> writer;
  HttpRouter router;

  World() {
    LogOptions quiet;
    quiet.level = "off";
    if (!SetUpLogging(quiet)) std::abort();
    ::setenv("ODZIV_FUZZ_WEBHOOK_SECRET", std::string(kSecret).c_str(), 1);
    ::setenv("ODZIV_FUZZ_META_SECRET", std::string(kAppSecret).c_str(), 1);
    ::setenv("ODZIV_FUZZ_META_TOKEN", "verify-me", 1);
    dir = fs::temp_directory_path() / ("odziv-webhook-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    SqliteStoreOptions options;
    options.path = dir / "odziv.db";
    options.clock = &clock;
    auto opened = SqliteStore::Open(options);
    if (!opened) std::abort();
    store = std::move(*opened);
    Brand b;
    b.slug = "zrno";
    b.name = "Zrno";
    auto brand = store->AddBrand(b);
    if (!brand) std::abort();
    auto add = [&](std::string name, std::string platform, std::map<std::string, std::string> settings) {
      Source s;
      s.brand_id = brand->id;
      s.name = std::move(name);
      s.platform = std::move(platform);
      s.settings = std::move(settings);
      if (!store->AddSource(s)) std::abort();
    };
    add("shop", "webhook", {{"secret", "env:ODZIV_FUZZ_WEBHOOK_SECRET"}});
    add("unset", "webhook", {});
    const std::map<std::string, std::string> meta = {{"app_secret", "env:ODZIV_FUZZ_META_SECRET"},
                                                     {"verify_token", "env:ODZIV_FUZZ_META_TOKEN"}};
    auto page = meta;
    page["page_id"] = "104";
    add("page", "facebook", page);
    auto insta = meta;
    insta["username"] = "zrno.coffee";
    add("insta", "instagram", insta);
    add("news", "rss", {{"url", "https://example.com/feed"}});
    writer = std::make_unique<PushWriter>(*store, clock, PushWriterOptions{}, [](const IngestReport&) {});
    AddWebhookRoutes(router, *store, *writer, clock);
  }
  ~World() {
    writer.reset();
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  auto request = fuzz::ParseFuzzRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!request) return 0;
  const auto sign = request->Header("X-Fuzz-Sign");
  if (sign == "odziv") {
    const std::int64_t t = ToUnixMillis(world.clock.Now()) / 1000;
    request->headers.emplace_back(
        "X-Odziv-Signature",
        fmt::format("t={},v1={}", t, platforms::HmacSha256Hex(kSecret, fmt::format("{}.{}", t, request->body))));
  } else if (sign == "meta") {
    request->headers.emplace_back("X-Hub-Signature-256", "sha256=" + platforms::HmacSha256Hex(kAppSecret, request->body));
  }
  ServerResponse response = world.router.Dispatch(std::move(*request));
  if (response.deferred) {
    std::promise<ServerResponse> ready;
    auto answer = ready.get_future();
    response.deferred([&ready](ServerResponse r) { ready.set_value(std::move(r)); });
    response = answer.get();
  }
  if (response.status >= 500) std::abort();
  if (response.status != 200 && response.content_type == "application/json") {
    try {
      (void)web::json::value::parse(response.body);
    } catch (const std::exception&) {
      std::abort();
    }
  }
  return 0;
}
