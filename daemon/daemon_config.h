// DaemonConfig: the settings of `odziv run`, from an INI file (--config) and the command line (which wins);
// every INI key is also a command-line option ("[scheduler] jitter = 0.2" is "--scheduler.jitter 0.2").
// Validated once, at start-up and on SIGHUP; all problems are reported together.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "core/error.h"
#include "core/http_client.h"
#include "daemon/http_server.h"
#include "daemon/auth_options.h"
#include "daemon/logging.h"
#include "daemon/scheduler.h"

namespace odziv::daemon {

struct DaemonConfig {
  std::string config_file;  // empty: none
  std::string db;           // the SQLite database file
  LogOptions log;
  SchedulerOptions scheduler;
  HttpClientOptions http_client;
  HttpServerOptions http_server;
  bool http_enabled = true;  // http.listen = off disables the server
  AuthOptions auth;          // web app sessions and the sign-in rate limit (auth.*)
  // The web app's files (index.html, static/…), read once at start. Default: the installed copy, or the source
  // tree's web/ for a build tree run (DefaultWebRoot in daemon/web_routes.h).
  std::string web_root;
  // On SIGTERM, polls in flight get this long to finish before the daemon exits anyway (systemd's stop
  // timeout is 90 s by default; 10 s keeps restarts quick).
  std::chrono::seconds shutdown_grace{10};
};

// The options of `odziv run`, with their defaults, for --help and for parsing.
boost::program_options::options_description DaemonOptions();

// Reads `args` (the words after `run`) and the config file they name. Errors: kInvalidArgument for a
// command-line mistake (unknown option: exit 2); kConfig for everything else, the message listing every
// problem found ("3 problems in /etc/odziv/odziv.conf: …").
[[nodiscard]] Result<DaemonConfig> LoadDaemonConfig(const std::vector<std::string>& args);

}  // namespace odziv::daemon
