#pragma once
/// Reports: findings as JSON lines, CSV, SARIF 2.1.0, JUnit XML and HTML, plus run.json and
/// summary.json. Writers read findings from a replayable stream, never all of them at once.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/escape.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/indicator_chart.hpp"
#include "nprcheck/manifest.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

// ---------------------------------------------------------------------------------------------
// Findings as JSON and as a replayable stream

/// Called once per finding by a FindingSource.
using FindingVisitor = std::function<void(const Finding&)>;
/// Replays every finding, in the stable order, to the visitor; may be called any number of times.
using FindingSource = std::function<Status(const FindingVisitor&)>;

/// One finding as one line of JSON (no newline), keys in a fixed order: byte-stable.
/// Keys: rule, version, severity, episode, pasient, unit, unit_name, avdeling, dato, file, line,
/// codes [{value, system, year, text}], message; and when set: status (new|persisting),
/// first_seen, nights, waived, waiver_reason. Invalid UTF-8 is replaced by U+FFFD.
std::string finding_to_json(const Finding& f);
/// Appends finding_to_json(f) to `out` (no newline): no allocation but `out`'s growth and the
/// fingerprint.
void append_finding_json(std::string& out, const Finding& f);
/// Parses one line written by finding_to_json(); unknown keys are ignored, wrong types fail.
Result<Finding> finding_from_json(std::string_view line);

/// Re-reads a findings.ndjson file on every call; errors name `path:line`.
FindingSource ndjson_source(std::string path);
/// Replays a vector the caller keeps alive (tests, small runs).
FindingSource vector_source(const std::vector<Finding>& findings);
/// Writes every finding of `source` as one JSON line (rewriting findings.ndjson after waivers).
Status write_ndjson(const std::string& path, const FindingSource& source);
/// Copies `source` into a compact binary file at `path` (the caller removes it) and returns a
/// source replaying that file: many times faster than re-parsing findings.ndjson per pass.
Result<FindingSource> spill_findings(const std::string& path, const FindingSource& source);
/// Appends the record spill_findings() would write for `f` after a round trip through its
/// findings.ndjson line (invalid UTF-8 replaced, nights below 1 as 0, no order keys), so that a
/// run can spill its findings while it writes them instead of parsing findings.ndjson back.
void append_spill_record(std::string& out, const Finding& f);
/// Replays a file of append_spill_record() records (the caller removes it); a damaged file is
/// an invalid_input error.
FindingSource spill_file_source(std::string path);

// ---------------------------------------------------------------------------------------------
// Run manifest and key figures

/// Counts of one unit or rule in the previous run of the same scope.
struct PreviousCounts {
  uint64_t episodes = 0;
  uint64_t findings = 0;
  uint64_t episodes_with_error = 0;
  uint64_t resolved = 0;  ///< findings of the previous run that this run no longer has
};

/// Key figures of the previous run (from the run history: the ops module fills this). With it,
/// summary.json and the index page show the change since the previous run; without it they
/// leave the change out.
struct PreviousRun {
  std::string started;  ///< when the previous run started (ISO 8601)
  PreviousCounts total;
  std::map<std::string, PreviousCounts> per_unit;  ///< key: level-2 unit reshID
  std::map<std::string, PreviousCounts> per_rule;  ///< key: rule id
};

/// One earlier run of a unit, for the trend on its page.
struct TrendRunPoint {
  std::string started;  ///< ISO 8601
  uint64_t episodes = 0;
  uint64_t episodes_with_error = 0;
  uint64_t findings = 0;  ///< not waived
};

/// A finding of the previous run of the scope that this run no longer has.
struct ResolvedFinding {
  std::string rule;
  std::string severity;  ///< error | warning | info
  std::string episode;
  std::string unit;
  std::string avdeling;
  std::string dato;
  std::string codes;  ///< code values joined by ' '
  std::string message;
};

/// What the run history adds to the unit pages (the ops module fills it).
struct ReportTrend {
  /// Per level-2 unit: the earlier runs of the scope, oldest first (this run not included).
  std::map<std::string, std::vector<TrendRunPoint>> per_unit;
  /// Resolved since the previous run (not waived there), in its order; at most `kMaxResolved`.
  std::vector<ResolvedFinding> resolved;
  bool resolved_truncated = false;  ///< more were resolved than `resolved` holds
  static constexpr size_t kMaxResolved = 5000;
};

