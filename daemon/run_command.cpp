// `odziv run`: the daemon, in the foreground (systemd runs it).
#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <thread>

#include "core/clock.h"
#include "daemon/cli_parser.h"
#include "daemon/alert_dispatcher.h"
#include "daemon/alert_scanner.h"
#include "daemon/api_routes.h"
#include "daemon/api_stats.h"
#include "daemon/auth.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/daemon_config.h"
#include "daemon/exit_status.h"
#include "daemon/http_server.h"
#include "daemon/ops_routes.h"
#include "daemon/web_routes.h"
#include "daemon/push_writer.h"
#include "daemon/webhook_routes.h"
#include "daemon/instance_lock.h"
#include "daemon/logging.h"
#include "daemon/delivery_worker.h"
#include "daemon/pipeline.h"
#include "daemon/worker_thread.h"
#include "daemon/post_judge.h"
#include "daemon/scheduler.h"
#include "daemon/systemd_notifier.h"
#include "platforms/registry.h"

namespace odziv::daemon {
namespace {

std::string StatusLine(const SchedulerStatus& s) {
  return fmt::format("{} sources ({} active, {} degraded, {} need a person), {} polls ({} failed), {} new posts",
                     s.sources, s.active, s.degraded, s.needs_human, s.polls, s.failed_polls, s.posts_stored);
}

// Checks what a person must fix before the daemon can start on `db`: one clear message each.
Status CheckDatabasePath(const std::string& db) {
  std::filesystem::path path(db);
  std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return Fail(ErrorCode::kConfig, fmt::format("database directory {} does not exist: create it, or pass --db with "
                                                "a path in an existing directory",
                                                dir.string()));
  if (std::filesystem::is_directory(path, ec))
    return Fail(ErrorCode::kConfig, fmt::format("database path {} is a directory, not a file", db));
  return {};
}

}  // namespace

int RunRunCommand(CommandIo& io) {
  io.name = "odziv run";
  for (const auto& arg : io.args) {
    if (arg == "--help" || arg == "-h") {
      io.out << "Usage: odziv run [--config FILE] [options]\n\n"
                "Runs the daemon in the foreground: polls every active source, stores new posts, and keeps going "
                "until SIGTERM or SIGINT. SIGHUP re-reads the configuration file. Command-line options win over "
                "the file.\n\n  --config FILE   INI configuration file (see odziv.conf.example)\n\n"
             << DaemonOptions() << "\n";
      return kExitOk;
    }
  }
  auto config = LoadDaemonConfig(io.args);
  if (!config) {
    if (config.error().code == ErrorCode::kInvalidArgument) return UsageError(io, config.error().message);
    return ReportError(io, config.error());
  }
  if (auto logging = SetUpLogging(config->log); !logging) return ReportError(io, logging.error());
  auto log = Logger("daemon");

  if (auto checked = CheckDatabasePath(config->db); !checked) return ReportError(io, checked.error());
  auto lock = InstanceLock::Acquire(config->db);
  if (!lock) return ReportError(io, lock.error());
  auto store = OpenStoreForCli(config->db);
  if (!store) {
    // Nothing a restart fixes (read-only file, newer schema, not a database): tell systemd not to loop.
    Error e = store.error();
    if (e.code != ErrorCode::kBusy) e.code = ErrorCode::kConfig;
    return ReportError(io, e);
  }

  // Signals are taken by one thread with sigwait; every other thread inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  auto http = MakeCpprestHttpClient(config->http_client);
  Scheduler scheduler(**store, *http, clock, config->scheduler, std::random_device{}());
  SystemdNotifier notifier;
  std::atomic<bool> reload_requested = false;

  // What can fail at start-up is set up before any thread runs, so that failing is just returning.
  auto judge = MakePostJudge(clock, **store);
  if (!judge) return ReportError(io, judge.error());
  // Declared before the writer so that the writer, which answers pushes on the server's connections, goes first.
  std::unique_ptr<HttpServer> server;
  // Sign-in answers go out through the server's connections, so it is destroyed before the server; the server
  // is stopped (below) before either goes, so no request reaches it once it is gone.
  StoreAuthenticator authenticator(**store, clock, config->auth);
  // New and changed posts → judged → cases; the SLA watchdog on the same timer (daemon/pipeline.h).
  Pipeline pipeline(**store, *judge, ConnectorReplyFinder(**store, *http, clock), BrandSettingsDrafting(*http));
  // Webhook pushes, stored in batches (group commit) and handed to the pipeline like a poll's page.
  auto push_log = Logger("webhooks");
  // The pipeline's timer, once it runs (below): pushed posts are judged at once, as polled ones are. The writer
  // is stopped before the timer goes.
  std::atomic<PipelineTimer*> wake_pipeline = nullptr;
  PushWriter push_writer(**store, clock, PushWriterOptions{}, [&](const IngestReport& stored) {
    if (auto done = pipeline.OnPoll(stored, clock.Now()); !done)
      push_log->error("cases after pushes: {}", Describe(done.error()));
    if (stored.inserted_ids.empty() && stored.changed_ids.empty()) return;
    if (PipelineTimer* timer = wake_pipeline.load()) timer->Wake();
  });
  if (config->http_enabled) {
    auto router = std::make_shared<HttpRouter>();
    AddOpsRoutes(*router, **store, scheduler, &clock);
    AddWebRoutes(*router, config->web_root);
    AddWebhookRoutes(*router, **store, push_writer, clock);
    AddAuthRoutes(*router, **store, authenticator, clock);
    AddApiRoutes(*router, **store, authenticator, clock, ApiOptions{});
    AddStatsRoutes(*router, **store, authenticator, clock);
    auto started = HttpServer::Start(config->http_server, router);
    if (!started) return ReportError(io, started.error());
    server = std::move(*started);
    log->info("HTTP server listening on {} (port {}){}", config->http_server.listen, server->port(),
              config->http_server.tls() ? ", HTTPS only" : "");
  }
  std::thread signal_thread([&] {
    while (true) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) continue;
      if (signal == SIGHUP) {
        reload_requested = true;
        scheduler.Wake();
        continue;
      }
      log->info("received {}: stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      scheduler.Stop();
      return;
    }
  });

