// The exit statuses of every odziv command, as docs/cli.md documents them.
#pragma once

namespace odziv::daemon {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (not found, database busy …), or found problems
inline constexpr int kExitUsage = 2;    // unknown command or option, missing argument
inline constexpr int kExitConfig = 78;  // EX_CONFIG: configuration is wrong; systemd does not restart on it

}  // namespace odziv::daemon
