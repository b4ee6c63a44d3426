#include "daemon/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace odziv::daemon {

SystemdNotifier::SystemdNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_period_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::Ready() { sd_notify(0, "READY=1"); }
void SystemdNotifier::Stopping() { sd_notify(0, "STOPPING=1"); }
void SystemdNotifier::Reloading() { sd_notify(0, "RELOADING=1"); }

void SystemdNotifier::Status(std::string_view line) {
  std::string message = "STATUS=";
  message += line;
  sd_notify(0, message.c_str());
}

void SystemdNotifier::KeepAlive() {
  if (!watchdog_period_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ping_ < *watchdog_period_ / 2) return;
  last_ping_ = now;
  sd_notify(0, "WATCHDOG=1");
}

}  // namespace odziv::daemon
