// Argument parsing shared by every subcommand: Boost.Program_options with odziv's conventions
// (--help on every command, one-line usage errors with exit status 2, defaults shown in --help).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/timestamp.h"
#include "daemon/command.h"

namespace odziv::daemon {

namespace po = boost::program_options;

struct CommandSpec {
  CommandSpec(std::string usage_line, std::string about)
      : usage(std::move(usage_line)), description(std::move(about)) {}
  std::string usage;        // "odziv brand add SLUG --name NAME [options]"
  std::string description;  // one paragraph shown under the usage line
  po::options_description options{"Options"};
  po::positional_options_description positional;
};

// Parses io.args after the first `skip` words. Returns nullopt when the command should go on; otherwise
// the exit status to return at once: 0 after printing --help, 2 after a usage error (printed on io.err).
std::optional<int> ParseCommand(CommandIo& io, std::size_t skip, CommandSpec& spec, po::variables_map& vm);

// Adds --db (the database path). Its default is $ODZIV_DB, else /var/lib/odziv/odziv.db.
void AddDbOption(CommandSpec& spec, std::string& db_path);

// Adds --json (print one JSON document instead of text).
void AddJsonOption(CommandSpec& spec, bool& json);

// The default database path: $ODZIV_DB, else /var/lib/odziv/odziv.db (the systemd unit's StateDirectory).
std::string DefaultDbPath();

// A --since value: a date (2026-11-01), a date-time (2026-11-01T10:00:00Z) or an age before `now` ("90s",
// "90m", "24h", "7d"). nullopt when it is none of these.
std::optional<Timestamp> ParseSinceArgument(const std::string& text, Timestamp now);

// A positive id given on the command line ("12"); nullopt for anything else.
std::optional<std::int64_t> ParseIdArgument(const std::string& text);

// A --now value: the time a command acts at (ISO 8601; reproducible reports and tests). Empty: the system
// clock. nullopt when it is not a date-time.
std::optional<Timestamp> ParseNowArgument(const std::string& text);

// Prints the usage line and "see … --help" on io.err and returns 2.
int UsageError(CommandIo& io, std::string_view message);

}  // namespace odziv::daemon
