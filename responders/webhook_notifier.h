// WebhookNotifier: alerts as signed JSON POSTs, for everything that is not Slack or email (Teams via a
// workflow, PagerDuty via a bridge, a company's own system). The receiver checks
//   X-Odziv-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>
// and refuses old timestamps; Idempotency-Key carries the alert's dedup key.
#pragma once

#include <memory>
#include <string>

#include <cpprest/json.h>

#include "core/clock.h"
#include "core/http_client.h"
#include "responders/notifier.h"

namespace odziv::responders {

// The JSON body: {"dedup_key", "kind", "brand": {"slug", "name"}, "priority", "title", "summary",
// "post": null | {"platform", "author", "author_reach", "text", "url", "rating", "language"}, "reasons",
// "time_left_s", "link", "created_at"}.
web::json::value WebhookPayload(const Alert& alert);

// Lower-case hex HMAC-SHA256 of `message` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// The X-Odziv-Signature value for `body` sent at `unix_seconds`.
std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

// 2xx: delivered; 429 (Retry-After) → kRateLimited; 401/403/404/410 → kUnauthenticated; other 4xx →
// kFailedPrecondition; 5xx → kUnavailable. `http` and `clock` outlive the notifier.
std::unique_ptr<Notifier> MakeWebhookNotifier(std::string url, std::string secret, HttpClient& http,
                                              const Clock& clock);

}  // namespace odziv::responders
