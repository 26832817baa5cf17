#pragma once
// Key figures per unit and per rule, counted from the findings in one pass (private to the
// report module): what summary.json, the index page and the unit pages show.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nprcheck/manifest.hpp"
#include "nprcheck/report.hpp"

namespace nprcheck::report {

/// Counts of one rule (overall, or within one unit).
struct RuleFigures {
  std::string rule;
  uint64_t findings = 0;               ///< not waived
  uint64_t episodes_with_finding = 0;  ///< episodes where the rule fired (not waived)
  uint64_t episodes_with_error = 0;    ///< ... with error severity
  uint64_t new_findings = 0;           ///< novelty kNew, not waived
  uint64_t persisting = 0;             ///< novelty kPersisting, not waived
  uint64_t waived = 0;
  Severity severity = Severity::kInfo;  ///< highest severity seen
};

/// Counts of one level-2 unit.
struct UnitFigures {
  std::string unit;
  std::string unit_name;
  uint64_t episodes = 0;  ///< checked (from the manifest)
  uint64_t findings = 0;  ///< not waived
  uint64_t episodes_with_finding = 0;
  uint64_t episodes_with_error = 0;
  uint64_t new_findings = 0;
  uint64_t persisting = 0;
  uint64_t waived = 0;
  std::map<Severity, uint64_t> per_severity;  ///< not waived
  std::map<std::string, RuleFigures> per_rule;
  std::vector<std::string> avdelinger;  ///< avdeling reshIDs seen in its findings, sorted
  /// Rules ordered by findings, most first (ties: rule id).
  [[nodiscard]] std::vector<const RuleFigures*> top_rules(size_t n) const;
};

/// Everything counted over a run.
struct KeyFigures {
  uint64_t episodes = 0;
  uint64_t findings = 0;  ///< not waived
  uint64_t episodes_with_finding = 0;
  uint64_t episodes_with_error = 0;
  uint64_t new_findings = 0;
  uint64_t persisting = 0;
  uint64_t waived = 0;
  bool novelty_known = false;       ///< some finding carries new/persisting (a run with history)
  bool rule_episodes_known = true;  ///< false when built from the manifest alone
  std::map<Severity, uint64_t> per_severity;
  std::map<std::string, UnitFigures> units;  ///< every unit of the manifest and the findings
  std::map<std::string, RuleFigures> rules;  ///< every rule of the manifest and the findings
  /// Units ordered by error rate, highest first (ties: more episodes with error, then id).
  [[nodiscard]] std::vector<const UnitFigures*> units_by_error_rate() const;
};

/// Counts the findings of `source` (one pass) on top of the manifest's episodes per unit.
/// Findings of one episode must be adjacent (the stable order guarantees it).
Result<KeyFigures> compute_key_figures(const RunManifest& m, const FindingSource& source);

/// The key figures the manifest's tally already holds (no pass over the findings): per rule
/// only the findings are known, not the episodes (rule_episodes_known = false).
KeyFigures key_figures_from_manifest(const RunManifest& m);

/// The rules in report order: the manifest's order, then ids only seen in findings (sorted).
std::vector<std::string> ordered_rule_ids(const RunManifest& m, const KeyFigures& k);
/// The manifest entry of a rule, or nullptr.
const ManifestRule* find_rule(const RunManifest& m, const std::string& id);

}  // namespace nprcheck::report
