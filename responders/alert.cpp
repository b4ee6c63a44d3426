#include "responders/alert.h"

#include <fmt/format.h>

namespace odziv::responders {

std::string_view AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kNewCase: return "new_case";
    case AlertKind::kSlaApproaching: return "sla_approaching";
    case AlertKind::kSlaMissed: return "sla_missed";
    case AlertKind::kSourceUnhealthy: return "source_unhealthy";
    case AlertKind::kSpike: return "spike";
    case AlertKind::kDigest: return "digest";
    case AlertKind::kDeliveryFailed: return "delivery_failed";
  }
  return "new_case";
}

std::string DescribeTimeLeft(std::chrono::seconds time_left) {
  const bool overdue = time_left.count() < 0;
  std::int64_t minutes = (overdue ? -time_left.count() : time_left.count()) / 60;
  std::string amount;
  if (minutes >= 24 * 60) amount = fmt::format("{} d {} h", minutes / (24 * 60), minutes % (24 * 60) / 60);
  else if (minutes >= 60) amount = fmt::format("{} h {} min", minutes / 60, minutes % 60);
  else amount = fmt::format("{} min", minutes);
  return overdue ? fmt::format("overdue by {}", amount) : fmt::format("{} left", amount);
}

}  // namespace odziv::responders
