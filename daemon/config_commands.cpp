// `odziv config export|import`: all brands and sources as one JSON document, for people who keep their
// configuration in git. The document:
//   {"odziv_config": 1, "brands": [{"slug", "name", "timezone", "settings": {…},
//                                   "sources": [{"name", "platform", "settings": {…}, "poll_interval_s", "paused"}]}]}
#include <cpprest/json.h>
#include <fmt/format.h>

#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/json_forms.h"
#include "platforms/registry.h"

namespace odziv::daemon {
namespace {

using web::json::value;

constexpr int kConfigFormat = 1;

int Export(CommandIo& io) {
  std::string db, output;
  CommandSpec spec{"odziv config export [--output FILE]",
                   "Writes every brand and source as one JSON document (settings hold secret references, never "
                   "secrets; poll state such as cursors is not included)."};
  AddDbOption(spec, db);
  spec.options.add_options()("output,o", po::value(&output), "write to FILE instead of standard output");
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  auto brands = (*store)->ListBrands();
  if (!brands) return ReportError(io, brands.error());
  value doc = value::object();
  doc["odziv_config"] = value::number(kConfigFormat);
  value list = value::array();
  for (const Brand& brand : *brands) {
    value b = BrandToJson(brand);
    auto sources = (*store)->ListSources(brand.id);
    if (!sources) return ReportError(io, sources.error());
    value s = value::array();
    for (const Source& source : *sources) s[s.size()] = SourceConfigToJson(source);
    b["sources"] = s;
    list[list.size()] = b;
  }
  doc["brands"] = list;
  std::string text = doc.serialize() + "\n";
  if (output.empty()) {
    io.out << text;
  } else {
    std::ofstream file(output, std::ios::binary | std::ios::trunc);
    if (!(file << text))
      return ReportError(io, Error{ErrorCode::kInvalidArgument, fmt::format("cannot write {}", output), {}});
    io.out << fmt::format("exported {} brands to {}\n", brands->size(), output);
  }
  return kExitOk;
}

struct ImportPlan {
  std::vector<std::pair<Brand, std::vector<Source>>> brands;
};

// Reads and checks the whole document before anything is written; every problem is reported at once.
Result<ImportPlan> ReadDocument(const std::string& text) {
  value doc;
  try {
    doc = value::parse(text);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("not a JSON document: {}", e.what()));
  }
  if (!doc.is_object() || !doc.has_field("odziv_config") || !doc.at("odziv_config").is_integer())
    return Fail(ErrorCode::kInvalidArgument, "not an odziv configuration (no \"odziv_config\" version field)");
  if (doc.at("odziv_config").as_integer() != kConfigFormat)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("configuration format {} is not known to this odziv (it "
                                                         "reads format {})",
                                                         doc.at("odziv_config").as_integer(), kConfigFormat));
  if (!doc.has_field("brands") || !doc.at("brands").is_array())
    return Fail(ErrorCode::kInvalidArgument, "field \"brands\" must be an array");
  ImportPlan plan;
  std::vector<std::string> problems;
  std::set<std::string> slugs, names;
  for (const value& b : doc.at("brands").as_array()) {
    auto brand = BrandFromJson(b);
    if (!brand) {
      problems.push_back(brand.error().message);
      continue;
    }
    if (!IsKnownTimeZone(brand->timezone))
      problems.push_back(fmt::format("brand '{}': time zone '{}' is not known", brand->slug, brand->timezone));
    if (!slugs.insert(brand->slug).second) problems.push_back(fmt::format("brand '{}' appears twice", brand->slug));
    std::vector<Source> sources;
    if (b.has_field("sources")) {
      if (!b.at("sources").is_array()) {
        problems.push_back(fmt::format("brand '{}': field 'sources' must be an array", brand->slug));
      } else {
        for (const value& s : b.at("sources").as_array()) {
          auto source = SourceFromJson(s);
          if (!source) {
            problems.push_back(source.error().message);
            continue;
          }
          if (platforms::FindPlatform(source->platform) == nullptr)
            problems.push_back(fmt::format("source '{}': unknown platform '{}'", source->name, source->platform));
          if (!names.insert(source->name).second)
            problems.push_back(fmt::format("source '{}' appears twice", source->name));
          sources.push_back(std::move(*source));
        }
      }
    }
    plan.brands.emplace_back(std::move(*brand), std::move(sources));
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{} problem(s): {}", problems.size(), all));
  }
  return plan;
}

