// Command: one `odziv` subcommand as a function over its arguments and streams, so that tests run
// commands in-process exactly as the binary does.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/error.h"

namespace odziv::daemon {

struct CommandIo {
  std::vector<std::string> args;  // the words after the command name ("brand add zrno --name X" → {"add", "zrno", …})
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  std::string name = "odziv";     // the command's full name for messages ("odziv brand add")
};

// Runs `odziv ARGS…` (argv without the program name) and returns its exit status.
int RunCli(const std::vector<std::string>& argv, std::istream& in, std::ostream& out, std::ostream& err);

// The exit status that an error leads to: 78 for kConfig, 1 for everything else.
int ExitStatusFor(const Error& error);

// Prints "odziv brand add: <message>" on io.err and returns ExitStatusFor(error).
int ReportError(CommandIo& io, const Error& error);

}  // namespace odziv::daemon
