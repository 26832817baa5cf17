#pragma once
/// Configuration files: a YAML file with everything `nprcheck check` takes on the command line
/// (the nightly job's settings). Command-line options given as well override the file.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nprcheck/check.hpp"
#include "nprcheck/diagnostic.hpp"

namespace nprcheck {

/// Where a key's value stands in the config file (for messages about it after loading).
struct ConfigPosition {
  uint32_t line = 0;  ///< 1-based
  uint32_t column = 0;
  std::string source_line;
};

/// What load_config() knows besides the CheckOptions: the file, and where each key was.
struct ConfigExtras {
  std::string path;                                 ///< the config file as given
  std::map<std::string, ConfigPosition> positions;  ///< top-level key -> its value's position
};

/// How load_config() treats input globs that match no file.
struct ConfigLoadOptions {
  /// true: a glob that matches no file is an error (the nightly run); false: a warning (used by
  /// `nprcheck config check`, where today's extract may not be there yet).
  bool require_input_matches = true;
};

/// Reads a YAML config file into `options`: keys present in the file replace the field, other
/// fields keep their values. Relative paths (and input globs, which are expanded here, sorted)
/// are taken relative to the config file's folder. Unknown keys, wrong types and bad values
/// are reported to `diagnostics` as `file:line:col` with the line and a caret ("did you mean"
/// for misspelt keys). Returns false when there was any error; `options` is then unspecified.
///
/// Merging with the command line: call load_config() first, then let the command line write
/// the options it was given into the same CheckOptions (Boost.Program_options values bound
/// without a default_value only write what was given); see docs/operations.md.
[[nodiscard]] bool load_config(const std::string& path, CheckOptions& options,
                               Diagnostics& diagnostics, ConfigExtras* extras = nullptr,
                               const ConfigLoadOptions& how = {});

/// The value of `--config FILE` / `--config=FILE` / `-c FILE` in `args`, or empty.
std::string find_config_arg(const std::vector<std::string>& args);

/// The effective settings as YAML in the config file's own key names (what `nprcheck config
/// check` prints); loading the text again gives the same CheckOptions.
std::string effective_config_yaml(const CheckOptions& options);

/// Every top-level key a config file may have (for documentation and suggestions).
const std::vector<std::string>& config_keys();

/// Parses a umask as the config file and `--umask` take it: octal digits ("027", "0o27"), at
/// most 777, leaving the owner read and write. False (and `why`) otherwise.
bool parse_umask(const std::string& text, unsigned& out, std::string& why);
/// Parses an error rate as the config file and `--max-error-rate` take it: a fraction "0.02" or
/// a percentage "2%". False (and `why`) when it is not one, or out of range.
bool parse_error_rate(const std::string& text, double& out, std::string& why);

/// Formats a umask as the octal string the config file uses, e.g. "027".
std::string umask_string(unsigned umask);

/// The code systems that have a table for some year but none covering `year` (e.g. ICD10 and
/// NCSP on 1 January, before the new year's tables are loaded), sorted.
std::vector<std::string> systems_without_year(const std::vector<ManifestTable>& tables, int year);

/// The loud warning of the nightly run when the tables for `today`'s year are missing (see
/// docs/operations.md, "New year"), or empty when every loaded system covers that year.
std::string new_year_tables_warning(const std::vector<ManifestTable>& tables,
                                    const std::string& tables_dir, DateTime today);

}  // namespace nprcheck
