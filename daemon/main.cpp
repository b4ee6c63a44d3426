// The odziv binary: every subcommand goes through RunCli.
#include <iostream>
#include <string>
#include <vector>

#include "daemon/command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return odziv::daemon::RunCli(args, std::cin, std::cout, std::cerr);
}
