// `odziv cases list|show|assign|close|wait`
#include <cpprest/json.h>
#include <fmt/format.h>

#include <map>
#include <ostream>
#include <sstream>

#include "core/clock.h"
#include "daemon/case_json.h"
#include "daemon/case_tracker.h"
#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/json_forms.h"

namespace odziv::daemon {
namespace {

using web::json::value;

// Names of brands and users by id, looked up once per command.
class Names {
 public:
  explicit Names(Store& store) : store_(store) {}
  std::string Brand(std::int64_t id) {
    auto found = brands_.find(id);
    if (found != brands_.end()) return found->second;
    auto brand = store_.GetBrandById(id);
    return brands_[id] = brand ? brand->slug : std::to_string(id);
  }
  std::string User(std::optional<std::int64_t> id) {
    if (!id) return "";
    auto found = users_.find(*id);
    if (found != users_.end()) return found->second;
    auto user = store_.GetUserById(*id);
    return users_[*id] = user ? user->login : std::to_string(*id);
  }

 private:
  Store& store_;
  std::map<std::int64_t, std::string> brands_, users_;
};

// --as LOGIN: the person acting, for the audit trail; default "cli".
Result<Actor> ActorFrom(Store& store, const std::string& login) {
  if (login.empty()) return Actor{"cli", std::nullopt};
  auto user = store.GetUser(login);
  if (!user) return Fail(user.error());
  return Actor{user->login, user->id};
}

std::string TimeLeftText(const Case& c, Timestamp now) {
  if (!c.due_at) return "-";
  if (c.state == CaseState::kConfirmed || c.state == CaseState::kClosed) return "-";
  if (c.paused_at) return "paused";
  return FormatTimeLeft(std::chrono::duration_cast<std::chrono::milliseconds>(*c.due_at - now));
}

int List(CommandIo& io) {
  std::string db, brand_slug, states_text, assignee, now_text;
  bool json = false, overdue = false, urgent = false;
  std::int64_t before = 0;
  std::size_t limit = 50;
  CommandSpec spec{"odziv cases list [--brand SLUG] [--state S[,S…]] [--assignee LOGIN] [--overdue] [--urgent] "
                   "[--json]",
                   "Lists cases, newest first, with the time left to their first-response deadline. States: open, "
                   "awaiting_approval, replied, confirmed, closed; 'unanswered' means the first three. For the next "
                   "page pass --before with the smallest id shown (JSON: next_before)."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("brand", po::value(&brand_slug), "only this brand's cases")(
      "state", po::value(&states_text), "only cases in these states (comma-separated)")(
      "assignee", po::value(&assignee), "only cases assigned to this user")(
      "overdue", po::bool_switch(&overdue), "only unanswered cases past their deadline")(
      "urgent", po::bool_switch(&urgent), "most urgent first: escalation level, then nearest deadline")(
      "limit", po::value(&limit)->default_value(50), "at most N cases (1 to 10000)")(
      "before", po::value(&before), "only cases with an id below ID (paging)")(
      "now", po::value(&now_text), "evaluate deadlines at this time instead of now (ISO 8601)");
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  if (limit < 1 || limit > 10000) return UsageError(io, "--limit must be 1 to 10000");
  auto now = ParseNowArgument(now_text);
  if (!now) return UsageError(io, fmt::format("--now '{}' is not a date-time", now_text));
  CaseFilter filter;
  filter.limit = limit;
  filter.most_urgent_first = urgent;
  if (vm.count("before")) filter.before_id = before;
  if (overdue) filter.overdue_at = *now;
  std::stringstream states(states_text);
  for (std::string name; std::getline(states, name, ',');) {
    if (name == "unanswered") {
      filter.states.insert(filter.states.end(), {CaseState::kOpen, CaseState::kAwaitingApproval, CaseState::kReplied});
    } else if (auto state = ParseCaseState(name)) {
      filter.states.push_back(*state);
    } else {
      return UsageError(io, fmt::format("unknown state '{}': use open, awaiting_approval, replied, confirmed, "
                                        "closed or unanswered",
                                        name));
    }
  }
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  if (vm.count("brand")) {
    auto brand = (*store)->GetBrand(brand_slug);
    if (!brand) return ReportError(io, brand.error());
    filter.brand_id = brand->id;
  }
  if (vm.count("assignee")) {
    auto user = (*store)->GetUser(assignee);
    if (!user) return ReportError(io, user.error());
    filter.assignee_id = user->id;
  }
  auto cases = (*store)->ListCases(filter);
  if (!cases) return ReportError(io, cases.error());
  Names names(**store);
  if (json) {
    value doc = value::object();
    value list = value::array();
    for (const Case& c : *cases)
      list[list.size()] = CaseToJson(c, names.Brand(c.brand_id), names.User(c.assignee_id), *now);
    doc["cases"] = list;
    doc["next_before"] = cases->size() == limit ? value::number(cases->back().id) : value::null();
    io.out << doc.serialize() << "\n";
    return kExitOk;
  }
  io.out << fmt::format("{:>6} {:<16} {:<18} {:>2} {:<9} {:<18} {:>9} {:>4} {}\n", "ID", "BRAND", "STATE", "P",
                        "PLATFORM", "AUTHOR", "LEFT", "ESC", "ASSIGNEE");
  for (const Case& c : *cases) {
    io.out << fmt::format("{:>6} {:<16} {:<18} {:>2} {:<9} {:<18} {:>9} {:>3}% {}\n", c.id, names.Brand(c.brand_id),
                          CaseStateName(c.state), c.priority, c.platform,
                          c.author_handle.empty() ? c.author_id : c.author_handle, TimeLeftText(c, *now),
                          c.escalation_percent, names.User(c.assignee_id));
  }
  if (cases->size() == limit) io.out << fmt::format("(more: --before {})\n", cases->back().id);
  return kExitOk;
}

int Show(CommandIo& io) {
  std::string db, id_text, now_text;
  bool json = false;
  CommandSpec spec{"odziv cases show ID [--json]",
                   "Shows one case: its deadline, posts, the author's earlier cases (same platform and author id; "
                   "other platforms by the same handle, a guess), alerts and every state change."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("id", po::value(&id_text)->required(), "the case's id")(
      "now", po::value(&now_text), "evaluate the deadline at this time instead of now (ISO 8601)");
  spec.positional.add("id", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto id = ParseIdArgument(id_text);
  if (!id) return UsageError(io, fmt::format("'{}' is not a case id", id_text));
  auto now = ParseNowArgument(now_text);
  if (!now) return UsageError(io, fmt::format("--now '{}' is not a date-time", now_text));
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto c = (*store)->GetCase(*id);
  if (!c) return ReportError(io, c.error());
  auto posts = (*store)->CasePosts(*id);
  if (!posts) return ReportError(io, posts.error());
  auto history = (*store)->ListAuditEvents(fmt::format("case:{}", *id));
  if (!history) return ReportError(io, history.error());
  auto alerts = (*store)->ListAlerts(*id);
  if (!alerts) return ReportError(io, alerts.error());
  // The customer's history within the brand: the same account on the same platform for sure; the same
  // handle on other platforms as a likely match.
  std::vector<std::pair<Case, std::string>> earlier;
  CaseFilter same_account;
  same_account.brand_id = c->brand_id;
  same_account.platform = c->platform;
  same_account.author_id = c->author_id;
  same_account.limit = 50;
  if (!c->author_id.empty()) {
    auto found = (*store)->ListCases(same_account);
    if (!found) return ReportError(io, found.error());
    for (Case& other : *found)
      if (other.id != c->id) earlier.emplace_back(std::move(other), "same account");
  }
  if (!c->author_handle.empty()) {
    CaseFilter same_handle;
    same_handle.brand_id = c->brand_id;
    same_handle.author_handle = c->author_handle;
    same_handle.limit = 50;
    auto found = (*store)->ListCases(same_handle);
    if (!found) return ReportError(io, found.error());
    for (Case& other : *found)
      if (other.id != c->id && other.platform != c->platform) earlier.emplace_back(std::move(other), "same handle");
  }
  Names names(**store);
  if (json) {
    value doc = CaseToJson(*c, names.Brand(c->brand_id), names.User(c->assignee_id), *now);
    value list = value::array();
    for (const StoredPost& p : *posts) list[list.size()] = PostToJson(p);
    doc["posts"] = list;
    value others = value::array();
    for (const auto& [other, match] : earlier) {
      value o = CaseToJson(other, names.Brand(other.brand_id), names.User(other.assignee_id), *now);
      o["match"] = value::string(match);
      others[others.size()] = o;
    }
    doc["author_cases"] = others;
    value events = value::array();
    for (const AuditEvent& e : *history) events[events.size()] = AuditEventToJson(e);
    doc["history"] = events;
    value alert_list = value::array();
    for (const Alert& a : *alerts) alert_list[alert_list.size()] = AlertToJson(a);
    doc["alerts"] = alert_list;
    io.out << doc.serialize() << "\n";
    return kExitOk;
  }
  io.out << fmt::format("case {} ({}), {}, P{}\n", c->id, names.Brand(c->brand_id), CaseStateName(c->state),
                        c->priority);
  io.out << fmt::format("  author:   {} on {} (thread {})\n",
                        c->author_handle.empty() ? c->author_id : c->author_handle, c->platform, c->thread_id);
  io.out << fmt::format("  deadline: {} ({} policy), left {}, escalation {}%\n",
                        c->due_at ? FormatIsoTimestamp(*c->due_at) : "none", c->sla_policy, TimeLeftText(*c, *now),
                        c->escalation_percent);
  io.out << fmt::format("  assignee: {}\n", c->assignee_id ? names.User(c->assignee_id) : "nobody");
  if (!c->reply_external_id.empty()) io.out << fmt::format("  reply:    {}\n", c->reply_external_id);
  if (c->close_reason)
    io.out << fmt::format("  closed:   {} by {}: {}\n", CloseReasonName(*c->close_reason), c->closed_by, c->close_note);
  io.out << "posts:\n";
  for (const StoredPost& p : *posts)
    io.out << fmt::format("  {} {} {}{}: {}\n", p.id, FormatIsoTimestamp(p.post.created_at),
                          p.post.from_brand ? "[brand] " : "", p.post.author.handle, p.post.text);
  if (!earlier.empty()) {
    io.out << "the author's other cases:\n";
    for (const auto& [other, match] : earlier)
      io.out << fmt::format("  case {} on {}, {} ({}), opened {}\n", other.id, other.platform,
                            CaseStateName(other.state), match, FormatIsoTimestamp(other.opened_at));
  }
  io.out << "history:\n";
  for (const AuditEvent& e : *history)
    io.out << fmt::format("  {} {} {} {}\n", FormatIsoTimestamp(e.at), e.actor, e.action, e.details);
  return kExitOk;
}

int Assign(CommandIo& io) {
  std::string db, id_text, to, as, now_text;
  bool nobody = false, json = false;
  CommandSpec spec{"odziv cases assign ID (--to LOGIN | --nobody) [--as LOGIN] [--json]",
                   "Assigns a case to a person who may work on its brand, or to nobody."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("id", po::value(&id_text)->required(), "the case's id")(
      "to", po::value(&to), "the new assignee's login")("nobody", po::bool_switch(&nobody), "unassign the case")(
      "as", po::value(&as), "who is doing this (a user's login; default: cli)")(
      "now", po::value(&now_text), "record the change at this time (ISO 8601; tests)");
  spec.positional.add("id", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto id = ParseIdArgument(id_text);
  if (!id) return UsageError(io, fmt::format("'{}' is not a case id", id_text));
  if (to.empty() == !nobody) return UsageError(io, "give either --to LOGIN or --nobody");
  auto now = ParseNowArgument(now_text);
  if (!now) return UsageError(io, fmt::format("--now '{}' is not a date-time", now_text));
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto actor = ActorFrom(**store, as);
  if (!actor) return ReportError(io, actor.error());
  std::optional<std::int64_t> user_id;
  if (!nobody) {
    auto user = (*store)->GetUser(to);
    if (!user) return ReportError(io, user.error());
    user_id = user->id;
  }
  CaseTracker tracker(**store);
  auto assigned = tracker.Assign(*id, user_id, *actor, *now);
  if (!assigned) return ReportError(io, assigned.error());
  if (json) {
    Names names(**store);
    io.out << CaseToJson(*assigned, names.Brand(assigned->brand_id), names.User(assigned->assignee_id), *now).serialize()
           << "\n";
    return kExitOk;
  }
  io.out << fmt::format("case {} assigned to {}\n", *id, nobody ? "nobody" : to);
  return kExitOk;
}

int Close(CommandIo& io) {
  std::string db, id_text, reason_text, note, as, now_text;
  bool json = false;
  std::string reasons;
  for (std::string_view r : PersonCloseReasons()) reasons += fmt::format("{}{}", reasons.empty() ? "" : ", ", r);
  CommandSpec spec{"odziv cases close ID --reason REASON [--note TEXT] [--as LOGIN] [--json]",
                   fmt::format("Closes a case with a reason ({}) and free text. A case never closes silently: the "
                               "reason, the note and who closed it stay in its history.",
                               reasons)};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("id", po::value(&id_text)->required(), "the case's id")(
      "reason", po::value(&reason_text)->required(), "why the case is closed")(
      "note", po::value(&note)->default_value(""), "free text for the history")(
      "as", po::value(&as), "who is doing this (a user's login; default: cli)")(
      "now", po::value(&now_text), "record the change at this time (ISO 8601; tests)");
  spec.positional.add("id", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto id = ParseIdArgument(id_text);
  if (!id) return UsageError(io, fmt::format("'{}' is not a case id", id_text));
  auto reason = ParseCloseReason(reason_text);
  if (!reason || *reason == CloseReason::kPostDeleted)
    return UsageError(io, fmt::format("--reason '{}' is not one of: {}", reason_text, reasons));
  auto now = ParseNowArgument(now_text);
  if (!now) return UsageError(io, fmt::format("--now '{}' is not a date-time", now_text));
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto actor = ActorFrom(**store, as);
  if (!actor) return ReportError(io, actor.error());
  CaseTracker tracker(**store);
  auto closed = tracker.Close(*id, *reason, note, *actor, *now);
  if (!closed) return ReportError(io, closed.error());
  if (json) {
    Names names(**store);
    io.out << CaseToJson(*closed, names.Brand(closed->brand_id), names.User(closed->assignee_id), *now).serialize()
           << "\n";
    return kExitOk;
  }
  io.out << fmt::format("case {} closed ({})\n", *id, reason_text);
  return kExitOk;
}

int Wait(CommandIo& io) {
  std::string db, id_text, as, now_text;
  CommandSpec spec{"odziv cases wait ID [--as LOGIN]",
                   "Stops the case's SLA clock while it waits on the customer (when the brand's "
                   "settings.sla.pause_when_waiting allows it); the customer's next post starts it again."};
  AddDbOption(spec, db);
  spec.options.add_options()("id", po::value(&id_text)->required(), "the case's id")(
      "as", po::value(&as), "who is doing this (a user's login; default: cli)")(
      "now", po::value(&now_text), "record the change at this time (ISO 8601; tests)");
  spec.positional.add("id", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto id = ParseIdArgument(id_text);
  if (!id) return UsageError(io, fmt::format("'{}' is not a case id", id_text));
  auto now = ParseNowArgument(now_text);
  if (!now) return UsageError(io, fmt::format("--now '{}' is not a date-time", now_text));
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto actor = ActorFrom(**store, as);
  if (!actor) return ReportError(io, actor.error());
  CaseTracker tracker(**store);
  auto waiting = tracker.WaitForCustomer(*id, *actor, *now);
  if (!waiting) return ReportError(io, waiting.error());
  io.out << fmt::format("case {} waits on the customer; its SLA clock is paused\n", *id);
  return kExitOk;
}

}  // namespace

int RunCasesCommand(CommandIo& io) {
  const std::string verb = io.args.empty() ? "" : io.args[0];
  io.name = "odziv cases " + verb;
  if (verb == "list") return List(io);
  if (verb == "show") return Show(io);
  if (verb == "assign") return Assign(io);
  if (verb == "close") return Close(io);
  if (verb == "wait") return Wait(io);
  io.name = "odziv cases";
  if (verb == "--help" || verb == "-h" || verb.empty()) {
    (verb.empty() ? io.err : io.out) << "Usage: odziv cases list|show|assign|close|wait … (each has --help)\n";
    return verb.empty() ? kExitUsage : kExitOk;
  }
  return UsageError(io, fmt::format("unknown cases command '{}': use list, show, assign, close or wait", verb));
}

}  // namespace odziv::daemon
