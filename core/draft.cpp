#include "core/draft.h"

#include <array>
#include <utility>

namespace odziv {
namespace {

constexpr std::array<std::pair<DraftStatus, std::string_view>, 5> kDraftStatuses = {{
    {DraftStatus::kPending, "pending"},
    {DraftStatus::kApproved, "approved"},
    {DraftStatus::kSent, "sent"},
    {DraftStatus::kRejected, "rejected"},
    {DraftStatus::kSuperseded, "superseded"},
}};

constexpr std::array<std::pair<DeliveryStatus, std::string_view>, 5> kDeliveryStatuses = {{
    {DeliveryStatus::kPending, "pending"},
    {DeliveryStatus::kSending, "sending"},
    {DeliveryStatus::kSent, "sent"},
    {DeliveryStatus::kFailed, "failed"},
    {DeliveryStatus::kReturned, "returned"},
}};

template <class E, std::size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return names.front().second;
}

template <class E, std::size_t N>
std::optional<E> Parse(const std::array<std::pair<E, std::string_view>, N>& names, std::string_view text) {
  for (const auto& [v, name] : names)
    if (name == text) return v;
  return std::nullopt;
}

}  // namespace

std::string_view DraftStatusName(DraftStatus status) { return NameOf(kDraftStatuses, status); }
std::optional<DraftStatus> ParseDraftStatus(std::string_view name) { return Parse(kDraftStatuses, name); }
std::string_view DeliveryStatusName(DeliveryStatus status) { return NameOf(kDeliveryStatuses, status); }
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view name) { return Parse(kDeliveryStatuses, name); }

}  // namespace odziv
