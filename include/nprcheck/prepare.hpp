#pragma once
/// Resolving an episode before rules run: code systems, check dates, avdeling and unit.

#include "nprcheck/code_tables.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/units.hpp"

namespace nprcheck {

/// Fills the "resolved" fields of `episode` (see model.hpp):
/// - each Kode's system (Q resolved through the tables) and check date (diagnoses: the
///   episode's slutt_dato(); procedures: Tiltak start, else Tjeneste start, else innDatoTid);
/// - each Prosedyre's dato;
/// - avdeling (reshID of the Enhet that RefEnhet typeEnhet 7 points to), the level-2 unit and
///   its name from the catalogue (the avdeling itself without one), and the radiology flag.
void prepare_episode(Episode& episode, const CodeTables& tables, const UnitsCatalogue& units);

}  // namespace nprcheck
