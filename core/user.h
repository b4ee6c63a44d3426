// User: a person who answers customers. Which brands they may see (and in which role), which languages
// they write and which platforms they cover decide which cases can be assigned to them. Passwords, sessions
// and API tokens (core/sign_in.h) hang off the same row but never appear in this struct.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/timestamp.h"

namespace odziv {

struct User {
  std::int64_t id = 0;  // assigned by storage
  std::string login;    // unique, [a-z0-9._-]{1,64}
  std::string name;     // display name
  std::string email;
  // Language codes the person answers in ("en", "bs"). Empty: any language. bs, hr, sr and sh count as one
  // language family for assignment.
  std::vector<std::string> languages;
  std::vector<std::string> platforms;  // platforms they cover ("x", "google"); empty: every platform
  std::map<std::int64_t, std::string> brand_roles;  // brand id → role: viewer, agent, lead, admin
  bool disabled = false;
  // An instance admin holds the admin role in every brand, present and future, and manages brands and users
  // across the instance (users.is_admin).
  bool instance_admin = false;
  Timestamp created_at{};
};

// What assignment needs to know about a candidate, per brand.
struct AssigneeLoad {
  std::int64_t user_id = 0;
  std::int64_t unanswered_cases = 0;          // open, awaiting approval or replied, assigned to them
  std::optional<Timestamp> last_assigned_at;  // when they were last given a case of the brand (round robin)
};

}  // namespace odziv
