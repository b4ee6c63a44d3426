// `odziv user add|list`: the people cases are assigned to. The web app adds passwords and sign-in.
#include <cpprest/json.h>
#include <fmt/format.h>

#include <map>
#include <ostream>
#include <sstream>

#include "daemon/case_json.h"
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

int Add(CommandIo& io) {
  std::string db, languages, platforms;
  std::vector<std::string> brands;
  User user;
  CommandSpec spec{"odziv user add LOGIN --name NAME --brand SLUG[:ROLE]… [--languages en,bs] [--platforms x,google]",
                   "Adds a person who answers customers. --brand may be repeated; ROLE is viewer, agent (default), "
                   "lead or admin. Cases are assigned to agents, leads and admins of the case's brand who write its "
                   "language (none given: any) and cover its platform (none given: every platform)."};
  AddDbOption(spec, db);
  spec.options.add_options()("login", po::value(&user.login)->required(), "the user's login")(
      "name", po::value(&user.name)->required(), "display name")(
      "email", po::value(&user.email)->default_value(""), "e-mail address")(
      "brand", po::value(&brands)->composing(), "a brand the user works on, as SLUG or SLUG:ROLE")(
      "languages", po::value(&languages)->default_value(""), "languages they answer in (comma-separated)")(
      "platforms", po::value(&platforms)->default_value(""), "platforms they cover (comma-separated)");
  spec.positional.add("login", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  user.languages = SplitList(languages);
  user.platforms = SplitList(platforms);
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  for (const std::string& spec_text : brands) {
    const auto colon = spec_text.find(':');
    const std::string slug = spec_text.substr(0, colon);
    const std::string role = colon == std::string::npos ? "agent" : spec_text.substr(colon + 1);
    if (role != "viewer" && role != "agent" && role != "lead" && role != "admin")
      return UsageError(io, fmt::format("role '{}' in --brand {}: use viewer, agent, lead or admin", role, spec_text));
    auto brand = (*store)->GetBrand(slug);
    if (!brand) return ReportError(io, brand.error());
    user.brand_roles[brand->id] = role;
  }
  auto added = (*store)->AddUser(user);
  if (!added) return ReportError(io, added.error());
  io.out << fmt::format("added user {} ({})\n", added->login, added->name);
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
  io.name = "odziv user";
  if (verb == "--help" || verb == "-h" || verb.empty()) {
    (verb.empty() ? io.err : io.out) << "Usage: odziv user add|list … (each has --help)\n";
    return verb.empty() ? kExitUsage : kExitOk;
  }
  return UsageError(io, fmt::format("unknown user command '{}': use add or list", verb));
}

}  // namespace odziv::daemon
