// Staged report sets: written, sealed (fsync, renamed to a set), published (one symlink rename).
#include "nprcheck/output_stage.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <vector>

namespace nprcheck {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kStagePrefix = ".nprcheck-stage-";
constexpr std::string_view kTrashPrefix = ".nprcheck-old-";  // the old layout's swapped folders
constexpr std::string_view kLinkPrefix = ".nprcheck-link-";
constexpr std::string_view kSetPrefix = "set-";

/// The pid at the end of a set name (`set-...-<pid>`) or after a temporary prefix.
pid_t owner_pid(const std::string& name, std::string_view prefix) {
  std::string digits;
  if (prefix == kSetPrefix) {
    auto dash = name.rfind('-');
    if (dash == std::string::npos) return 0;
    digits = name.substr(dash + 1);
  } else {
    digits = name.substr(prefix.size());
  }
  char* end = nullptr;
  long pid = std::strtol(digits.c_str(), &end, 10);
  return end != digits.c_str() && pid > 0 ? static_cast<pid_t>(pid) : 0;
}

bool alive_other(pid_t pid) {
  return pid > 0 && pid != ::getpid() && (::kill(pid, 0) == 0 || errno == EPERM);
}

/// fsyncs one folder's entries (not what is below them): a rename in it becomes durable.
Status sync_folder(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::io_error(dir.string() + ": cannot open: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) {
    return Status::io_error(dir.string() + ": fsync failed: " + std::strerror(err));
  }
  return Status::ok();
}

/// Points OUT/current at `set` with one rename(2) of a new symlink over it.
Status swap_current(const fs::path& out, const std::string& set) {
  std::error_code ec;
  const fs::path tmp = out / (std::string(kLinkPrefix) + std::to_string(::getpid()));
  fs::remove(tmp, ec);
  fs::create_symlink(set, tmp, ec);
  if (ec) return Status::io_error(tmp.string() + ": cannot create a link: " + ec.message());
  fs::rename(tmp, out / kCurrentLink, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::io_error((out / kCurrentLink).string() + ": cannot replace: " + ec.message());
  }
  return Status::ok();
}

/// OUT/<name> -> current/<name> for every entry of the set that has no top-level entry yet.
Status link_entries(const fs::path& out, const fs::path& set_dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(set_dir, ec)) {
    const std::string name = e.path().filename().string();
    const fs::path top = out / name;
    if (fs::exists(fs::symlink_status(top, ec))) continue;
    fs::create_symlink(fs::path(kCurrentLink) / name, top, ec);
    if (ec) return Status::io_error(top.string() + ": cannot create a link: " + ec.message());
  }
  if (ec) return Status::io_error(set_dir.string() + ": cannot read: " + ec.message());
  return Status::ok();
}

/// Makes `set` the published set of OUT and removes the one it replaces.
Status publish_set(const fs::path& out, const std::string& set) {
  const std::string previous = current_report_set(out);
  if (Status s = swap_current(out, set); !s) return s;
  if (Status s = link_entries(out, out / set); !s) return s;
  // The rename of `current` is durable once OUT is synced.
  if (Status s = sync_folder(out); !s) return s;
  if (!previous.empty() && previous != set) {
    std::error_code ec;
    fs::remove_all(out / previous, ec);
  }
  return Status::ok();
}

}  // namespace

Result<OutputStage> OutputStage::create(const fs::path& out_dir, std::string set_name) {
  std::error_code ec;
  const fs::path stage = out_dir / (std::string(kStagePrefix) + std::to_string(::getpid()));
  fs::remove_all(stage, ec);
  if (!fs::create_directory(stage, ec) || ec) {
    return Status::io_error(out_dir.string() + ": output directory is not writable" +
                            (ec ? ": " + ec.message() : std::string()));
  }
  return OutputStage(out_dir, stage, std::move(set_name));
}

OutputStage::OutputStage(OutputStage&& other) noexcept
    : out_(std::move(other.out_)),
      dir_(std::move(other.dir_)),
      set_(std::move(other.set_)),
      active_(other.active_),
      sealed_(other.sealed_) {
  other.active_ = false;
}

OutputStage::~OutputStage() {
  if (active_) discard();
}

void OutputStage::discard() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  active_ = false;
}

Status OutputStage::seal() {
  if (sealed_) return Status::ok();
  if (Status s = fsync_tree(dir_); !s) return s;
  const fs::path set_dir = out_ / set_;
  std::error_code ec;
  fs::rename(dir_, set_dir, ec);
  if (ec) return Status::io_error(set_dir.string() + ": cannot move into place: " + ec.message());
  dir_ = set_dir;
  sealed_ = true;
  return sync_folder(out_);
}

Status OutputStage::publish() {
  if (Status s = seal(); !s) return s;
  if (Status s = publish_set(out_, set_); !s) return s;
  active_ = false;
  return Status::ok();
}

Status recover_report_sets(const fs::path& out_dir,
                           const std::function<bool(const std::string&)>& committed) {
  std::error_code ec;
  const std::string current = current_report_set(out_dir);
  std::vector<std::string> orphans;  // sealed sets of dead runs that are not published
  for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
    const std::string name = entry.path().filename().string();
    std::string_view prefix;
    for (auto p : {kStagePrefix, kTrashPrefix, kLinkPrefix, kSetPrefix}) {
      if (name.starts_with(p)) prefix = p;
    }
    if (prefix.empty() || name == current) continue;
    if (alive_other(owner_pid(name, prefix))) continue;  // another run is working on it
    if (prefix == kSetPrefix) {
      orphans.push_back(name);
    } else {
      fs::remove_all(entry.path(), ec);
    }
  }
  // The newest set the history recorded, if newer than the published one: roll forward.
  std::string forward;
  for (const auto& name : orphans) {
    if (name > current && name > forward && committed && committed(name)) forward = name;
  }
  for (const auto& name : orphans) {
    if (name != forward) fs::remove_all(out_dir / name, ec);
  }
  if (!forward.empty()) return publish_set(out_dir, forward);
  return Status::ok();
}

}  // namespace nprcheck
