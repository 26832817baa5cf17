#pragma once
// Findings and a run manifest for the report tests and the browser test: several level-2 units,
// real codes with their texts from testdata/tables, rule ids and severities of rule set v1.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "nprcheck/finding.hpp"
#include "nprcheck/manifest.hpp"

namespace report_test {

/// Text of a code in testdata/tables/<year>/<system>.csv, empty if absent.
std::string code_text(int year, const std::string& system, const std::string& code);

/// A code of a finding, with its text looked up in the real tables.
nprcheck::FindingCode code(const std::string& value, nprcheck::KodeSystem system, int year);

/// What a fixture holds.
struct Fixture {
  nprcheck::RunManifest manifest;
  std::vector<nprcheck::Finding> findings;  ///< in the stable order (file, episode, rule)
};

/// Options for make_fixture().
struct FixtureOptions {
  bool evil = false;     ///< put `<script>` and formula payloads into names, messages, codes
  bool novelty = false;  ///< mark findings new/persisting and one waived (a run with history)
  int episodes_per_unit = 40;
  uint64_t large_unit_findings = 0;  ///< > 0: one extra unit with this many findings
};

/// Three level-2 units (4201 Kirurgisk klinikk, 4202 Medisinsk klinikk, 4203 Kvinneklinikken),
/// each with a share of episodes with planted findings, in the stable order.
Fixture make_fixture(const FixtureOptions& options = {});

/// Rule set v1 as the manifest lists it (ids, severities, Norwegian titles and what to do).
std::vector<nprcheck::ManifestRule> manifest_rules();

/// Reads a whole file.
std::string read_file(const std::filesystem::path& p);

/// A fresh empty temporary folder, removed by the caller (or left for inspection).
std::filesystem::path temp_dir(const std::string& name);

/// RFC 4180 parse of a `;`-separated CSV text (after the BOM): rows of cells.
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

/// Minimal XML well-formedness check: balanced tags, quoted attributes, entities known, no raw
/// `<` or `&` in text. Returns "" when well-formed, else what is wrong.
std::string xml_problem(const std::string& xml);

}  // namespace report_test
