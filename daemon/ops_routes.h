// The operator's routes of the daemon's HTTP server: /healthz (is the daemon up, is its database usable,
// are its sources healthy) and /metrics (Prometheus text format).
#pragma once

#include "core/clock.h"
#include "core/store.h"
#include "daemon/http_router.h"
#include "daemon/scheduler.h"

namespace odziv::daemon {

// Adds GET /healthz and GET /metrics. The references outlive the router; `clock` (the system clock when
// null) dates "overdue".
//   /healthz: 200 {"status": "ok"|"degraded", "database": "ok", "database_writable": "ok"|why,
//             "sources": {…counts…}} while the database answers and can be written (degraded: some source
//             needs a person or is failing, or the write lock is busy); 503 {"status": "failing", …} when the
//             database does not answer or is read-only.
//   /metrics: poll counters and per-platform poll duration histograms, sources by health, cases open and
//             overdue, SLA misses, reply deliveries and alerts by status. Labels come from small fixed sets
//             (health, platform, status), never brands or sources.
void AddOpsRoutes(HttpRouter& router, Store& store, const Scheduler& scheduler, const Clock* clock = nullptr);

}  // namespace odziv::daemon
