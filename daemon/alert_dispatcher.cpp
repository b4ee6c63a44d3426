#include "daemon/alert_dispatcher.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "core/secret.h"
#include "daemon/alert_rules.h"
#include "responders/email_notifier.h"
#include "responders/slack_notifier.h"
#include "responders/webhook_notifier.h"

namespace odziv::daemon {
namespace {

using web::json::value;

std::string Str(const value& obj, const char* key) {
  return obj.has_field(key) && obj.at(key).is_string() ? obj.at(key).as_string() : std::string();
}

Result<std::string> Secret(const value& route, const char* key, std::string_view route_name) {
  std::string reference = Str(route, key);
  if (reference.empty())
    return Fail(ErrorCode::kConfig, fmt::format("route '{}' has no '{}'", route_name, key));
  auto resolved = ResolveSecret(reference);
  if (!resolved) return Fail(resolved.error().WithContext(fmt::format("route '{}'", route_name)));
  return resolved;
}

// The notifier for the route named `name` in the brand's settings. kConfig names what is missing.
// `assignee_email`: the address of the person the alert's case is assigned to, for email routes with
// "to_assignee" (empty: the route's own "to").
Result<std::unique_ptr<responders::Notifier>> MakeRouteNotifier(const Brand& brand, const std::string& name,
                                                               HttpClient& http, const Clock& clock,
                                                               const std::string& assignee_email) {
  value settings;
  try {
    settings = value::parse(brand.settings.empty() ? "{}" : brand.settings);
  } catch (const std::exception&) {
    return Fail(ErrorCode::kConfig, fmt::format("brand {}: settings are not JSON", brand.slug));
  }
  if (!settings.has_field("routes") || !settings.at("routes").has_field(name))
    return Fail(ErrorCode::kConfig, fmt::format("brand {} has no route '{}' in its settings", brand.slug, name));
  const value& route = settings.at("routes").at(name);
  const std::string type = Str(route, "type");
  if (type == "slack") {
    auto url = Secret(route, "webhook_url", name);
    if (!url) return Fail(url.error());
    return responders::MakeSlackNotifier(*url, http);
  }
  if (type == "webhook") {
    auto secret = Secret(route, "secret", name);
    if (!secret) return Fail(secret.error());
    if (Str(route, "url").empty()) return Fail(ErrorCode::kConfig, fmt::format("route '{}' has no 'url'", name));
    return responders::MakeWebhookNotifier(Str(route, "url"), *secret, http, clock);
  }
  if (type == "email") {
    responders::EmailSettings email;
    email.host = Str(route, "host");
    if (route.has_field("port") && route.at("port").is_integer()) email.port = route.at("port").as_integer();
    const std::string security = Str(route, "security");
    email.security = security == "tls"    ? responders::SmtpSecurity::kTls
                     : security == "none" ? responders::SmtpSecurity::kNone
                                          : responders::SmtpSecurity::kStartTls;
    email.username = Str(route, "username");
    if (!email.username.empty()) {
      auto password = Secret(route, "password", name);
      if (!password) return Fail(password.error());
      email.password = *password;
    }
    email.from = Str(route, "from");
    email.unsubscribe_url = Str(route, "unsubscribe_url");  // List-Unsubscribe on digests
    const bool to_assignee = route.has_field("to_assignee") && route.at("to_assignee").is_boolean() &&
                             route.at("to_assignee").as_bool();
    if (to_assignee && !assignee_email.empty()) {
      email.to.push_back(assignee_email);
    } else if (route.has_field("to") && route.at("to").is_array()) {
      for (const value& to : route.at("to").as_array())
        if (to.is_string()) email.to.push_back(to.as_string());
    }
    if (email.host.empty() || email.from.empty() || email.to.empty())
      return Fail(ErrorCode::kConfig, fmt::format("route '{}' needs host, from and to", name));
    return responders::MakeEmailNotifier(std::move(email), clock);
  }
  return Fail(ErrorCode::kConfig,
              fmt::format("route '{}' has type '{}': use slack, email or webhook", name, type));
}

responders::AlertKind KindOf(const std::string& kind) {
  if (kind == "sla_approaching") return responders::AlertKind::kSlaApproaching;
  if (kind == "sla_missed") return responders::AlertKind::kSlaMissed;
  if (kind == "delivery_failed") return responders::AlertKind::kDeliveryFailed;
  if (kind == "source_unhealthy") return responders::AlertKind::kSourceUnhealthy;
  if (kind == "spike") return responders::AlertKind::kSpike;
  if (kind == "digest" || kind == "throttled") return responders::AlertKind::kDigest;
  return responders::AlertKind::kNewCase;
}

}  // namespace

AlertDispatcher::AlertDispatcher(Store& store, HttpClient& http, const Clock& clock, AlertDispatcherOptions options)
    : store_(store), http_(http), clock_(clock), options_(std::move(options)) {}

namespace {

std::optional<std::int64_t> Int(const value& obj, const char* key) {
  if (!obj.has_field(key) || !obj.at(key).is_number()) return std::nullopt;
  return obj.at(key).as_number().to_int64();
}

// The post an alert that belongs to no case quotes ("post" in its payload, as the JSON webhook has it).
std::optional<responders::AlertPost> PayloadPost(const value& payload) {
  if (!payload.has_field("post") || !payload.at("post").is_object()) return std::nullopt;
  const value& p = payload.at("post");
  responders::AlertPost post{Str(p, "platform"), Str(p, "author"), Int(p, "author_reach").value_or(0),
                             Str(p, "text"),     Str(p, "url"),    std::nullopt,
                             Str(p, "language")};
  if (auto rating = Int(p, "rating")) post.rating = static_cast<int>(*rating);
  return post;
}

// The hour [from, to) that contains `t`: a throttled alert is summed up with the others of its hour.
std::pair<Timestamp, Timestamp> HourOf(Timestamp t) {
  const Timestamp from = std::chrono::floor<std::chrono::hours>(t);
  return {from, from + std::chrono::hours(1)};
}

}  // namespace

Status AlertDispatcher::Summarise(const Alert& row, const value& payload, responders::Alert& alert) {
  // A "throttled" row counts the alerts of its route that throttling suppressed in its hour.
  const Timestamp from = FromUnixMillis(Int(payload, "from_ms").value_or(0));
  const Timestamp to = FromUnixMillis(Int(payload, "to_ms").value_or(0));
  auto held = store_.ListBrandAlerts(row.brand_id, "suppressed", from, to, 10000);
  if (!held) return Fail(held.error());
  std::vector<std::string> titles;
  for (const Alert& h : *held) {
    if (h.route != row.route) continue;
    value p;
    try {
      p = value::parse(h.payload);
    } catch (const std::exception&) {
      p = value::object();
    }
    titles.push_back(Str(p, "title").empty() ? h.kind : Str(p, "title"));
  }
  alert.title = fmt::format("{} more alert{} held back in one hour", titles.size(), titles.size() == 1 ? "" : "s");
  alert.summary = fmt::format("The route '{}' is limited by max_per_hour; these were not sent one by one:", row.route);
  for (std::size_t i = 0; i < titles.size() && i < 10; ++i) alert.summary += "\n• " + titles[i];
  if (titles.size() > 10) alert.summary += fmt::format("\n… and {} more", titles.size() - 10);
  return {};
}

Result<bool> AlertDispatcher::HoldBack(const Alert& row, const Brand& brand, int priority, Timestamp now,
                                       DispatchReport& report) {
  if (row.kind == "digest" || row.kind == "throttled") return false;  // they are what the rest folds into
  auto rules = LoadAlertRules(brand);
  if (!rules) return false;  // settings were valid when saved; an alert is better than none
  if (priority != 1 || rules->quiet_hours.p1_waits()) {
    if (auto until = rules->quiet_hours.QuietUntil(now)) {
      auto held = store_.HoldAlert(row.id, "pending", *until,
                                   fmt::format("quiet hours until {}", FormatIsoTimestamp(*until)));
      if (!held) return Fail(held.error());
      ++report.held;
      return true;
    }
  }
  auto limit = rules->max_per_hour.find(row.route);
  if (priority == 1 || limit == rules->max_per_hour.end()) return false;
  auto sent = store_.CountSentAlerts(brand.id, row.route, now - std::chrono::hours(1));
  if (!sent) return Fail(sent.error());
  if (*sent < limit->second) return false;
  auto suppressed = store_.HoldAlert(
      row.id, "suppressed", std::nullopt,
      fmt::format("throttled: route '{}' was sent {} alerts in the last hour (max_per_hour {})", row.route, *sent,
                  limit->second));
  if (!suppressed) return Fail(suppressed.error());
  ++report.suppressed;
  if (!rules->digest.enabled) {
    const auto [from, to] = HourOf(row.created_at);
    value payload = value::object();
    payload["title"] = value::string("alerts held back");
    payload["from_ms"] = value::number(ToUnixMillis(from));
    payload["to_ms"] = value::number(ToUnixMillis(to));
    Alert summary;
    summary.brand_id = brand.id;
    summary.route = row.route;
    summary.kind = "throttled";
    summary.dedup_key = fmt::format("throttled:{}:{}:{}", brand.id, row.route, ToUnixMillis(to) / 1000);
    summary.payload = payload.serialize();
    auto written = store_.EnqueueAlert(summary, std::max(to, now), now);
    if (!written) return Fail(written.error());
  }
  return true;
}

Result<DispatchReport> AlertDispatcher::DeliverDue() {
  auto report = [&] {
    // Each alert's outcome is committed before the next alert is sent, so that a crash of the process
    // repeats at most the alert being sent; the disk sync is one for the batch (below).
    DeferredSync deferred;
    return DeliverDueUnsynced();
  }();
  if (auto synced = store_.Sync(); !synced) return Fail(synced.error());
  return report;
}

Result<DispatchReport> AlertDispatcher::DeliverDueUnsynced() {
  auto due = store_.ListDueAlerts(clock_.Now(), options_.batch);
  if (!due) return Fail(due.error());
  DispatchReport report;
  for (const Alert& row : *due) {
    // What the person needs to see: the brand, the title, the case's first post and why it was judged so.
    responders::Alert alert;
    alert.dedup_key = row.dedup_key;
    alert.kind = KindOf(row.kind);
    alert.created_at = row.created_at;
    value payload;
    try {
      payload = value::parse(row.payload);
    } catch (const std::exception&) {
      payload = value::object();
    }
    alert.title = Str(payload, "title");
    alert.summary = Str(payload, "summary");
    alert.link = Str(payload, "link");
    if (auto priority = Int(payload, "priority")) alert.priority = static_cast<int>(*priority);
    if (auto left = Int(payload, "time_left_s")) alert.time_left = std::chrono::seconds(*left);
    alert.post = PayloadPost(payload);
    if (payload.has_field("reasons") && payload.at("reasons").is_array())
      for (const value& reason : payload.at("reasons").as_array())
        if (reason.is_string()) alert.reasons.push_back(reason.as_string());
    Status sent;
    auto brand = store_.GetBrandById(row.brand_id);
    if (!brand) {
      sent = Fail(brand.error());
    } else {
      auto held = HoldBack(row, *brand, alert.priority, clock_.Now(), report);
      if (!held) return Fail(held.error());
      if (*held) continue;
      alert.brand_slug = brand->slug;
      alert.brand_name = brand->name;
      if (row.kind == "throttled") {
        if (auto summarised = Summarise(row, payload, alert); !summarised) return Fail(summarised.error());
      }
      if (row.case_id) {
        if (!options_.app_url.empty()) alert.link = fmt::format("{}/cases/{}", options_.app_url, *row.case_id);
        if (auto posts = store_.CasePosts(*row.case_id); posts && !posts->empty()) {
          const StoredPost& first = posts->front();
          const Post& p = first.post;
          alert.post = responders::AlertPost{p.platform, p.author.handle.empty() ? p.author.name : p.author.handle,
                                             p.author.reach, p.text, p.url, p.rating, p.language};
          if (auto assessment = store_.GetAssessment(first.id)) alert.reasons = assessment->reasons;
        }
      }
      // The person the case is assigned to, for routes that write to them.
      std::string assignee_email;
      if (row.case_id) {
        if (auto c = store_.GetCase(*row.case_id); c && c->assignee_id) {
          if (auto user = store_.GetUserById(*c->assignee_id); user && !user->disabled) assignee_email = user->email;
        }
      }
      auto notifier = MakeRouteNotifier(*brand, row.route, http_, clock_, assignee_email);
      sent = notifier ? (*notifier)->Send(alert) : Status(Fail(notifier.error()));
    }
    const Timestamp now = clock_.Now();
    Status recorded;
    if (sent) {
      recorded = store_.RecordAlertAttempt(row.id, "sent", std::nullopt, "", now);
      ++report.sent;
    } else if (sent.error().retryable() && row.attempts + 1 < options_.max_attempts) {
      auto wait = std::min<std::int64_t>(options_.first_retry.count() << std::min(row.attempts, 16),
                                         options_.max_retry.count());
      if (sent.error().retry_after) wait = std::max<std::int64_t>(wait, sent.error().retry_after->count());
      recorded = store_.RecordAlertAttempt(row.id, "pending", now + std::chrono::seconds(wait),
                                           Describe(sent.error()), now);
      ++report.retried;
    } else {
      recorded = store_.RecordAlertAttempt(row.id, "failed", std::nullopt, Describe(sent.error()), now);
      ++report.failed;
    }
    if (!recorded) return Fail(recorded.error());
  }
  return report;
}

}  // namespace odziv::daemon
