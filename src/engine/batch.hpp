#pragma once
// The evaluate stage of the check pipeline (private to the engine): one batch of episodes is
// prepared, filtered, checked by the rules and counted by the indicators on a worker thread.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "indicator_tally.hpp"
#include "nprcheck/check.hpp"
#include "nprcheck/code_tables.hpp"
#include "nprcheck/indicators.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/rules.hpp"
#include "nprcheck/units.hpp"

namespace nprcheck {

/// What a worker learns from one batch besides its findings.
struct BatchResult {
  std::string ndjson;  ///< the batch's findings as findings.ndjson lines, in order
  std::string spill;   ///< the same findings as binary spill records (append_spill_record)
  uint64_t episodes_checked = 0;
  std::map<std::string, std::pair<std::string, uint64_t>> unit_episodes;  // unit -> (name, n)
  std::set<std::pair<std::string, int>> missing;  // (system, year) of codes left unchecked
  uint64_t unchecked_codes = 0;
  IndicatorTally indicators;                      ///< per unit x month x indicator
  std::map<std::string, uint64_t> unknown_units;  // avdeling not in the catalogue -> episodes
  /// (system, year) already put in `missing` by this batch: a few entries, scanned without
  /// building a string (names are kode_system_name() literals or kAllProcedureTables).
  std::vector<std::pair<const char*, int>> missing_seen;
};

/// Prepares and checks `episodes` (taken over and freed here, on the worker): the episodes the
/// filters of `options` select are evaluated by `rules` and counted by `indicators` (may be
/// null); findings come back as NDJSON lines and spill records, in episode order.
BatchResult process_batch(std::vector<Episode>& episodes, const CheckOptions& options,
                          const CodeTables& tables, const UnitsCatalogue& units,
                          const RuleSet& rules, const IndicatorSet* indicators);

}  // namespace nprcheck
