// `odziv poll SOURCE --once`: one poll now, as the daemon would do it, printing what happened.
#include <cpprest/json.h>
#include <fmt/format.h>

#include <ostream>

#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/poll_policy.h"
#include "daemon/poller.h"
#include "platforms/registry.h"

namespace odziv::daemon {

int RunPollCommand(CommandIo& io) {
  io.name = "odziv poll";
  std::string db, name;
  bool json = false, once = false;
  std::size_t max_pages = 100;
  CommandSpec spec{"odziv poll SOURCE --once [--max-pages N] [--json]",
                   "Polls one source once, now, exactly as the daemon would (the cursor advances, new posts are "
                   "stored), and prints what was fetched, stored and skipped. A failure is recorded in the "
                   "source's health as the daemon would record it."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("source", po::value(&name)->required(), "the source's name")(
      "once", po::bool_switch(&once), "poll once and exit (the only mode; the daemon polls continuously)")(
      "max-pages", po::value(&max_pages)->default_value(100), "follow at most N pages");
  spec.positional.add("source", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 0, spec, vm)) return *status;
  if (max_pages < 1 || max_pages > 10000) return UsageError(io, "--max-pages must be 1 to 10000");
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto source = (*store)->GetSource(name);
  if (!source) return ReportError(io, source.error());

  SystemClock clock;
  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  PollReport report;
  auto connector = platforms::MakeConnector(*source, platforms::ConnectorContext{*http, clock});
  std::chrono::seconds interval = source->poll_interval.value_or(
      platforms::FindPlatform(source->platform) ? platforms::FindPlatform(source->platform)->default_poll_interval
                                                : std::chrono::seconds(300));
  PollPolicy policy;
  if (connector) {
    report = PollSource(**store, **connector, *source, clock, max_pages,
                        NextPollAfterSuccess(clock.Now(), interval, false, policy, 0.5));
  } else {
    report.error = connector.error();
  }
  if (report.error) {
    PollFailure failure = DecideAfterFailure(*source, *report.error, clock.Now(), interval, policy, 0.5);
    if (auto recorded = (*store)->RecordPollFailure(source->id, failure, clock.Now()); !recorded)
      io.err << fmt::format("odziv poll: could not record the failure: {}\n", Describe(recorded.error()));
  }
  const IngestReport& s = report.stored;
  if (json) {
    web::json::value out = web::json::value::object();
    out["source"] = web::json::value::string(source->name);
    out["pages"] = web::json::value::number(static_cast<uint64_t>(report.pages));
    out["fetched"] = web::json::value::number(static_cast<uint64_t>(report.fetched));
    out["inserted"] = web::json::value::number(static_cast<uint64_t>(s.inserted));
    out["edited"] = web::json::value::number(static_cast<uint64_t>(s.edited));
    out["deleted"] = web::json::value::number(static_cast<uint64_t>(s.deleted));
    out["refreshed"] = web::json::value::number(static_cast<uint64_t>(s.refreshed));
    out["unchanged"] = web::json::value::number(static_cast<uint64_t>(s.unchanged));
    out["more"] = web::json::value::boolean(report.more);
    out["cursor_before"] = web::json::value::string(report.cursor_before);
    out["cursor_after"] = web::json::value::string(report.cursor_after);
    web::json::value error = web::json::value::null();
    if (report.error) {
      error = web::json::value::object();
      error["code"] = web::json::value::string(std::string(ErrorCodeName(report.error->code)));
      error["message"] = web::json::value::string(report.error->message);
      error["retry_after_s"] = report.error->retry_after
                                   ? web::json::value::number(static_cast<int64_t>(report.error->retry_after->count()))
                                   : web::json::value::null();
    }
    out["error"] = error;
    io.out << out.serialize() << "\n";
  } else {
    io.out << fmt::format("{} ({}): {} page{}, fetched {}: new {}, edited {}, deleted {}, refreshed {}, skipped "
                          "(already stored) {}\n",
                          source->name, source->platform, report.pages, report.pages == 1 ? "" : "s", report.fetched,
                          s.inserted, s.edited, s.deleted, s.refreshed, s.unchanged);
    io.out << fmt::format("cursor: {} -> {}{}\n", report.cursor_before.empty() ? "(start)" : report.cursor_before,
                          report.cursor_after.empty() ? "(start)" : report.cursor_after,
                          report.more ? " (more pages are ready: poll again)" : "");
  }
  if (report.error) {
    io.err << fmt::format("odziv poll: {}\n", Describe(*report.error));
    return ExitStatusFor(*report.error);
  }
  return kExitOk;
}

}  // namespace odziv::daemon
