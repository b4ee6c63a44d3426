// BrandRules: the parts of a brand's settings (Brand::settings, a JSON object) that cases use — "triage",
// "sla" and "assignment" — read into plain structs with defaults for whatever is absent. Validated when a
// brand is added or changed (`odziv brand add|update`, `odziv config import`), so that the daemon only
// ever meets settings it understands; docs/cases.md lists every key.
#pragma once

#include <optional>
#include <string>

#include "core/brand.h"
#include "core/error.h"
#include "daemon/sla_policy.h"
#include "daemon/triage_rules.h"

namespace odziv::daemon {

enum class AssignmentMode {
  kRoundRobin,   // the eligible person who was given a case of the brand longest ago
  kLeastLoaded,  // the eligible person with the fewest unanswered cases (ties: round robin)
  kManual,       // nobody is assigned automatically
};

struct BrandRules {
  TriageRules triage;
  SlaSettings sla;
  AssignmentMode assignment = AssignmentMode::kRoundRobin;
};

// Reads the rules of `brand` (its settings and time zone). kConfig naming the key and what is wrong
// ("settings.sla.policies[1].minutes must be a whole number from 1 to 525600").
[[nodiscard]] Result<BrandRules> LoadBrandRules(const Brand& brand);

// The validation hook for the CLI and config import: nullopt when `settings` (JSON text) is a valid brand
// configuration for a brand in `timezone` (these rules, "routes", and the drafting keys of
// daemon/brand_drafter.h), else the message.
std::optional<std::string> CheckBrandSettings(const std::string& settings, const std::string& timezone);

}  // namespace odziv::daemon
