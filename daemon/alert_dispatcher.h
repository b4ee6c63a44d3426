// AlertDispatcher: delivers the alert outbox. The case tracker and the SLA watchdog write alert rows (each
// with a unique dedup key) in the same transaction as the change they report; this reads the due ones and
// sends each on the route the brand's settings name for it, through responders/ (Slack, email, webhook).
// At least once: a row is marked sent only after the route accepted it, so a crash in between repeats that
// one alert (its dedup key lets the receiver tell), and loses none.
//
// Routes live in the brand's settings:
//   "routes": {"team":     {"type": "slack", "webhook_url": "env:ZRNO_SLACK_WEBHOOK"},
//              "manager":  {"type": "email", "host": "smtp.example.org", "port": 587, "security": "starttls",
//                           "username": "alerts@zrno.ba", "password": "env:ZRNO_SMTP_PASSWORD",
//                           "from": "odziv <alerts@zrno.ba>", "to": ["manager@zrno.ba"]},
//              "assignee": {"type": "webhook", "url": "https://…", "secret": "env:ZRNO_HOOK_SECRET"}}
// Credentials are secret references, resolved at send time and never stored or logged.
//
// Before sending, the brand's alert rules (daemon/alert_rules.h) apply to every alert but digests:
//   quiet hours  an alert due in the brand's quiet hours waits, pending, until they end (P1 goes through
//                unless "p1": "wait");
//   max_per_hour a route that was sent that many alerts in the last hour gets no more: the alert is
//                marked 'suppressed' and the brand's next digest counts it, or, for a brand without a
//                digest, one "N more alerts" summary per route and hour (`throttled:<brand>:<route>:<hour
//                end>`) tells of them when that hour ends. P1 alerts are never suppressed.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/clock.h"
#include "core/http_client.h"
#include "core/store.h"
#include "responders/alert.h"

namespace web::json {
class value;
}

namespace odziv::daemon {

struct AlertDispatcherOptions {
  std::size_t batch = 50;                      // alerts read per round
  std::chrono::seconds first_retry{30};        // after a temporary failure; doubles per attempt…
  std::chrono::seconds max_retry{3600};        // …up to this
  int max_attempts = 12;                       // then the alert is failed (about a working day of tries)
  std::string app_url;                         // the web app's base URL for links; empty: no link
};

struct DispatchReport {
  std::size_t sent = 0;
  std::size_t retried = 0;  // left pending with a later attempt time
  std::size_t failed = 0;   // given up: no such route, credentials revoked, refused, too many attempts
  std::size_t held = 0;        // waiting for the brand's quiet hours to end
  std::size_t suppressed = 0;  // over the route's max_per_hour: counted in a digest or summary instead
};

class AlertDispatcher {
 public:
  // The references outlive the dispatcher.
  AlertDispatcher(Store& store, HttpClient& http, const Clock& clock, AlertDispatcherOptions options);

  // Delivers every alert due now. Errors only when the outbox cannot be read or written; each alert's own
  // outcome is recorded on its row (status, attempts, last_error, next attempt).
  [[nodiscard]] Result<DispatchReport> DeliverDue();

 private:
  Result<DispatchReport> DeliverDueUnsynced();
  // Quiet hours and throttling: true when the alert was held back (and its row says so), false to send it.
  Result<bool> HoldBack(const Alert& row, const Brand& brand, int priority, Timestamp now, DispatchReport& report);
  // The title and summary of a "throttled" summary row.
  Status Summarise(const Alert& row, const web::json::value& payload, responders::Alert& alert);

  Store& store_;
  HttpClient& http_;
  const Clock& clock_;
  AlertDispatcherOptions options_;
};

}  // namespace odziv::daemon
