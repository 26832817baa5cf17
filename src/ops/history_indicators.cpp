// Indicator counts in the run history (table indicator_counts).
#include "nprcheck/history_indicators.hpp"

#include <sqlite3.h>

#include <set>
#include <utility>

namespace nprcheck {

namespace {

constexpr int kBusyTimeoutMs = 60000;

const char* const kIndicatorSchema = R"sql(
-- One row per run, month, unit and indicator. Storing a run deletes the rows of earlier runs
-- for the months it covers (all units, or only its units when it was filtered by unit), so
-- the table holds, for every month, the figures of the latest run that checked it. No foreign
-- key to runs: pruning old runs keeps the monthly figures.
CREATE TABLE indicator_counts (
  run_id INTEGER NOT NULL,
  period TEXT NOT NULL,
  unit TEXT NOT NULL,
  unit_name TEXT NOT NULL DEFAULT '',
  indicator TEXT NOT NULL,
  indicator_version INTEGER NOT NULL DEFAULT 1,
  numerator INTEGER NOT NULL,
  denominator INTEGER NOT NULL,
  PRIMARY KEY (period, unit, indicator, run_id)
) WITHOUT ROWID;
CREATE INDEX indicator_counts_by_run ON indicator_counts (run_id);
)sql";

// An open connection; closed when destroyed.
struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close(db); }
  Status error(const std::string& what) const {
    return Status::io_error(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
  }
};

// A prepared statement; finalized when destroyed.
struct Query {
  sqlite3_stmt* s = nullptr;
  Query(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Query() { sqlite3_finalize(s); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  void text(int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void i64(int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
  std::string col_text(int i) const {
    const auto* t = sqlite3_column_text(s, i);
    return t != nullptr ? reinterpret_cast<const char*>(t) : "";
  }
  int again() {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
  }
};

Status open_db(const std::string& path, Db& out) {
  if (sqlite3_open_v2(path.c_str(), &out.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    return out.error("cannot open history database " + path);
  }
  sqlite3_busy_timeout(out.db, kBusyTimeoutMs);
  return Status::ok();
}

// The months a run replaces for one unit: whole months replace every unit.
bool replaced(const IndicatorCoverage& run, const std::set<int>& months,
              const std::set<std::pair<std::string, int>>& unit_months, const IndicatorRow& r) {
  return run.whole_months ? months.count(r.period) != 0
                          : unit_months.count({r.unit, r.period}) != 0;
}

}  // namespace

const char* indicator_history_schema_sql() { return kIndicatorSchema; }

Result<std::vector<IndicatorRow>> load_indicator_history(const std::string& db_path) {
  Db db;
  if (Status s = open_db(db_path, db); !s) return s;
  // The latest run's row per (period, unit, indicator); earlier ones are deleted on store, the
  // max() keeps this true for a database written concurrently by hand.
  Query q(db.db,
          "SELECT c.period, c.unit, c.unit_name, c.indicator, c.numerator, c.denominator, "
          "c.indicator_version "
          "FROM indicator_counts c WHERE c.run_id = (SELECT max(run_id) FROM indicator_counts d "
          "WHERE d.period = c.period AND d.unit = c.unit AND d.indicator = c.indicator) "
          "ORDER BY c.unit, c.period, c.indicator");
  if (q.s == nullptr) return db.error("history " + db_path + ": cannot read indicator counts");
  std::vector<IndicatorRow> out;
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    IndicatorRow r;
    r.period = parse_period(q.col_text(0));
    r.unit = q.col_text(1);
    r.unit_name = q.col_text(2);
    r.indicator = q.col_text(3);
    r.numerator = static_cast<uint64_t>(sqlite3_column_int64(q.s, 4));
    r.denominator = static_cast<uint64_t>(sqlite3_column_int64(q.s, 5));
    r.version = static_cast<int>(sqlite3_column_int64(q.s, 6));
    if (r.period != 0) out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return db.error("history " + db_path + ": cannot read indicator counts");
  return out;
}

std::vector<IndicatorRow> merge_indicator_rows(const std::vector<IndicatorRow>& stored,
                                               const IndicatorCoverage& run) {
  std::set<int> months;
  std::set<std::pair<std::string, int>> unit_months;
  for (const auto& r : run.rows) {
    months.insert(r.period);
    unit_months.insert({r.unit, r.period});
  }
  std::vector<IndicatorRow> out;
  for (const auto& r : stored) {
    if (!replaced(run, months, unit_months, r)) out.push_back(r);
  }
  out.insert(out.end(), run.rows.begin(), run.rows.end());
  return out;
}

Status store_indicator_counts(const std::string& db_path, int64_t run_id,
                              const IndicatorCoverage& run) {
  Db db;
  if (Status s = open_db(db_path, db); !s) return s;
  const std::string what = "history " + db_path + ": cannot store indicator counts";
  if (sqlite3_exec(db.db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return db.error(what);
  }
  auto fail = [&]() {
    Status s = db.error(what);
    sqlite3_exec(db.db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  std::set<int> months;
  std::set<std::pair<std::string, int>> unit_months;
  for (const auto& r : run.rows) {
    months.insert(r.period);
    unit_months.insert({r.unit, r.period});
  }
  {
    Query del_month(db.db, "DELETE FROM indicator_counts WHERE period = ?");
    Query del_unit(db.db, "DELETE FROM indicator_counts WHERE period = ? AND unit = ?");
    Query ins(db.db,
              "INSERT OR REPLACE INTO indicator_counts (run_id, period, unit, unit_name, "
              "indicator, numerator, denominator, indicator_version) VALUES (?, ?, ?, ?, ?, ?, ?, "
              "?)");
    if (del_month.s == nullptr || del_unit.s == nullptr || ins.s == nullptr) return fail();
    if (run.whole_months) {
      for (int m : months) {
        del_month.text(1, period_text(m));
        if (del_month.again() != SQLITE_DONE) return fail();
      }
    } else {
      for (const auto& [unit, m] : unit_months) {
        del_unit.text(1, period_text(m));
        del_unit.text(2, unit);
        if (del_unit.again() != SQLITE_DONE) return fail();
      }
    }
    for (const auto& r : run.rows) {
      ins.i64(1, run_id);
      ins.text(2, period_text(r.period));
      ins.text(3, r.unit);
      ins.text(4, r.unit_name);
      ins.text(5, r.indicator);
      ins.i64(6, static_cast<int64_t>(r.numerator));
      ins.i64(7, static_cast<int64_t>(r.denominator));
      ins.i64(8, r.version);
      if (ins.again() != SQLITE_DONE) return fail();
    }
  }
  if (sqlite3_exec(db.db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return fail();
  return Status::ok();
}

}  // namespace nprcheck
