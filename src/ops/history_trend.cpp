// History queries for the unit pages' trend (kept apart from history.cpp): the units' figures
// over the last runs of a scope, and the findings resolved since the previous run.
#include "nprcheck/history_trend.hpp"

#include <sqlite3.h>

#include <memory>

namespace nprcheck {

namespace {

using StmtPtr = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

Result<StmtPtr> prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    sqlite3_finalize(st);
    return Status::io_error(std::string("history: cannot prepare a trend query: ") +
                            sqlite3_errmsg(db));
  }
  return StmtPtr(st, sqlite3_finalize);
}

std::string text(sqlite3_stmt* st, int col) {
  const unsigned char* t = sqlite3_column_text(st, col);
  return t == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(t),
                                    static_cast<size_t>(sqlite3_column_bytes(st, col)));
}

uint64_t u64(sqlite3_stmt* st, int col) {
  return static_cast<uint64_t>(sqlite3_column_int64(st, col));
}

}  // namespace

Result<ReportTrend> load_report_trend(HistoryDb& db, const RunSummary& summary, size_t runs) {
  sqlite3* h = db.handle();
  if (h == nullptr) return Status::usage("history: the database is not open");
  ReportTrend trend;

  // The last `runs` runs of the scope before this one, each unit's figures, oldest first.
  auto points = prepare(h,
                        "SELECT r.started, u.unit, u.episodes, u.episodes_with_error, u.findings "
                        "FROM unit_counts u JOIN runs r ON r.id = u.run_id WHERE r.id IN "
                        "(SELECT id FROM runs WHERE scope = ?1 AND id <> ?2 AND finished <> '' "
                        "ORDER BY id DESC LIMIT ?3) ORDER BY r.id, u.unit");
  if (!points) return points.status();
  sqlite3_stmt* st = points->get();
  sqlite3_bind_text(st, 1, summary.scope.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, summary.run_id);
  sqlite3_bind_int64(st, 3, static_cast<sqlite3_int64>(runs));
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    TrendRunPoint p;
    p.started = text(st, 0);
    p.episodes = u64(st, 2);
    p.episodes_with_error = u64(st, 3);
    p.findings = u64(st, 4);
    trend.per_unit[text(st, 1)].push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) {
    return Status::io_error(std::string("history: cannot read the trend: ") + sqlite3_errmsg(h));
  }

  // Resolved: in the previous run (not waived there), not in this one (same fingerprint and
  // occurrence), in the previous run's order. This run's findings are in the open transaction
  // of the same connection.
  if (summary.previous_run_id) {
    auto res = prepare(h,
                       "SELECT p.rule, p.severity, p.episode, p.unit, p.avdeling, p.dato, "
                       "p.codes, p.message FROM findings p WHERE p.run_id = ?1 AND p.waived = 0 "
                       "AND NOT EXISTS (SELECT 1 FROM findings c WHERE c.run_id = ?2 AND "
                       "c.fingerprint = p.fingerprint AND c.occurrence = p.occurrence) "
                       "ORDER BY p.seq LIMIT ?3");
    if (!res) return res.status();
    st = res->get();
    sqlite3_bind_int64(st, 1, *summary.previous_run_id);
    sqlite3_bind_int64(st, 2, summary.run_id);
    sqlite3_bind_int64(st, 3, static_cast<sqlite3_int64>(ReportTrend::kMaxResolved + 1));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (trend.resolved.size() == ReportTrend::kMaxResolved) {
        trend.resolved_truncated = true;
        break;
      }
      ResolvedFinding f;
      f.rule = text(st, 0);
      f.severity = text(st, 1);
      f.episode = text(st, 2);
      f.unit = text(st, 3);
      f.avdeling = text(st, 4);
      f.dato = text(st, 5);
      f.codes = text(st, 6);
      f.message = text(st, 7);
      trend.resolved.push_back(std::move(f));
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      return Status::io_error(std::string("history: cannot read the resolved findings: ") +
                              sqlite3_errmsg(h));
    }
  }
  return trend;
}

}  // namespace nprcheck
