// ChildProcess: runs a helper program for a test (a local SMTP server, a fake platform) with pipes to its
// standard input and output, so the test can wait for the lines it prints instead of sleeping.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace odziv::testing {

class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH) with the arguments; aborts the test binary if it cannot.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // closes its stdin, then waits; kills it if it has not exited within 10 s
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of its standard output without the newline; nullopt at end of output or after
  // `timeout_ms` without a whole line.
  std::optional<std::string> ReadLine(int timeout_ms = 20000);

 private:
  int pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
};

}  // namespace odziv::testing
