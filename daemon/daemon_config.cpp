#include "daemon/daemon_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/cli_parser.h"
#include "daemon/web_routes.h"

namespace odziv::daemon {

namespace po = boost::program_options;

po::options_description DaemonOptions() {
  po::options_description options("Options (each also a key of the --config INI file)");
  auto text = [](const char* d) { return po::value<std::string>()->default_value(d); };
  options.add_options()
      ("db", po::value<std::string>()->default_value(DefaultDbPath()), "SQLite database file (created if missing)")
      ("log-level", text("info"), "trace, debug, info, warning, error or critical")
      ("log-format", text("auto"), "auto (journal priorities under systemd, text otherwise), text or json")
      ("scheduler.max-concurrent-polls", text("4"), "polls in flight at once (1-64)")
      ("scheduler.max-concurrent-polls-per-platform", po::value<std::string>(),
       "polls of one platform in flight at once, so that a platform that hangs cannot hold every poll (1 to "
       "max-concurrent-polls; default: half of max-concurrent-polls, rounded up)")
      ("scheduler.jitter", text("0.1"), "fraction of a source's interval by which polls are spread (0-0.5)")
      ("scheduler.first-backoff", text("30"), "seconds before the first retry after a failed poll (1-3600)")
      ("scheduler.max-backoff", text("3600"), "longest wait between retries of a failing source, seconds")
      ("scheduler.max-pages-per-poll", text("10"), "pages one poll fetches before other sources get a turn")
      ("scheduler.shutdown-grace", text("10"), "seconds polls in flight get to finish on SIGTERM (1-60)")
      ("http.listen", text("127.0.0.1:8080"), "HOST:PORT of the web app, API and /healthz, /metrics; 'off' for none")
      ("web-root", text("auto"),
       "folder of the web app's files (index.html and static/), read at start; auto: the installed copy, else the "
       "source tree's web/")
      ("http.threads", text("2"), "threads of the HTTP server (1-64)")
      ("http.max-body-bytes", text("2097152"), "largest request body the HTTP server accepts, bytes")
      ("http.request-timeout", text("30"), "seconds a request may take to arrive whole (1-600)")
      ("http.tls-cert", po::value<std::string>(),
       "PEM file of the certificate (then its chain) to serve HTTPS with; with http.tls-key. Unset: plain HTTP")
      ("http.tls-key", po::value<std::string>(), "PEM file of the certificate's private key")
      ("http.hsts-max-age", text("0"),
       "with TLS, seconds a browser keeps to HTTPS for the host (Strict-Transport-Security); 0 sends none")
      ("http-client.threads", text("4"), "threads of the HTTP client (1-64)")
      ("http-client.timeout", text("30"), "seconds one platform request may take (1-600)")
      ("http-client.max-body-bytes", text("16777216"), "largest platform response accepted, bytes")
      ("auth.session-idle-timeout", text("43200"), "seconds a web app session may go unused before it ends")
      ("auth.session-lifetime", text("604800"), "seconds after sign-in a web app session ends however busy")
      ("auth.sign-in-threads", text("2"), "threads that check passwords (1-8; each holds 64 MiB while hashing)")
      ("auth.failures-per-login", text("5"), "failed sign-ins per login per window before 429 (1-1000)")
      ("auth.failures-per-address", text("20"), "failed sign-ins per remote address per window before 429")
      ("auth.failure-window", text("900"), "seconds over which failed sign-ins are counted (1-86400)");
  return options;
}

namespace {

template <class T>
void ReadNumber(const po::variables_map& vm, const char* key, T min, T max, T& out, std::vector<std::string>& problems) {
  const std::string& text = vm[key].as<std::string>();
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    problems.push_back(fmt::format("{} = '{}' must be a number from {} to {}", key, text, min, max));
    return;
  }
  out = value;
}

// Boost.Program_options fills in its messages by replacing placeholders (%canonical_option%, %value%,
// %invalid_line% …) with what was written until none is left, so a name, value or line that contains its own
// placeholder makes what() loop forever. When the input holds a '%', the message is made here instead, from
// parts that are read without that substitution.
std::string OptionsError(const po::error& e, bool input_has_percent) {
  if (!input_has_percent) return e.what();
  if (dynamic_cast<const po::invalid_config_file_syntax*>(&e) != nullptr)
    return "a line is neither KEY = VALUE nor [section]";
  if (const auto* named = dynamic_cast<const po::error_with_option_name*>(&e))
    return fmt::format("option '{}' is unknown, repeated or has a bad value", named->get_option_name());
  return "the options cannot be read";
}

}  // namespace

