#pragma once
/// Indicator counts in the run history: each unit's numerator and denominator per indicator and
/// month (`indicator_counts`, schema version 3). A run replaces the months it covers, so
/// re-checking an old month never counts it twice.

#include <cstdint>
#include <string>
#include <vector>

#include "nprcheck/indicator_chart.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// The SQL of the schema migration that adds the indicator tables (registered in
/// history_migrations()).
const char* indicator_history_schema_sql();

/// Every stored count: for each unit, month and indicator the one of the latest run that
/// covered it. The database must exist and be migrated (HistoryDb::open).
Result<std::vector<IndicatorRow>> load_indicator_history(const std::string& db_path);

/// What a run covered: every (unit, month) of its rows, and with `whole_months` (a run without
/// unit filter) every unit of those months.
struct IndicatorCoverage {
  std::vector<IndicatorRow> rows;
  bool whole_months = true;
};

/// The stored rows that `run` does not replace, followed by the run's rows.
std::vector<IndicatorRow> merge_indicator_rows(const std::vector<IndicatorRow>& stored,
                                               const IndicatorCoverage& run);

/// Stores a committed run's counts in one transaction: rows of earlier runs for the months the
/// run covers are deleted first. Hold the history lock (RunLock) while calling.
Status store_indicator_counts(const std::string& db_path, int64_t run_id,
                              const IndicatorCoverage& run);

}  // namespace nprcheck
