#include "daemon/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace odziv::daemon {
namespace {
std::mutex g_mutex;
spdlog::sink_ptr g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;
}  // namespace

Status SetUpLogging(const LogOptions& options) {
  auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off")
    return Fail(ErrorCode::kConfig, "log-level must be trace, debug, info, warning, error or critical");
  std::lock_guard lock(g_mutex);
  g_level = level;
  spdlog::apply_all([&](std::shared_ptr<spdlog::logger> l) { l->set_level(level); });
  return {};
}

std::shared_ptr<spdlog::logger> Logger(std::string_view component) {
  std::lock_guard lock(g_mutex);
  if (auto existing = spdlog::get(std::string(component))) return existing;
  if (!g_sink) g_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(std::string(component), g_sink);
  logger->set_level(g_level);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace odziv::daemon
