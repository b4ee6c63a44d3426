// A stand-alone `odziv score` for development and the benchmark, until daemon/main.cpp dispatches to it.
#include <iostream>
#include <string>
#include <vector>

#include "daemon/score_command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return odziv::daemon::RunScoreCommand(args, std::cin, std::cout, std::cerr);
}
