#include "daemon/webhook_routes.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <random>

#include "core/clock.h"
#include "daemon/push_writer.h"
#include "daemon/sqlite_store.h"
#include "platforms/push_signature.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

namespace {

const Timestamp kT0 = FromUnixSeconds(1'780'000'000);

struct Fixture {
  fs::path dir;
  FakeClock clock{kT0};
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<PushWriter> writer;
  HttpRouter router;
  std::size_t batches = 0;  // written on the writer thread, read after an answer (the promise orders them)

  Fixture() {
    ::setenv("ODZIV_TEST_WEBHOOK_SECRET", "generic-secret", 1);
    ::setenv("ODZIV_TEST_META_SECRET", "meta-app-secret", 1);
    ::setenv("ODZIV_TEST_META_TOKEN", "verify-me", 1);
    dir = testing::MakeTempDir("odziv-webhooks");
    store = testing::OpenTempStore(dir, &clock);
    Brand b;
    b.slug = "zrno";
    b.name = "Zrno";
    Brand brand = store->AddBrand(b).value();
    auto add = [&](std::string name, std::string platform, std::map<std::string, std::string> settings) {
      Source s;
      s.brand_id = brand.id;
      s.name = std::move(name);
      s.platform = std::move(platform);
      s.settings = std::move(settings);
      (void)store->AddSource(s).value();
    };
    add("shop", "webhook", {{"secret", "env:ODZIV_TEST_WEBHOOK_SECRET"}});
    add("shop-unset", "webhook", {});
    add("page", "facebook", {{"app_secret", "env:ODZIV_TEST_META_SECRET"}, {"verify_token", "env:ODZIV_TEST_META_TOKEN"},
                             {"page_id", "104"}});
    add("news", "rss", {{"url", "https://example.com/feed"}});
    writer = std::make_unique<PushWriter>(*store, clock, PushWriterOptions{},
                                          [this](const IngestReport&) { ++batches; });
    AddWebhookRoutes(router, *store, *writer, clock);
  }
  ~Fixture() {
    writer.reset();
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // Dispatches and, for a deferred answer, waits for the writer to give it.
  ServerResponse Send(ServerRequest request) {
    ServerResponse response = router.Dispatch(std::move(request));
    if (!response.deferred) return response;
    std::promise<ServerResponse> ready;
    auto answer = ready.get_future();
    response.deferred([&ready](ServerResponse r) { ready.set_value(std::move(r)); });
    return answer.get();
  }

  ServerResponse Push(std::string source, std::string body, std::optional<std::string> signature) {
    ServerRequest r;
    r.method = "POST";
    r.path = "/webhooks/" + source;
    r.body = std::move(body);
    if (signature) r.headers.emplace_back("X-Odziv-Signature", *signature);
    return Send(std::move(r));
  }
};

std::string Sign(std::string_view body, std::int64_t t = 1'780'000'000, std::string_view secret = "generic-secret") {
  return fmt::format("t={},v1={}", t, platforms::HmacSha256Hex(secret, fmt::format("{}.{}", t, body)));
}

ServerRequest Handshake(std::string source, std::map<std::string, std::string> query) {
  ServerRequest r;
  r.method = "GET";
  r.path = "/webhooks/" + source;
  r.query = std::move(query);
  return r;
}

bool Says(const ServerResponse& r, int status, std::string_view text) {
  return r.status == status && r.body.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("A signed generic push is stored once, answered with the count, and leaves the poll cursor alone") {
  Fixture f;
  const std::string body = R"({"posts":[{"id":"p-1","text":"Where is my order?"},{"id":"p-2","text":"Love it"}]})";
  auto first = f.Push("shop", body, Sign(body));
  CHECK(Says(first, 200, R"({"stored":2})"));
  auto again = f.Push("shop", body, Sign(body));  // replayed within the tolerance
  CHECK(Says(again, 200, R"({"stored":0})"));
  CHECK(f.store->CountPosts(std::nullopt).value() == 2);
  Source shop = f.store->GetSource("shop").value();
  CHECK(shop.cursor.empty());
  CHECK_FALSE(shop.last_poll_at.has_value());
  CHECK(f.batches == 2);
}

TEST_CASE("Forged, stale, unsigned and malformed pushes are refused with the reason and store nothing") {
  Fixture f;
  const std::string body = R"({"posts":[{"id":"p-1","text":"x"}]})";
  CHECK(Says(f.Push("shop", body, std::nullopt), 401, "missing"));
  CHECK(Says(f.Push("shop", body, Sign(body, 1'780'000'000, "wrong")), 401, "does not match"));
  CHECK(Says(f.Push("shop", body, Sign(body, 1'780'000'000 - 301)), 401, "more than the 300 s"));
  CHECK(Says(f.Push("shop", "{\"posts\":3}", Sign("{\"posts\":3}")), 400, "\"posts\\\" array"));
  CHECK(Says(f.Push("nobody", body, Sign(body)), 404, "no such source"));
  CHECK(Says(f.Push("shop-unset", body, Sign(body)), 404, "setting 'secret' is not set"));
  CHECK(Says(f.Push("news", body, Sign(body)), 404, "does not accept pushes"));
  CHECK(f.store->CountPosts(std::nullopt).value() == 0);
  CHECK(f.batches == 0);
}

TEST_CASE("Meta's subscription handshake echoes hub.challenge only for the source's verify token") {
  Fixture f;
  auto ok = f.Send(Handshake("page", {{"hub.mode", "subscribe"}, {"hub.verify_token", "verify-me"},
                                      {"hub.challenge", "1158201444"}}));
  CHECK(ok.status == 200);
  CHECK(ok.body == "1158201444");
  CHECK(f.Send(Handshake("page", {{"hub.mode", "subscribe"}, {"hub.verify_token", "guess"}, {"hub.challenge", "1"}}))
            .status == 403);
  CHECK(f.Send(Handshake("page", {{"hub.mode", "subscribe"}, {"hub.challenge", "1"}})).status == 403);
  CHECK(f.Send(Handshake("page", {{"hub.mode", "unsubscribe"}, {"hub.verify_token", "verify-me"}})).status == 400);
  CHECK(f.Send(Handshake("shop", {{"hub.mode", "subscribe"}, {"hub.verify_token", "verify-me"}})).status == 404);
}

TEST_CASE("A Meta push is accepted only with X-Hub-Signature-256 of the body under the app secret") {
  Fixture f;
  const std::string body = R"({"object":"page","entry":[{"id":"1","time":1780000000,"changes":[]}]})";
  auto meta = [&](std::optional<std::string> signature, std::string b) {
    ServerRequest r;
    r.method = "POST";
    r.path = "/webhooks/page";
    r.body = std::move(b);
    if (signature) r.headers.emplace_back("X-Hub-Signature-256", *signature);
    return f.Send(std::move(r));
  };
  CHECK(meta("sha256=" + platforms::HmacSha256Hex("meta-app-secret", body), body).status == 200);
  CHECK(Says(meta("sha256=" + platforms::HmacSha256Hex("other", body), body), 401, "does not match"));
  CHECK(Says(meta(std::nullopt, body), 401, "missing"));
  CHECK(Says(meta("sha256=" + platforms::HmacSha256Hex("meta-app-secret", "[]"), "[]"), 400, "Meta webhook"));

  // A visitor's comment is stored as the Facebook connector would store it; the same delivery again adds nothing.
  const std::string comment = R"({"object":"page","entry":[{"id":"104","time":1780000000,"changes":[{"field":"feed",
    "value":{"item":"comment","verb":"add","comment_id":"555_901","post_id":"104_555","message":"Kasni narudžba",
    "created_time":1779999980,"from":{"id":"77","name":"Amra"}}}]}]})";
  const std::string signature = "sha256=" + platforms::HmacSha256Hex("meta-app-secret", comment);
  CHECK(Says(meta(signature, comment), 200, R"({"stored":1})"));
  CHECK(Says(meta(signature, comment), 200, R"({"stored":0})"));
  auto stored = f.store->FindPost(f.store->GetBrand("zrno").value().id, "facebook", "555_901");
  REQUIRE(stored);
  CHECK(stored->post.thread_id == "104_555");
  CHECK(stored->post.text == "Kasni narudžba");
}

TEST_CASE("PushWriter stores queued pushes from many threads, each answered once with its own report") {
  Fixture f;
  Source shop = f.store->GetSource("shop").value();
  constexpr int kPushes = 400;
  std::vector<std::promise<Result<IngestReport>>> answers(kPushes);
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = t; i < kPushes; i += 4) {
        Post p;
        p.platform = "webhook";
        p.external_id = fmt::format("b-{}", i);
        p.thread_id = p.external_id;
        p.text = "burst";
        p.created_at = kT0;
        f.writer->Submit(PushedPosts{shop.id, {p}},
                         [&answers, i](Result<IngestReport> r) { answers[i].set_value(std::move(r)); });
      }
    });
  }
  for (auto& s : senders) s.join();
  std::size_t inserted = 0;
  for (auto& a : answers) {
    auto r = a.get_future().get();
    REQUIRE(r);
    inserted += r->inserted;
  }
  CHECK(inserted == kPushes);
  CHECK(f.store->CountPosts(std::nullopt).value() == kPushes);
}

TEST_CASE("IngestPushed stores a batch whole or not at all, with the same edit rules as a poll") {
  Fixture f;
  Source shop = f.store->GetSource("shop").value();
  Post p;
  p.platform = "webhook";
  p.external_id = "e-1";
  p.thread_id = "e-1";
  p.text = "first text";
  p.created_at = kT0;
  std::vector<PushedPosts> batch{{shop.id, {p}}, {shop.id + 1000, {p}}};
  auto refused = f.store->IngestPushed(batch, kT0);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kNotFound);
  CHECK(f.store->CountPosts(std::nullopt).value() == 0);

  batch.pop_back();
  auto stored = f.store->IngestPushed(batch, kT0);
  REQUIRE(stored);
  CHECK(stored->at(0).inserted == 1);
  batch[0].posts[0].text = "edited text";
  auto edited = f.store->IngestPushed(batch, kT0);
  REQUIRE(edited);
  CHECK(edited->at(0).edited == 1);
  CHECK(f.store->CountPosts(std::nullopt).value() == 1);
  CHECK(f.store->PostHistory(edited->at(0).changed_ids.at(0)).value().size() == 1);
}
