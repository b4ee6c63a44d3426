// The subcommands of the `odziv` binary; RunCli (command.h) dispatches to them.
#pragma once

#include "daemon/command.h"

namespace odziv::daemon {

int RunBrandCommand(CommandIo& io);    // brand add|list|show|update|remove
int RunSourceCommand(CommandIo& io);   // source add|list|show|update|pause|resume|remove
int RunConfigCommand(CommandIo& io);   // config export|import
int RunPollCommand(CommandIo& io);     // poll SOURCE --once
int RunPostsCommand(CommandIo& io);    // posts list
int RunRunCommand(CommandIo& io);      // run (the daemon)
int RunCasesCommand(CommandIo& io);    // cases list|show|assign|close|wait
int RunQueueCommand(CommandIo& io);    // queue list|show|approve|edit|reject
int RunAuditCommand(CommandIo& io);    // audit unanswered
int RunUserCommand(CommandIo& io);     // user add|list

}  // namespace odziv::daemon
