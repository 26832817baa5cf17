#pragma once
/// Versioned code tables: which ICD-10 / NCSP / NCMP / NCRP codes are valid on which date.
///
/// Layouts (every `*.csv` below the tables directory; columns found by header name, case and
/// `_`/space insensitive; `;`-separated, `"` quoting; UTF-8 with or without BOM, or
/// Windows-1252, which is detected when the bytes are not valid UTF-8, converted and noted):
/// - yearly snapshot: `<year>/<system>.csv`, system `icd10`, `ncsp`, `ncmp` or `ncrp`,
///   header `Kode;Tekst`; every code is valid the whole year. A duplicate code is an error.
/// - official cumulative: any file whose header has `Gyldig_fra`; its name starts with the
///   system (`icd10*.csv`, `ncsp*.csv`, `ncmp*.csv`, `ncrp*.csv`, e.g. `icd10_2024.csv`).
///   Optional columns `Gyldig_til` (empty or 9999-...: no end), `Kjønn` (M/K), `Stjernekode`,
///   `Tilleggskode` (J/Ja/1/X), `Uspesifikk_kode`, `Foreldrekode`, `Rapporteres_til_NPR`,
///   `NPR_Gyldig_fra`/`NPR_Gyldig_til` (checked as dates). Text: `Tekst_uten_lengdebegrensning`,
///   else `Tekst_med_maksimalt_60_tegn`, else `Tekst`. Dates `YYYY-MM-DD` or `DD.MM.YYYY`. A
///   code may have several rows (a text change), but their periods may not overlap. The file
///   covers the years from its earliest `Gyldig_fra` to its latest `Gyldig_fra` or the day after
///   its latest `Gyldig_til` (a code ending 2025-12-31 says what holds in 2026).
///   Where `Rapporteres_til_NPR` exists, only a yes makes a row reportable; `NPR_Gyldig_*`
///   narrow the period.
/// - JSON download of the terminology service: `<system>*.json` or `.json.gz` (`ICD10.json`),
///   one array of objects with the same keys (`docs/tables.md`); chapters and blocks skipped,
///   only `"Ja"` in `Rapporteres_til_NPR` is reportable, `Kjønn` other than M/K/Mann/Kvinne/1/2
///   refused.
/// Codes are read without dots (`S72.00` -> `S7200`). A row that is not reportable keeps its
/// flags (find()) but makes no code known or valid.

#include <climits>
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
  bool uspesifikk = false;    ///< unspecific code, from an `Uspesifikk_kode` column
  KodeKjonn kjonn = KodeKjonn::kAlle;
  std::string foreldrekode;  ///< parent node without dots (`Foreldrekode`); empty when none
  /// `to_day` of a period without an end (cumulative tables with an empty `Gyldig_til`).
  static constexpr int32_t kOpenEnd = INT32_MAX;
  /// Validity periods as [from, to] calendar days (days since 1970), each with its text.
  struct Period {
    int32_t from_day = 0;
    int32_t to_day = 0;
    std::string tekst;
    /// False when the table has a `Rapporteres_til_NPR` column that does not say yes (`Ja`),
    /// or the NPR period does not meet the code's period: such a period is kept for the flags
    /// and `nprcheck tables`, but the code is not valid for NPR in it (a category with
    /// subdivisions such as `A00`).
    bool rapporteres_til_npr = true;
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

  /// Loads every table under `dir`: `<year>/<system>.csv` (Kode;Tekst), cumulative files
  /// with Gyldig_fra/Gyldig_til named `<system>*.csv`, and JSON downloads `<system>*.json[.gz]`
  /// anywhere below it (see the layouts above). Table errors go to `diagnostics` with file and
  /// line, and a file with errors is skipped as a whole; fails only if `dir` cannot be read at all.
  static Result<CodeTables> load(const std::filesystem::path& dir, Diagnostics& diagnostics);

  /// The files loaded, for `nprcheck tables` and run.json.
  [[nodiscard]] const std::vector<ManifestTable>& files() const;
  /// True if a table of `system` covers `year`.
  [[nodiscard]] bool has_year(KodeSystem system, int year) const;
  /// Every year some table of `system` covers, ascending.
  [[nodiscard]] std::vector<int> years(KodeSystem system) const;

  /// The code in `system` (any year), or nullptr. No allocation.
  [[nodiscard]] const CodeEntry* find(KodeSystem system, std::string_view verdi) const;
  /// True if the code is in some table of `system` as reportable to NPR, in any period.
  [[nodiscard]] bool known(KodeSystem system, std::string_view verdi) const;
  /// The reportable period of `entry` that contains `date`, or nullptr.
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
  /// True if some code of `system` (any year) lies in the category range `lo`-`hi`: its first
  /// lo.size() characters are >= lo and its first hi.size() characters <= hi (rule-data lint).
  [[nodiscard]] bool code_in_range_exists(KodeSystem system, std::string_view lo,
                                          std::string_view hi) const;
  /// The text of the code valid on `date`, else its latest reportable text; empty if unknown.
  [[nodiscard]] std::string_view tekst(KodeSystem system, std::string_view verdi,
                                       DateTime date) const;
  /// The text of `entry` valid on `date`, else its latest reportable text; empty if none.
  [[nodiscard]] static std::string_view tekst_of(const CodeEntry& entry, DateTime date);
  /// The codes that replace `verdi` on `date`, in code order: the shortest longer codes that
  /// start with it and are valid on the date (D370 -> D3700, D3701); else the codes valid on the
  /// date with one of its texts (NCSP TBA10 -> BAX10); else none. For messages, not per code.
  [[nodiscard]] std::vector<std::string_view> successors(KodeSystem system, std::string_view verdi,
                                                         DateTime date) const;
  /// Resolves `kode` on `dato` (the date it is checked against) once per episode: sets its
  /// dato, its system (kodeverk Q: as resolve_procedure_system()) and the facts the rule
  /// built-ins read (Kode::entry, tekst, dag, ar, fakta), with one hash look-up per system.
  void resolve(Kode& kode, DateTime dato) const;
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
/// Parses `ICD10` (also `ICD-10`), `NCSP`, `NCMP`, `NCRP` and `ANNET` (case-insensitive).
bool parse_kode_system(std::string_view name, KodeSystem& out);

}  // namespace nprcheck
