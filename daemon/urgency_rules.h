// A brand's own urgency weights: the "urgency" object of its settings overrides any of the defaults of
// sentiment/urgency.h (how many points a legal threat, a 1★ review or a large audience is worth, and where
// P1, P2 and P3 begin), so that an airline and a bakery can rank the same post differently.
//
//   "urgency": {"legal_threat": 60, "one_star": 25, "platform_points": {"x": 10},
//               "fresh_within_minutes": 30, "stale_after_hours": 48, "p1": 75, "p2": 50, "p3": 25}
#pragma once

#include <optional>
#include <string>

#include "core/brand.h"
#include "core/error.h"
#include "sentiment/urgency.h"

namespace odziv::daemon {

// The defaults with the brand's overrides applied and validated; kConfig naming the key that is wrong.
[[nodiscard]] Result<sentiment::UrgencyWeights> LoadUrgencyWeights(const Brand& brand);

// The problem with `settings`' "urgency" object, for `odziv brand set` and the API; nullopt when fine (or
// absent, or the settings are not JSON at all: the brand rules report that).
std::optional<std::string> CheckUrgencySettings(const std::string& settings);

}  // namespace odziv::daemon
