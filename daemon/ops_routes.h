// The operator's routes of the daemon's HTTP server: /healthz (is the daemon up, is its database usable,
// are its sources healthy) and /metrics (Prometheus text format).
#pragma once

#include "core/store.h"
#include "daemon/http_router.h"
#include "daemon/scheduler.h"

namespace odziv::daemon {

// Adds GET /healthz and GET /metrics. The references outlive the router.
//   /healthz: 200 {"status": "ok"|"degraded", "database": "ok", "sources": {…counts…}} while the database
//             answers (degraded: some source needs a person or is failing); 503 {"status": "failing", …}
//             when it does not.
void AddOpsRoutes(HttpRouter& router, Store& store, const Scheduler& scheduler);

}  // namespace odziv::daemon
