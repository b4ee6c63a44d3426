// WalSync: group commit for a SQLite database in WAL mode whose connection commits with synchronous=NORMAL.
// Such a commit has written its pages to the write-ahead log but not yet made the kernel put them on disk.
// Sync() does that with one fdatasync of the log file, outside every SQLite lock, so writers keep going while
// the disk works; callers that arrive while a sync runs are all served by the next one.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace odziv::daemon {

class WalSync {
 public:
  // Puts what was written to the log so far on disk.
  using SyncFile = std::function<Status()>;

  // Syncs the write-ahead log at `wal_path` ("<database>-wal"): fdatasync of the file, and once, of its
  // directory. A missing file is nothing to sync (SQLite removes the log when the last connection closes,
  // after putting everything in the database file). Errors: kUnavailable naming the file.
  [[nodiscard]] static SyncFile LogFile(std::string wal_path);

  explicit WalSync(SyncFile sync_file);

  // Returns once everything written to the log before the call is on disk: the result of the first sync
  // that started after the call. Thread-safe.
  [[nodiscard]] Status Sync();

  // Callers waiting for a sync that has not started yet.
  [[nodiscard]] std::size_t waiting();

 private:
  struct Waiter {
    std::optional<Status> result;
  };

  const SyncFile sync_file_;
  std::mutex mu_;
  std::condition_variable done_;
  bool syncing_ = false;          // guarded by mu_
  std::vector<Waiter*> waiting_;  // guarded by mu_: the callers the next sync serves
};

}  // namespace odziv::daemon
