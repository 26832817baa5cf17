// The run lock: flock(2) on `<history>.lock`, with the holder's pid and start time inside.
#include "nprcheck/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>

#include "nprcheck/date.hpp"

namespace nprcheck {

namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[256];
  off_t off = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    off += n;
    if (out.size() > 4096) break;
  }
  return out;
}

// "pid=123 since=2025-01-02T02:00:01" -> "pid 123 since 2025-01-02T02:00:01".
std::string describe(const std::string& content) {
  std::string pid, since;
  auto field = [&](const char* key) {
    size_t p = content.find(key);
    if (p == std::string::npos) return std::string();
    p += std::strlen(key);
    size_t e = content.find_first_of(" \n", p);
    return content.substr(p, e == std::string::npos ? std::string::npos : e - p);
  };
  pid = field("pid=");
  since = field("since=");
  if (pid.empty()) return {};
  std::string out = "pid " + pid;
  if (!since.empty()) out += " since " + since;
  return out;
}

}  // namespace

std::string lock_path_for(const std::string& history_db) { return history_db + ".lock"; }

std::string describe_lock_holder(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string content = read_all(fd);
  ::close(fd);
  return describe(content);
}

Result<RunLock> RunLock::acquire(const std::string& path, unsigned wait_seconds,
                                 const std::function<bool()>& should_stop) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return Status::io_error("cannot open the history lock " + path + ": " + std::strerror(errno));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) break;
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int e = errno;
      ::close(fd);
      return Status::io_error("cannot lock " + path + ": " + std::strerror(e));
    }
    const bool stop = should_stop && should_stop();
    if (stop || std::chrono::steady_clock::now() >= deadline) {
      std::string holder = describe(read_all(fd));
      ::close(fd);
      std::string msg = "another nprcheck run holds the history lock " + path;
      msg += holder.empty() ? std::string() : " (" + holder + ")";
      msg += stop ? "; stopped while waiting for it"
                  : "; gave up after waiting " + std::to_string(wait_seconds) + " s";
      return Status::io_error(msg);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string content = "pid=" + std::to_string(::getpid()) + " since=" + now_local_iso() + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, content.data(), content.size(), 0) != static_cast<ssize_t>(content.size())) {
    // The lock is held all the same; only the description of the holder is missing.
  }
  return RunLock(fd, path);
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

RunLock::~RunLock() { release(); }

void RunLock::release() {
  if (fd_ < 0) return;
  // Leave the file's content: it only means something while the lock is held.
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace nprcheck
