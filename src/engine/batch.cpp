// The evaluate stage: prepare, filter, rules, indicators and serialised findings per batch.
#include "batch.hpp"

#include <optional>
#include <string_view>

#include "indicator_stage.hpp"
#include "nprcheck/expr.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/report.hpp"

namespace nprcheck {

namespace {

constexpr const char* kAllProcedureTables = "NCSP/NCMP/NCRP";

/// Adds (system, year) to r.missing unless this batch did so already.
void note_missing(BatchResult& r, const char* system, int year) {
  for (const auto& [s, y] : r.missing_seen) {
    if (y == year && s == system) return;
  }
  r.missing_seen.emplace_back(system, year);
  r.missing.insert({system, year});
}

bool code_is_table_checked(const Kode& k) {
  if (k.kodeverk.size() != 1) return false;
  switch (k.kodeverk[0]) {
    case 'D':
    case 'd':
    case 'Q':
    case 'q':
    case 'K':
    case 'k':
    case 'M':
    case 'm':
    case 'R':
    case 'r':
    case 'S':
    case 's':
    case 'P':
    case 'p':
      return true;
    default:
      return false;
  }
}

/// Records codes whose system has no table for their year (reported once per system and year).
void note_missing_tables(const Episode& e, const CodeTables& tables, BatchResult& r) {
  auto no_procedure_table = [&](int year) {
    return !tables.has_year(KodeSystem::kNcsp, year) && !tables.has_year(KodeSystem::kNcmp, year) &&
           !tables.has_year(KodeSystem::kNcrp, year);
  };
  auto visit = [&](const Kode& k) {
    if (!code_is_table_checked(k)) return;
    int year = k.tables == &tables ? k.ar : k.dato.year();
    const bool procedure = k.system == KodeSystem::kNcsp || k.system == KodeSystem::kNcmp ||
                           k.system == KodeSystem::kNcrp;
    if (k.system == KodeSystem::kOther || (procedure && !tables.has_year(k.system, year))) {
      // A procedure code (or a Q code no table resolved) in a year without its table. When no
      // procedure table covers the year at all (2018 on), one line says so for all three.
      if (no_procedure_table(year)) {
        note_missing(r, kAllProcedureTables, year);
        ++r.unchecked_codes;
      } else if (procedure) {
        note_missing(r, kode_system_name(k.system), year);
        ++r.unchecked_codes;
      }
      return;
    }
    if (!tables.has_year(k.system, year)) {
      note_missing(r, kode_system_name(k.system), year);
      ++r.unchecked_codes;
    }
  };
  for (const auto& t : e.tilstander) {
    for (const auto& k : t.koder) visit(k);
  }
  for (const auto& tt : e.tiltak) {
    for (const auto& p : tt.prosedyrer) {
      for (const auto& k : p.koder) visit(k);
    }
  }
}

bool episode_selected(const Episode& e, const CheckOptions& o) {
  if (!o.episode_id.empty() && e.episode_id != o.episode_id) return false;
  if (!o.unit.empty() && e.unit != o.unit && e.avdeling != o.unit) return false;
  if (o.from && e.inn.day() < o.from->day()) return false;
  if (o.to && e.inn.day() > o.to->day()) return false;
  return true;
}

}  // namespace

BatchResult process_batch(std::vector<Episode>& episodes, const CheckOptions& o,
                          const CodeTables& tables, const UnitsCatalogue& units,
                          const RuleSet& rules, const IndicatorSet* indicators) {
  BatchResult r;
  r.indicators = IndicatorTally(indicators != nullptr ? indicators->size() : 0);
  std::optional<expr::Frame> frame;  // one per batch, re-bound per episode
  EvalContext ctx{&tables, &units};
  std::vector<Finding> findings;
  // The map entries of the last unit and unknown avdeling: consecutive episodes usually share
  // them, so most episodes cost a string compare, not a tree search (map nodes stay put).
  std::string_view last_unit;
  std::pair<std::string, uint64_t>* unit_entry = nullptr;
  std::string_view last_unknown;
  uint64_t* unknown_entry = nullptr;
  for (auto& e : episodes) {
    prepare_episode(e, tables, units);
    if (!episode_selected(e, o)) continue;
    ++r.episodes_checked;
    if (unit_entry == nullptr || e.unit != last_unit) {
      auto it = r.unit_episodes.try_emplace(e.unit).first;
      last_unit = it->first;
      unit_entry = &it->second;
    }
    if (unit_entry->first.empty()) unit_entry->first = e.unit_name;
    ++unit_entry->second;
    note_missing_tables(e, tables, r);
    size_t before = findings.size();
    if (!units.empty() && !e.avdeling.empty() && !e.in_catalogue) {
      if (unknown_entry == nullptr || e.avdeling != last_unknown) {
        auto it = r.unknown_units.try_emplace(e.avdeling).first;
        last_unknown = it->first;
        unknown_entry = &it->second;
      }
      ++*unknown_entry;
    }
    rules.evaluate(e, ctx, findings);
    if (indicators != nullptr) {
      count_indicators(e, findings, before, *indicators, tables, frame, r.indicators);
    }
  }
  for (const auto& f : findings) {
    append_finding_json(r.ndjson, f);
    r.ndjson += '\n';
    append_spill_record(r.spill, f);
  }
  episodes.clear();  // freed here, on the worker, not on the reading thread
  return r;
}

}  // namespace nprcheck
