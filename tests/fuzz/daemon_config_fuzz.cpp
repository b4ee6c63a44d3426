// libFuzzer target over `odziv run`'s configuration: any bytes as the --config INI file, and, when the input
// starts with a line "args: …", those words (split at spaces) as the command line before it. LoadDaemonConfig
// must answer a DaemonConfig or an error that says what is wrong (kInvalidArgument or kConfig, with a message),
// never throw, crash or report under the sanitizers. Seeds: tests/fuzz/corpus/daemon_config/.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/daemon_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace odziv;
  // The file lives in memory: no disk writes per input, and the name is stable.
  static const int fd = ::memfd_create("odziv-fuzz-config", 0);
  if (fd < 0) std::abort();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  if (input.starts_with("args: ")) {
    const auto end = input.find('\n');
    std::string_view words = input.substr(6, end == std::string_view::npos ? std::string_view::npos : end - 6);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    while (!words.empty()) {
      const auto space = words.find(' ');
      if (space != 0) args.emplace_back(words.substr(0, space));
      words = space == std::string_view::npos ? std::string_view() : words.substr(space + 1);
    }
  }
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, input.data(), input.size(), 0) != static_cast<ssize_t>(input.size()))
    std::abort();
  args.push_back("--config");
  args.push_back("/proc/self/fd/" + std::to_string(fd));
  auto config = daemon::LoadDaemonConfig(args);
  if (!config) {
    if (config.error().code != ErrorCode::kInvalidArgument && config.error().code != ErrorCode::kConfig) std::abort();
    if (config.error().message.empty()) std::abort();
  }
  return 0;
}
