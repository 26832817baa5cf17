#pragma once
/// Run history: every run's manifest and findings in one SQLite file, so that each finding is
/// classified as new or persisting (first seen, nights) and resolved findings are counted,
/// compared with the previous run of the same scope.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nprcheck/check.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/manifest.hpp"
#include "nprcheck/report.hpp"
#include "nprcheck/status.hpp"
#include "nprcheck/waivers.hpp"

struct sqlite3;

namespace nprcheck {

/// The schema version this build writes (meta.schema_version); newer databases are refused.
inline constexpr int kHistorySchemaVersion = 3;

/// One schema step: the SQL that takes a database from version `version - 1` to `version`.
struct HistoryMigration {
  int version = 0;
  const char* description = "";
  const char* sql = "";
};

/// Every migration, oldest first (exposed for tests and docs).
const std::vector<HistoryMigration>& history_migrations();

/// The scope key of a run: which part of the data it looked at. Runs are only compared with
/// the previous run of the same scope. Built from the ad-hoc filters (unit, rule glob, date
/// range, episode), NOT from the input file names, which change every night:
/// `unit=4200;rule=BV-*;from=;to=;episode=`; the nightly run over everything is `all`.
std::string scope_key(const CheckOptions& options);

/// New, persisting and resolved findings (one unit, one rule, or the whole run).
struct ChangeCounts {
  uint64_t new_findings = 0;
  uint64_t persisting = 0;
  uint64_t resolved = 0;    ///< in the previous run of the scope, not in this one
  uint64_t new_errors = 0;  ///< new, severity error and not waived (for --max-new-errors)
};

/// What record_run() found, for the reports and the exit code.
struct RunSummary {
  int64_t run_id = 0;
  std::string scope;
  std::optional<int64_t> previous_run_id;  ///< none: first run of this scope (all findings new)
  std::string previous_started;            ///< ISO 8601, when the previous run started
  ChangeCounts total;
  std::map<std::string, ChangeCounts> per_unit;  ///< key: level-2 unit reshID
  std::map<std::string, ChangeCounts> per_rule;  ///< key: rule id
  /// The previous run's key figures (for summary.json and the index page), when there is one.
  std::optional<PreviousRun> previous;
};

/// One run as `history list` shows it.
struct RunInfo {
  int64_t id = 0;
  std::string started;
  std::string finished;
  std::string scope;
  std::string tool_version;
  std::string rules_hash;
  uint64_t episodes = 0;
  uint64_t episodes_with_error = 0;
  uint64_t findings = 0;  ///< not waived
  uint64_t errors = 0;    ///< not waived
  uint64_t waived = 0;
  uint64_t new_findings = 0;
  uint64_t persisting = 0;
  uint64_t resolved = 0;
  std::optional<int64_t> previous_run_id;
};

/// One unit in one run (`history trend`, `history show`).
struct TrendPoint {
  int64_t run_id = 0;
  std::string started;
  std::string scope;
  std::string unit;
  std::string unit_name;
  uint64_t episodes = 0;
  uint64_t episodes_with_error = 0;
  uint64_t findings = 0;
  uint64_t new_findings = 0;
  uint64_t resolved = 0;
  /// episodes_with_error / episodes (0 when the unit had no episodes).
  [[nodiscard]] double error_rate() const;
};

/// One finding as stored for a run (`history show`).
struct StoredFinding {
  std::string fingerprint;
  int occurrence = 0;  ///< 0 for the first finding with this fingerprint in the run, 1, ...
  std::string rule;
  int rule_version = 1;
  std::string severity;
  std::string episode;
  std::string unit;
  std::string codes;  ///< code values joined by ' '
  std::string message;
  std::string status;  ///< new | persisting
  std::string first_seen;
  int nights = 0;
  bool waived = false;
};

/// What prune() removed.
struct PruneResult {
  uint64_t runs = 0;
  uint64_t findings = 0;
};

class HistoryDb;

/// One run being recorded: ONE transaction from begin_run() to commit(). Destroying it without
/// commit() rolls the transaction back, and a process killed meanwhile leaves the database as
/// it was before the run (SQLite's journal). Not thread-safe: one thread adds findings.
class RunRecorder {
 public:
  RunRecorder(RunRecorder&& other) noexcept;
  RunRecorder& operator=(RunRecorder&&) = delete;
  RunRecorder(const RunRecorder&) = delete;
  ~RunRecorder();