int Import(CommandIo& io) {
  std::string db, file;
  bool dry_run = false;
  CommandSpec spec{"odziv config import FILE|- [--dry-run]",
                   "Adds or updates the brands and sources of a document written by 'odziv config export'. Brands "
                   "and sources that the document does not name are left alone. The whole document is checked "
                   "before anything is written."};
  AddDbOption(spec, db);
  spec.options.add_options()("file", po::value(&file)->required(), "the document ('-' for standard input)")(
      "dry-run", po::bool_switch(&dry_run), "check the document and say what would change, change nothing");
  spec.positional.add("file", 1);
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  std::stringstream text;
  if (file == "-") {
    text << io.in.rdbuf();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return ReportError(io, Error{ErrorCode::kInvalidArgument, fmt::format("cannot read {}", file), {}});
    text << in.rdbuf();
  }
  auto plan = ReadDocument(text.str());
  if (!plan) return ReportError(io, plan.error().WithContext(file == "-" ? "standard input" : file));
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  int added = 0, updated = 0;
  for (auto& [brand, sources] : plan->brands) {
    auto existing = (*store)->GetBrand(brand.slug);
    if (!existing && existing.error().code != ErrorCode::kNotFound) return ReportError(io, existing.error());
    std::int64_t brand_id = 0;
    if (existing) {
      brand.id = existing->id;
      brand_id = existing->id;
      if (!dry_run) {
        if (auto ok = (*store)->UpdateBrand(brand); !ok) return ReportError(io, ok.error());
      }
      ++updated;
    } else {
      if (!dry_run) {
        auto created = (*store)->AddBrand(brand);
        if (!created) return ReportError(io, created.error());
        brand_id = created->id;
      }
      ++added;
    }
    for (Source& source : sources) {
      auto current = (*store)->GetSource(source.name);
      if (!current && current.error().code != ErrorCode::kNotFound) return ReportError(io, current.error());
      if (current) {
        if (existing && current->brand_id != brand_id)
          return ReportError(io, Error{ErrorCode::kInvalidArgument,
                                       fmt::format("source '{}' belongs to another brand; remove it there first",
                                                   source.name),
                                       {}});
        source.id = current->id;
        source.brand_id = current->brand_id;
        if (!dry_run) {
          if (auto ok = (*store)->UpdateSource(source); !ok) return ReportError(io, ok.error());
        }
        ++updated;
      } else {
        source.brand_id = brand_id;
        if (!dry_run) {
          if (auto ok = (*store)->AddSource(source); !ok) return ReportError(io, ok.error());
        }
        ++added;
      }
    }
  }
  io.out << fmt::format("{}{} added, {} updated\n", dry_run ? "dry run: " : "", added, updated);
  return kExitOk;
}

}  // namespace

int RunConfigCommand(CommandIo& io) {
  const std::string verb = io.args.empty() ? "" : io.args[0];
  io.name = "odziv config " + verb;
  if (verb == "export") return Export(io);
  if (verb == "import") return Import(io);
  io.name = "odziv config";
  if (verb == "--help" || verb == "-h" || verb.empty()) {
    (verb.empty() ? io.err : io.out) << "Usage: odziv config export|import … (each has --help)\n";
    return verb.empty() ? kExitUsage : kExitOk;
  }
  return UsageError(io, fmt::format("unknown config command '{}': use export or import", verb));
}

}  // namespace odziv::daemon
