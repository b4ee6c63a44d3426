// SlackNotifier: alerts as Slack incoming-webhook messages in Block Kit (a header, the post quoted, the
// reasons, the time left and a button to the draft), with a plain `text` fallback for notifications.
#pragma once

#include <memory>
#include <string>

#include <cpprest/json.h>

#include "core/http_client.h"
#include "responders/notifier.h"

namespace odziv::responders {

// The message body for an alert (pure; the exact JSON is tested). Post text is escaped for mrkdwn and cut
// to Slack's block limits.
web::json::value SlackPayload(const Alert& alert);

// Sends to `webhook_url` (the secret URL itself, already resolved from its reference; never logged).
// Slack answers in plain text: 200 "ok"; 429 with Retry-After → kRateLimited; 403/404/410 (revoked,
// channel gone) → kUnauthenticated; other 4xx → kFailedPrecondition with Slack's word ("invalid_payload");
// 5xx → kUnavailable. `http` outlives the notifier.
std::unique_ptr<Notifier> MakeSlackNotifier(std::string webhook_url, HttpClient& http);

}  // namespace odziv::responders
