#pragma once
/// What every code-table reader (yearly/cumulative CSV, official JSON) hands to CodeTables.

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/code_tables.hpp"

namespace nprcheck::table_rows {

inline constexpr int kMinYear = 1800;
inline constexpr int kMaxYear = 2200;
inline constexpr size_t kMaxErrorsPerFile = 20;
inline constexpr size_t kMaxCodeLength = 16;
/// Every system a table can be loaded for, in CodeTables' storage order.
inline constexpr std::array<KodeSystem, 6> kSystems = {
    KodeSystem::kIcd10, KodeSystem::kNcsp,    KodeSystem::kNcmp,
    KodeSystem::kNcrp,  KodeSystem::kSarkode, KodeSystem::kPakkeforlop};

/// Index of `s` in kSystems, or -1 (kOther).
int system_index(KodeSystem s);
/// The file-name stem of a system's tables: `icd10`, `ncsp`, ..., `sarkode`, `pakkeforlop`.
const char* system_file_name(KodeSystem s);
/// The system whose file name is `lower_stem` (exact) or starts with it; `icd-10`/`icd_10` and
/// the terminology service's names (`ICD10`, `NCSP`, ...) included.
std::optional<KodeSystem> system_from_name(std::string_view lower_stem, bool exact);

int32_t first_day(int year);
int32_t last_day(int year);
int year_of_day(int32_t day);
/// `YYYY-MM-DD`, or `(no end)` for CodeEntry::kOpenEnd.
std::string date_text(int32_t day);

/// True if `s` is non-empty and all ASCII digits.
bool all_digits(std::string_view s);
/// The value of an all-digits string (no overflow check: callers pass at most 4 digits).
int to_int(std::string_view s);

enum class DateKind { kDate, kOpen, kBad };
/// `YYYY-MM-DD` or `DD.MM.YYYY` (a time after a space or `T` is ignored); years from 9000 on
/// mean "no end" (`9999-12-31`).
DateKind parse_table_date(std::string_view s, int32_t& day);

/// J/Ja/1/X/*/Y/yes/true/sann.
bool truthy(std::string_view v);
/// `Kjønn`: M/Mann/Menn/1 -> kMann, K/Kvinne/Kvinner/F/2 -> kKvinne, empty -> kAlle; nullopt for
/// any other value.
std::optional<KodeKjonn> parse_kjonn(std::string_view v);

/// One row as read from a table file.
struct Row {
  std::string kode;
  CodeEntry::Period period;
  bool stjernekode = false;
  bool tilleggskode = false;
  bool uspesifikk = false;
  KodeKjonn kjonn = KodeKjonn::kAlle;
  std::string foreldrekode;  ///< without dots; empty when none
  uint32_t line = 0;
};

/// One table file as read.
struct ParsedFile {
  KodeSystem system = KodeSystem::kOther;
  const char* layout = "";  ///< `yearly CSV`, `cumulative CSV` or `JSON`
  int year_from = 0;
  int year_to = 0;
  std::vector<Row> rows;
  uint64_t distinct_codes = 0;
};

/// Appends `row` to `out` with its period split by the NPR period [npr_from, npr_to] (kOpenEnd:
/// no end): the part inside it keeps the row's reportability, the parts of the code's own
/// period before and after it are not reportable (the code exists, NPR does not accept it).
/// Returns the number of rows appended (1 to 3).
size_t append_with_npr_period(Row&& row, std::optional<int32_t> npr_from,
                              std::optional<int32_t> npr_to, std::vector<Row>& out);

/// Sets the file's years (earliest start to the latest start, or the day after the latest end,
/// among its rows) and its number of distinct codes (counted here unless the reader knows it).
void finish_file(ParsedFile& f, std::optional<uint64_t> distinct_codes = std::nullopt);

/// Reads a `;`-separated table (yearly `<year>/<system>.csv` or cumulative); nullopt (with
/// diagnostics) when it is not loaded. `sha256` is set when it is.
std::optional<ParsedFile> read_csv_table(const std::filesystem::path& path, Diagnostics& diags,
                                         std::string& sha256);

/// Reads the terminology service's JSON download (`<system>*.json`, plain or `.json.gz`).
std::optional<ParsedFile> read_json_table(const std::filesystem::path& path, Diagnostics& diags,
                                          std::string& sha256);

}  // namespace nprcheck::table_rows
