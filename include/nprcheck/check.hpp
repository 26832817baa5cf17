#pragma once
/// The check pipeline: read episodes -> load tables -> compile rules -> evaluate -> collect
/// findings -> write reports. What `nprcheck check` and the nightly job run.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/manifest.hpp"

namespace nprcheck {

/// Everything a check run takes (command line, or a config file with the command line on top).
struct CheckOptions {
  std::vector<std::string> inputs;  ///< files or directories (searched for *.xml, *.xml.gz)
  std::string tables_dir;           ///< empty: the bundled tables
  std::string rules_dir;            ///< empty: the bundled rules
  std::string units_file;           ///< empty: no catalogue
  std::string indicators_dir;       ///< empty: the bundled indicators
  bool indicators = true;           ///< false: no indicators counted, charted or stored
  std::string out_dir;              ///< required
  std::vector<std::string> formats = {"html", "csv"};  ///< besides findings.ndjson and run.json:
                                                       ///< html, csv, sarif, junit
  Severity fail_on = Severity::kError;

  // Ad-hoc filters for a kodekontroller.
  std::string unit;                  ///< level-2 unit or avdeling reshID
  std::string rule_glob;             ///< e.g. BV-*
  std::optional<DateTime> from, to;  ///< episode innDatoTid day within [from, to]
  std::string episode_id;

  // Nightly operation (ops module).
  std::string history_db;                  ///< SQLite file; empty: no history
  std::string waivers_file;                ///< empty: no waivers
  std::optional<double> max_error_rate;    ///< exit 1 when episodes-with-error / episodes exceeds
  std::optional<uint64_t> max_new_errors;  ///< exit 1 when more new error findings than this
  std::string log_file;                    ///< rotating log file; empty: stderr only
  std::string log_format = "text";         ///< text | json
  std::string log_level = "info";
  unsigned umask = 027;              ///< output files are created 0640 by default
  unsigned lock_wait_seconds = 600;  ///< how long to wait for another run's history lock
  unsigned threads = 0;              ///< 0: all cores
  bool progress = true;              ///< progress on stderr when it is a terminal
  bool follow_symlinks = false;      ///< follow symlinks found inside a searched input folder
  bool unknown_units_error = false;  ///< units catalogue gaps are errors (exit 2), not warnings
  bool allow_empty = false;  ///< 0 episodes checked is a success (else exit kExitNothingChecked)
};

/// What a run ended with.
struct CheckOutcome {
  int exit_code = 0;
  RunManifest manifest;
  std::vector<std::string> incomplete_inputs;  ///< files that could not be fully checked
  bool reports_written = false;                ///< the reports were moved into place
};

/// Runs a whole check. Diagnostics (input, table, rule errors) go to `diagnostics`; the caller
/// prints them. Never throws for bad input.
CheckOutcome run_check(const CheckOptions& options, Diagnostics& diagnostics);

/// Asks a running check to stop soon (async-signal-safe: called from the SIGINT handler).
void request_stop();
/// True once request_stop() was called.
bool stop_requested();

/// Expands files and directories to the list of extract files, sorted within each directory.
/// A missing input or a folder that cannot be read is an error; symlinks inside a searched
/// folder are skipped with a warning unless `follow_symlinks`; the same file given twice (by
/// path, link or identical content) is kept once, with a warning.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs,
                                       Diagnostics& diagnostics, bool follow_symlinks = false);

}  // namespace nprcheck