Result<DaemonConfig> LoadDaemonConfig(const std::vector<std::string>& args) {
  po::options_description options = DaemonOptions();
  po::options_description command_line_only;
  std::string config_file;
  command_line_only.add_options()("config", po::value(&config_file), "INI configuration file");
  po::options_description all;
  all.add(command_line_only).add(options);
  po::variables_map vm;
  const bool args_have_percent =
      std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.find('%') != std::string::npos; });
  try {
    po::store(po::command_line_parser(args).options(all).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Fail(ErrorCode::kInvalidArgument, OptionsError(e, args_have_percent));
  }
  if (!config_file.empty()) {
    std::ifstream file(config_file);
    if (!file) return Fail(ErrorCode::kConfig, fmt::format("cannot read configuration file {}", config_file));
    std::stringstream in;
    in << file.rdbuf();
    const bool file_has_percent = in.str().find('%') != std::string::npos;
    try {
      po::store(po::parse_config_file(in, options, false), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      return Fail(ErrorCode::kConfig,
                  fmt::format("{}: {}", config_file, OptionsError(e, args_have_percent || file_has_percent)));
    }
  }
  DaemonConfig config;
  config.config_file = config_file;
  std::vector<std::string> problems;
  config.db = vm["db"].as<std::string>();
  if (config.db.empty()) problems.push_back("db must name a file");
  config.log.level = vm["log-level"].as<std::string>();
  if (config.log.level == "warn") config.log.level = "warning";
  if (config.log.level != "trace" && config.log.level != "debug" && config.log.level != "info" &&
      config.log.level != "warning" && config.log.level != "error" && config.log.level != "critical" &&
      config.log.level != "off")
    problems.push_back(fmt::format("log-level = '{}' must be trace, debug, info, warning, error, critical or off",
                                   config.log.level));
  const std::string& format = vm["log-format"].as<std::string>();
  if (format == "auto") config.log.format = LogFormat::kAuto;
  else if (format == "text") config.log.format = LogFormat::kText;
  else if (format == "json") config.log.format = LogFormat::kJson;
  else problems.push_back(fmt::format("log-format = '{}' must be auto, text or json", format));

  SchedulerOptions& s = config.scheduler;
  ReadNumber<std::size_t>(vm, "scheduler.max-concurrent-polls", 1, 64, s.max_concurrent_polls, problems);
  s.max_concurrent_polls_per_platform = (s.max_concurrent_polls + 1) / 2;
  if (vm.count("scheduler.max-concurrent-polls-per-platform"))
    ReadNumber<std::size_t>(vm, "scheduler.max-concurrent-polls-per-platform", 1, s.max_concurrent_polls,
                            s.max_concurrent_polls_per_platform, problems);
  ReadNumber<double>(vm, "scheduler.jitter", 0.0, 0.5, s.policy.jitter, problems);
  long first = 30, max = 3600, grace = 10, timeout = 30;
  ReadNumber<long>(vm, "scheduler.first-backoff", 1, 3600, first, problems);
  ReadNumber<long>(vm, "scheduler.max-backoff", 1, 86400, max, problems);
  ReadNumber<std::size_t>(vm, "scheduler.max-pages-per-poll", 1, 1000, s.max_pages_per_poll, problems);
  ReadNumber<long>(vm, "scheduler.shutdown-grace", 1, 60, grace, problems);
  s.policy.first_backoff = std::chrono::seconds(first);
  s.policy.max_backoff = std::chrono::seconds(max);
  if (first > max) problems.push_back("scheduler.first-backoff must not be longer than scheduler.max-backoff");
  config.shutdown_grace = std::chrono::seconds(grace);
  ReadNumber<std::size_t>(vm, "http-client.threads", 1, 64, config.http_client.threads, problems);
  ReadNumber<long>(vm, "http-client.timeout", 1, 600, timeout, problems);
  config.http_client.default_timeout = std::chrono::seconds(timeout);
  ReadNumber<std::size_t>(vm, "http-client.max-body-bytes", 1024, std::size_t{1} << 30, config.http_client.max_body_bytes,
                          problems);
  config.http_server.listen = vm["http.listen"].as<std::string>();
  config.http_enabled = config.http_server.listen != "off";
  if (config.http_enabled && config.http_server.listen.rfind(':') == std::string::npos)
    problems.push_back(fmt::format("http.listen = '{}' must be HOST:PORT or off", config.http_server.listen));
  config.web_root = vm["web-root"].as<std::string>();
  if (config.web_root == "auto") config.web_root = DefaultWebRoot().string();
  else if (std::error_code ec; config.http_enabled && !std::filesystem::is_directory(config.web_root, ec))
    problems.push_back(fmt::format("web-root = '{}' must be a folder (of the web app's files){}", config.web_root,
                                   ec ? ": " + ec.message() : ""));
  long request_timeout = 30;
  ReadNumber<std::size_t>(vm, "http.threads", 1, 64, config.http_server.threads, problems);
  ReadNumber<std::size_t>(vm, "http.max-body-bytes", 1024, std::size_t{1} << 30, config.http_server.max_body_bytes,
                          problems);
  ReadNumber<long>(vm, "http.request-timeout", 1, 600, request_timeout, problems);
  config.http_server.request_timeout = std::chrono::seconds(request_timeout);
  long hsts = 0;
  ReadNumber<long>(vm, "http.hsts-max-age", 0, 2L * 365 * 86400, hsts, problems);
  config.http_server.hsts_max_age = std::chrono::seconds(hsts);
  if (vm.count("http.tls-cert")) config.http_server.tls_cert = vm["http.tls-cert"].as<std::string>();
  if (vm.count("http.tls-key")) config.http_server.tls_key = vm["http.tls-key"].as<std::string>();
  // The files are read now too, so that a bad one is reported with the rest (and a renewed certificate that
  // does not load is caught by a reload, before the restart that would use it).
  if (config.http_enabled) {
    if (auto tls = CheckTlsFiles(config.http_server); !tls) problems.push_back(tls.error().message);
  }
  long idle = 43200, lifetime = 604800, window = 900;
  ReadNumber<long>(vm, "auth.session-idle-timeout", 60, 30L * 86400, idle, problems);
  ReadNumber<long>(vm, "auth.session-lifetime", 60, 365L * 86400, lifetime, problems);
  ReadNumber<int>(vm, "auth.sign-in-threads", 1, 8, config.auth.sign_in_threads, problems);
  ReadNumber<int>(vm, "auth.failures-per-login", 1, 1000, config.auth.limits.failures_per_login, problems);
  ReadNumber<int>(vm, "auth.failures-per-address", 1, 100000, config.auth.limits.failures_per_address, problems);
  ReadNumber<long>(vm, "auth.failure-window", 1, 86400, window, problems);
  config.auth.idle_timeout = std::chrono::seconds(idle);
  config.auth.absolute_lifetime = std::chrono::seconds(lifetime);
  config.auth.limits.window = std::chrono::seconds(window);
  if (idle > lifetime) problems.push_back("auth.session-idle-timeout must not be longer than auth.session-lifetime");
  if (!problems.empty()) {
    std::string all_problems;
    for (const auto& p : problems) all_problems += (all_problems.empty() ? "" : "; ") + p;
    return Fail(ErrorCode::kConfig, fmt::format("{} problem{} in {}: {}", problems.size(), problems.size() == 1 ? "" : "s",
                                                config_file.empty() ? "the command line" : config_file, all_problems));
  }
  return config;
}

}  // namespace odziv::daemon
