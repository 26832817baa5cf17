#pragma once
/// The run lock: an exclusive flock(2) on a file next to the history database, so that two runs
/// never write the same history at once. The kernel releases it when the process dies.

#include <functional>
#include <string>

#include "nprcheck/status.hpp"

namespace nprcheck {

/// The lock file of a history database: `<db>.lock`.
std::string lock_path_for(const std::string& history_db);

/// An acquired lock; released when destroyed. The file itself stays (removing it would race).
class RunLock {
 public:
  /// Takes the exclusive lock on `path` (created 0640 when missing), waiting up to
  /// `wait_seconds` (0: fail at once) while another process holds it. On success the file holds
  /// `pid=N since=ISO-TIME`. Fails with "another nprcheck run holds the history lock PATH
  /// (pid N) since TIME" when the wait runs out, or when `should_stop` returns true meanwhile.
  static Result<RunLock> acquire(const std::string& path, unsigned wait_seconds,
                                 const std::function<bool()>& should_stop = {});
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  ~RunLock();

  /// Releases the lock now.
  void release();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  RunLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

/// Who holds the lock, as written in the lock file ("pid 123 since 2025-01-02T02:00:01"), or
/// empty when nobody wrote it.
std::string describe_lock_holder(const std::string& path);

}  // namespace nprcheck
