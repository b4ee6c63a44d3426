// `odziv audit unanswered`
#include <cpprest/json.h>
#include <fmt/format.h>

#include <charconv>
#include <ostream>

#include "core/clock.h"
#include "daemon/case_json.h"
#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/unanswered_audit.h"

namespace odziv::daemon {
namespace {

using web::json::value;


int Unanswered(CommandIo& io) {
  std::string db, brand_slug, since_text, now_text;
  bool json = false;
  CommandSpec spec{"odziv audit unanswered [--brand SLUG] [--since T] [--json]",
                   "Lists every post of the period that needed an answer and has neither a confirmed reply nor a "
                   "closing reason, with how late it is. Exit status 1 when the list is not empty, 0 when it is "
                   "(for cron and CI). --since takes a date-time (2026-11-01, 2026-11-01T10:00:00Z) or an age (24h, "
                   "7d); without it, all time."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("brand", po::value(&brand_slug), "only this brand")(
      "since", po::value(&since_text), "only posts created at or after T")(
      "now", po::value(&now_text), "measure lateness at this time instead of now (ISO 8601)");
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  UnansweredQuery query;
  if (now_text.empty()) {
    query.now = SystemClock().Now();
  } else if (auto now = ParseIsoTimestamp(now_text)) {
    query.now = *now;
  } else {
    return UsageError(io, fmt::format("--now '{}' is not a date-time", now_text));
  }
  if (vm.count("since")) {
    query.since = ParseSinceArgument(since_text, query.now);
    if (!query.since)
      return UsageError(io, fmt::format("--since '{}' is not a date-time or an age like 24h", since_text));
  }
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  if (vm.count("brand")) {
    auto brand = (*store)->GetBrand(brand_slug);
    if (!brand) return ReportError(io, brand.error());
    query.brand_id = brand->id;
  }
  auto rows = FindUnanswered(**store, query);
  if (!rows) return ReportError(io, rows.error());
  if (json) {
    value doc = value::object();
    value list = value::array();
    for (const UnansweredPost& row : *rows) {
      value r = value::object();
      const UnansweredCandidate& p = row.post;
      r["post_id"] = value::number(p.post_id);
      r["brand"] = value::string(row.brand_slug);
      r["platform"] = value::string(p.platform);
      r["external_id"] = value::string(p.external_id);
      r["author"] = value::string(p.author);
      r["url"] = value::string(p.url);
      r["created_at"] = value::string(FormatIsoTimestamp(p.created_at));
      r["case_id"] = p.latest_case ? value::number(p.latest_case->id) : value::null();
      r["case_state"] =
          p.latest_case ? value::string(std::string(CaseStateName(p.latest_case->state))) : value::null();
      r["reason"] = value::string(row.reason);
      r["due_at"] = row.due_at ? value::string(FormatIsoTimestamp(*row.due_at)) : value::null();
      r["late_s"] = value::number(static_cast<std::int64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(row.late).count()));
      list[list.size()] = r;
    }
    doc["unanswered"] = list;
    doc["count"] = value::number(static_cast<std::int64_t>(rows->size()));
    doc["since"] = query.since ? value::string(FormatIsoTimestamp(*query.since)) : value::null();
    doc["at"] = value::string(FormatIsoTimestamp(query.now));
    io.out << doc.serialize() << "\n";
  } else if (rows->empty()) {
    io.out << "every post that needed an answer got one or was closed with a reason\n";
  } else {
    io.out << fmt::format("{:>7} {:<16} {:<9} {:<18} {:>6} {:<18} {:>9} {}\n", "POST", "BRAND", "PLATFORM", "AUTHOR",
                          "CASE", "STATE", "LATE", "WHY");
    for (const UnansweredPost& row : *rows) {
      const UnansweredCandidate& p = row.post;
      io.out << fmt::format("{:>7} {:<16} {:<9} {:<18} {:>6} {:<18} {:>9} {}\n", p.post_id, row.brand_slug,
                            p.platform, p.author, p.latest_case ? std::to_string(p.latest_case->id) : "-",
                            p.latest_case ? CaseStateName(p.latest_case->state) : "no case",
                            row.late.count() > 0 ? FormatTimeLeft(row.late) : "not yet", row.reason);
    }
    io.out << fmt::format("{} post(s) without an answer\n", rows->size());
  }
  return rows->empty() ? kExitOk : kExitFailure;
}

}  // namespace

int RunAuditCommand(CommandIo& io) {
  const std::string verb = io.args.empty() ? "" : io.args[0];
  io.name = "odziv audit " + verb;
  if (verb == "unanswered") return Unanswered(io);
  io.name = "odziv audit";
  if (verb == "--help" || verb == "-h" || verb.empty()) {
    (verb.empty() ? io.err : io.out) << "Usage: odziv audit unanswered [--brand SLUG] [--since T] [--json]\n";
    return verb.empty() ? kExitUsage : kExitOk;
  }
  return UsageError(io, fmt::format("unknown audit command '{}': use unanswered", verb));
}

}  // namespace odziv::daemon