  /// Classifies `f` against the previous run of the scope (sets novelty, first_seen, nights;
  /// keeps waived/waiver_reason as given) and stores it. Call in the stable finding order, after
  /// the waivers were applied.
  Status add(Finding& f);
  /// Counts the resolved findings and returns the summary (new/persisting/resolved per unit and
  /// rule, the previous run's figures) without committing: for the reports, which are written
  /// before the run is committed. No add() after it. Calling it again returns the same.
  Result<RunSummary> summarize();
  /// Stores the run's manifest (tallied: call after the counts are final) and the counts, and
  /// commits (summarizing first if not done). The recorder is finished afterwards.
  Result<RunSummary> commit(const RunManifest& manifest);
  /// Rolls the run back (also what the destructor does when commit() was not called).
  void abandon();

  /// A hook for tests: called after every `n`th add() (to kill the process mid-transaction).
  void set_test_hook(uint64_t every_n, void (*hook)(uint64_t added));

 private:
  friend class HistoryDb;
  struct Impl;
  explicit RunRecorder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The history database (one SQLite file, WAL mode, busy timeout). Writers should hold the
/// RunLock of the database (run_lock.hpp) so that two runs do not interleave.
class HistoryDb {
 public:
  /// Opens `path`, creating it (its folder and its schema) when `create` is true, and applies
  /// pending migrations. Refuses a database written by a newer nprcheck (schema version above
  /// kHistorySchemaVersion) or a file that is not an nprcheck history.
  static Result<HistoryDb> open(const std::string& path, bool create = true);
  HistoryDb(HistoryDb&& other) noexcept;
  HistoryDb& operator=(HistoryDb&& other) noexcept;
  HistoryDb(const HistoryDb&) = delete;
  ~HistoryDb();

  /// The schema version of the open database.
  [[nodiscard]] int schema_version() const;
  [[nodiscard]] const std::string& path() const { return path_; }

  /// Starts recording a run of `scope` that started at `started` (ISO 8601; its first 10
  /// characters are the date used as first_seen). Takes the write lock of the database.
  Result<RunRecorder> begin_run(const std::string& scope, const std::string& started);

  /// Runs, newest first; `scope` empty: every scope; `limit` 0: all.
  Result<std::vector<RunInfo>> list_runs(const std::string& scope = {}, size_t limit = 0);
  /// One run; not_found if there is no such run.
  Result<RunInfo> run(int64_t id);
  /// The manifest (run.json text) stored with a run.
  Result<std::string> run_manifest_json(int64_t id);
  /// A run's findings in the order they were recorded.
  Result<std::vector<StoredFinding>> run_findings(int64_t id);
  /// A recorded run wrote the report set `set` (run.json's `report_set`).
  Result<bool> has_report_set(const std::string& set);
  /// The newest run of `scope`, if any.
  Result<std::optional<RunInfo>> latest_run(const std::string& scope);
  /// Every unit's figures in one run, by unit id.
  Result<std::vector<TrendPoint>> run_units(int64_t id);
  /// One unit's figures per run, oldest first; `scope` empty: every scope.
  Result<std::vector<TrendPoint>> trend(const std::string& unit, const std::string& scope = {});
  /// Deletes runs that started before `today` minus `keep_days` days, except the newest run of
  /// each scope (the next run is compared with it). `today` is YYYY-MM-DD.
  Result<PruneResult> prune(int keep_days, const std::string& today);

