// `odziv posts list`
#include <cpprest/json.h>
#include <fmt/format.h>

#include <charconv>
#include <ostream>

#include "core/clock.h"

#include "daemon/cli_parser.h"
#include "daemon/cli_store.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/json_forms.h"

namespace odziv::daemon {
namespace {

using web::json::value;


std::string OneLine(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (chars == max_chars) return out + "…";
      ++chars;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : static_cast<char>(c);
  }
  return out;
}

}  // namespace

int RunPostsCommand(CommandIo& io) {
  const std::string verb = io.args.empty() ? "" : io.args[0];
  io.name = "odziv posts " + verb;
  if (verb != "list") {
    io.name = "odziv posts";
    if (verb == "--help" || verb == "-h") {
      io.out << "Usage: odziv posts list [--brand SLUG] [--since T] [--json] (see odziv posts list --help)\n";
      return kExitOk;
    }
    return UsageError(io, verb.empty() ? "missing command: use list" : fmt::format("unknown posts command '{}'", verb));
  }
  std::string db, brand_slug, source_name, since;
  bool json = false, no_deleted = false;
  std::int64_t before = 0;
  std::size_t limit = 50;
  CommandSpec spec{"odziv posts list [--brand SLUG] [--source NAME] [--since T] [--limit N] [--before ID] [--json]",
                   "Lists stored posts, newest first. --since takes a date-time (2026-11-01, "
                   "2026-11-01T10:00:00Z) or an age (90m, 24h, 7d). For the next page pass --before with the "
                   "smallest id shown (JSON: next_before)."};
  AddDbOption(spec, db);
  AddJsonOption(spec, json);
  spec.options.add_options()("brand", po::value(&brand_slug), "only this brand's posts")(
      "source", po::value(&source_name), "only posts first fetched by this source")(
      "since", po::value(&since), "only posts created at or after T")(
      "limit", po::value(&limit)->default_value(50), "at most N posts (1 to 10000)")(
      "before", po::value(&before), "only posts with an id below ID (paging)")(
      "no-deleted", po::bool_switch(&no_deleted), "leave out posts deleted on the platform");
  po::variables_map vm;
  if (auto status = ParseCommand(io, 1, spec, vm)) return *status;
  if (limit < 1 || limit > 10000) return UsageError(io, "--limit must be 1 to 10000");
  PostFilter filter;
  filter.limit = limit;
  filter.include_deleted = !no_deleted;
  if (vm.count("before")) filter.before_id = before;
  if (vm.count("since")) {
    filter.since = ParseSinceArgument(since, SystemClock().Now());
    if (!filter.since) return UsageError(io, fmt::format("--since '{}' is not a date-time or an age like 24h", since));
  }
  auto store = OpenStoreForCli(db);
  if (!store) return ReportError(io, store.error());
  if (vm.count("brand")) {
    auto brand = (*store)->GetBrand(brand_slug);
    if (!brand) return ReportError(io, brand.error());
    filter.brand_id = brand->id;
  }
  if (vm.count("source")) {
    auto source = (*store)->GetSource(source_name);
    if (!source) return ReportError(io, source.error());
    filter.source_id = source->id;
  }
  auto posts = (*store)->ListPosts(filter);
  if (!posts) return ReportError(io, posts.error());
  if (json) {
    value doc = value::object();
    value list = value::array();
    for (const StoredPost& p : *posts) list[list.size()] = PostToJson(p);
    doc["posts"] = list;
    doc["next_before"] = posts->size() == limit ? value::number(posts->back().id) : value::null();
    io.out << doc.serialize() << "\n";
    return kExitOk;
  }
  io.out << fmt::format("{:>7} {:<20} {:<9} {:<8} {:<18} {}\n", "ID", "CREATED", "PLATFORM", "KIND", "AUTHOR", "TEXT");
  for (const StoredPost& p : *posts) {
    std::string author = p.post.author.handle.empty() ? p.post.author.name : p.post.author.handle;
    std::string flags = p.post.deleted_at ? "[deleted] " : (p.revision > 1 ? "[edited] " : "");
    if (p.post.rating) flags += fmt::format("{}★ ", *p.post.rating);
    io.out << fmt::format("{:>7} {:<20} {:<9} {:<8} {:<18} {}{}\n", p.id,
                          FormatIsoTimestamp(p.post.created_at).substr(0, 19), p.post.platform,
                          PostKindName(p.post.kind), OneLine(author, 18), flags, OneLine(p.post.text, 100));
  }
  if (posts->size() == limit) io.out << fmt::format("(more: --before {})\n", posts->back().id);
  return kExitOk;
}

}  // namespace odziv::daemon
