#include <catch2/catch.hpp>

#include <cpprest/json.h>
#include <fmt/format.h>

#include <mutex>

#include "core/clock.h"
#include "core/http_client.h"
#include "daemon/http_server.h"
#include "responders/email_notifier.h"
#include "responders/slack_notifier.h"
#include "responders/webhook_notifier.h"
#include "tests/support/child_process.h"

using namespace odziv;
using namespace odziv::responders;
using web::json::value;

namespace {

Alert SampleAlert() {
  Alert a;
  a.dedup_key = "case:42:new";
  a.kind = AlertKind::kNewCase;
  a.brand_slug = "zrno";
  a.brand_name = "Kafeterija Zrno";
  a.priority = 1;
  a.title = "Legal threat on a 1★ review";
  a.post = AlertPost{"replay", "@marko_s", 12400, "Tužiću vas! <b>Trovanje</b> & povraćanje nakon kroasana.",
                     "https://social.example/r/7", 1, "bs"};
  a.reasons = {"legal threat 'tužiću'", "safety 'trovanje'", "1★ review"};
  a.time_left = std::chrono::minutes(45);
  a.link = "https://odziv.example/cases/42";
  a.created_at = FromUnixSeconds(1'795'000'000);
  return a;
}

// A local HTTP receiver: records each request and answers with the next scripted response.
struct Receiver {
  std::mutex mutex;
  std::vector<daemon::ServerRequest> requests;
  std::vector<daemon::ServerResponse> script;
  std::unique_ptr<daemon::HttpServer> server;
  std::string url;

  Receiver() {
    auto router = std::make_shared<daemon::HttpRouter>();
    router->Add("POST", "/hook", [this](const daemon::ServerRequest& r) {
      std::lock_guard lock(mutex);
      requests.push_back(r);
      if (script.empty()) return daemon::ServerResponse::Text(200, "ok");
      auto next = script.front();
      script.erase(script.begin());
      return next;
    });
    daemon::HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    server = std::move(daemon::HttpServer::Start(options, router).value());
    url = fmt::format("http://127.0.0.1:{}/hook", server->port());
  }
};

}  // namespace

TEST_CASE("SlackPayload renders the alert as Block Kit with the post quoted and escaped") {
  value expected = value::parse(R"({
    "text": "P1 · Kafeterija Zrno: Legal threat on a 1★ review",
    "blocks": [
      {"type": "header", "text": {"type": "plain_text", "text": "P1 · Kafeterija Zrno: Legal threat on a 1★ review"}},
      {"type": "section", "text": {"type": "mrkdwn",
        "text": "*@marko_s* (12.4k followers) on replay · 1★\n>Tužiću vas! &lt;b&gt;Trovanje&lt;/b&gt; &amp; povraćanje nakon kroasana."}},
      {"type": "context", "elements": [
        {"type": "mrkdwn", "text": "Why: legal threat 'tužiću'; safety 'trovanje'; 1★ review"},
        {"type": "mrkdwn", "text": "⏱ 45 min left"}]},
      {"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "Open the draft"}, "url": "https://odziv.example/cases/42"}]}
    ]})");
  CHECK(SlackPayload(SampleAlert()).serialize() == expected.serialize());
}

TEST_CASE("SlackPayload cuts a huge post to Slack's block limits on a character boundary") {
  Alert a = SampleAlert();
  a.post->text = std::string(3000, 'x') + std::string(2000, 'x') + "čćž";
  for (int i = 0; i < 500; ++i) a.post->text += "ž";
  value payload = SlackPayload(a);
  std::string section = payload["blocks"][1]["text"]["text"].as_string();
  CHECK(section.size() <= 3000);
  CHECK(section.ends_with("…"));
}

TEST_CASE("SlackNotifier posts the payload and obeys Slack's 429 Retry-After and plain-text errors") {
  Receiver receiver;
  SystemClock clock;
  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  auto slack = MakeSlackNotifier(receiver.url, *http);
  auto limited = daemon::ServerResponse::Text(429, "rate limited");
  limited.headers.emplace_back("Retry-After", "7");
  receiver.script = {limited, daemon::ServerResponse::Text(400, "invalid_payload"),
                     daemon::ServerResponse::Text(404, "no_service"), daemon::ServerResponse::Text(500, "rollup_error")};

  auto first = slack->Send(SampleAlert());
  REQUIRE_FALSE(first);
  CHECK(first.error().code == ErrorCode::kRateLimited);
  CHECK(first.error().retry_after == std::chrono::seconds(7));
  auto bad = slack->Send(SampleAlert());
  CHECK(bad.error().code == ErrorCode::kFailedPrecondition);
  CHECK(bad.error().message.find("invalid_payload") != std::string::npos);
  auto revoked = slack->Send(SampleAlert());
  CHECK(revoked.error().code == ErrorCode::kUnauthenticated);
  CHECK(revoked.error().message.find(receiver.url) == std::string::npos);  // the URL is the secret
  CHECK(slack->Send(SampleAlert()).error().code == ErrorCode::kUnavailable);
  CHECK(slack->Send(SampleAlert()).has_value());

  std::lock_guard lock(receiver.mutex);
  REQUIRE(receiver.requests.size() == 5);
  CHECK(value::parse(receiver.requests.back().body) == SlackPayload(SampleAlert()));
  CHECK(receiver.requests.back().Header("Content-Type").value_or("").starts_with("application/json"));
}

TEST_CASE("WebhookNotifier signs the body so that the receiver can verify it") {
  Receiver receiver;
  FakeClock clock(FromUnixSeconds(1'795'000'123));
  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  auto hook = MakeWebhookNotifier(receiver.url, "whsec-test-secret", *http, clock);
  REQUIRE(hook->Send(SampleAlert()));
  std::lock_guard lock(receiver.mutex);
  REQUIRE(receiver.requests.size() == 1);
  const auto& r = receiver.requests[0];
  CHECK(r.Header("Idempotency-Key").value_or("") == "case:42:new");
  std::string expected = "t=1795000123,v1=" + HmacSha256Hex("whsec-test-secret", "1795000123." + r.body);
  CHECK(r.Header("X-Odziv-Signature").value_or("") == expected);
  CHECK(WebhookSignature("other-secret", 1795000123, r.body) != expected);
  value body = value::parse(r.body);
  CHECK(body["kind"].as_string() == "new_case");
  CHECK(body["post"]["text"].as_string() == SampleAlert().post->text);
  CHECK(body["time_left_s"].as_integer() == 2700);
}

TEST_CASE("HmacSha256Hex matches the RFC 4231 test vector") {
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("ComposeEmail writes both parts, an encoded subject, and a Message-ID from the dedup key") {
  EmailSettings settings;
  settings.from = "odziv <alerts@zrno.example>";
  settings.to = {"ana@zrno.example", "Team <team@zrno.example>"};
  std::string m = ComposeEmail(SampleAlert(), settings, FromUnixSeconds(1'795'000'000));
  CHECK(m.find("Date: Wed, 18 Nov 2026 11:06:40 +0000\r\n") != std::string::npos);
  CHECK(m.find("From: odziv <alerts@zrno.example>\r\n") != std::string::npos);
  CHECK(m.find("To: ana@zrno.example, Team <team@zrno.example>\r\n") != std::string::npos);
  CHECK(m.find("Subject: =?UTF-8?B?") != std::string::npos);
  CHECK(m.find("@zrno.example>\r\n") != std::string::npos);
  CHECK(m.find("Content-Type: text/plain; charset=utf-8") != std::string::npos);
  CHECK(m.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
  CHECK(m.find("List-Unsubscribe") == std::string::npos);  // only digests
  CHECK(ComposeEmail(SampleAlert(), settings, FromUnixSeconds(1'795'000'999)).find(m.substr(m.find("Message-ID"), 60)) !=
        std::string::npos);
  Alert digest = SampleAlert();
  digest.kind = AlertKind::kDigest;
  settings.unsubscribe_url = "https://odziv.example/unsubscribe/abc";
  std::string d = ComposeEmail(digest, settings, FromUnixSeconds(1'795'000'000));
  CHECK(d.find("List-Unsubscribe: <https://odziv.example/unsubscribe/abc>\r\n") != std::string::npos);
  CHECK(d.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") != std::string::npos);
}

TEST_CASE("EmailNotifier delivers through a real SMTP server with authentication, and reports a refused login") {
  const std::string sink = std::string(ODZIV_SOURCE_DIR) + "/tests/responders/smtp_sink.py";
  // Debian's interpreter: python3-aiosmtpd is installed for it, not for other pythons on PATH.
  testing::ChildProcess smtp({"/usr/bin/python3", sink, "--user", "odziv", "--password", "s3cret"});
  auto ready = smtp.ReadLine();
  REQUIRE(ready);
  REQUIRE(ready->starts_with("port "));
  FakeClock clock(FromUnixSeconds(1'795'000'000));
  EmailSettings settings;
  settings.host = "127.0.0.1";
  settings.port = std::stoi(ready->substr(5));
  settings.security = SmtpSecurity::kNone;
  settings.username = "odziv";
  settings.password = "s3cret";
  settings.from = "odziv <alerts@zrno.example>";
  settings.to = {"ana@zrno.example"};
  REQUIRE(MakeEmailNotifier(settings, clock)->Send(SampleAlert()));
  auto line = smtp.ReadLine();
  REQUIRE(line);
  value got = value::parse(*line);
  CHECK(got["from"].as_string() == "alerts@zrno.example");
  CHECK(got["to"][0].as_string() == "ana@zrno.example");
  auto data = utility::conversions::from_base64(got["data"].as_string());
  std::string received(data.begin(), data.end());
  std::string sent = ComposeEmail(SampleAlert(), settings, clock.Now());
  CHECK(received.find(sent.substr(sent.find("Subject:"), 40)) != std::string::npos);
  CHECK(received.find("text/html") != std::string::npos);

  settings.password = "wrong";
  settings.timeout = std::chrono::seconds(10);
  auto refused = MakeEmailNotifier(settings, clock)->Send(SampleAlert());
  REQUIRE_FALSE(refused);
  INFO(refused.error().message);
  CHECK(refused.error().code == ErrorCode::kUnauthenticated);
  CHECK(refused.error().message.find("wrong") == std::string::npos);
}

TEST_CASE("EmailNotifier reports a server that is not there as temporary") {
  FakeClock clock(FromUnixSeconds(1'795'000'000));
  EmailSettings settings;
  settings.host = "127.0.0.1";
  settings.port = 1;  // nothing listens on port 1
  settings.security = SmtpSecurity::kNone;
  settings.from = "alerts@zrno.example";
  settings.to = {"ana@zrno.example"};
  auto result = MakeEmailNotifier(settings, clock)->Send(SampleAlert());
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kUnavailable);
}
