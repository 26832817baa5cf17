#pragma once
/// The report folder OUT and its atomic report sets. A run writes its reports into a staging
/// folder, fsyncs them, renames the folder to a report set `OUT/set-<time>-<pid>` and publishes
/// it by renaming one symlink (`OUT/current`) over the old one: a reader of OUT sees the old set
/// or the new one, never a mix. `OUT/findings.ndjson`, `OUT/html`, ... are symlinks through
/// `current`, so the documented paths always resolve to the published set.

#include <filesystem>
#include <functional>
#include <string>

#include "nprcheck/status.hpp"

namespace nprcheck {

/// The file that marks a folder as nprcheck's report folder (nprcheck only ever deletes inside
/// a folder that holds it).
inline constexpr const char* kReportMarker = ".nprcheck";
/// The symlink to the published report set.
inline constexpr const char* kCurrentLink = "current";

/// Whether OUT may hold reports, without changing anything: not `/`, a system folder or the
/// home folder; missing, or a folder that is empty, nprcheck's own (marker) or the old flat
/// layout (`*adopt` set: claim_report_folder() adopts it).
Status check_report_folder(const std::filesystem::path& out_dir, bool* adopt = nullptr);

/// Makes OUT ready to hold reports: refuses `/`, system folders and the home folder, and a
/// non-empty folder without the marker (nprcheck did not create it); creates OUT and the marker.
/// A folder of reports in the old flat layout (only report names, with run.json) is adopted:
/// its reports become the current set.
Status claim_report_folder(const std::filesystem::path& out_dir);

/// A new report set's name: `set-<UTC time to the microsecond>Z-<pid>` (sorts by time).
std::string new_report_set_name();

/// The set OUT/current points to ("" when there is none).
std::string current_report_set(const std::filesystem::path& out_dir);

/// One run's reports: a staging folder `OUT/.nprcheck-stage-<pid>`, sealed into a report set,
/// then published.
class OutputStage {
 public:
  /// Creates a fresh staging folder for set `set_name` in OUT (claim_report_folder() first).
  static Result<OutputStage> create(const std::filesystem::path& out_dir, std::string set_name);
  OutputStage(OutputStage&& other) noexcept;
  OutputStage& operator=(OutputStage&&) = delete;
  OutputStage(const OutputStage&) = delete;
  /// Removes the staging folder (or the sealed, unpublished set) if publish() was not reached.
  ~OutputStage();

  /// The folder to write into (the staging folder; the set folder once sealed).
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  /// The report set's name (`set-...`).
  [[nodiscard]] const std::string& set_name() const { return set_; }
  /// fsyncs every file and folder of the stage, renames it to OUT/<set> and fsyncs OUT: the set
  /// is complete on disk but not yet what readers see.
  Status seal();
  /// Publishes the sealed set: one rename(2) of a symlink over OUT/current, the top-level links
  /// for the set's entries, fsync of OUT; then removes the previous set.
  Status publish();
  /// Removes the staging folder or the sealed set and everything in it.
  void discard();
  /// Leaves the sealed set in OUT for recover_report_sets() (its run is in the history).
  void release() { active_ = false; }

 private:
  OutputStage(std::filesystem::path out, std::filesystem::path stage, std::string set)
      : out_(std::move(out)), dir_(std::move(stage)), set_(std::move(set)) {}
  std::filesystem::path out_;
  std::filesystem::path dir_;
  std::string set_;
  bool active_ = true;
  bool sealed_ = false;
};

/// Brings OUT to a consistent state after a run that was killed: staging folders and temporary
/// links of dead runs are removed; a sealed set of a dead run that is newer than the current one
/// and that `committed` says the run history recorded is published (the run died between its
/// history commit and its publish); every other unpublished set of a dead run is removed.
/// Call it while holding the history lock. Returns what failed, if anything.
Status recover_report_sets(const std::filesystem::path& out_dir,
                           const std::function<bool(const std::string&)>& committed);

/// fsyncs `path` (a file or folder) and, for a folder, everything below it (symlinks not
/// followed).
Status fsync_tree(const std::filesystem::path& path);

}  // namespace nprcheck
