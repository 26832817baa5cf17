// Counting findings per rule, severity and unit.
#include "tally.hpp"

#include <string>

namespace nprcheck {

void tally_findings(RunManifest& m, const FindingSource& source) {
  m.findings = 0;
  m.per_rule.clear();
  m.per_severity.clear();
  for (auto& [unit, uc] : m.per_unit) {
    uc.per_rule.clear();
    uc.per_severity.clear();
    uc.episodes_with_error = 0;
    uc.episodes_with_finding = 0;
  }
  // Findings of one episode are adjacent: count an episode once when its key changes.
  std::string last_episode;
  bool last_had_error = false;
  bool last_had_finding = false;
  (void)source([&](const Finding& f) {
    std::string key = f.file + '\x1f' + f.episode_id;
    auto& uc = m.per_unit[f.unit];
    if (uc.unit.empty()) {
      uc.unit = f.unit;
      uc.unit_name = f.unit_name;
    }
    if (key != last_episode) {
      last_episode = key;
      last_had_error = false;
      last_had_finding = false;
    }
    ++m.findings;
    if (f.waived) {
      ++m.per_severity["waived"];
      ++uc.per_severity["waived"];
      return;
    }
    if (!last_had_finding) {
      last_had_finding = true;
      ++uc.episodes_with_finding;
    }
    const char* sev = severity_name(f.severity);
    ++m.per_severity[sev];
    ++m.per_rule[f.rule_id];
    ++uc.per_severity[sev];
    ++uc.per_rule[f.rule_id];
    if (f.severity == Severity::kError && !last_had_error) {
      last_had_error = true;
      ++uc.episodes_with_error;
    }
  });
}

}  // namespace nprcheck
