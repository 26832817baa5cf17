#pragma once
/// Private: the indicator steps of a check run (load, chart with the history, store).

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "indicator_tally.hpp"
#include "nprcheck/check.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/expr.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/history_indicators.hpp"
#include "nprcheck/indicators.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// Loads the run's indicator set (options.indicators_dir, else the bundled one); nullptr when
/// indicators are off. Errors go to `diagnostics` and make the result a failure.
Result<std::shared_ptr<const IndicatorSet>> load_run_indicators(const CheckOptions& options,
                                                                Diagnostics& diagnostics);

/// The charts of a run: its own counts, after the stored months of the history (when the run
/// has one) that it does not replace; charts only for `units` (this run's units).
Result<IndicatorReport> run_indicator_report(const CheckOptions& options, const IndicatorSet& set,
                                             const IndicatorCoverage& coverage,
                                             const std::set<std::string>& units);

/// Stores the run's counts in the history when the run may (the caller holds the history lock,
/// as NightlyRun does until the set is published): a history
/// is configured and the run had no ad-hoc filters (a filtered run covers months partially).
Status store_run_indicators(const CheckOptions& options, int64_t run_id,
                            const IndicatorCoverage& coverage);

/// Counts one prepared episode into `tally`: sets episode.feil from its error findings (those
/// of `findings` from index `first` on), then evaluates every indicator. `frame` is created on
/// first use and re-bound afterwards (one per batch).
void count_indicators(Episode& episode, const std::vector<Finding>& findings, size_t first,
                      const IndicatorSet& set, const CodeTables& tables,
                      std::optional<expr::Frame>& frame, IndicatorTally& tally);

/// The meta data charts need, from the indicator files.
std::vector<IndicatorMeta> indicator_metas(const IndicatorSet& set);

}  // namespace nprcheck
