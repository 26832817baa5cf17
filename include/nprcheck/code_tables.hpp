#pragma once
/// Versioned code tables: which ICD-10 / NCSP / NCMP / NCRP codes are valid on which date.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/manifest.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// Sex restriction of a code (from a `Kjønn` column where the table has one).
enum class KodeKjonn : uint8_t { kAlle, kMann, kKvinne };

/// One code of one system across all loaded years.
struct CodeEntry {
  std::string verdi;
  KodeSystem system = KodeSystem::kOther;
  bool stjernekode = false;   ///< asterisk (manifestation) code, from a `Stjernekode` column
  bool tilleggskode = false;  ///< supplementary code, from a `Tilleggskode` column
  KodeKjonn kjonn = KodeKjonn::kAlle;
  /// Validity periods as [from, to] calendar days (days since 1970), each with its text.
  struct Period {
    int32_t from_day = 0;
    int32_t to_day = 0;
    std::string tekst;
  };
  std::vector<Period> periods;
};

/// The loaded code tables of every system and year.
class CodeTables {
 public:
  CodeTables();
  ~CodeTables();
  CodeTables(CodeTables&&) noexcept;
  CodeTables& operator=(CodeTables&&) noexcept;

  /// Loads every table under `dir`: `<year>/<system>.csv` (Kode;Tekst) and cumulative files
  /// with Gyldig_fra/Gyldig_til anywhere below it. Table errors go to `diagnostics`;
  /// fails only if `dir` cannot be read at all.
  static Result<CodeTables> load(const std::filesystem::path& dir, Diagnostics& diagnostics);

  /// The files loaded, for `nprcheck tables` and run.json.
  [[nodiscard]] const std::vector<ManifestTable>& files() const;
  /// True if a table of `system` covers `year`.
  [[nodiscard]] bool has_year(KodeSystem system, int year) const;
  /// Every year some table of `system` covers, ascending.
  [[nodiscard]] std::vector<int> years(KodeSystem system) const;

  /// The code in `system` (any year), or nullptr. No allocation.
  [[nodiscard]] const CodeEntry* find(KodeSystem system, std::string_view verdi) const;
  /// The period of `entry` that contains `date`, or nullptr.
  [[nodiscard]] static const CodeEntry::Period* period_on(const CodeEntry& entry, DateTime date);
  /// True if `verdi` exists in `system` and is valid on `date`.
  [[nodiscard]] bool valid_on(KodeSystem system, std::string_view verdi, DateTime date) const;
  /// The years (among loaded years) in which the code is valid, ascending.
  [[nodiscard]] std::vector<int> valid_years(KodeSystem system, std::string_view verdi) const;
  /// True if some code of `system`, longer than `prefix` and starting with it, is valid on `date`.
  [[nodiscard]] bool more_specific_exists(KodeSystem system, std::string_view prefix,
                                          DateTime date) const;
  /// True if some code of `system` (any year), longer than `prefix`, starts with it.
  [[nodiscard]] bool longer_code_exists(KodeSystem system, std::string_view prefix) const;
  /// The text of the code valid on `date`, else its latest text; empty if unknown.
  [[nodiscard]] std::string_view tekst(KodeSystem system, std::string_view verdi,
                                       DateTime date) const;
  /// Which system a `Q` code belongs to: the procedure system (NCSP, NCMP, NCRP) whose tables
  /// hold it (preferring one valid on `date`); kOther if none does.
  [[nodiscard]] KodeSystem resolve_procedure_system(std::string_view verdi, DateTime date) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Maps a `kodeverk` value to its system: D ICD10, K NCSP, M NCMP, R NCRP; Q -> kOther (resolve
/// with the tables); anything else kOther. Accepts upper and lower case.
KodeSystem kode_system_from_kodeverk(std::string_view kodeverk);
/// Parses `ICD10`, `NCSP`, `NCMP`, `NCRP` (case-insensitive).
bool parse_kode_system(std::string_view name, KodeSystem& out);

}  // namespace nprcheck
