#include "daemon/ops_routes.h"

#include <cpprest/json.h>
#include <fmt/format.h>

namespace odziv::daemon {

namespace {

const Clock& SystemClockInstance() {
  static const SystemClock clock;
  return clock;
}

}  // namespace

void AddOpsRoutes(HttpRouter& router, Store& store, const Scheduler& scheduler, const Clock* clock) {
  const Clock& now = clock != nullptr ? *clock : SystemClockInstance();
  router.Add("GET", "/healthz", [&store, &scheduler](const ServerRequest&) {
    using web::json::value;
    SchedulerStatus s = scheduler.Status();
    value body = value::object();
    value sources = value::object();
    sources["total"] = value::number(static_cast<uint64_t>(s.sources));
    sources["degraded"] = value::number(static_cast<uint64_t>(s.degraded));
    sources["needs_human"] = value::number(static_cast<uint64_t>(s.needs_human));
    body["sources"] = sources;
    auto version = store.SchemaVersion();
    if (!version) {
      body["status"] = value::string("failing");
      body["database"] = value::string(version.error().message);
      ServerResponse response;
      response.status = 503;
      response.body = body.serialize();
      return response;
    }
    body["database"] = value::string("ok");
    // A database that reads but cannot be written stops every stage: failing. A busy write lock is
    // another process's long transaction: degraded.
    auto writable = store.CheckWritable();
    body["database_writable"] = value::string(writable ? std::string("ok") : writable.error().message);
    ServerResponse response;
    if (!writable && writable.error().code != ErrorCode::kBusy) {
      body["status"] = value::string("failing");
      response.status = 503;
      response.body = body.serialize();
      return response;
    }
    body["status"] = value::string(s.degraded + s.needs_human > 0 || !writable ? "degraded" : "ok");
    response.body = body.serialize();
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });

  router.Add("GET", "/metrics", [&store, &scheduler, &now](const ServerRequest&) {
    SchedulerStatus s = scheduler.Status();
    std::string out;
    auto metric = [&out](std::string_view name, std::string_view type, std::string_view help, auto value,
                         std::string_view labels = "") {
      out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{}{} {}\n", name, help, name, type, name, labels, value);
    };
    metric("odziv_polls_total", "counter", "Polls finished since the daemon started.", s.polls);
    metric("odziv_polls_failed_total", "counter", "Polls that ended in an error.", s.failed_polls);
    metric("odziv_posts_stored_total", "counter", "New posts stored since the daemon started.", s.posts_stored);
    metric("odziv_polls_in_flight", "gauge", "Polls running now.", s.in_flight);
    out += "# HELP odziv_sources Sources by health.\n# TYPE odziv_sources gauge\n";
    out += fmt::format("odziv_sources{{health=\"ok\"}} {}\n", s.sources - s.degraded - s.needs_human);
    out += fmt::format("odziv_sources{{health=\"degraded\"}} {}\n", s.degraded);
    out += fmt::format("odziv_sources{{health=\"needs_human\"}} {}\n", s.needs_human);
    out += "# HELP odziv_poll_duration_seconds How long polls took, every page of one poll.\n"
           "# TYPE odziv_poll_duration_seconds histogram\n";
    for (const auto& [platform, histogram] : s.poll_seconds)
      out += histogram.Samples("odziv_poll_duration_seconds", fmt::format("platform=\"{}\"", platform));
    // The database's figures; when it does not answer, /healthz says so and these are left out.
    if (auto counts = store.CountOperations(now.Now())) {
      metric("odziv_cases_open", "gauge", "Cases waiting for an answer (open, awaiting approval, replied).",
             counts->open_cases);
      metric("odziv_cases_overdue", "gauge", "Cases waiting for an answer past their deadline.", counts->overdue_cases);
      metric("odziv_sla_missed_total", "counter", "Cases whose deadline passed before their first response.",
             counts->sla_missed);
      auto by_status = [&out](std::string_view name, std::string_view help,
                              const std::map<std::string, std::int64_t>& rows) {
        out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
        for (const auto& [status, count] : rows) out += fmt::format("{}{{status=\"{}\"}} {}\n", name, status, count);
      };
      by_status("odziv_deliveries", "Reply outbox rows by status.", counts->deliveries);
      by_status("odziv_alerts", "Alert outbox rows by status (sent, failed, pending …).", counts->alerts);
    }
    return ServerResponse::Text(200, std::move(out), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace odziv::daemon