  // The alert outbox, on its own thread so that a slow Slack or SMTP server never holds up judging: every
  // 2 s, and at once when a tick opened cases or escalated some (their alerts are in the outbox).
  const AlertDispatcherOptions dispatch_options;
  AlertDispatcher dispatcher(**store, *http, clock, dispatch_options);
  AlertScanner alert_scanner(**store, clock, AlertScannerOptions{});  // spikes and digests into the outbox
  WorkerThread alerts_thread(
      [&] {
        if (auto scanned = alert_scanner.Scan(); !scanned) log->error("alerts: {}", Describe(scanned.error()));
        for (;;) {  // a whole batch delivered: more may be due
          auto delivered = dispatcher.DeliverDue();
          if (!delivered) {
            log->error("alerts: {}", Describe(delivered.error()));
            return;
          }
          if (delivered->sent + delivered->retried + delivered->failed > 0)
            log->info("alerts: {} sent, {} to retry, {} failed", delivered->sent, delivered->retried,
                      delivered->failed);
          if (delivered->held + delivered->suppressed > 0)
            log->info("alerts: {} wait for quiet hours to end, {} throttled", delivered->held, delivered->suppressed);
          const std::size_t done =
              delivered->sent + delivered->retried + delivered->failed + delivered->held + delivered->suppressed;
          if (done < dispatch_options.batch) return;
        }
      },
      std::chrono::seconds(2));
  // New posts are judged as soon as a poll stores them, not at the next interval.
  PipelineTimer pipeline_timer(pipeline, clock, std::chrono::seconds(5), [&](const PipelineReport& report) {
    if (report.opened > 0 || report.watchdog.escalations > 0 || report.watchdog.reopened > 0) alerts_thread.Wake();
  });
  wake_pipeline = &pipeline_timer;
  scheduler.on_poll = [&](const Source& source, const PollReport& report) {
    if (auto done = pipeline.OnPoll(report.stored, clock.Now()); !done)
      log->error("cases after polling {}: {}", source.name, Describe(done.error()));
    if (!report.stored.inserted_ids.empty() || !report.stored.changed_ids.empty()) pipeline_timer.Wake();
  };
  // The reply outbox, on its own thread: approved replies are posted exactly once (daemon/delivery_worker.h).
  CaseTracker delivery_tracker(**store);
  DeliveryWorker delivery_worker(
      **store, delivery_tracker,
      [&](const Source& source) { return platforms::MakeConnector(source, platforms::ConnectorContext{*http, clock}); },
      clock);
  auto delivery_log = Logger("replies");
  WorkerThread delivery_thread(
      [&] {
        auto delivered = delivery_worker.DeliverDue();
        if (!delivered) {
          delivery_log->error("replies: {}", Describe(delivered.error()));
        } else if (delivered->sent + delivered->found + delivered->retried + delivered->returned + delivered->failed > 0) {
          delivery_log->info("replies: {} posted, {} found already posted, {} to retry, {} refused by the platform, "
                             "{} failed",
                             delivered->sent, delivered->found, delivered->retried, delivered->returned,
                             delivered->failed);
        }
      },
      std::chrono::seconds(2));
  log->info("odziv started on {} ({} concurrent polls, {} per platform)", config->db,
            config->scheduler.max_concurrent_polls, config->scheduler.max_concurrent_polls_per_platform);
  notifier.Ready();
  auto last_status = std::chrono::steady_clock::now() - std::chrono::seconds(60);
  const std::vector<std::string> args = io.args;
  bool finished = scheduler.Run(config->shutdown_grace, [&] {
    notifier.KeepAlive();
    if (reload_requested.exchange(false)) {
      notifier.Reloading();
      auto fresh = LoadDaemonConfig(args);
      if (!fresh) {
        log->error("configuration not reloaded, the old one stays in force: {}", fresh.error().message);
      } else {
        if (auto logging = SetUpLogging(fresh->log); !logging) log->error("{}", logging.error().message);
        scheduler.SetPolicy(fresh->scheduler.policy);
        if (fresh->db != config->db || fresh->scheduler.max_concurrent_polls != config->scheduler.max_concurrent_polls ||
            fresh->scheduler.max_concurrent_polls_per_platform != config->scheduler.max_concurrent_polls_per_platform)
          log->warn("db, scheduler.max-concurrent-polls and scheduler.max-concurrent-polls-per-platform take effect at "
                    "the next restart");
        const HttpServerOptions& h = fresh->http_server;
        if (h.listen != config->http_server.listen || h.tls_cert != config->http_server.tls_cert ||
            h.tls_key != config->http_server.tls_key || h.hsts_max_age != config->http_server.hsts_max_age)
          log->warn("http.listen, http.tls-cert, http.tls-key and http.hsts-max-age take effect at the next restart");
        log->info("configuration reloaded");
      }
      notifier.Ready();
    }
    if (std::chrono::steady_clock::now() - last_status >= std::chrono::seconds(5)) {
      last_status = std::chrono::steady_clock::now();
      notifier.Status(StatusLine(scheduler.Status()));
    }
  });
  notifier.Stopping();
  if (server) server->Stop(std::chrono::seconds(2));
  push_writer.Stop();
  signal_thread.join();
  log->info("stopped: {}", StatusLine(scheduler.Status()));
  if (!finished) {
    // A poll is still blocked on the network. Its page is stored whole or not at all, so leaving is safe.
    log->warn("polls still in flight after {} s are abandoned", config->shutdown_grace.count());
    spdlog::shutdown();
    std::_Exit(kExitOk);
  }
  return kExitOk;
}

}  // namespace odziv::daemon
