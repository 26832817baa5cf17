// Staged, atomic outputs.
#include "nprcheck/output_stage.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace nprcheck {

namespace fs = std::filesystem;

namespace {
constexpr std::string_view kStagePrefix = ".nprcheck-stage-";
constexpr std::string_view kTrashPrefix = ".nprcheck-old-";
}  // namespace

Result<OutputStage> OutputStage::create(const fs::path& out_dir) {
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec)) {
    return Status::io_error(out_dir.string() + ": output path exists and is not a directory");
  }
  fs::create_directories(out_dir, ec);
  if (ec) {
    return Status::io_error(out_dir.string() + ": cannot create output directory: " + ec.message());
  }
  remove_stale_stages(out_dir);
  fs::path stage = out_dir / (std::string(kStagePrefix) + std::to_string(::getpid()));
  fs::remove_all(stage, ec);
  if (!fs::create_directory(stage, ec) || ec) {
    return Status::io_error(out_dir.string() + ": output directory is not writable" +
                            (ec ? ": " + ec.message() : std::string()));
  }
  return OutputStage(out_dir, stage);
}

OutputStage::OutputStage(OutputStage&& other) noexcept
    : out_(std::move(other.out_)), stage_(std::move(other.stage_)), active_(other.active_) {
  other.active_ = false;
}

OutputStage::~OutputStage() {
  if (active_) discard();
}

void OutputStage::discard() {
  std::error_code ec;
  fs::remove_all(stage_, ec);
  active_ = false;
}

Status OutputStage::commit() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(stage_, ec)) {
    fs::path target = out_ / entry.path().filename();
    if (entry.is_directory() && fs::exists(target)) {
      // Folders cannot be replaced by rename(2): swap the old one out first.
      fs::path trash = out_ / (std::string(kTrashPrefix) + std::to_string(::getpid()) + "-" +
                               entry.path().filename().string());
      fs::remove_all(trash, ec);
      fs::rename(target, trash, ec);
      if (ec) return Status::io_error(target.string() + ": cannot replace: " + ec.message());
      fs::rename(entry.path(), target, ec);
      if (ec)
        return Status::io_error(target.string() + ": cannot move into place: " + ec.message());
      fs::remove_all(trash, ec);
      continue;
    }
    fs::rename(entry.path(), target, ec);
    if (ec) return Status::io_error(target.string() + ": cannot move into place: " + ec.message());
  }
  if (ec) return Status::io_error(stage_.string() + ": " + ec.message());
  fs::remove_all(stage_, ec);
  active_ = false;
  return Status::ok();
}

void remove_stale_stages(const fs::path& out_dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
    std::string name = entry.path().filename().string();
    std::string_view prefix;
    if (name.starts_with(kStagePrefix)) {
      prefix = kStagePrefix;
    } else if (name.starts_with(kTrashPrefix)) {
      prefix = kTrashPrefix;
    } else {
      continue;
    }
    std::string rest = name.substr(prefix.size());
    char* end = nullptr;
    pid_t pid = static_cast<pid_t>(std::strtol(rest.c_str(), &end, 10));
    bool alive = pid > 0 && pid != ::getpid() && (::kill(pid, 0) == 0 || errno == EPERM);
    if (alive) continue;
    if (prefix == kTrashPrefix && end != nullptr && *end == '-') {
      // A run died between swapping out an old report folder and moving the new one in:
      // put the old one back rather than lose it.
      fs::path original = out_dir / std::string(end + 1);
      if (!fs::exists(original, ec)) {
        fs::rename(entry.path(), original, ec);
        if (!ec) continue;
      }
    }
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace nprcheck
