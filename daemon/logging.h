// Logging: one named spdlog logger per component, sharing one sink. (Minimal version; the full one with
// journal priorities, JSON lines and secret redaction replaces it.)
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace odziv::daemon {

enum class LogFormat { kAuto, kText, kJson };

struct LogOptions {
  std::string level = "info";
  LogFormat format = LogFormat::kAuto;
};

[[nodiscard]] Status SetUpLogging(const LogOptions& options);
std::shared_ptr<spdlog::logger> Logger(std::string_view component);

}  // namespace odziv::daemon
