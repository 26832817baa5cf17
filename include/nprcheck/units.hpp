#pragma once
/// The units catalogue: avdeling reshID -> level-2 unit (nivå 2-enhet), and radiology units.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "nprcheck/diagnostic.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// One row of the catalogue `reshID;navn;niva2_reshID;niva2_navn;radiologi` (columns found by
/// header name; `radiologi` ja/nei, 1/0, true/false; an empty niva2_reshID means the avdeling is
/// its own level-2 unit).
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
  /// True if some row names this reshID as its level-2 unit (niva2_reshID).
  [[nodiscard]] bool is_niva2(std::string_view resh_id) const {
    return niva2_.find(resh_id) != niva2_.end();
  }
  [[nodiscard]] bool empty() const { return units_.empty(); }
  [[nodiscard]] size_t size() const { return units_.size(); }
  /// Adds or replaces a row (tests, rule test cases).
  void add(UnitEntry entry);

 private:
  /// Hash that lets find() look a std::string_view up without allocating.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, UnitEntry, KeyHash, std::equal_to<>> units_;
  std::unordered_set<std::string, KeyHash, std::equal_to<>> niva2_;
};

}  // namespace nprcheck
