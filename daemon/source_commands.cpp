// `odziv source add|list|show|update|pause|resume|remove`
#include <cpprest/json.h>
#include <fmt/format.h>

#include <ostream>
#include <variant>

#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/json_forms.h"
#include "platforms/registry.h"

namespace odziv::daemon {
namespace {

using web::json::value;

std::string KnownPlatforms() {
  std::string out;
  for (const auto& info : platforms::Platforms()) out += (out.empty() ? "" : ", ") + std::string(info.name);
  return out;
}

// Applies "key=value" words to the settings; returns the message for a malformed word.
std::optional<std::string> ApplySettings(const std::vector<std::string>& words, Source& source) {
  for (const std::string& word : words) {
    auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) return fmt::format("--set '{}' is not KEY=VALUE", word);
    source.settings[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return std::nullopt;
}

std::string FormatOptionalTime(const std::optional<Timestamp>& t) { return t ? FormatIsoTimestamp(*t) : "-"; }

int Add(CommandIo& io) {
  std::string db, brand_slug;
  Source source;
  std::vector<std::string> settings;
  long interval = 0;
  CommandSpec spec{"odziv source add NAME --brand SLUG --platform P [--set KEY=VALUE]… [--interval S] [--paused]",
                   "Adds a source: one account, search or feed on one platform, polled for one brand. Settings "
                   "are per platform (docs/platforms.md); credentials are references such as env:NAME."};
  AddDbOption(spec, db);
  spec.options.add_options()("name", po::value(&source.name)->required(), "the source's name (unique)")(
      "brand", po::value(&brand_slug)->required(), "slug of the brand it serves")(
      "platform", po::value(&source.platform)->required(), fmt::format("one of: {}", KnownPlatforms()).c_str())(
      "set", po::value(&settings)->composing(), "a connector setting KEY=VALUE (repeatable)")(
      "interval", po::value(&interval), "seconds between polls (default: the platform's)")(
      "paused", po::bool_switch(&source.paused), "add it paused");
  spec.positional.add("name", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  if (auto bad = ApplySettings(settings, source)) return UsageError(io, *bad);
  if (vm.count("interval")) source.poll_interval = std::chrono::seconds(interval);
  if (auto bad = CheckSourceFields(source)) return UsageError(io, *bad);
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto brand = (*store)->GetBrand(brand_slug);
  if (!brand) return ReportError(io, brand.error());
  source.brand_id = brand->id;
  auto added = (*store)->AddSource(source);
  if (!added) return ReportError(io, added.error());
  io.out << fmt::format("added source {} ({}) for brand {}\n", added->name, added->platform, brand->slug);
  return kExitOk;
}

int List(CommandIo& io) {
  std::string db, brand_slug;
  bool json = false;
  CommandSpec spec{"odziv source list [--brand SLUG] [--json]", "Lists sources with their health."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("brand", po::value(&brand_slug), "only this brand's sources");
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
  auto sources = (*store)->ListSources(brand_id);
  if (!sources) return ReportError(io, sources.error());
  auto brands = (*store)->ListBrands();
  if (!brands) return ReportError(io, brands.error());
  auto slug_of = [&](std::int64_t id) {
    for (const Brand& b : *brands)
      if (b.id == id) return b.slug;
    return std::string("?");
  };
  value list = value::array();
  if (!json)
    io.out << fmt::format("{:<28} {:<16} {:<10} {:<8} {:<12} {:<24} {}\n", "NAME", "BRAND", "PLATFORM", "STATE",
                          "HEALTH", "LAST POLL", "LAST ERROR");
  for (const Source& s : *sources) {
    if (json) {
      list[list.size()] = SourceToJson(s, slug_of(s.brand_id));
    } else {
      io.out << fmt::format("{:<28} {:<16} {:<10} {:<8} {:<12} {:<24} {}\n", s.name, slug_of(s.brand_id), s.platform,
                            s.paused ? "paused" : "active", SourceHealthName(s.health),
                            FormatOptionalTime(s.last_poll_at), s.last_error);
    }
  }
  if (json) io.out << list.serialize() << "\n";
  return kExitOk;
}

// Loads the named source (first positional) for the verbs that take only a name.
struct NamedSource {
  std::unique_ptr<Store> store;
  Source source;
};

std::variant<int, NamedSource> LoadNamed(CommandIo& io, CommandSpec& spec, std::string& db, po::variables_map& vm) {
  std::string name;
  AddDbOption(spec, db);
  spec.options.add_options()("name", po::value(&name)->required(), "the source's name");
  spec.positional.add("name", 1);
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto source = (*store)->GetSource(name);
  if (!source) return ReportError(io, source.error());
  return NamedSource{std::move(*store), std::move(*source)};
}

int Show(CommandIo& io) {
  std::string db;
  bool json = false;
  CommandSpec spec{"odziv source show NAME [--json]", "Shows one source: settings, cursor and health."};
  AddJsonOption(spec, json);
  po::variables_map vm;
  auto loaded = LoadNamed(io, spec, db, vm);
  if (auto* status = std::get_if<int>(&loaded)) return *status;
  auto& [store, s] = std::get<NamedSource>(loaded);
  auto brand = store->GetBrandById(s.brand_id);
  if (!brand) return ReportError(io, brand.error());
  if (json) {
    io.out << SourceToJson(s, brand->slug).serialize() << "\n";
    return kExitOk;
  }
  io.out << fmt::format("{}\n  brand:      {}\n  platform:   {}\n  state:      {}\n  interval:   {}\n", s.name,
                        brand->slug, s.platform, s.paused ? "paused" : "active",
                        s.poll_interval ? fmt::format("{} s", s.poll_interval->count()) : "platform default");
  for (const auto& [k, v] : s.settings) io.out << fmt::format("  set {:<12} {}\n", k + ":", v);
  io.out << fmt::format("  health:     {} ({} consecutive failures)\n  last error: {}\n  last poll:  {}\n"
                        "  next poll:  {}\n  cursor:     {}\n",
                        SourceHealthName(s.health), s.consecutive_failures, s.last_error.empty() ? "-" : s.last_error,
                        FormatOptionalTime(s.last_poll_at), FormatOptionalTime(s.next_poll_at),
                        s.cursor.empty() ? "-" : s.cursor);
  return kExitOk;
}

int Update(CommandIo& io) {
  std::string db;
  std::vector<std::string> settings, unset;
  long interval = 0;
  CommandSpec spec{"odziv source update NAME [--set KEY=VALUE]… [--unset KEY]… [--interval S|0]",
                   "Changes a source's settings; the daemon picks the change up without a restart. --interval 0 "
                   "returns to the platform's default."};
  spec.options.add_options()("set", po::value(&settings)->composing(), "set a connector setting KEY=VALUE")(
      "unset", po::value(&unset)->composing(), "remove a connector setting")(
      "interval", po::value(&interval), "seconds between polls; 0 for the platform's default");
  po::variables_map vm;
  auto loaded = LoadNamed(io, spec, db, vm);
  if (auto* status = std::get_if<int>(&loaded)) return *status;
  auto& [store, s] = std::get<NamedSource>(loaded);
  for (const auto& key : unset) s.settings.erase(key);
  if (auto bad = ApplySettings(settings, s)) return UsageError(io, *bad);
  if (vm.count("interval")) s.poll_interval = interval == 0 ? std::nullopt : std::optional(std::chrono::seconds(interval));
  if (auto bad = CheckSourceFields(s)) return UsageError(io, *bad);
  if (auto updated = store->UpdateSource(s); !updated) return ReportError(io, updated.error());
  io.out << fmt::format("updated source {}\n", s.name);
  return kExitOk;
}

int SetPaused(CommandIo& io, bool paused) {
  std::string db;
  CommandSpec spec{paused ? "odziv source pause NAME" : "odziv source resume NAME",
                   paused ? "Stops polling a source until it is resumed."
                          : "Resumes polling a source, and clears a 'needs_human' health after credentials were "
                            "fixed."};
  po::variables_map vm;
  auto loaded = LoadNamed(io, spec, db, vm);
  if (auto* status = std::get_if<int>(&loaded)) return *status;
  auto& [store, s] = std::get<NamedSource>(loaded);
  s.paused = paused;
  if (auto updated = store->UpdateSource(s); !updated) return ReportError(io, updated.error());
  if (!paused) {
    if (auto reset = store->ResetSourceHealth(s.id); !reset) return ReportError(io, reset.error());
  }
  io.out << fmt::format("{} source {}\n", paused ? "paused" : "resumed", s.name);
  return kExitOk;
}

int Remove(CommandIo& io) {
  std::string db;
  CommandSpec spec{"odziv source remove NAME", "Removes a source. The posts it fetched stay with the brand."};
  po::variables_map vm;
  auto loaded = LoadNamed(io, spec, db, vm);
  if (auto* status = std::get_if<int>(&loaded)) return *status;
  auto& [store, s] = std::get<NamedSource>(loaded);
  if (auto removed = store->RemoveSource(s.name); !removed) return ReportError(io, removed.error());
  io.out << fmt::format("removed source {}\n", s.name);
  return kExitOk;
}

}  // namespace

int RunSourceCommand(CommandIo& io) {
  const std::string verb = io.args.empty() ? "" : io.args[0];
  io.name = "odziv source " + verb;
  if (verb == "add") return Add(io);
  if (verb == "list") return List(io);
  if (verb == "show") return Show(io);
  if (verb == "update") return Update(io);
  if (verb == "pause") return SetPaused(io, true);
  if (verb == "resume") return SetPaused(io, false);
  if (verb == "remove") return Remove(io);
  io.name = "odziv source";
  if (verb == "--help" || verb == "-h" || verb.empty()) {
    (verb.empty() ? io.err : io.out) << "Usage: odziv source add|list|show|update|pause|resume|remove … (each has --help)\n";
    return verb.empty() ? kExitUsage : kExitOk;
  }
  return UsageError(io, fmt::format("unknown source command '{}': use add, list, show, update, pause, resume or remove", verb));
}

}  // namespace odziv::daemon
