// InstanceLock: makes sure one daemon at a time works on a database. A second `odziv run` on the same
// file is refused at once with the first one's pid, instead of two schedulers fetching and replying twice.
// (CLI commands do not take it: they are short and SQLite serialises their writes.)
#pragma once

#include <string>

#include "core/error.h"

namespace odziv::daemon {

class InstanceLock {
 public:
  // Takes an exclusive lock on "<db>.lock" (created beside the database). kFailedPrecondition when another
  // process holds it (the message names its pid); kReadOnly / kConfig when the file cannot be created.
  [[nodiscard]] static Result<InstanceLock> Acquire(const std::string& db_path);
  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace odziv::daemon
