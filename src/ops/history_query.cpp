// Queries of the run history for `nprcheck history` (list, show, trend) and pruning.
#include <sqlite3.h>

#include "history_sql.hpp"
#include "nprcheck/history.hpp"

namespace nprcheck {

using namespace history_detail;

// ---------------------------------------------------------------------------------------------
// Queries

Result<std::vector<RunInfo>> HistoryDb::list_runs(const std::string& scope, size_t limit) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs";
  if (!scope.empty()) sql += " WHERE scope = ?";
  sql += " ORDER BY id DESC";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return s.error();
  if (!scope.empty()) s.bind(1, scope);
  std::vector<RunInfo> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_run(s));
  if (rc != SQLITE_DONE) return db_error(db_, "history: cannot list runs");
  return out;
}

Result<RunInfo> HistoryDb::run(int64_t id) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return s.error();
  s.bind(1, id);
  int rc = s.step();
  if (rc == SQLITE_ROW) return read_run(s);
  if (rc == SQLITE_DONE) {
    return Status::not_found("no run " + std::to_string(id) + " in the history " + path_);
  }
  return db_error(db_, "history: cannot read run " + std::to_string(id));
}

Result<std::string> HistoryDb::run_manifest_json(int64_t id) {
  Stmt s(db_, "SELECT manifest FROM runs WHERE id = ?");
  if (!s.ok()) return s.error();
  s.bind(1, id);
  int rc = s.step();
  if (rc == SQLITE_ROW) return s.text(0);
  if (rc == SQLITE_DONE) {
    return Status::not_found("no run " + std::to_string(id) + " in the history " + path_);
  }
  return db_error(db_, "history: cannot read run " + std::to_string(id));
}

Result<std::vector<StoredFinding>> HistoryDb::run_findings(int64_t id) {
  Stmt s(db_,
         "SELECT fingerprint, occurrence, rule, rule_version, severity, episode, unit, codes, "
         "message, status, first_seen, nights, waived FROM findings WHERE run_id = ? "
         "ORDER BY seq");
  if (!s.ok()) return s.error();
  s.bind(1, id);
  std::vector<StoredFinding> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredFinding f;
    f.fingerprint = s.hex(0);
    f.occurrence = static_cast<int>(s.i64(1));
    f.rule = s.text(2);
    f.rule_version = static_cast<int>(s.i64(3));
    f.severity = s.text(4);
    f.episode = s.text(5);
    f.unit = s.text(6);
    f.codes = s.text(7);
    f.message = s.text(8);
    f.status = s.text(9);
    f.first_seen = s.text(10);
    f.nights = static_cast<int>(s.i64(11));
    f.waived = s.i64(12) != 0;
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return db_error(db_, "history: cannot read the findings of a run");
  return out;
}

Result<bool> HistoryDb::has_report_set(const std::string& set) {
  Stmt s(db_,
         "SELECT 1 FROM runs WHERE json_valid(manifest) AND "
         "json_extract(manifest, '$.report_set') = ? LIMIT 1");
  if (!s.ok()) return s.error();
  s.bind(1, set);
  int rc = s.step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_error(db_, "history: cannot look up report set");
}

Result<std::optional<RunInfo>> HistoryDb::latest_run(const std::string& scope) {
  auto runs = list_runs(scope, 1);
  if (!runs) return runs.status();
  if (runs->empty()) return std::optional<RunInfo>();
  return std::optional<RunInfo>(runs->front());
}

namespace {

constexpr const char* kTrendColumns =
    "r.id, r.started, r.scope, u.unit, u.unit_name, u.episodes, u.episodes_with_error, "
    "u.findings, u.new_findings, u.resolved";

Result<std::vector<TrendPoint>> read_trend(sqlite3* db, Stmt& s) {
  std::vector<TrendPoint> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    TrendPoint p;
    p.run_id = s.i64(0);
    p.started = s.text(1);
    p.scope = s.text(2);
    p.unit = s.text(3);
    p.unit_name = s.text(4);
    p.episodes = s.u64(5);
    p.episodes_with_error = s.u64(6);
    p.findings = s.u64(7);
    p.new_findings = s.u64(8);
    p.resolved = s.u64(9);
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) return db_error(db, "history: cannot read unit figures");
  return out;
}

}  // namespace

