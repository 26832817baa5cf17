#pragma once
// Counting findings into the run manifest (private to the engine).

#include "nprcheck/manifest.hpp"
#include "nprcheck/report.hpp"

namespace nprcheck {

/// Adds the findings of `source` to `m`: totals, per rule, per severity and per unit (findings,
/// episodes with a finding, episodes with an error). Waived findings count under "waived" only.
/// Findings must come in the stable order (episode after episode).
void tally_findings(RunManifest& m, const FindingSource& source);

}  // namespace nprcheck
