#include "platforms/graph_paging.h"

namespace odziv::platforms {

std::string QueryWithoutToken(std::string_view url) {
  auto q = url.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = url.substr(q + 1);
  std::string out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::string_view key = part.substr(0, part.find('='));
    if (key == "access_token" || key == "appsecret_proof" || part.empty()) continue;
    if (!out.empty()) out += '&';
    out += part;
  }
  return out;
}

std::string GraphNextQuery(const JsonView& root) {
  auto paging = root.Find("paging");
  if (!paging) return {};
  auto next = paging->Find("next");
  if (!next) return {};
  return QueryWithoutToken(next->String());
}

FetchPage RestartGraphRun(Cursor cursor) {
  cursor.Erase("page").Erase("run_ms").Erase("run_edge");
  return FetchPage{{}, cursor.Encode(), true};
}

}  // namespace odziv::platforms
