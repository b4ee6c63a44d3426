// `odziv user add|list|passwd|token|remove`: the people cases are assigned to, their passwords for the web
// app and their API tokens for scripts. Passwords are read from stdin (--password-stdin) or asked twice on
// the terminal without echo; they are never accepted as arguments, which other users can read in `ps`.
#include <cpprest/json.h>
#include <fmt/format.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <ostream>
#include <sstream>

#include "core/clock.h"
#include "daemon/auth.h"
#include "daemon/case_json.h"
#include "daemon/password_hash.h"
#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"

namespace odziv::daemon {
namespace {

using web::json::value;

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view empty) {
  if (items.empty()) return std::string(empty);
  std::string out;
  for (const std::string& item : items) out += fmt::format("{}{}", out.empty() ? "" : ",", item);
  return out;
}

// A password line read from `in` (stdin or the terminal), wiped by its owner.
struct PasswordText {
  std::string text;
  ~PasswordText() { sodium_memzero(text.data(), text.size()); }
};

// Reads one line without its line end; false at end of input.
bool ReadLine(std::istream& in, std::string& line) {
  if (!std::getline(in, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

// The new password: from the first line of stdin with --password-stdin, else asked twice on the terminal
// with echo off. An error (already printed) gives the exit status.
std::optional<int> ReadNewPassword(CommandIo& io, bool from_stdin, PasswordText& password) {
  if (from_stdin) {
    if (!ReadLine(io.in, password.text))
      return ReportError(io, Error{ErrorCode::kInvalidArgument, "no password on stdin", std::nullopt});
  } else {
    // Only the real terminal can hide what is typed; a test's or a pipe's stream needs --password-stdin.
    if (&io.in != &std::cin || !::isatty(STDIN_FILENO))
      return UsageError(io, "stdin is not a terminal: pass the password on stdin with --password-stdin");
    termios saved{};
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    PasswordText again;
    io.err << "New password: " << std::flush;
    const bool first = ReadLine(io.in, password.text);
    io.err << "\nAgain: " << std::flush;
    const bool second = first && ReadLine(io.in, again.text);
    io.err << "\n";
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    if (!second) return ReportError(io, Error{ErrorCode::kInvalidArgument, "no password given", std::nullopt});
    if (password.text != again.text)
      return ReportError(io, Error{ErrorCode::kInvalidArgument, "the two passwords differ; nothing changed", std::nullopt});
  }
  if (auto rules = CheckPasswordRules(password.text); !rules) return ReportError(io, rules.error());
  return std::nullopt;
}

// Roles as the CLI and the API accept them; "manager" is stored as lead.
std::optional<std::string> CanonicalRole(const std::string& role) {
  if (role == "viewer" || role == "agent" || role == "lead" || role == "admin") return role;
  if (role == "manager") return std::string("lead");
  return std::nullopt;
}

// The audit event of a user change made from the CLI (actor "cli").
void AuditCli(Store& store, std::string_view action, std::int64_t user_id, std::string details = "{}") {
  AuditEvent event;
  event.at = SystemClock().Now();
  event.actor = "cli";
  event.action = std::string(action);
  event.subject = fmt::format("user:{}", user_id);
  event.details = std::move(details);
  (void)store.RecordAuditEvent(event);  // the change is made; a missing audit line must not undo it
}

int Add(CommandIo& io) {
  std::string db, languages, platforms;
  std::vector<std::string> brands;
  bool admin = false, password_stdin = false;
  User user;
  CommandSpec spec{"odziv user add LOGIN --name NAME [--email E] [--brand SLUG[:ROLE]]… [--admin] [--password-stdin] "
                   "[--languages en,bs] [--platforms x,google]",
                   "Adds a person who answers customers. --brand may be repeated; ROLE is viewer, agent (default), "
                   "lead (alias manager) or admin. --admin makes an instance admin: admin in every brand, who manages "
                   "brands and users. With --password-stdin the first line of stdin becomes the web app password "
                   "(at least 10 characters); without it the user cannot sign in until `odziv user passwd`. Cases "
                   "are assigned to agents, leads and admins of the case's brand who write its language (none given: "
                   "any) and cover its platform (none given: every platform)."};
  AddDbOption(spec, db);
  spec.options.add_options()("login", po::value(&user.login)->required(), "the user's login")(
      "name", po::value(&user.name)->required(), "display name")(
      "email", po::value(&user.email)->default_value(""), "e-mail address")(
      "brand", po::value(&brands)->composing(), "a brand the user works on, as SLUG or SLUG:ROLE")(
      "admin", po::bool_switch(&admin), "make the user an instance admin")(
      "password-stdin", po::bool_switch(&password_stdin), "read the user's password from the first line of stdin")(
      "languages", po::value(&languages)->default_value(""), "languages they answer in (comma-separated)")(
      "platforms", po::value(&platforms)->default_value(""), "platforms they cover (comma-separated)");
  spec.positional.add("login", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  user.languages = SplitList(languages);
  user.platforms = SplitList(platforms);
  user.instance_admin = admin;
  PasswordText password;
  if (password_stdin) {
    if (auto status = ReadNewPassword(io, true, password)) return *status;
  }
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  for (const std::string& spec_text : brands) {
    const auto colon = spec_text.find(':');
    const std::string slug = spec_text.substr(0, colon);
    auto role = CanonicalRole(colon == std::string::npos ? "agent" : spec_text.substr(colon + 1));
    if (!role)
      return UsageError(io, fmt::format("role in --brand {}: use viewer, agent, lead (or manager) or admin", spec_text));
    auto brand = (*store)->GetBrand(slug);
    if (!brand) return ReportError(io, brand.error());
    user.brand_roles[brand->id] = *role;
  }
  std::string hash;
  if (password_stdin) {
    auto hashed = HashPassword(password.text);
    if (!hashed) return ReportError(io, hashed.error());
    hash = std::move(*hashed);
  }
  auto added = (*store)->AddUser(user);
  if (!added) return ReportError(io, added.error());
  if (!hash.empty()) {
    auto set = (*store)->SetPasswordHash(added->id, hash, false, std::nullopt, SystemClock().Now());
    if (!set) return ReportError(io, set.error());
  }
  AuditCli(**store, "user.add", added->id);
  io.out << fmt::format("added user {} ({}){}{}\n", added->login, added->name, added->instance_admin ? ", instance admin" : "",
                        hash.empty() ? "" : ", with a password");
  return kExitOk;
}

// Opens the store and finds LOGIN, printing the error when either fails.
Result<std::pair<std::unique_ptr<Store>, User>> OpenWithUser(const std::string& db, const std::string& login) {
  auto store = OpenStoreForCli(db);
  if (!store) return Fail(store.error());
  auto user = (*store)->GetUser(login);
  if (!user) return Fail(user.error());
  return std::pair{std::move(*store), std::move(*user)};
}

int Passwd(CommandIo& io) {
  std::string db, login;
  bool password_stdin = false;
  CommandSpec spec{"odziv user passwd LOGIN [--password-stdin]",
                   "Sets the user's web app password: asked twice on the terminal without echo, or read from the first "
                   "line of stdin with --password-stdin. At least 10 characters, at most 1024 bytes. Every session of "
                   "the user is signed out; their API tokens keep working."};
  AddDbOption(spec, db);
  spec.options.add_options()("login", po::value(&login)->required(), "the user's login")(
      "password-stdin", po::bool_switch(&password_stdin), "read the password from the first line of stdin");
  spec.positional.add("login", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto found = OpenWithUser(db, login);
  if (!found) return ReportError(io, found.error());
  auto& [store, user] = *found;
  PasswordText password;
  if (auto status = ReadNewPassword(io, password_stdin, password)) return *status;
  auto hashed = HashPassword(password.text);
  if (!hashed) return ReportError(io, hashed.error());
  auto set = store->SetPasswordHash(user.id, *hashed, true, std::nullopt, SystemClock().Now());
  if (!set) return ReportError(io, set.error());
  AuditCli(*store, "user.password", user.id);
  io.out << fmt::format("password of {} set; their sessions are signed out\n", user.login);
  return kExitOk;
}

int Token(CommandIo& io) {
  std::string db, login, name;
  bool list = false;
  std::int64_t revoke = 0;
  CommandSpec spec{"odziv user token LOGIN --name LABEL | --list | --revoke ID",
                   "Manages the user's API tokens (\"Authorization: Bearer odz_…\"). --name makes one and prints it "
                   "alone on the first line of stdout: it is shown this once, odziv keeps only its hash. --list shows "
                   "the tokens that work (id, name, first characters, last use); --revoke ID ends one at once."};
  AddDbOption(spec, db);
  spec.options.add_options()("login", po::value(&login)->required(), "the user's login")(
      "name", po::value(&name), "make a token with this label")("list", po::bool_switch(&list), "list the tokens")(
      "revoke", po::value(&revoke), "revoke the token with this id");
  spec.positional.add("login", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  const int modes = (vm.count("name") ? 1 : 0) + (list ? 1 : 0) + (vm.count("revoke") ? 1 : 0);
  if (modes != 1) return UsageError(io, "give exactly one of --name LABEL, --list or --revoke ID");
  auto found = OpenWithUser(db, login);
  if (!found) return ReportError(io, found.error());
  auto& [store, user] = *found;
  const Timestamp now = SystemClock().Now();
  if (list) {
    auto tokens = store->ListApiTokens(user.id);
    if (!tokens) return ReportError(io, tokens.error());
    io.out << fmt::format("{:<6} {:<24} {:<14} {:<22} {}\n", "ID", "NAME", "TOKEN", "CREATED", "LAST USED");
    for (const ApiToken& t : *tokens) {
      io.out << fmt::format("{:<6} {:<24} {:<14} {:<22} {}\n", t.id, t.name, fmt::format("odz_{}…", t.prefix),
                            FormatIsoTimestamp(t.created_at),
                            t.last_used_at ? FormatIsoTimestamp(*t.last_used_at) : std::string("never"));
    }
    return kExitOk;
  }
  if (vm.count("revoke")) {
    auto revoked = store->RevokeApiToken(user.id, revoke, now);
    if (!revoked && revoked.error().code == ErrorCode::kNotFound)
      return ReportError(io, Error{ErrorCode::kNotFound, fmt::format("{} has no API token {}", user.login, revoke), std::nullopt});
    if (!revoked) return ReportError(io, revoked.error());
    AuditCli(*store, "token.revoke", user.id, fmt::format(R"({{"token_id":{}}})", revoke));
    io.out << fmt::format("revoked API token {} of {}\n", revoke, user.login);
    return kExitOk;
  }
  auto minted = MintApiToken(*store, user.id, name, now);
  if (!minted) return ReportError(io, minted.error());
  AuditCli(*store, "token.create", user.id, fmt::format(R"({{"token_id":{}}})", minted->token.id));
  io.out << minted->text << "\n";
  io.err << fmt::format("API token {} ('{}') for {}: copy it now, it is not shown again\n", minted->token.id,
                        minted->token.name, user.login);
  return kExitOk;
}

int Remove(CommandIo& io) {
  std::string db, login;
  CommandSpec spec{"odziv user remove LOGIN",
                   "Takes a user out of use: disables them, removes their password and brand roles, and revokes their "
                   "sessions and API tokens. The user's row stays, so that the audit trail, cases and drafts still "
                   "name who did what; the login cannot be given to someone else."};
  AddDbOption(spec, db);
  spec.options.add_options()("login", po::value(&login)->required(), "the user's login");
  spec.positional.add("login", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto found = OpenWithUser(db, login);
  if (!found) return ReportError(io, found.error());
  auto& [store, user] = *found;
  if (auto removed = store->RemoveUser(user.id, SystemClock().Now()); !removed) return ReportError(io, removed.error());
  AuditCli(*store, "user.remove", user.id);
  io.out << fmt::format("removed user {}\n", user.login);
  return kExitOk;
}

int List(CommandIo& io) {
  std::string db, brand_slug;
  bool json = false;
  CommandSpec spec{"odziv user list [--brand SLUG] [--json]",
                   "Lists users with their brands, languages and platforms."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("brand", po::value(&brand_slug), "only users who may see this brand");
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  std::optional<std::int64_t> brand_id;
  if (vm.count("brand")) {
    auto brand = (*store)->GetBrand(brand_slug);
    if (!brand) return ReportError(io, brand.error());
    brand_id = brand->id;
  }
  auto brand_list = (*store)->ListBrands();
  if (!brand_list) return ReportError(io, brand_list.error());
  std::map<std::int64_t, std::string> slugs;
  for (const Brand& b : *brand_list) slugs[b.id] = b.slug;
  auto users = (*store)->ListUsers(brand_id);
  if (!users) return ReportError(io, users.error());
  if (json) {
    value list = value::array();
    for (const User& u : *users) list[list.size()] = UserToJson(u, slugs);
    io.out << list.serialize() << "\n";
    return kExitOk;
  }
  io.out << fmt::format("{:<20} {:<24} {:<16} {:<16} {}\n", "LOGIN", "NAME", "LANGUAGES", "PLATFORMS", "BRANDS");
  for (const User& u : *users) {
    std::string roles;
    for (const auto& [id, role] : u.brand_roles)
      roles += fmt::format("{}{}:{}", roles.empty() ? "" : ",", slugs.count(id) ? slugs[id] : std::to_string(id), role);
    if (u.instance_admin) roles = roles.empty() ? "(instance admin)" : roles + " (instance admin)";
    if (u.disabled) roles += roles.empty() ? "(disabled)" : " (disabled)";
    io.out << fmt::format("{:<20} {:<24} {:<16} {:<16} {}\n", u.login, u.name, Join(u.languages, "any"),
                          Join(u.platforms, "all"), roles);
  }
  return kExitOk;
}

}  // namespace

int RunUserCommand(CommandIo& io) {
  const std::string verb = io.args.empty() ? "" : io.args[0];
  io.name = "odziv user " + verb;
  if (verb == "add") return Add(io);
  if (verb == "list") return List(io);
  if (verb == "passwd") return Passwd(io);
  if (verb == "token") return Token(io);
  if (verb == "remove") return Remove(io);
  io.name = "odziv user";
  if (verb == "--help" || verb == "-h" || verb.empty()) {
    (verb.empty() ? io.err : io.out) << "Usage: odziv user add|list|passwd|token|remove … (each has --help)\n";
    return verb.empty() ? kExitUsage : kExitOk;
  }
  return UsageError(io, fmt::format("unknown user command '{}': use add, list, passwd, token or remove", verb));
}

}  // namespace odziv::daemon
