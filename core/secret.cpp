#include "core/secret.h"

#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

namespace odziv {
namespace {

using SecretObserver = std::function<void(std::string_view)>;

std::mutex observer_mutex;
std::shared_ptr<const SecretObserver> observer;

// Tells the observer before the value leaves ResolveSecret, so no caller can log it unregistered.
Result<std::string> Observed(Result<std::string> value) {
  if (value) {
    std::shared_ptr<const SecretObserver> current;
    {
      std::lock_guard lock(observer_mutex);
      current = observer;
    }
    if (current) (*current)(*value);
  }
  return value;
}

Result<std::string> ResolveUnobserved(std::string_view reference);

}  // namespace

void SetSecretObserver(std::function<void(std::string_view)> new_observer) {
  auto next = new_observer ? std::make_shared<const SecretObserver>(std::move(new_observer)) : nullptr;
  std::lock_guard lock(observer_mutex);
  observer = std::move(next);
}

Result<std::string> ResolveSecret(std::string_view reference) { return Observed(ResolveUnobserved(reference)); }

bool IsSecretReference(std::string_view value) {
  return value.starts_with("env:") || value.starts_with("file:");
}

namespace {

Result<std::string> ResolveUnobserved(std::string_view reference) {
  if (reference.starts_with("env:")) {
    std::string name(reference.substr(4));
    if (name.empty()) return Fail(ErrorCode::kConfig, "secret reference 'env:' names no variable");
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0')
      return Fail(ErrorCode::kConfig, fmt::format("environment variable {} (from '{}') is not set", name, reference));
    return std::string(value);
  }
  if (reference.starts_with("file:")) {
    std::string_view rest = reference.substr(5);
    std::string path(rest.substr(0, rest.find('#')));
    std::string key = rest.find('#') == std::string_view::npos ? "" : std::string(rest.substr(rest.find('#') + 1));
    std::ifstream in(path);
    if (!in) return Fail(ErrorCode::kConfig, fmt::format("cannot read secrets file {} (from '{}')", path, reference));
    if (key.empty()) {
      std::stringstream ss;
      ss << in.rdbuf();
      std::string value = ss.str();
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
      if (value.empty()) return Fail(ErrorCode::kConfig, fmt::format("secrets file {} is empty", path));
      return value;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto eq = line.find('=');
      if (eq == std::string::npos || line.substr(0, eq) != key) continue;
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        value = value.substr(1, value.size() - 2);
      return value;
    }
    return Fail(ErrorCode::kConfig, fmt::format("secrets file {} has no key {}", path, key));
  }
  return Fail(ErrorCode::kConfig,
              fmt::format("'{}…' is not a secret reference: write env:NAME or file:/path[#KEY]",
                          reference.substr(0, 4)));
}

}  // namespace

std::string Redact(std::string_view secret) {
  if (secret.size() <= 8) return "****";
  return fmt::format("{}****", secret.substr(0, 4));
}

}  // namespace odziv