/// run.json as a string (pretty-printed, keys in a fixed order, ends with a newline).
std::string run_manifest_to_json(const RunManifest& m);
/// Parses run.json (as written by run_manifest_to_json()).
Result<RunManifest> run_manifest_from_json(std::string_view text);
/// Writes run.json.
Status write_run_json(const std::string& path, const RunManifest& m);

/// Writes summary.json: per unit and per rule the episodes, findings, episodes with at least one
/// error and the error rate; with `previous`, the change since then. Streams `source` once.
/// With `indicators`, an `indicators` section: every chart and the signals.
Status write_summary_json(const std::string& path, const RunManifest& m,
                          const FindingSource& source, const PreviousRun* previous = nullptr,
                          const IndicatorReport* indicators = nullptr);
/// summary.json from the manifest's tally alone (no pass over the findings): the same figures,
/// except that per rule the episode counts and rates are null. Prefer the overload above.
Status write_summary_json(const std::string& path, const RunManifest& m,
                          const PreviousRun* previous = nullptr);
/// Reads the key figures back from a summary.json, as the baseline for the next run's change.
Result<PreviousRun> previous_run_from_summary_json(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Report formats

/// How reports link and compare; the defaults suit a plain `nprcheck check`.
struct ReportOptions {
  /// Absolute URI (https://...) of a published folder of the rule docs `<ID>.md`: SARIF's
  /// helpUri. Empty: no helpUri (the HTML report links its own pages in html/rules/).
  std::string docs_base_uri;
  /// The previous run's key figures (ops); nullptr: no change columns.
  const PreviousRun* previous = nullptr;
  /// The indicator charts of the run; nullptr: no indicator sections.
  const IndicatorReport* indicators = nullptr;
  /// Earlier runs and resolved findings (ops); nullptr: no trend section.
  const ReportTrend* trend = nullptr;
  /// The name of an avdeling (reshID) from the units catalogue, "" if unknown; unset: none.
  std::function<std::string(const std::string&)> avdeling_name;
  /// The run's --fail-on: in junit.xml a rule fails a unit only with findings at or above it
  /// (as the exit code); findings below it are listed in the testcase's system-out.
  Severity fail_on = Severity::kError;
};

/// findings.csv: `;`-separated, UTF-8 with BOM, CRLF, Norwegian headers, RFC 4180 quoting, cells
/// starting with = + - @ (or tab, CR) prefixed with `'` against formula injection.
Status write_findings_csv(const std::string& path, const FindingSource& source);
/// One CSV per level-2 unit in `dir` (created): `dir/unit-<stem>.csv`, stem from unit_file_stem().
Status write_unit_csvs(const std::string& dir, const RunManifest& m, const FindingSource& source);
/// SARIF 2.1.0: one reportingDescriptor per rule id (the guidance in help.text/markdown; helpUri
/// only under a configured absolute `rules_docs_base_uri`), one result per finding.
Status write_sarif(const std::string& path, const RunManifest& m, const FindingSource& source,
                   const std::string& rules_docs_base_uri);
/// JUnit XML: one testsuite per level-2 unit, one testcase per rule, failures listing findings
/// at or above `fail_on` (the verdict follows --fail-on, as the exit code does).
Status write_junit(const std::string& path, const RunManifest& m, const FindingSource& source,
                   Severity fail_on = Severity::kError);
/// HTML: `dir/index.html` (overview per unit) and `dir/unit-<stem>.html` (one unit's findings),
/// each one self-contained file (inline CSS/JS), every input value HTML-escaped.
Status write_html(const std::string& dir, const RunManifest& m, const FindingSource& source,
                  const ReportOptions& options = {});

/// What the engine calls: findings.csv always, plus per format: html -> html/, csv -> csv/,
/// sarif -> findings.sarif, junit -> junit.xml (all inside `stage_dir`). run.json and
/// summary.json are written separately. An unknown format is a usage error, nothing written.
Status write_reports(const std::string& stage_dir, const RunManifest& m,
                     const FindingSource& source, const std::vector<std::string>& formats,
                     const ReportOptions& options = {});

/// The report formats write_reports() knows: html, csv, sarif, junit.
const std::vector<std::string>& report_formats();

// ---------------------------------------------------------------------------------------------
// Helpers shared with tests and other modules

/// A unit id made safe as a file name part: ids matching [A-Za-z0-9][A-Za-z0-9_-]{0,63} stay as
/// they are; anything else (`../../etc`, empty, too long) becomes `_` + 16 hex digits of SHA-256.
std::string unit_file_stem(std::string_view unit);
/// One CSV cell: formula neutralisation, then RFC 4180 quoting for the `;` separator.
std::string csv_cell(std::string_view text);

}  // namespace nprcheck
