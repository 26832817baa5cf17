#pragma once
/// Rule data: named code sets and mapping tables that rules refer to by name.
///
/// Files live in a `data/` folder beside the rules (`rules/data/`):
/// - `<name>.set`: one entry per line, `#` starts a comment. An entry is a code (`C61`), a prefix
///   pattern (`KE*`), or a range of code categories (`C60-C63`: every code whose first
///   characters, as many as the bounds have, fall between the bounds inclusive). An entry may be
///   qualified by a system, `ICD10:C60-C63`, `NCSP:KE*`; then it only matches codes of that system.
///   A line `@<mapping>.<column>` includes every value of that column of a mapping.
/// - `<name>.csv`: a mapping table, `;`-separated, with a header row naming the columns
///   (`ncsp;zxm;ncrp`). `lookup(name, [k1, ..., kn])` matches the first n columns and returns
///   column n+1.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/diagnostic.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

class CodeSet;
class Mapping;

/// All sets and mappings of a rule directory, loaded once and shared by every rule.
class RuleData {
 public:
  RuleData();
  ~RuleData();
  RuleData(RuleData&&) noexcept;
  RuleData& operator=(RuleData&&) noexcept;

  /// Loads every `*.set` and `*.csv` under `dir` (missing dir = no data). Errors name file:line.
  static Result<RuleData> load(const std::filesystem::path& dir, Diagnostics& diagnostics);

  [[nodiscard]] const CodeSet* find_set(std::string_view name) const;
  [[nodiscard]] const Mapping* find_mapping(std::string_view name) const;
  /// All names, for "did you mean" suggestions.
  [[nodiscard]] std::vector<std::string> set_names() const;
  [[nodiscard]] std::vector<std::string> mapping_names() const;
  /// The files read, in path order (for the rule-set hash).
  [[nodiscard]] const std::vector<std::filesystem::path>& files() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nprcheck
