// ApprovalRules: the brand's "approval" settings — which drafts go out without a person, which need two
// people, whose role may approve, and whether an edit needs approving again — read into a plain struct with
// defaults, validated when the brand's settings change (CheckBrandSettings). docs/replies.md lists the keys.
//
//   "approval": {"auto_send": ["praise"],
//                "two_person": {"max_priority": 1, "situations": ["legal", "safety"]},
//                "approver_roles": ["agent", "lead", "admin"], "second_approver_roles": ["lead", "admin"],
//                "reapprove_after_edit": true}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/brand.h"
#include "core/error.h"
#include "core/user.h"

namespace odziv::daemon {

struct ApprovalRules {
  // Situations (responders' ChooseSituation names) whose drafts are sent without a person. Never applies to
  // P1 and P2 cases. Default: none — every draft waits for a person.
  std::vector<std::string> auto_send;
  // Drafts for cases of this priority or more urgent (1–4; 0: none) need two people. Default 0.
  int two_person_max_priority = 0;
  // Drafts in these situations need two people whatever the priority. Default: none.
  std::vector<std::string> two_person_situations;
  // The brand roles (viewer, agent, lead, admin) whose holders may approve, edit and reject drafts.
  std::vector<std::string> approver_roles = {"agent", "lead", "admin"};
  // Of a draft needing two people, the second approval must come from one of these roles.
  std::vector<std::string> second_approver_roles = {"lead", "admin"};
  // An edit after someone approved clears the approvals (the new text is approved again). Default true.
  bool reapprove_after_edit = true;
};

// Reads the brand's "approval" settings; kConfig naming the key and what is wrong.
[[nodiscard]] Result<ApprovalRules> LoadApprovalRules(const Brand& brand);

// How many approvals a draft in `situation` for a case of `priority` needs: 0, 1 or 2.
int ApprovalsRequired(const ApprovalRules& rules, int priority, const std::string& situation);

// The user's role for the brand if they may approve its drafts (not disabled, role in approver_roles),
// else kPermissionDenied saying why. The second approval of a two-person draft also needs a role in
// second_approver_roles (`second`).
[[nodiscard]] Result<std::string> CheckApprover(const ApprovalRules& rules, const User& user, std::int64_t brand_id,
                                                bool second);

// For CheckBrandSettings: nullopt when the "approval" settings in `settings` (JSON text) are valid.
std::optional<std::string> CheckApprovalSettings(const std::string& settings);

}  // namespace odziv::daemon
