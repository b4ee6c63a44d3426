// Principal: who is asking, as the HTTP API and the web app see it — a signed-in person (session cookie) or
// a script (API token) — with the brands they may see and their role in each. Every API route asks the
// principal before it reads or changes anything of a brand; a brand the principal has no role in is treated
// as if it did not exist (404, never 403), so that nothing of it leaks, not even a count.
//
// Roles per brand, from least to most: viewer (reads), agent (answers: edits, approves, rejects, assigns,
// closes), lead (the brand manager: also configures the brand, its sources, templates, SLA policies and
// alert routes), admin (all of that). An instance admin (users.is_admin) holds the admin role in every
// brand, present and future, and alone manages brands and users across the instance.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/user.h"
#include "daemon/http_router.h"

namespace odziv::daemon {

struct Principal {
  // The person. For an instance admin, brand_roles holds "admin" for every brand that existed when the
  // request was authenticated, so code that reads brand_roles (the approval queue) needs no special case.
  User user;
  bool instance_admin = false;
  enum class Via { kSession, kToken } via = Via::kSession;

  // The role in the brand, or nullopt when the principal may not see it.
  std::optional<std::string> RoleIn(std::int64_t brand_id) const;
  bool MaySee(std::int64_t brand_id) const { return RoleIn(brand_id).has_value(); }
  bool MayWork(std::int64_t brand_id) const;       // agent, lead or admin
  bool MayConfigure(std::int64_t brand_id) const;  // lead or admin
  std::vector<std::int64_t> BrandIds() const;      // every brand the principal may see
};

// Rank of a role name: viewer 1, agent 2, lead 3, admin 4; 0 for anything else ("manager" is read as lead).
int RoleRank(std::string_view role);

// Finds out who sent a request. Implemented over the store's sessions and API tokens (daemon/auth.h); tests
// of routes may use a fixed principal.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // From the session cookie "odziv_session" — where an unsafe method (POST, PUT, PATCH, DELETE) must also
  // carry the session's CSRF token in the X-CSRF-Token header — or from "Authorization: Bearer odz_…".
  // kUnauthenticated (401) when there are no usable credentials; kPermissionDenied (403) for a missing or
  // wrong CSRF token.
  [[nodiscard]] virtual Result<Principal> Authenticate(const ServerRequest& request) = 0;
};

}  // namespace odziv::daemon
