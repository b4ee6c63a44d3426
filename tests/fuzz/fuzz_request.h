// The fuzz input of the HTTP targets: a request written as on the wire, without the version, so that seeds
// are readable and libFuzzer's mutations reach every part:
//   METHOD TARGET\n
//   Name: value\n        (any number of header lines)
//   \n
//   body bytes
// A line without ": " ends the headers too. The target goes through SetTarget as the server does; a request
// the server would answer 400 before routing gives nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "daemon/http_router.h"

namespace odziv::fuzz {

inline std::optional<daemon::ServerRequest> ParseFuzzRequest(std::string_view input) {
  auto next_line = [&input]() {
    const auto end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    return line;
  };
  daemon::ServerRequest request;
  const std::string_view first = next_line();
  const auto space = first.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  request.method = std::string(first.substr(0, space));
  if (!daemon::SetTarget(request, first.substr(space + 1))) return std::nullopt;
  while (!input.empty()) {
    const auto end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos) {
      if (line.empty()) next_line();
      break;
    }
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    next_line();
  }
  request.body = std::string(input);
  request.remote_address = "192.0.2.1";
  return request;
}

}  // namespace odziv::fuzz