Result<std::vector<TrendPoint>> HistoryDb::run_units(int64_t id) {
  std::string sql = std::string("SELECT ") + kTrendColumns +
                    " FROM unit_counts u JOIN runs r ON r.id = u.run_id WHERE r.id = ? "
                    "ORDER BY u.unit";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return s.error();
  s.bind(1, id);
  return read_trend(db_, s);
}

Result<std::vector<TrendPoint>> HistoryDb::trend(const std::string& unit,
                                                 const std::string& scope) {
  std::string sql = std::string("SELECT ") + kTrendColumns +
                    " FROM unit_counts u JOIN runs r ON r.id = u.run_id WHERE u.unit = ?";
  if (!scope.empty()) sql += " AND r.scope = ?";
  sql += " ORDER BY r.id";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return s.error();
  s.bind(1, unit);
  if (!scope.empty()) s.bind(2, scope);
  return read_trend(db_, s);
}

Result<PruneResult> HistoryDb::prune(int keep_days, const std::string& today) {
  if (keep_days < 0) return Status::usage("--keep-days must be 0 or more");
  auto day = parse_date_time(today);
  if (!day || today.size() != 10) return Status::usage("not a date (YYYY-MM-DD): " + today);
  DateTime cutoff{day->seconds - static_cast<int64_t>(keep_days) * 86400};
  const std::string before = cutoff.date_string();

  if (Status s = exec(db_, "BEGIN IMMEDIATE", "history " + path_ + ": cannot prune"); !s) {
    return s;
  }
  auto fail = [&](Status s) {
    (void)exec(db_, "ROLLBACK", "rollback");
    return s;
  };
  // The runs to delete: started before the cutoff day, and not the newest run of its scope.
  if (Status s = exec(db_,
                      "CREATE TEMP TABLE IF NOT EXISTS prune_runs (id INTEGER PRIMARY KEY); "
                      "DELETE FROM prune_runs;",
                      "history: cannot prune");
      !s) {
    return fail(s);
  }
  Stmt pick(db_,
            "INSERT INTO prune_runs (id) SELECT id FROM runs WHERE substr(started, 1, 10) < ? "
            "AND id NOT IN (SELECT max(id) FROM runs GROUP BY scope)");
  if (!pick.ok()) return fail(pick.error());
  pick.bind(1, before);
  if (Status s = pick.run("history: cannot prune"); !s) return fail(s);
  PruneResult result;
  {
    Stmt count(db_,
               "SELECT (SELECT count(*) FROM prune_runs), (SELECT count(*) FROM findings "
               "WHERE run_id IN (SELECT id FROM prune_runs))");
    if (!count.ok() || count.step() != SQLITE_ROW) return fail(db_error(db_, "history: prune"));
    result.runs = count.u64(0);
    result.findings = count.u64(1);
  }
  if (Status s = exec(db_,
                      "DELETE FROM findings WHERE run_id IN (SELECT id FROM prune_runs); "
                      "DELETE FROM unit_counts WHERE run_id IN (SELECT id FROM prune_runs); "
                      "DELETE FROM rule_counts WHERE run_id IN (SELECT id FROM prune_runs); "
                      "DELETE FROM runs WHERE id IN (SELECT id FROM prune_runs); "
                      "DELETE FROM prune_runs;",
                      "history: cannot prune");
      !s) {
    return fail(s);
  }
  if (Status s = exec(db_, "COMMIT", "history: cannot commit the prune"); !s) return fail(s);
  return result;
}

}  // namespace nprcheck
