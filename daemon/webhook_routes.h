// Webhook routes: posts pushed to the daemon (POST /webhooks/{source}) and Meta's subscription handshake
// (GET /webhooks/{source}). A push is verified against its source's secret, parsed, then stored by the
// PushWriter (group commit) and answered 200 {"stored": n} only once committed. Refusals, each logged once
// (component "webhooks") and answered {"error": {"code", "message"}} with the reason, store nothing:
//   404 unknown source, or a source not set up for pushes (the message says which setting is missing)
//   401 missing, malformed, forged or stale signature (X-Odziv-Signature timestamp outside 5 minutes)
//   400 a body that is not the platform's format
//   503 the daemon is stopping or the database failed (the sender retries)
// Pushes are an addition to polling, never a replacement: pushes get lost, and polling (where the platform
// allows it) catches up, since a push never moves the source's cursor.
//
// Handlers run on the HTTP server's I/O threads, but do not block them while a batch commits: a push's
// response is deferred (ServerResponse::deferred) and sent when the writer has stored it. The source is read
// and its secret resolved per request (a small database read), so CLI changes apply at once.
#pragma once

#include "core/clock.h"
#include "core/store.h"
#include "daemon/http_router.h"
#include "daemon/push_writer.h"

namespace odziv::daemon {

// Adds GET and POST /webhooks/{source}. `store`, `writer` and `clock` outlive the router.
void AddWebhookRoutes(HttpRouter& router, Store& store, PushWriter& writer, const Clock& clock);

}  // namespace odziv::daemon
