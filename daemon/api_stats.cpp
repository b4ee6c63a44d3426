#include "daemon/api_stats.h"

#include <cpprest/json.h>
#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <exception>

#include "daemon/api_support.h"

namespace odziv::daemon {
namespace {

using web::json::value;

const date::time_zone* Zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

Result<std::optional<Timestamp>> QueryTime(const ServerRequest& request, const char* name) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return std::optional<Timestamp>();
  auto t = ParseIsoTimestamp(it->second);
  if (!t)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} must be an RFC 3339 date-time such as 2026-11-23T00:00:00Z, not '{}'", name,
                            it->second));
  return std::optional<Timestamp>(*t);
}

value BucketToJson(Timestamp start, const DashboardBucket& b) {
  value out = value::object();
  out["start"] = value::string(FormatIsoTimestamp(start));
  out["posts"] = value::number(b.posts);
  out["neg"] = value::number(b.neg);
  out["neu"] = value::number(b.neu);
  out["pos"] = value::number(b.pos);
  out["cases_opened"] = value::number(b.cases_opened);
  out["cases_answered"] = value::number(b.cases_answered);
  out["sla_met"] = value::number(b.sla_met);
  out["sla_missed"] = value::number(b.sla_missed);
  out["median_first_response_s"] =
      b.median_first_response_s ? value::number(*b.median_first_response_s) : value::null();
  return out;
}

Result<ServerResponse> Stats(Store& store, Clock& clock, const ServerRequest& request, const Principal& principal) {
  std::vector<std::int64_t> brand_ids;
  std::string timezone = "UTC";
  if (auto it = request.query.find("brand"); it != request.query.end()) {
    auto brand = store.GetBrand(it->second);
    if (!brand && brand.error().code != ErrorCode::kNotFound) return Fail(brand.error());
    if (!brand || !principal.MaySee(brand->id)) return Fail(api::NotFound("brand", it->second));
    brand_ids.push_back(brand->id);
    timezone = brand->timezone.empty() ? "UTC" : brand->timezone;
  } else {
    brand_ids = principal.BrandIds();
  }
  bool daily = true;
  if (auto it = request.query.find("bucket"); it != request.query.end()) {
    if (it->second != "day" && it->second != "hour")
      return Fail(ErrorCode::kInvalidArgument, fmt::format("bucket must be hour or day, not '{}'", it->second));
    daily = it->second == "day";
  }
  auto from = QueryTime(request, "from");
  if (!from) return Fail(from.error());
  auto to = QueryTime(request, "to");
  if (!to) return Fail(to.error());
  const Timestamp now = clock.Now();
  const Timestamp end = to->value_or(now);
  // By default the last 7 days: today and the 6 days before it, or 7 × 24 hours up to now.
  const Timestamp start = from->value_or(end - date::days(daily ? 6 : 7));
  auto bounds = StatsBuckets(start, end, daily, timezone);
  if (!bounds) return Fail(bounds.error());

  Dashboard dashboard;
  if (!brand_ids.empty()) {
    auto computed = store.DashboardStatistics(DashboardQuery{brand_ids, *bounds, now});
    if (!computed) return Fail(computed.error());
    dashboard = std::move(*computed);
  } else {
    dashboard.buckets.resize(bounds->size() - 1);  // a person without brands sees an empty dashboard
  }

  value body = value::object();
  body["timezone"] = value::string(timezone);
  body["bucket"] = value::string(daily ? "day" : "hour");
  value buckets = value::array(dashboard.buckets.size());
  std::int64_t met = 0, missed = 0;
  for (std::size_t i = 0; i < dashboard.buckets.size(); ++i) {
    buckets[i] = BucketToJson((*bounds)[i], dashboard.buckets[i]);
    met += dashboard.buckets[i].sla_met;
    missed += dashboard.buckets[i].sla_missed;
  }
  body["buckets"] = std::move(buckets);
  value topics = value::array(dashboard.topics.size());
  for (std::size_t i = 0; i < dashboard.topics.size(); ++i) {
    value topic = value::object();
    topic["topic"] = value::string(dashboard.topics[i].topic);
    value counts = value::array(dashboard.topics[i].counts.size());
    for (std::size_t j = 0; j < dashboard.topics[i].counts.size(); ++j)
      counts[j] = value::number(dashboard.topics[i].counts[j]);
    topic["counts"] = std::move(counts);
    topics[i] = std::move(topic);
  }
  body["topics"] = std::move(topics);
  body["open_cases"] = value::number(dashboard.open_cases);
  body["overdue_cases"] = value::number(dashboard.overdue_cases);
  body["sla_compliance"] =
      met + missed > 0 ? value::number(static_cast<double>(met) / static_cast<double>(met + missed)) : value::null();
  return api::JsonResponse(body);
}

}  // namespace

Result<std::vector<Timestamp>> StatsBuckets(Timestamp from, Timestamp to, bool daily, const std::string& timezone,
                                            std::size_t max_buckets) {
  if (to <= from) return Fail(ErrorCode::kInvalidArgument, "to must be after from");
  const date::time_zone* zone = Zone(timezone);
  if (zone == nullptr) return Fail(ErrorCode::kNotFound, fmt::format("time zone '{}' is not known", timezone));
  std::vector<Timestamp> bounds;
  if (!daily) {
    // Hours are the same length everywhere (zones whose offset is not whole hours still start theirs on
    // UTC hours here: documented).
    const auto hour = std::chrono::hours(1);
    Timestamp t = date::floor<std::chrono::hours>(from);
    const auto count = static_cast<std::size_t>((to - t + hour - std::chrono::milliseconds(1)) / hour);
    if (count > max_buckets)
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("that range has {} hourly buckets; at most {} are answered", count, max_buckets));
    for (std::size_t i = 0; i <= count; ++i) bounds.push_back(t + i * hour);
    return bounds;
  }
  const auto first_day = date::floor<date::days>(zone->to_local(from));
  const auto last_day = date::floor<date::days>(zone->to_local(to - std::chrono::milliseconds(1)));
  const auto count = static_cast<std::size_t>((last_day - first_day).count() + 1);
  if (count > max_buckets)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("that range has {} daily buckets; at most {} are answered", count, max_buckets));
  for (std::size_t i = 0; i <= count; ++i) {
    const auto midnight = first_day + date::days(static_cast<int>(i));
    bounds.push_back(date::floor<std::chrono::milliseconds>(zone->to_sys(midnight, date::choose::earliest)));
  }
  return bounds;
}

void AddStatsRoutes(HttpRouter& router, Store& store, Authenticator& auth, Clock& clock) {
  router.Add("GET", "/api/v1/stats",
             api::Authenticated(auth, [&store, &clock](const ServerRequest& request, const Principal& principal) {
               return Stats(store, clock, request, principal);
             }));
}

}  // namespace odziv::daemon
