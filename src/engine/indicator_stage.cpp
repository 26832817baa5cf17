// The indicator steps of a check run.
#include "indicator_stage.hpp"

#include <spdlog/spdlog.h>

#include "nprcheck/default_paths.hpp"
#include "nprcheck/run_lock.hpp"

namespace nprcheck {

namespace {

bool has_ad_hoc_filter(const CheckOptions& o) {
  return !o.unit.empty() || !o.rule_glob.empty() || o.from || o.to || !o.episode_id.empty();
}

}  // namespace

void count_indicators(Episode& episode, const std::vector<Finding>& findings, size_t first,
                      const IndicatorSet& set, const CodeTables& tables,
                      std::optional<expr::Frame>& frame, IndicatorTally& tally) {
  uint32_t feil = 0;
  for (size_t i = first; i < findings.size(); ++i) {
    if (findings[i].severity == Severity::kError) ++feil;
  }
  episode.feil = feil;
  if (!frame) frame.emplace(episode, &tables);
  set.evaluate(episode, *frame,
               tally.counts(episode.unit, episode.unit_name, episode_period(episode)));
}

std::vector<IndicatorMeta> indicator_metas(const IndicatorSet& set) {
  std::vector<IndicatorMeta> out;
  for (const auto& i : set.infos()) {
    out.push_back({i.id, i.title, i.kind == IndicatorKind::kMean,
                   i.direction == IndicatorDirection::kHigherIsWorse, i.version});
  }
  return out;
}

Result<std::shared_ptr<const IndicatorSet>> load_run_indicators(const CheckOptions& options,
                                                                Diagnostics& diagnostics) {
  if (!options.indicators) return std::shared_ptr<const IndicatorSet>();
  std::string dir =
      options.indicators_dir.empty() ? default_indicators_dir() : options.indicators_dir;
  auto set = IndicatorSet::load(dir, diagnostics);
  if (!set) {
    if (!set.status().message().empty()) diagnostics.error(dir, 0, 0, set.status().message());
    return set.status();
  }
  return std::shared_ptr<const IndicatorSet>(std::make_shared<IndicatorSet>(std::move(*set)));
}

Result<IndicatorReport> run_indicator_report(const CheckOptions& options, const IndicatorSet& set,
                                             const IndicatorCoverage& coverage,
                                             const std::set<std::string>& units) {
  std::vector<IndicatorRow> rows = coverage.rows;
  if (!options.history_db.empty()) {
    auto stored = load_indicator_history(options.history_db);
    if (!stored) return stored.status();
    // A filtered run (say one unit) stands in only for what it looked at.
    IndicatorCoverage covered = coverage;
    covered.whole_months = !has_ad_hoc_filter(options);
    rows = merge_indicator_rows(*stored, covered);
  }
  return build_indicator_report(indicator_metas(set), rows, kIndicatorWindow, &units);
}

Status store_run_indicators(const CheckOptions& options, int64_t run_id,
                            const IndicatorCoverage& coverage) {
  if (options.history_db.empty()) return Status::ok();
  if (has_ad_hoc_filter(options)) {
    spdlog::info("indicator counts not stored: the run has ad-hoc filters");
    return Status::ok();
  }
  // The caller's NightlyRun holds the history lock until the report set is published.
  return store_indicator_counts(options.history_db, run_id, coverage);
}

}  // namespace nprcheck
