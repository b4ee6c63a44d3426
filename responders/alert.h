// Alert: one event a person must hear about (a new urgent case, an SLA about to be missed, a source that
// needs a person, a spike of negative posts, a digest), in the form every route renders from. Written to
// the alert outbox by the daemon and delivered at least once by a Notifier; `dedup_key` lets a receiver
// recognise the one repeat a crash can cause.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"

namespace odziv::responders {

enum class AlertKind { kNewCase, kSlaApproaching, kSlaMissed, kSourceUnhealthy, kSpike, kDigest, kDeliveryFailed };

std::string_view AlertKindName(AlertKind kind);  // "new_case", "sla_approaching", …

// The post an alert is about, as a person needs to see it.
struct AlertPost {
  std::string platform;
  std::string author;  // handle or name
  std::int64_t author_reach = 0;
  std::string text;    // untrusted: every renderer escapes it
  std::string url;
  std::optional<int> rating;
  std::string language;
};

struct Alert {
  std::string dedup_key;  // unique per event, e.g. "case:42:sla:0.8"
  AlertKind kind = AlertKind::kNewCase;
  std::string brand_slug;
  std::string brand_name;
  int priority = 4;       // 1 (P1) … 4
  std::string title;      // one line: "Legal threat on a 1★ review"
  std::string summary;    // a few plain-text lines; may be empty
  std::optional<AlertPost> post;
  std::vector<std::string> reasons;  // why odziv judged it so, most important first
  // Time left to the SLA deadline; negative when it was missed.
  std::optional<std::chrono::seconds> time_left;
  std::string link;       // the web app's page for the case or draft; may be empty
  Timestamp created_at{};
};

// "45 min left", "2 h 5 min left", "overdue by 10 min".
std::string DescribeTimeLeft(std::chrono::seconds time_left);

}  // namespace odziv::responders
