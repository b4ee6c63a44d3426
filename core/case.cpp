#include "core/case.h"

#include <array>
#include <utility>

namespace odziv {
namespace {

constexpr std::array<std::pair<CaseState, std::string_view>, 5> kStates = {{
    {CaseState::kOpen, "open"},
    {CaseState::kAwaitingApproval, "awaiting_approval"},
    {CaseState::kReplied, "replied"},
    {CaseState::kConfirmed, "confirmed"},
    {CaseState::kClosed, "closed"},
}};

constexpr std::array<std::pair<CloseReason, std::string_view>, 7> kReasons = {{
    {CloseReason::kResolvedPrivately, "resolved_privately"},
    {CloseReason::kDuplicate, "duplicate"},
    {CloseReason::kSpam, "spam"},
    {CloseReason::kNotOurBrand, "not_our_brand"},
    {CloseReason::kNoReplyWanted, "no_reply_wanted"},
    {CloseReason::kPostDeleted, "post_deleted"},
    {CloseReason::kAnswered, "answered"},
}};

}  // namespace

std::string_view CaseStateName(CaseState state) {
  for (const auto& [s, name] : kStates)
    if (s == state) return name;
  return "open";
}

std::optional<CaseState> ParseCaseState(std::string_view name) {
  for (const auto& [s, n] : kStates)
    if (n == name) return s;
  return std::nullopt;
}

bool IsUnanswered(CaseState state) {
  return state == CaseState::kOpen || state == CaseState::kAwaitingApproval || state == CaseState::kReplied;
}

std::string_view CloseReasonName(CloseReason reason) {
  for (const auto& [r, name] : kReasons)
    if (r == reason) return name;
  return "resolved_privately";
}

std::optional<CloseReason> ParseCloseReason(std::string_view name) {
  for (const auto& [r, n] : kReasons)
    if (n == name) return r;
  return std::nullopt;
}

std::vector<std::string_view> PersonCloseReasons() {
  std::vector<std::string_view> out;
  for (const auto& [r, name] : kReasons)
    if (r != CloseReason::kPostDeleted) out.push_back(name);
  return out;
}

}  // namespace odziv