  /// `PRAGMA integrity_check` says ok.
  Status check_integrity();

  /// The connection, for queries kept in their own files (history_trend.cpp).
  [[nodiscard]] sqlite3* handle() const { return db_; }

 private:
  HistoryDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
};

/// Convenience for small runs and tests: begin_run(), add() every finding of `findings` (in
/// order; they get their novelty), commit(manifest).
Result<RunSummary> record_run(HistoryDb& db, const std::string& scope, const RunManifest& manifest,
                              std::vector<Finding>& findings);

/// The nightly step over a stream of findings: every finding of `source`, in order, gets the
/// waivers applied (when `waivers` is given), is classified and stored (when `history` is given)
/// and is written as one JSON line (finding_to_json) to `out_ndjson`. Written to
/// `out_ndjson.tmp` and renamed over `out_ndjson` at the end, so `source` may be
/// ndjson_source(out_ndjson) itself. Returns how many findings were written.
Result<uint64_t> annotate_findings(const FindingSource& source, const std::string& out_ndjson,
                                   WaiverMatcher* waivers, RunRecorder* history);

/// Everything a check run does with the history, the waivers and the run lock, in three calls:
/// start() before the inputs are read, annotate() once findings.ndjson is complete (before the
/// tally and the reports), finish() after the reports were sealed and before they are
/// published (the history commit is the run's commit point). Without
/// `history_db` and `waivers_file` in the options every call does nothing.
class NightlyRun {
 public:
  /// Takes the history lock `<history>.lock` (waiting up to options.lock_wait_seconds;
  /// `should_stop` ends the wait early), opens the history (creating and migrating it) and
  /// loads the waivers file. Every problem (lock held, newer database, errors in the waivers
  /// file) is an error in `diagnostics` and a failed Status: the run must stop with exit 2.
  static Result<NightlyRun> start(const CheckOptions& options, Diagnostics& diagnostics,
                                  const std::function<bool()>& should_stop = {});
  NightlyRun(NightlyRun&&) noexcept;
  NightlyRun& operator=(NightlyRun&&) noexcept;
  ~NightlyRun();  ///< rolls an unfinished run back, releases the lock

  /// History or waivers are in use.
  [[nodiscard]] bool active() const;

  /// Rewrites `ndjson` in place: waivers applied (waived, waiver_reason), and with a history
  /// each finding classified and stored (status, first_seen, nights) in the still uncommitted
  /// run. With waivers, writes `stage_dir/waivers.json` and reports expired and unmatched
  /// waivers as warnings. `started` is the run's start (ISO 8601): its date is "today" for the
  /// waivers and first_seen.
  Status annotate(const std::string& ndjson, const std::string& stage_dir,
                  const std::string& started, Diagnostics& diagnostics);

  /// The history's summary after annotate() (new/persisting/resolved per unit and rule, the
  /// previous run's figures for summary.json), or nullptr without a history.
  [[nodiscard]] const RunSummary* summary() const;
  /// New error findings (not waived) since the previous run of the scope; 0 without history.
  [[nodiscard]] uint64_t new_errors() const;
  /// What became of the waivers (empty without waivers).
  [[nodiscard]] const WaiverReport& waiver_report() const;
  /// The open history (with the run being recorded in it), or nullptr without one.
  [[nodiscard]] HistoryDb* history();

  /// Commits the run to the history with its final (tallied) manifest when `record`, else rolls
  /// it back (a run with input errors should not become the baseline of the next night). The
  /// lock is kept until the NightlyRun is destroyed (the reports are published under it).
  Status finish(const RunManifest& manifest, bool record);

  /// Closes the history and releases the lock (after the reports were published; the
  /// destructor does it too).
  void release();

  /// The history recorded a run that wrote report set `set` (false without a history).
  [[nodiscard]] bool report_set_committed(const std::string& set) const;

 private:
  struct Impl;
  explicit NightlyRun(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nprcheck
