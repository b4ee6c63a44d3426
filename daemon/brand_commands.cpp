// `odziv brand add|list|show|update|remove`
#include <cpprest/json.h>
#include <fmt/format.h>

#include <ostream>

#include "daemon/brand_rules.h"
#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/json_forms.h"

namespace odziv::daemon {
namespace {

using web::json::value;

void PrintBrandText(std::ostream& out, const Brand& brand, std::int64_t sources, std::int64_t posts) {
  out << fmt::format("{}\n  name:     {}\n  timezone: {}\n  sources:  {}\n  posts:    {}\n  settings: {}\n",
                     brand.slug, brand.name, brand.timezone, sources, posts, brand.settings);
}

int Add(CommandIo& io) {
  std::string db;
  Brand brand;
  CommandSpec spec{"odziv brand add SLUG --name NAME [options]",
                   "Adds a brand. SLUG names it in every other command: lower-case letters, digits and '-'."};
  AddDbOption(spec, db);
  spec.options.add_options()("slug", po::value(&brand.slug)->required(), "the brand's slug")(
      "name", po::value(&brand.name)->required(), "display name")(
      "timezone", po::value(&brand.timezone)->default_value("UTC"), "IANA time zone for business hours")(
      "settings", po::value(&brand.settings)->default_value("{}"), "brand configuration as a JSON object");
  spec.positional.add("slug", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  if (auto bad = CheckBrandFields(brand)) return UsageError(io, *bad);
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto added = (*store)->AddBrand(brand);
  if (!added) return ReportError(io, added.error());
  io.out << fmt::format("added brand {} ({})\n", added->slug, added->name);
  return kExitOk;
}

int List(CommandIo& io) {
  std::string db;
  bool json = false;
  CommandSpec spec{"odziv brand list [--json]", "Lists every brand with its number of sources and posts."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto brands = (*store)->ListBrands();
  if (!brands) return ReportError(io, brands.error());
  value list = value::array();
  if (!json) io.out << fmt::format("{:<24} {:<32} {:<20} {:>7} {:>9}\n", "SLUG", "NAME", "TIMEZONE", "SOURCES", "POSTS");
  for (const Brand& brand : *brands) {
    auto sources = (*store)->ListSources(brand.id);
    if (!sources) return ReportError(io, sources.error());
    auto posts = (*store)->CountPosts(brand.id);
    if (!posts) return ReportError(io, posts.error());
    if (json) {
      value b = BrandToJson(brand);
      b["sources"] = value::number(static_cast<int64_t>(sources->size()));
      b["posts"] = value::number(*posts);
      list[list.size()] = b;
    } else {
      io.out << fmt::format("{:<24} {:<32} {:<20} {:>7} {:>9}\n", brand.slug, brand.name, brand.timezone,
                            sources->size(), *posts);
    }
  }
  if (json) io.out << list.serialize() << "\n";
  return kExitOk;
}

int Show(CommandIo& io) {
  std::string db, slug;
  bool json = false;
  CommandSpec spec{"odziv brand show SLUG [--json]", "Shows one brand."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("slug", po::value(&slug)->required(), "the brand's slug");
  spec.positional.add("slug", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto brand = (*store)->GetBrand(slug);
  if (!brand) return ReportError(io, brand.error());
  auto sources = (*store)->ListSources(brand->id);
  if (!sources) return ReportError(io, sources.error());
  auto posts = (*store)->CountPosts(brand->id);
  if (!posts) return ReportError(io, posts.error());
  if (json) {
    value b = BrandToJson(*brand);
    value names = value::array();
    for (const Source& s : *sources) names[names.size()] = value::string(s.name);
    b["sources"] = names;
    b["posts"] = value::number(*posts);
    io.out << b.serialize() << "\n";
  } else {
    PrintBrandText(io.out, *brand, static_cast<std::int64_t>(sources->size()), *posts);
  }
  return kExitOk;
}

int Update(CommandIo& io) {
  std::string db, slug, new_slug, name, timezone, settings;
  CommandSpec spec{"odziv brand update SLUG [--name NAME] [--timezone TZ] [--settings JSON] [--rename NEW]",
                   "Changes a brand. Options not given keep their value."};
  AddDbOption(spec, db);
  spec.options.add_options()("slug", po::value(&slug)->required(), "the brand's slug")(
      "name", po::value(&name), "new display name")("timezone", po::value(&timezone), "new IANA time zone")(
      "settings", po::value(&settings), "new brand configuration (a JSON object; replaces the old one)")(
      "rename", po::value(&new_slug), "new slug");
  spec.positional.add("slug", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto brand = (*store)->GetBrand(slug);
  if (!brand) return ReportError(io, brand.error());
  if (vm.count("name")) brand->name = name;
  if (vm.count("timezone")) brand->timezone = timezone;
  if (vm.count("settings")) brand->settings = settings;
  if (vm.count("rename")) brand->slug = new_slug;
  if (auto bad = CheckBrandFields(*brand)) return UsageError(io, *bad);
  if (auto updated = (*store)->UpdateBrand(*brand); !updated) return ReportError(io, updated.error());
  io.out << fmt::format("updated brand {}\n", brand->slug);
  return kExitOk;
}

int Remove(CommandIo& io) {
  std::string db, slug;
  bool cascade = false;
  CommandSpec spec{"odziv brand remove SLUG [--cascade]",
                   "Removes a brand. Refused while it has sources or posts, unless --cascade, which removes them "
                   "too."};
  AddDbOption(spec, db);
  spec.options.add_options()("slug", po::value(&slug)->required(), "the brand's slug")(
      "cascade", po::bool_switch(&cascade), "also remove the brand's sources, posts and cases");
  spec.positional.add("slug", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  if (auto removed = (*store)->RemoveBrand(slug, cascade); !removed) return ReportError(io, removed.error());
  io.out << fmt::format("removed brand {}\n", slug);
  return kExitOk;
}

}  // namespace

int RunBrandCommand(CommandIo& io) {
  const std::string verb = io.args.empty() ? "" : io.args[0];
  io.name = "odziv brand " + verb;
  if (verb == "add") return Add(io);
  if (verb == "list") return List(io);
  if (verb == "show") return Show(io);
  if (verb == "update") return Update(io);
  if (verb == "remove") return Remove(io);
  io.name = "odziv brand";
  if (verb == "--help" || verb == "-h" || verb.empty()) {
    (verb.empty() ? io.err : io.out) << "Usage: odziv brand add|list|show|update|remove … (each has --help)\n";
    return verb.empty() ? kExitUsage : kExitOk;
  }
  return UsageError(io, fmt::format("unknown brand command '{}': use add, list, show, update or remove", verb));
}

}  // namespace odziv::daemon
