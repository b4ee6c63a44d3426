#include <fmt/format.h>

#include <ostream>

#include "daemon/cli_parser.h"
#include "daemon/command.h"
#include "daemon/commands.h"
#include "daemon/exit_status.h"
#include "daemon/score_command.h"

namespace odziv::daemon {
namespace {

constexpr const char* kUsage = R"(Usage: odziv COMMAND [options]

odziv watches social platforms and review sites for posts about your brands and makes sure every post that
needs an answer gets one.

Commands:
  run                      run the daemon in the foreground (systemd runs this)
  brand add|list|show|update|remove
                           the brands odziv works for
  source add|list|show|update|pause|resume|remove
                           where odziv looks: one account, search or feed on one platform
  config export|import     all brands and sources as one JSON document
  cases list|show|assign|close|wait
                           posts that need an answer, their deadlines and replies
  queue list|show|approve|edit|reject
                           drafted replies waiting for a person's approval
  audit unanswered         every post that needed an answer and has none (exit status 1 if any)
  user add|list|passwd|token|remove
                           people, their web app passwords and API tokens
  poll SOURCE --once       poll one source now and print what was stored
  posts list               stored posts
  score [FILE…]            judge texts: sentiment, language, topics, intents, urgency (--eval to measure)
  version                  print the version

Each command has --help. The database is --db PATH, or $ODZIV_DB, or /var/lib/odziv/odziv.db.
Exit status: 0 success, 1 failure, 2 usage error, 78 configuration error.
)";

}  // namespace

int ExitStatusFor(const Error& error) { return error.code == ErrorCode::kConfig ? kExitConfig : kExitFailure; }

int ReportError(CommandIo& io, const Error& error) {
  io.err << fmt::format("{}: {}\n", io.name, error.message);
  return ExitStatusFor(error);
}

int RunCli(const std::vector<std::string>& argv, std::istream& in, std::ostream& out, std::ostream& err) {
  if (argv.empty()) {
    err << kUsage;
    return kExitUsage;
  }
  const std::string& command = argv[0];
  CommandIo io{std::vector<std::string>(argv.begin() + 1, argv.end()), in, out, err, "odziv " + command};
  if (command == "--help" || command == "-h" || command == "help") {
    out << kUsage;
    return kExitOk;
  }
  if (command == "version" || command == "--version") {
    out << "odziv " << ODZIV_VERSION << "\n";
    return kExitOk;
  }
  if (command == "run") return RunRunCommand(io);
  if (command == "brand") return RunBrandCommand(io);
  if (command == "source") return RunSourceCommand(io);
  if (command == "config") return RunConfigCommand(io);
  if (command == "cases") return RunCasesCommand(io);
  if (command == "queue") return RunQueueCommand(io);
  if (command == "audit") return RunAuditCommand(io);
  if (command == "user") return RunUserCommand(io);
  if (command == "poll") return RunPollCommand(io);
  if (command == "posts") return RunPostsCommand(io);
  if (command == "score") return RunScoreCommand(io.args, in, out, err);
  err << fmt::format("odziv: unknown command '{}' (see 'odziv --help')\n", command);
  return kExitUsage;
}

}  // namespace odziv::daemon
