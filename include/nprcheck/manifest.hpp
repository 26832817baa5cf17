#pragma once
/// RunManifest: what a check run used and saw (run.json, history, report headers).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nprcheck/finding.hpp"

namespace nprcheck {

/// One rule as the run used it.
struct ManifestRule {
  std::string id;
  int version = 1;
  Severity severity = Severity::kError;
  std::string title;   ///< Norwegian one-line summary
  std::string source;  ///< the procedure or chapter the rule comes from
  std::string docs;    ///< longer explanation (what to do)
  bool isf = false;    ///< findings can change the DRG grouping (ISF payment)
};

/// One code table file as loaded.
struct ManifestTable {
  std::string system;  ///< ICD10, NCSP, NCMP, NCRP
  int year_from = 0;
  int year_to = 0;  ///< = year_from for yearly snapshot files
  std::string file;
  std::string sha256;
  uint64_t codes = 0;
  std::string layout;  ///< `yearly CSV`, `cumulative CSV` or `JSON`
};

/// One input extract.
struct ManifestInput {
  std::string path;
  uint64_t size = 0;
  std::string sha256;
  uint64_t episodes = 0;
  bool complete = true;           ///< false when an error stopped the file from being fully checked
  std::string melding_versjon;    ///< Melding/@versjon as read (any version is read), e.g. 58.0.1
  std::string melding_namespace;  ///< namespace of the Melding element, e.g. .../58_0_1_ord
};

/// Episodes and findings of one level-2 unit.
struct UnitCounts {
  std::string unit;  ///< reshID of the level-2 unit
  std::string unit_name;
  uint64_t episodes = 0;
  uint64_t episodes_with_error = 0;  ///< episodes with at least one error-severity finding
  uint64_t episodes_with_finding = 0;
  std::map<std::string, uint64_t> per_severity;  ///< "error" -> n
  std::map<std::string, uint64_t> per_rule;      ///< rule id -> n
};

/// Everything run.json records about a run.
struct RunManifest {
  std::string tool_version;
  std::string rules_dir;
  std::string rules_hash;  ///< SHA-256 over the rule files and rule data, in path order
  std::vector<ManifestRule> rules;
  std::string tables_dir;
  std::vector<ManifestTable> tables;
  std::string units_file;  ///< empty when no catalogue was given
  /// Units catalogue gaps: avdeling reshIDs not in the catalogue -> their episodes.
  std::map<std::string, uint64_t> unknown_units;
  /// Rules that read episode.radiologi ran without a units catalogue (no unit is radiology).
  bool units_catalogue_missing = false;
  std::vector<ManifestInput> inputs;
  std::vector<std::string> missing_tables;  ///< "ICD10 2016": years seen without a table
  uint64_t episodes = 0;
  uint64_t findings = 0;
  std::map<std::string, uint64_t> per_rule;
  std::map<std::string, uint64_t> per_severity;
  std::map<std::string, UnitCounts> per_unit;  ///< key: unit reshID
  std::string started;                         ///< ISO 8601 local time
  std::string finished;
  std::string filters;     ///< the ad-hoc filters in force, human-readable; empty if none
  std::string report_set;  ///< the report set folder in OUT (`set-...`) this run wrote
};

}  // namespace nprcheck
