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
///   column n+1. A value may not contain `;`; surrounding spaces are trimmed; empty lines and `#`
///   lines are skipped. Every row must have as many values as the header has columns.
/// Names are the file names without extension; a set and a mapping may not share a name.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nprcheck/diagnostic.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// Hash for string keys that looks std::string_view up without allocating.
struct RuleDataHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// A named code set (`<name>.set`): exact codes, prefixes (`KE*`) and category ranges
/// (`C60-C63`), each unqualified or qualified by a code system (`ICD10:C60-C63`).
class CodeSet {
 public:
  /// Membership of a code: qualified entries of its system and unqualified entries match.
  [[nodiscard]] bool contains(const Kode& kode) const { return contains(kode.system, kode.verdi); }
  /// Membership of a code value of `system`: entries qualified by `system` and unqualified ones.
  [[nodiscard]] bool contains(KodeSystem system, std::string_view verdi) const {
    return may_contain(verdi) && contains_filtered(system, verdi);
  }
  /// Membership of a plain string: unqualified entries only.
  [[nodiscard]] bool contains(std::string_view verdi) const {
    return may_contain(verdi) && contains_filtered(verdi);
  }
  [[nodiscard]] const std::string& name() const { return name_; }
  /// Number of entries (exact codes + patterns), for `nprcheck rules` listings.
  [[nodiscard]] size_t size() const;

  /// One entry as written (for `nprcheck rules lint`, which checks it against the tables).
  struct Entry {
    enum class Kind : uint8_t { kExact, kPrefix, kRange } kind = Kind::kExact;
    bool qualified = false;                  ///< `ICD10:` etc. given
    KodeSystem system = KodeSystem::kOther;  ///< the qualifying system when qualified
    std::string lo;                          ///< the code, the prefix or the lower bound
    std::string hi;                          ///< the upper bound of a range
    uint32_t line = 0;                       ///< line in the set file (0: from an include)
  };
  /// Adds an entry as written in a set file (`C61`, `KE*`, `C60-C63`, `NCSP:KE*`) on `line`;
  /// false with `error` set when malformed.
  bool add_entry(std::string_view entry, std::string& error, uint32_t line = 0);
  /// Adds an exact, unqualified code (`@mapping.column` includes).
  void add_code(std::string_view verdi, uint32_t line = 0);
  /// Every entry, in the order added.
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }
  /// The set file it was read from (empty for a set built in code).
  std::filesystem::path file;
  explicit CodeSet(std::string name = {}) : name_(std::move(name)) {}

 private:
  /// Index 0: unqualified entries; 1 + KodeSystem: entries qualified by that system.
  static constexpr size_t kGroups = 2 + static_cast<size_t>(KodeSystem::kOther);
  struct Pattern {
    std::string lo;  ///< prefix (`KE`), or the lower bound of a range
    std::string hi;  ///< empty for a prefix; the upper bound of a range
  };
  struct Group {
    /// Rejection filter: bit (c0 << 7 | c1) set when some entry may match a value starting
    /// with the ASCII characters c0 c1 (values shorter than 2 or non-ASCII are not filtered).
    uint64_t pairs[128 * 128 / 64] = {};
    /// Marks every pair a value starting with `c0` may begin with.
    void allow_first(unsigned char c0);
    /// Marks the pair (c0, c1).
    void allow_pair(unsigned char c0, unsigned char c1);
    /// Marks every pair a value matching the prefix or range `p` may begin with.
    void allow_pattern(const Pattern& p);
    std::unordered_set<std::string, RuleDataHash, std::equal_to<>> exact;
    std::vector<Pattern> by_letter[128];  ///< patterns by their first (ASCII) character
    std::vector<Pattern> other;           ///< patterns starting with a non-ASCII byte or empty
  };
  [[nodiscard]] static bool group_contains(const Group& g, std::string_view verdi);
  /// False when no entry of any group can match `verdi` (by its first two characters): most
  /// values asked about are in no set, and this answers them without hashing.
  [[nodiscard]] bool may_contain(std::string_view verdi) const {
    if (verdi.size() < 2) return true;
    auto c0 = static_cast<unsigned char>(verdi[0]);
    auto c1 = static_cast<unsigned char>(verdi[1]);
    if ((c0 | c1) >= 128) return true;
    size_t bit = (static_cast<size_t>(c0) << 7) | c1;
    return (pairs_[bit >> 6] & (uint64_t{1} << (bit & 63))) != 0;
  }
  [[nodiscard]] bool contains_filtered(KodeSystem system, std::string_view verdi) const;
  [[nodiscard]] bool contains_filtered(std::string_view verdi) const;
  /// Adds the filter bits of `g` to pairs_.
  void merge_pairs(const Group& g);
  uint64_t pairs_[128 * 128 / 64] = {};  ///< the union of every group's Group::pairs
  std::string name_;
  std::unique_ptr<Group> groups_[kGroups];
  std::vector<Entry> entries_;
  size_t size_ = 0;
};

/// A named mapping table (`<name>.csv`): a header row of column names and rows of values.
class Mapping {
 public:
  explicit Mapping(std::string name, std::vector<std::string> columns);
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::vector<std::string>& columns() const { return columns_; }
  [[nodiscard]] size_t rows() const { return rows_.size(); }
  /// Value of `column` in `row`.
  [[nodiscard]] const std::string& at(size_t row, size_t column) const {
    return rows_[row][column];
  }
  /// Index of a column by name, or -1.
  [[nodiscard]] int column_index(std::string_view name) const;
  /// Column keys.size() of the first row whose first keys.size() columns equal `keys`; "" if
  /// none (also when keys is empty or not shorter than the number of columns). No allocation.
  [[nodiscard]] std::string_view lookup(std::span<const std::string_view> keys) const;
  /// Appends a row (must have columns().size() values); rebuilds nothing: call index() after.
  void add_row(std::vector<std::string> row);
  /// Builds the look-up index (after the last add_row()).
  void index();

 private:
  std::string name_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
  /// By key width n (1..columns-1): hash of the first n values -> rows in order.
  std::vector<std::unordered_multimap<uint64_t, uint32_t>> index_;
};

/// All sets and mappings of a rule directory, loaded once and shared by every rule.
class RuleData {
 public:
  RuleData();
  ~RuleData();
  RuleData(RuleData&&) noexcept;
  RuleData& operator=(RuleData&&) noexcept;

  /// Loads every `*.set` and `*.csv` under `dir` (missing dir = no data). Errors name file:line.
  static Result<RuleData> load(const std::filesystem::path& dir, Diagnostics& diagnostics);

  /// The set `name` (file name without `.set`), or nullptr.
  [[nodiscard]] const CodeSet* find_set(std::string_view name) const;
  /// The mapping `name` (file name without `.csv`), or nullptr.
  [[nodiscard]] const Mapping* find_mapping(std::string_view name) const;
  /// All names, for "did you mean" suggestions.
  [[nodiscard]] std::vector<std::string> set_names() const;
  /// Every set, by name.
  [[nodiscard]] std::vector<const CodeSet*> sets() const;
  [[nodiscard]] std::vector<std::string> mapping_names() const;
  /// The files read, in path order (for the rule-set hash).
  [[nodiscard]] const std::vector<std::filesystem::path>& files() const;

  /// Adds a set or mapping built in code (tests); replaces one of the same name.
  void add_set(CodeSet set);
  void add_mapping(Mapping mapping);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nprcheck
