// `odziv queue list|show|approve|edit|reject`: the approval queue at the command line.
#include <cpprest/json.h>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/clock.h"
#include "daemon/approval_queue.h"
#include "daemon/case_json.h"
#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/json_forms.h"

namespace odziv::daemon {
namespace {

using web::json::value;

// --as LOGIN, else $ODZIV_USER: who decides. Decisions are a person's, so there is no anonymous default.
Result<User> Person(Store& store, const std::string& as) {
  std::string login = as;
  if (login.empty()) {
    if (const char* env = std::getenv("ODZIV_USER")) login = env;
  }
  if (login.empty())
    return Fail(ErrorCode::kInvalidArgument, "say who decides with --as LOGIN (or set ODZIV_USER)");
  return store.GetUser(login);
}

// For `list` and `show`: a person sees their brands only; without --as, the operator sees every brand.
Result<std::optional<User>> Viewer(Store& store, const std::string& as) {
  if (as.empty()) return std::optional<User>();
  auto user = store.GetUser(as);
  if (!user) return Fail(user.error());
  return std::optional<User>(std::move(*user));
}

value ItemToJson(const QueueItem& item, const std::string& brand_slug, Timestamp now) {
  value out = DraftToJson(item.draft);
  out["brand"] = value::string(brand_slug);
  out["case"] = CaseToJson(item.case_, brand_slug, "", now);
  out["post"] = PostToJson(item.post);
  return out;
}

std::string BrandSlug(Store& store, std::int64_t id) {
  auto brand = store.GetBrandById(id);
  return brand ? brand->slug : std::to_string(id);
}

std::string OneLine(std::string text, std::size_t max) {
  for (char& ch : text)
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return text.substr(0, cut) + "…";
}

int List(CommandIo& io) {
  std::string db, brand_slug, as;
  bool json = false;
  std::size_t limit = 50;
  CommandSpec spec{"odziv queue list [--brand SLUG] [--as LOGIN] [--json]",
                   "Lists the drafts waiting for approval, most urgent first (the case's priority, then its "
                   "deadline). With --as, only the brands that person may see."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("brand", po::value(&brand_slug), "only this brand's drafts")(
      "as", po::value(&as), "list as this user (their brands only)")(
      "limit", po::value(&limit)->default_value(50), "at most N drafts (1 to 10000)");
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  if (limit < 1 || limit > 10000) return UsageError(io, "--limit must be 1 to 10000");
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto viewer = Viewer(**store, as);
  if (!viewer) return ReportError(io, viewer.error());
  std::optional<std::int64_t> brand_id;
  if (vm.count("brand")) {
    auto brand = (*store)->GetBrand(brand_slug);
    if (!brand) return ReportError(io, brand.error());
    brand_id = brand->id;
  }
  ApprovalQueue queue(**store);
  auto items = queue.List(*viewer, brand_id, limit);
  if (!items) return ReportError(io, items.error());
  const Timestamp now = SystemClock().Now();
  if (json) {
    value list = value::array();
    for (const QueueItem& item : *items) list[list.size()] = ItemToJson(item, item.brand_slug, now);
    value doc = value::object();
    doc["drafts"] = list;
    io.out << doc.serialize() << "\n";
    return kExitOk;
  }
  io.out << fmt::format("{:>6} {:>6} {:<16} {:>2} {:>9} {:<9} {:<4} {:>5} {}\n", "DRAFT", "CASE", "BRAND", "P", "LEFT",
                        "PLATFORM", "LANG", "OK", "DRAFT TEXT");
  for (const QueueItem& item : *items) {
    const Case& c = item.case_;
    const std::string left =
        c.due_at ? FormatTimeLeft(std::chrono::duration_cast<std::chrono::milliseconds>(*c.due_at - now)) : "-";
    io.out << fmt::format("{:>6} {:>6} {:<16} {:>2} {:>9} {:<9} {:<4} {:>2}/{:<2} {}\n", item.draft.id, c.id,
                          item.brand_slug, c.priority, left, c.platform, item.draft.language,
                          item.draft.approvals.size(), std::max(1, item.draft.approvals_required),
                          OneLine(item.draft.text, 60));
  }
  if (items->empty()) io.out << "(the queue is empty)\n";
  return kExitOk;
}

void PrintItem(CommandIo& io, Store& store, const QueueItem& item, const std::vector<Delivery>& deliveries) {
  const StoredDraft& d = item.draft;
  io.out << fmt::format("draft {} for case {} ({}), {}, P{}\n", d.id, d.case_id, BrandSlug(store, d.brand_id),
                        DraftStatusName(d.status), item.case_.priority);
  io.out << fmt::format("  post {} by {} on {}: {}\n", item.post.id,
                        item.post.post.author.handle.empty() ? item.post.post.author.name : item.post.post.author.handle,
                        item.post.post.platform, OneLine(item.post.post.text, 400));
  io.out << fmt::format("  reply ({}, {}, {}):\n    {}\n", d.language, d.script, d.situation, OneLine(d.text, 2000));
  for (const std::string& note : d.notes) io.out << fmt::format("  note: {}\n", note);
  io.out << fmt::format("  approvals: {} of {}", d.approvals.size(), std::max(1, d.approvals_required));
  for (const DraftApproval& a : d.approvals) io.out << fmt::format(" [{} {}]", a.actor, FormatIsoTimestamp(a.at));
  io.out << "\n";
  if (!d.written_by.empty() && d.written_by != "daemon") io.out << fmt::format("  edited by: {}\n", d.written_by);
  if (!d.reject_reason.empty()) io.out << fmt::format("  rejected by {}: {}\n", d.decided_by, d.reject_reason);
  if (!d.platform_refusal.empty()) io.out << fmt::format("  the platform refused it: {}\n", d.platform_refusal);
  for (const Delivery& v : deliveries) {
    io.out << fmt::format("  delivery {}: {} after {} attempt(s){}{}\n", v.id, DeliveryStatusName(v.status),
                          v.attempts, v.reply_external_id.empty() ? "" : ", reply " + v.reply_external_id,
                          v.last_error.empty() ? "" : "; last error: " + v.last_error);
  }
}

int Show(CommandIo& io) {
  std::string db, id_text, as;
  bool json = false;
  CommandSpec spec{"odziv queue show ID [--as LOGIN] [--json]",
                   "Shows one draft: the post it answers, its text and notes, approvals, and its deliveries."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("id", po::value(&id_text)->required(), "the draft's id")(
      "as", po::value(&as), "show as this user (their brands only)");
  spec.positional.add("id", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto id = ParseIdArgument(id_text);
  if (!id) return UsageError(io, fmt::format("'{}' is not a draft id", id_text));
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto viewer = Viewer(**store, as);
  if (!viewer) return ReportError(io, viewer.error());
  ApprovalQueue queue(**store);
  auto item = queue.Show(*id, *viewer);
  if (!item) return ReportError(io, item.error());
  auto deliveries = (*store)->ListDeliveries(*id, std::nullopt);
  if (!deliveries) return ReportError(io, deliveries.error());
  if (json) {
    value doc = ItemToJson(*item, BrandSlug(**store, item->draft.brand_id), SystemClock().Now());
    value list = value::array();
    for (const Delivery& v : *deliveries) list[list.size()] = DeliveryToJson(v);
    doc["deliveries"] = list;
    io.out << doc.serialize() << "\n";
    return kExitOk;
  }
  PrintItem(io, **store, *item, *deliveries);
  return kExitOk;
}

// approve, edit and reject share their shape: a draft id, who decides, and the draft's version as seen.
struct Decision {
  std::string db, id_text, as, now_text;
  std::int64_t version = 0;
  bool json = false;
};

void AddDecisionOptions(CommandSpec& spec, Decision& d) {
  AddDbOption(spec, d.db);
  AddJsonOption(spec, d.json);
  spec.options.add_options()("id", po::value(&d.id_text)->required(), "the draft's id")(
      "as", po::value(&d.as), "who decides (a user's login; default: $ODZIV_USER)")(
      "version", po::value(&d.version),
      "refuse if the draft changed since this version was seen (from `queue show --json`)")(
      "now", po::value(&d.now_text), "record the decision at this time (ISO 8601; tests)");
  spec.positional.add("id", 1);
}

int Decide(CommandIo& io, CommandSpec& spec, Decision& d,
           const std::function<Result<StoredDraft>(ApprovalQueue&, std::int64_t, const User&, Timestamp,
                                                   std::optional<std::int64_t>)>& act) {
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto id = ParseIdArgument(d.id_text);
  if (!id) return UsageError(io, fmt::format("'{}' is not a draft id", d.id_text));
  auto now = ParseNowArgument(d.now_text);
  if (!now) return UsageError(io, fmt::format("--now '{}' is not a date-time", d.now_text));
  auto store = OpenStoreForCli(d.db);
  if (!store) return ReportError(io, store.error());
  auto user = Person(**store, d.as);
  if (!user) {
    if (user.error().code == ErrorCode::kInvalidArgument) return UsageError(io, user.error().message);
    return ReportError(io, user.error());
  }
  ApprovalQueue queue(**store);
  std::optional<std::int64_t> version;
  if (vm.count("version")) version = d.version;
  auto decided = act(queue, *id, *user, *now, version);
  if (!decided) return ReportError(io, decided.error());
  if (d.json) {
    io.out << DraftToJson(*decided).serialize() << "\n";
    return kExitOk;
  }
  switch (decided->status) {
    case DraftStatus::kApproved:
      io.out << fmt::format("draft {} approved: its reply will be posted\n", decided->id);
      break;
    case DraftStatus::kRejected:
      io.out << fmt::format("draft {} rejected; case {} is open again\n", decided->id, decided->case_id);
      break;
    default:
      io.out << fmt::format("draft {} is {} ({} of {} approvals)\n", decided->id, DraftStatusName(decided->status),
                            decided->approvals.size(), std::max(1, decided->approvals_required));
  }
  return kExitOk;
}

int Approve(CommandIo& io) {
  Decision d;
  CommandSpec spec{"odziv queue approve ID [--as LOGIN] [--version N] [--json]",
                   "Approves a draft's text. When it has every approval the brand's rules require (two people for "
                   "some drafts), its reply is queued to be posted exactly once."};
  AddDecisionOptions(spec, d);
  return Decide(io, spec, d, [](ApprovalQueue& q, std::int64_t id, const User& u, Timestamp now, auto version) {
    return q.Approve(id, u, now, version);
  });
}

int Edit(CommandIo& io) {
  Decision d;
  std::string text, file;
  bool approve = false;
  CommandSpec spec{"odziv queue edit ID (--text TEXT | --file PATH) [--approve] [--as LOGIN] [--json]",
                   "Replaces a draft's text (checked against the platform's length limit). Earlier approvals are "
                   "cleared when the brand's rules ask for it; --approve adds yours at once."};
  AddDecisionOptions(spec, d);
  spec.options.add_options()("text", po::value(&text), "the new text")(
      "file", po::value(&file), "read the new text from this file ('-': standard input)")(
      "approve", po::bool_switch(&approve), "approve the edited text too");
  return Decide(io, spec, d, [&](ApprovalQueue& q, std::int64_t id, const User& u, Timestamp now, auto version)
                                 -> Result<StoredDraft> {
    if (text.empty() == file.empty()) return Fail(ErrorCode::kInvalidArgument, "give either --text or --file");
    std::string body = text;
    if (!file.empty()) {
      std::stringstream read;
      if (file == "-") {
        read << io.in.rdbuf();
      } else {
        std::ifstream in(file, std::ios::binary);
        if (!in) return Fail(ErrorCode::kInvalidArgument, fmt::format("cannot read '{}'", file));
        read << in.rdbuf();
      }
      body = read.str();
      while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    }
    return q.Edit(id, body, u, approve, now, version);
  });
}

int Reject(CommandIo& io) {
  Decision d;
  std::string reason;
  CommandSpec spec{"odziv queue reject ID --reason TEXT [--as LOGIN] [--json]",
                   "Rejects a draft with a reason. Its case is open again, and no new draft is written for it until "
                   "the customer writes again: answer it yourself or close it."};
  AddDecisionOptions(spec, d);
  spec.options.add_options()("reason", po::value(&reason)->required(), "why (kept in the case's history)");
  return Decide(io, spec, d, [&](ApprovalQueue& q, std::int64_t id, const User& u, Timestamp now, auto version) {
    return q.Reject(id, reason, u, now, version);
  });
}

}  // namespace

int RunQueueCommand(CommandIo& io) {
  const std::string verb = io.args.empty() ? "" : io.args[0];
  io.name = "odziv queue " + verb;
  if (verb == "list") return List(io);
  if (verb == "show") return Show(io);
  if (verb == "approve") return Approve(io);
  if (verb == "edit") return Edit(io);
  if (verb == "reject") return Reject(io);
  io.name = "odziv queue";
  if (verb == "--help" || verb == "-h" || verb.empty()) {
    (verb.empty() ? io.err : io.out) << "Usage: odziv queue list|show|approve|edit|reject … (each has --help)\n";
    return verb.empty() ? kExitUsage : kExitOk;
  }
  return UsageError(io, fmt::format("unknown queue command '{}': use list, show, approve, edit or reject", verb));
}

}  // namespace odziv::daemon
