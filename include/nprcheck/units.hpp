#pragma once
/// The units catalogue: avdeling reshID -> level-2 unit (nivå 2-enhet), and radiology units.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "nprcheck/diagnostic.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// One row of the catalogue `reshID;navn;niva2_reshID;niva2_navn;radiologi`.
struct UnitEntry {
  std::string resh_id;
  std::string navn;
  std::string niva2_resh_id;
  std::string niva2_navn;
  bool radiologi = false;
};

/// The catalogue; an empty one maps every avdeling to itself, none of them radiology.
class UnitsCatalogue {
 public:
  /// Loads a `;`-separated catalogue with a header row (UTF-8, BOM allowed); errors name file:line.
  static Result<UnitsCatalogue> load(const std::filesystem::path& file, Diagnostics& diagnostics);

  /// The row for an avdeling reshID, or nullptr.
  [[nodiscard]] const UnitEntry* find(std::string_view resh_id) const;
  [[nodiscard]] bool empty() const { return units_.empty(); }
  [[nodiscard]] size_t size() const { return units_.size(); }
  /// Adds or replaces a row (tests, rule test cases).
  void add(UnitEntry entry);

 private:
  std::unordered_map<std::string, UnitEntry> units_;
};

}  // namespace nprcheck
