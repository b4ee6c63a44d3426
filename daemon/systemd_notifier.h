// SystemdNotifier: tells systemd how the daemon is doing (Type=notify): READY=1 once it serves, WATCHDOG=1
// while its loop is alive, STATUS= one line for `systemctl status`, STOPPING=1 on shutdown. Does nothing
// when not run under systemd (no NOTIFY_SOCKET).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace odziv::daemon {

class SystemdNotifier {
 public:
  SystemdNotifier();
  void Ready();
  void Stopping();
  void Reloading();
  void Status(std::string_view line);
  // Sends WATCHDOG=1 when half the watchdog period has passed since the last one; cheap to call often.
  void KeepAlive();

 private:
  std::optional<std::chrono::microseconds> watchdog_period_;
  std::chrono::steady_clock::time_point last_ping_{};
};

}  // namespace odziv::daemon
