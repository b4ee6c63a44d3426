#include "daemon/principal.h"

namespace odziv::daemon {

int RoleRank(std::string_view role) {
  if (role == "viewer") return 1;
  if (role == "agent") return 2;
  if (role == "lead" || role == "manager") return 3;
  if (role == "admin") return 4;
  return 0;
}

std::optional<std::string> Principal::RoleIn(std::int64_t brand_id) const {
  if (user.disabled) return std::nullopt;
  if (auto it = user.brand_roles.find(brand_id); it != user.brand_roles.end() && RoleRank(it->second) > 0)
    return it->second;
  if (instance_admin) return "admin";
  return std::nullopt;
}

bool Principal::MayWork(std::int64_t brand_id) const {
  auto role = RoleIn(brand_id);
  return role && RoleRank(*role) >= 2;
}

bool Principal::MayConfigure(std::int64_t brand_id) const {
  auto role = RoleIn(brand_id);
  return role && RoleRank(*role) >= 3;
}

std::vector<std::int64_t> Principal::BrandIds() const {
  std::vector<std::int64_t> ids;
  if (user.disabled) return ids;
  for (const auto& [id, role] : user.brand_roles)
    if (RoleRank(role) > 0) ids.push_back(id);
  return ids;
}

}  // namespace odziv::daemon
