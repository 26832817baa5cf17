#pragma once
/// Safe outputs: everything is written into a staging folder inside OUT and renamed into place
/// only when the run has finished, so a failed or killed run leaves the previous reports intact.

#include <filesystem>
#include <string>

#include "nprcheck/status.hpp"

namespace nprcheck {

/// A staging folder `OUT/.nprcheck-stage-<pid>` that becomes the contents of OUT on commit().
class OutputStage {
 public:
  /// Creates OUT (if needed) and a fresh staging folder in it; fails if OUT cannot be written.
  static Result<OutputStage> create(const std::filesystem::path& out_dir);
  OutputStage(OutputStage&& other) noexcept;
  OutputStage& operator=(OutputStage&&) = delete;
  OutputStage(const OutputStage&) = delete;
  /// Removes the staging folder if commit() was not called.
  ~OutputStage();

  /// The staging folder to write into.
  [[nodiscard]] const std::filesystem::path& dir() const { return stage_; }
  /// Moves every entry of the staging folder into OUT, replacing entries of the same name
  /// (each by an atomic rename; a replaced folder is swapped out first), then removes the stage.
  Status commit();
  /// Removes the staging folder and everything in it.
  void discard();

 private:
  OutputStage(std::filesystem::path out, std::filesystem::path stage)
      : out_(std::move(out)), stage_(std::move(stage)) {}
  std::filesystem::path out_;
  std::filesystem::path stage_;
  bool active_ = true;
};

/// Removes stale staging folders left in OUT by runs that were killed (their pid is gone).
void remove_stale_stages(const std::filesystem::path& out_dir);

}  // namespace nprcheck
