#include "daemon/wal_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

#include <fmt/format.h>

namespace odziv::daemon {
namespace {

// Closes a file descriptor when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Error DiskError(std::string_view what, const std::string& path, int error) {
  return Error{ErrorCode::kUnavailable,
               fmt::format("cannot {} {}: {}; the latest writes may not be on disk", what, path,
                           std::strerror(error)),
               std::nullopt};
}

}  // namespace

WalSync::SyncFile WalSync::LogFile(std::string wal_path) {
  // Only the thread running a sync calls it, one at a time.
  auto directory_synced = std::make_shared<bool>(false);
  return [wal_path = std::move(wal_path), directory_synced]() -> Status {
    // Opened afresh each time, in case SQLite removed the log and created it again.
    Descriptor file(::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) {
      if (errno == ENOENT) return {};
      return Fail(DiskError("open the database's log", wal_path, errno));
    }
    if (::fdatasync(file.get()) != 0) return Fail(DiskError("sync the database's log", wal_path, errno));
    if (!*directory_synced) {
      // The log's directory entry too, in case the file was created since the directory was last synced.
      std::string dir = std::filesystem::path(wal_path).parent_path().string();
      if (dir.empty()) dir = ".";
      Descriptor directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (directory.get() < 0) return Fail(DiskError("open the database's directory", dir, errno));
      if (::fsync(directory.get()) != 0) return Fail(DiskError("sync the database's directory", dir, errno));
      *directory_synced = true;
    }
    return {};
  };
}

WalSync::WalSync(SyncFile sync_file) : sync_file_(std::move(sync_file)) {}

Status WalSync::Sync() {
  std::unique_lock lock(mu_);
  Waiter me;
  waiting_.push_back(&me);
  while (!me.result) {
    if (syncing_) {
      done_.wait(lock);
      continue;
    }
    // Everyone waiting now wrote before asking, so one sync that starts now serves them all.
    syncing_ = true;
    std::vector<Waiter*> served;
    served.swap(waiting_);
    lock.unlock();
    const Status status = sync_file_();
    lock.lock();
    syncing_ = false;
    for (Waiter* waiter : served) waiter->result = status;
    done_.notify_all();
  }
  return *me.result;
}

std::size_t WalSync::waiting() {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

}  // namespace odziv::daemon
