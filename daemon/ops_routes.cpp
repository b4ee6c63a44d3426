#include "daemon/ops_routes.h"

#include <cpprest/json.h>
#include <fmt/format.h>

namespace odziv::daemon {

void AddOpsRoutes(HttpRouter& router, Store& store, const Scheduler& scheduler) {
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
    body["status"] = value::string(s.degraded + s.needs_human > 0 ? "degraded" : "ok");
    ServerResponse response;
    response.body = body.serialize();
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });

  router.Add("GET", "/metrics", [&scheduler](const ServerRequest&) {
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
    return ServerResponse::Text(200, std::move(out), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace odziv::daemon
