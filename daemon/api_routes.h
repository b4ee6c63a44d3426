// The HTTP API (/api/v1, docs/api-reference.md and docs/openapi.json): brands and their sources, posts,
// cases, the approval queue, drafts, alerts and a cheap change poll for the web app. Every route asks the
// Authenticator who is calling and shows only the brands that person has a role in: a brand they cannot
// see (and anything of it: a post, a case, a draft, a source) answers 404 exactly like a missing one.
// Changes go through the same code as the CLI (CaseTracker, ApprovalQueue) and write the same audit events.
//
// Handlers run on the HTTP server's I/O threads; each makes a few Store calls and never waits on anything
// else.
#pragma once

#include <cstddef>

#include "core/clock.h"
#include "core/store.h"
#include "daemon/http_router.h"
#include "daemon/principal.h"

namespace odziv::daemon {

struct ApiOptions {
  // The longest request body a route reads (bytes). 64 KiB: the largest body is a brand's settings object,
  // which is a few KiB in practice; anything far larger is a mistake or an attack.
  std::size_t max_body_bytes = 64 * 1024;
};

// Adds every /api/v1 route. `store`, `auth` and `clock` must outlive `router`.
void AddApiRoutes(HttpRouter& router, Store& store, Authenticator& auth, Clock& clock, const ApiOptions& options);

}  // namespace odziv::daemon
