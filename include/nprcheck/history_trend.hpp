#pragma once
/// What the run history adds to the unit pages: each unit's figures over the last runs of the
/// scope, and the findings resolved since the previous run.

#include <cstddef>

#include "nprcheck/history.hpp"
#include "nprcheck/report.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// The trend for the reports of the run `summary` describes (being recorded in `db`, not yet
/// committed): per unit the last `runs` earlier runs of its scope, oldest first, and the
/// findings of the previous run (not waived there) that this run does not have, in their order
/// (at most ReportTrend::kMaxResolved).
Result<ReportTrend> load_report_trend(HistoryDb& db, const RunSummary& summary, size_t runs = 12);

}  // namespace nprcheck
