// The dashboard's statistics route: posts by sentiment and topic, cases opened and answered, SLAs met and
// missed and the median time to the first response, per hour or day, for one brand or across the brands the
// principal may see, with the cases open and overdue now. The store computes it with a few grouped queries
// (Store::DashboardStatistics); this file turns the request into buckets and the result into JSON.
#pragma once

#include "core/clock.h"
#include "core/store.h"
#include "daemon/http_router.h"
#include "daemon/principal.h"

namespace odziv::daemon {

// Adds GET /api/v1/stats?brand=SLUG&from=RFC3339&to=RFC3339&bucket=hour|day. The references outlive the router.
//   brand   one brand (404 not_found when it does not exist or the principal may not see it); without it,
//           every brand the principal may see.
//   from/to the range (to defaults to now, from to 7 days before to, each rounded down to the start of its
//           bucket); day buckets start at midnight in the brand's time zone when one brand is asked for, at
//           midnight UTC across brands. At most 1000 buckets (400 otherwise).
// Answers {"timezone", "bucket", "buckets": [{"start", "posts", "neg", "neu", "pos", "cases_opened",
// "cases_answered", "sla_met", "sla_missed", "median_first_response_s"}], "topics": [{"topic", "counts"}],
// "open_cases", "overdue_cases", "sla_compliance"} where sla_compliance is met / (met + missed) over the
// range (null when no deadline was decided in it).
void AddStatsRoutes(HttpRouter& router, Store& store, Authenticator& auth, Clock& clock);

// The bucket bounds from `from` (rounded down to its bucket's start in `timezone`) until past `to`: n + 1
// instants for n buckets. kInvalidArgument when to is not after from, or for more than `max_buckets` buckets;
// kNotFound for an unknown time zone. Day buckets follow the zone's calendar (23 or 25 hours across DST).
Result<std::vector<Timestamp>> StatsBuckets(Timestamp from, Timestamp to, bool daily, const std::string& timezone,
                                            std::size_t max_buckets = 1000);

}  // namespace odziv::daemon
