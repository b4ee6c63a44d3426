#include "daemon/cli_parser.h"

#include <charconv>
#include <cstdlib>
#include <exception>
#include <fmt/format.h>
#include <ostream>

#include "core/clock.h"
#include "daemon/exit_status.h"

namespace odziv::daemon {

std::string DefaultDbPath() {
  const char* env = std::getenv("ODZIV_DB");
  return env != nullptr && *env != '\0' ? env : "/var/lib/odziv/odziv.db";
}

void AddDbOption(CommandSpec& spec, std::string& db_path) {
  spec.options.add_options()("db", po::value(&db_path)->default_value(DefaultDbPath()),
                             "SQLite database file (default from $ODZIV_DB)");
}

void AddJsonOption(CommandSpec& spec, bool& json) {
  spec.options.add_options()("json", po::bool_switch(&json), "print one JSON document (see docs/cli.md)");
}

std::optional<std::int64_t> ParseIdArgument(const std::string& text) {
  try {
    std::size_t used = 0;
    const long long id = std::stoll(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<Timestamp> ParseNowArgument(const std::string& text) {
  if (text.empty()) return SystemClock().Now();
  return ParseIsoTimestamp(text);
}

std::optional<Timestamp> ParseSinceArgument(const std::string& text, Timestamp now) {
  if (auto t = ParseIsoTimestamp(text)) return t;
  if (text.size() < 2) return std::nullopt;
  long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc() || end != text.data() + text.size() - 1 || n < 0) return std::nullopt;
  switch (text.back()) {
    case 's': return now - std::chrono::seconds(n);
    case 'm': return now - std::chrono::minutes(n);
    case 'h': return now - std::chrono::hours(n);
    case 'd': return now - std::chrono::days(n);
    default: return std::nullopt;
  }
}

int UsageError(CommandIo& io, std::string_view message) {
  io.err << fmt::format("{}: {} (see '{} --help')\n", io.name, message, io.name);
  return kExitUsage;
}

std::optional<int> ParseCommand(CommandIo& io, std::size_t skip, CommandSpec& spec, po::variables_map& vm) {
  spec.options.add_options()("help,h", "show this help");
  std::vector<std::string> rest(io.args.begin() + static_cast<std::ptrdiff_t>(std::min(skip, io.args.size())),
                                io.args.end());
  try {
    po::store(po::command_line_parser(rest).options(spec.options).positional(spec.positional).run(), vm);
    if (vm.count("help")) {
      io.out << "Usage: " << spec.usage << "\n\n";
      if (!spec.description.empty()) io.out << spec.description << "\n\n";
      io.out << spec.options << "\n";
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return UsageError(io, e.what());
  }
  return std::nullopt;
}

}  // namespace odziv::daemon
