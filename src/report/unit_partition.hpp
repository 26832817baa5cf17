#pragma once
// The findings of a run split by level-2 unit into temporary binary files (finding_spill.hpp), so
// that per-unit reports (HTML pages, CSV files, JUnit suites) read one unit at a time without
// holding the whole run in memory (private to the report module).

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nprcheck/report.hpp"

namespace nprcheck::report {

/// Temporary per-unit copies of the findings; removed when destroyed.
class UnitPartition {
 public:
  /// Splits `source` (one pass) into `work_dir/<unit stem>-<n>.spill`; work_dir is created and
  /// must not exist yet. Buffers are bounded: each unit's lines are appended in chunks.
  static Result<UnitPartition> create(const std::filesystem::path& work_dir,
                                      const FindingSource& source);
  /// The same split by another key of a finding (e.g. its rule id); `key` returning nullptr
  /// leaves the finding out.
  static Result<UnitPartition> create(const std::filesystem::path& work_dir,
                                      const FindingSource& source,
                                      const std::function<const std::string*(const Finding&)>& key);
  UnitPartition(UnitPartition&& other) noexcept;
  UnitPartition& operator=(UnitPartition&&) = delete;
  UnitPartition(const UnitPartition&) = delete;
  ~UnitPartition();

  /// The findings of one unit (empty for a unit without findings), in the original order.
  [[nodiscard]] FindingSource unit_source(const std::string& unit) const;
  /// The folder the split lives in (removed with this object).
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  /// Every unit with findings, plus the units of the manifest (which may have none), sorted.
  [[nodiscard]] std::vector<std::string> units(const RunManifest& m) const;

 private:
  explicit UnitPartition(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
  std::map<std::string, std::string> files_;  ///< unit -> file
};

}  // namespace nprcheck::report
